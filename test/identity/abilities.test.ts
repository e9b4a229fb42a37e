import { randomUUID } from 'node:crypto';
import { AbilityBuilder, createMongoAbility, subject } from '@casl/ability';
import { and, inArray } from 'drizzle-orm';
import fc from 'fast-check';
import t from 'tap';
import { Action, defineAbilityFor, Subject, type Actor } from '../../src/identity/rules/abilities.js';
import { accessibleWhere } from '../../src/identity/sql-filter.js';
import { appendAudit } from '../../src/audit/ledger.js';
import { openDatabase } from '../../src/platform/db/client.js';
import { auditEntries, users } from '../../src/platform/db/schema.js';
import { roleAssignmentProblems, ROLES, type Role } from '../../src/identity/rules/roles.js';
import { userFields } from '../../src/identity/service.js';
import { auditFields } from '../../src/audit/routes.js';
import { testConfig } from '../helpers/env.js';
import { createTestUser, createTestWorld } from '../helpers/identity.js';

const database = await openDatabase(testConfig().database);
t.teardown(() => database.close());
const db = database.db;
const world = await createTestWorld(db);
const departmentsList = [world.center, world.authority, world.police, world.market];

const actorOf = (departmentIndex: number, roles: Role[], userId: string = randomUUID()): Actor => {
  const d = departmentsList[departmentIndex]!;
  return { userId, departmentId: d.id, roles, department: { isDataCenter: d.isDataCenter, isCompetentAuthority: d.isCompetentAuthority } };
};

t.test("each role's abilities on users and departments", async (t) => {
  const police = world.police.id;
  const market = world.market.id;
  const cases: [Role[], number, Action, string, Record<string, unknown>, boolean][] = [
    [['requester'], 2, Action.read, Subject.User, { id: 'me', departmentId: police }, true],
    [['requester'], 2, Action.read, Subject.User, { id: 'colleague', departmentId: police }, false],
    [['requester'], 2, Action.update, Subject.User, { id: 'me', departmentId: police }, false],
    [['requester'], 2, Action.read, Subject.Department, { id: market }, true],
    [['requester'], 2, Action.update, Subject.Department, { id: police }, false],
    [['dept_admin'], 2, Action.update, Subject.User, { id: 'colleague', departmentId: police }, true],
    [['dept_admin'], 2, Action.read, Subject.User, { id: 'other', departmentId: market }, false],
    [['dept_admin'], 2, Action.create, Subject.Webhook, { departmentId: police }, true],
    [['dept_admin'], 2, Action.create, Subject.Webhook, { departmentId: market }, false],
    [['center_admin'], 0, Action.update, Subject.Department, { id: market }, true],
    [['center_admin'], 0, Action.create, Subject.User, { departmentId: market }, true],
    [['center_operator'], 0, Action.read, Subject.User, { departmentId: market }, true],
    [['center_operator'], 0, Action.update, Subject.User, { departmentId: market }, false],
    [['center_operator'], 0, Action.read, Subject.WebhookDelivery, { departmentId: market }, true],
    [['supervisor'], 1, Action.read, Subject.User, { departmentId: market }, true],
    [['supervisor'], 1, Action.update, Subject.User, { departmentId: market }, false],
    [['auditor'], 0, Action.read, Subject.AuditEntry, { actorDepartmentId: market }, true],
    [['auditor'], 0, Action.verify, Subject.AuditLedger, {}, true],
    [['auditor'], 0, Action.update, Subject.User, { departmentId: market }, false],
    [['auditor'], 0, Action.create, Subject.Department, {}, false],
    [['dept_admin'], 2, Action.read, Subject.AuditEntry, { actorDepartmentId: police }, true],
    [['dept_admin'], 2, Action.read, Subject.AuditEntry, { actorDepartmentId: market }, false],
    [['center_admin'], 0, Action.verify, Subject.AuditLedger, {}, false],
    [['requester'], 2, Action.read, Subject.Notification, { departmentId: police }, true],
    [['requester'], 2, Action.read, Subject.Notification, { departmentId: market }, false],
  ];
  for (const [roles, dept, action, type, row, expected] of cases) {
    const ability = defineAbilityFor(actorOf(dept, roles, 'me'));
    t.equal(
      ability.can(action, subject(type as never, { ...row }) as never),
      expected,
      `${roles.join('+')} ${action} ${type} ${JSON.stringify(row)}`,
    );
  }
});

t.test('rules that cannot be translated to SQL throw instead of widening a list', async (t) => {
  const { can, build } = new AbilityBuilder(createMongoAbility);
  can('read', 'User', { username: 'x' });
  t.throws(() => accessibleWhere(build(), 'read', 'User', userFields), /User\.username has no column mapping/);
  const second = new AbilityBuilder(createMongoAbility);
  second.can('read', 'User', { departmentId: { $regex: '^a' } });
  t.throws(() => accessibleWhere(second.build(), 'read', 'User', userFields), /unsupported operator/);
  const none = new AbilityBuilder(createMongoAbility).build();
  const nothing = await database.db
    .select({ id: users.id })
    .from(users)
    .where(accessibleWhere(none, 'read', 'User', userFields));
  t.same(nothing, [], 'no rule: the filter selects no row at all');
});

/** Random valid role sets for a department kind. */
const rolesArb = fc.subarray([...ROLES], { minLength: 1, maxLength: 3 });

t.test('property: the SQL-filtered user list equals the rows ability.can() reads', async (t) => {
  const rows = [
    world.centerAdmin,
    world.centerOperator,
    world.centerAuditor,
    world.supervisor,
    world.policeAdmin,
    world.policeRequester,
    world.policeReviewer,
    world.marketAdmin,
    world.marketRequester,
  ];
  for (let i = 0; i < 8; i++) rows.push(await createTestUser(db, departmentsList[2 + (i % 2)]!, ['requester']));
  const ids = rows.map((r) => r.id);
  await fc.assert(
    fc.asyncProperty(fc.nat({ max: 3 }), rolesArb, fc.option(fc.nat({ max: rows.length - 1 })), async (dept, roles, self) => {
      const department = departmentsList[dept]!;
      if (roleAssignmentProblems(department, roles).length) return true; // only users that can exist
      const ability = defineAbilityFor(actorOf(dept, roles, self === null ? randomUUID() : rows[self]!.id));
      const where = accessibleWhere(ability, Action.read, Subject.User, userFields);
      const bySql = (
        await db
          .select({ id: users.id })
          .from(users)
          .where(and(where, inArray(users.id, ids)))
      )
        .map((r) => r.id)
        .sort();
      const byAbility = rows
        .filter((r) => ability.can(Action.read, subject(Subject.User, { ...r }) as never))
        .map((r) => r.id)
        .sort();
      t.same(bySql, byAbility);
      return JSON.stringify(bySql) === JSON.stringify(byAbility);
    }),
    { numRuns: 60 },
  );
});

t.test('property: the SQL-filtered audit list equals the entries ability.can() reads', async (t) => {
  const subjectId = randomUUID();
  await db.transaction(async (tx) => {
    for (const [i, actor] of [world.policeAdmin, world.marketAdmin, world.centerAdmin, world.policeRequester].entries()) {
      await appendAudit(tx, {
        actor: { kind: 'user', userId: actor.id, departmentId: actor.departmentId, role: actor.roles[0]! },
        action: `probe.${i}`,
        subjectType: 'Probe',
        subjectId,
        at: new Date(),
      });
    }
    await appendAudit(tx, {
      actor: { kind: 'system', role: 'workflow' },
      action: 'probe.system',
      subjectType: 'Probe',
      subjectId,
      at: new Date(),
    });
  });
  const rows = await db
    .select()
    .from(auditEntries)
    .where(inArray(auditEntries.subjectId, [subjectId]));
  t.equal(rows.length, 5);
  await fc.assert(
    fc.asyncProperty(fc.nat({ max: 3 }), rolesArb, async (dept, roles) => {
      const department = departmentsList[dept]!;
      if (roleAssignmentProblems(department, roles).length) return true;
      const ability = defineAbilityFor(actorOf(dept, roles));
      const where = accessibleWhere(ability, Action.read, Subject.AuditEntry, auditFields);
      const bySql = (
        await db
          .select({ seq: auditEntries.seq })
          .from(auditEntries)
          .where(and(where, inArray(auditEntries.subjectId, [subjectId])))
      )
        .map((r) => r.seq)
        .sort();
      const byAbility = rows
        .filter((r) => ability.can(Action.read, subject(Subject.AuditEntry, { ...r }) as never))
        .map((r) => r.seq)
        .sort();
      return JSON.stringify(bySql) === JSON.stringify(byAbility);
    }),
    { numRuns: 60 },
  );
});
