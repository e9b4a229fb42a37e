import { and, asc, eq, gt, inArray, sql } from 'drizzle-orm';
import { appendAudit } from '../audit/index.js';
import { Action, Subject } from './rules/abilities.js';
import { authorize, authorizeCreate } from './authorize.js';
import { accessibleWhere } from './sql-filter.js';
import type { Db, Tx } from '../platform/db/client.js';
import { preparedPerDatabase } from '../platform/db/prepared.js';
import { departments, users } from '../platform/db/schema.js';
import { departmentProblems, roleAssignmentProblems, rolesBeyondGrant, type DepartmentLevel, type Role } from './rules/roles.js';
import { ConflictError, ForbiddenError, RuleViolationError } from '../platform/errors.js';
import { enqueueNotification } from '../notifications/index.js';
import { auditActor, type AuthenticatedActor } from './actor.js';

export interface RequestContext {
  db: Db;
  actor: AuthenticatedActor;
  requestId: string;
  now: Date;
}

export type DepartmentRow = typeof departments.$inferSelect;
export type UserRow = typeof users.$inferSelect;

/** Columns the authorization rules may name, per subject (see src/identity/rules/abilities.ts). */
export const userFields = { id: users.id, departmentId: users.departmentId };

// ── Departments ──────────────────────────────────────────────────────────────────────────────

export interface DepartmentInput {
  code: string;
  name: string;
  nameEn?: string | null | undefined;
  level: DepartmentLevel;
  parentCode?: string | null | undefined;
  isDataCenter?: boolean | undefined;
  isCompetentAuthority?: boolean | undefined;
}

export async function listDepartments(db: Db, filter: { level?: DepartmentLevel | undefined; parentId?: string | undefined }) {
  return db
    .select()
    .from(departments)
    .where(
      and(
        filter.level ? eq(departments.level, filter.level) : undefined,
        filter.parentId ? eq(departments.parentId, filter.parentId) : undefined,
      ),
    )
    .orderBy(asc(departments.code));
}

export async function getDepartment(db: Db, id: string): Promise<DepartmentRow | undefined> {
  const [row] = await db.select().from(departments).where(eq(departments.id, id));
  return row;
}

async function departmentByCode(db: Db | Tx, code: string): Promise<DepartmentRow | undefined> {
  const [row] = await db.select().from(departments).where(eq(departments.code, code));
  return row;
}

async function checkDepartmentShape(
  tx: Tx,
  input: { id?: string; level: DepartmentLevel; parentId: string | null; isDataCenter: boolean; isCompetentAuthority: boolean },
) {
  const parent = input.parentId ? await getDepartment(tx, input.parentId) : undefined;
  const problems = departmentProblems({ ...input, parentLevel: parent?.level });
  if (problems.length) throw new RuleViolationError('invalid_department', problems.join('; '), { problems });
  for (const [flag, code, what] of [
    ['isDataCenter', 'data_center_exists', 'the big-data center (市大数据中心)'],
    ['isCompetentAuthority', 'competent_authority_exists', 'the competent authority (公共数据主管部门)'],
  ] as const) {
    if (!input[flag]) continue;
    const [other] = await tx.select({ id: departments.id, code: departments.code }).from(departments).where(eq(departments[flag], true));
    if (other && other.id !== input.id) throw new ConflictError(code, `${other.code} is already ${what}; there is one`);
  }
}

/** The one department flagged as the big-data center, or the competent authority. */
export async function specialDepartment(db: Db | Tx, which: 'center' | 'authority'): Promise<DepartmentRow | undefined> {
  const [row] = await db
    .select()
    .from(departments)
    .where(eq(which === 'center' ? departments.isDataCenter : departments.isCompetentAuthority, true));
  return row;
}

/** Creates a department (center_admin), audited in the same transaction. */
export async function createDepartment(ctx: RequestContext, input: DepartmentInput): Promise<DepartmentRow> {
  authorizeCreate(ctx.actor.ability, Subject.Department, input);
  return createDepartmentAs(ctx.db, input, { actor: auditActor(ctx.actor, 'center_admin'), requestId: ctx.requestId, now: ctx.now });
}

export async function createDepartmentAs(
  db: Db,
  input: DepartmentInput,
  meta: { actor: Parameters<typeof appendAudit>[1]['actor']; requestId?: string; now: Date },
) {
  return db.transaction(async (tx) => {
    if (await departmentByCode(tx, input.code))
      throw new ConflictError('department_code_taken', `A department with code ${input.code} already exists`);
    let parentId: string | null = null;
    if (input.parentCode) {
      const parent = await departmentByCode(tx, input.parentCode);
      if (!parent) throw new RuleViolationError('unknown_parent_department', `No department with code ${input.parentCode}`);
      parentId = parent.id;
    }
    const values = {
      code: input.code,
      name: input.name,
      nameEn: input.nameEn ?? null,
      level: input.level,
      parentId,
      isDataCenter: input.isDataCenter ?? false,
      isCompetentAuthority: input.isCompetentAuthority ?? false,
    };
    await checkDepartmentShape(tx, values);
    const [row] = await tx
      .insert(departments)
      .values({ ...values, createdAt: meta.now, updatedAt: meta.now })
      .returning();
    await appendAudit(tx, {
      actor: meta.actor,
      action: 'department.created',
      subjectType: Subject.Department,
      subjectId: row!.id,
      after: values,
      requestId: meta.requestId ?? null,
      at: meta.now,
    });
    return row!;
  });
}

export interface DepartmentPatch {
  name?: string | undefined;
  nameEn?: string | null | undefined;
  isDataCenter?: boolean | undefined;
  isCompetentAuthority?: boolean | undefined;
}

export async function updateDepartment(ctx: RequestContext, id: string, patch: DepartmentPatch): Promise<DepartmentRow> {
  return ctx.db.transaction(async (tx) => {
    const [current] = await tx.select().from(departments).where(eq(departments.id, id)).for('update');
    const row = authorize(ctx.actor.ability, Action.update, Subject.Department, current);
    const next = { ...row, ...Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) };
    await checkDepartmentShape(tx, next);
    if (patch.isDataCenter !== undefined || patch.isCompetentAuthority !== undefined) {
      // Holders of center, supervisor or auditor roles must still be allowed to hold them.
      const members = await tx.select().from(users).where(eq(users.departmentId, id));
      const invalid = members.filter((u) => roleAssignmentProblems(next, u.roles).length > 0).map((u) => u.username);
      if (invalid.length)
        throw new RuleViolationError(
          'department_flags_conflict_with_roles',
          `Users ${invalid.join(', ')} hold roles this change would make invalid`,
          { users: invalid },
        );
    }
    const [updated] = await tx
      .update(departments)
      .set({
        name: next.name,
        nameEn: next.nameEn,
        isDataCenter: next.isDataCenter,
        isCompetentAuthority: next.isCompetentAuthority,
        updatedAt: ctx.now,
      })
      .where(eq(departments.id, id))
      .returning();
    await appendAudit(tx, {
      actor: auditActor(ctx.actor, 'center_admin'),
      action: 'department.updated',
      subjectType: Subject.Department,
      subjectId: id,
      before: { name: row.name, nameEn: row.nameEn, isDataCenter: row.isDataCenter, isCompetentAuthority: row.isCompetentAuthority },
      after: patch,
      requestId: ctx.requestId,
      at: ctx.now,
    });
    return updated!;
  });
}

// ── Users ────────────────────────────────────────────────────────────────────────────────────

export interface UserInput {
  username: string;
  displayName: string;
  departmentId: string;
  roles: Role[];
}

function checkRoles(department: DepartmentRow, roles: readonly string[]) {
  const problems = roleAssignmentProblems(department, roles);
  if (problems.length) {
    throw new RuleViolationError(
      'invalid_role_assignment',
      problems.map((p) => (p.role ? `${p.role}: ${p.problem}` : p.problem)).join('; '),
      { problems },
    );
  }
}

export async function listUsers(
  ctx: RequestContext,
  filter: {
    departmentId?: string | undefined;
    role?: Role | undefined;
    active?: boolean | undefined;
    afterUsername?: string | undefined;
    limit: number;
  },
): Promise<UserRow[]> {
  const visible = accessibleWhere(ctx.actor.ability, Action.read, Subject.User, userFields);
  return ctx.db
    .select()
    .from(users)
    .where(
      and(
        visible,
        filter.departmentId ? eq(users.departmentId, filter.departmentId) : undefined,
        filter.role ? sql`${filter.role} = any(${users.roles})` : undefined,
        filter.active === undefined ? undefined : eq(users.active, filter.active),
        filter.afterUsername ? gt(users.username, filter.afterUsername) : undefined,
      ),
    )
    .orderBy(asc(users.username))
    .limit(filter.limit);
}

export async function getUser(ctx: RequestContext, id: string): Promise<UserRow> {
  const [row] = await ctx.db.select().from(users).where(eq(users.id, id));
  return authorize(ctx.actor.ability, Action.read, Subject.User, row);
}

function checkGrant(ctx: RequestContext, before: readonly string[], after: readonly string[]): void {
  const beyond = rolesBeyondGrant(ctx.actor.roles, before, after);
  if (beyond.length) throw new ForbiddenError('role_not_grantable', `Only the center administrator grants ${beyond.join(', ')}`);
}

export async function createUser(ctx: RequestContext, input: UserInput): Promise<UserRow> {
  authorizeCreate(ctx.actor.ability, Subject.User, { departmentId: input.departmentId });
  checkGrant(ctx, [], input.roles);
  return createUserAs(ctx.db, input, {
    actor: auditActor(ctx.actor, 'center_admin', 'dept_admin'),
    requestId: ctx.requestId,
    now: ctx.now,
  });
}

export async function createUserAs(
  db: Db,
  input: UserInput,
  meta: { actor: Parameters<typeof appendAudit>[1]['actor']; requestId?: string; now: Date },
) {
  return db.transaction(async (tx) => {
    const [department] = await tx.select().from(departments).where(eq(departments.id, input.departmentId));
    if (!department) throw new RuleViolationError('unknown_department', 'No department with that id');
    checkRoles(department, input.roles);
    const [taken] = await tx.select({ id: users.id }).from(users).where(eq(users.username, input.username));
    if (taken) throw new ConflictError('username_taken', `The username ${input.username} is taken`);
    const [row] = await tx
      .insert(users)
      .values({
        username: input.username,
        displayName: input.displayName,
        departmentId: input.departmentId,
        roles: input.roles,
        createdAt: meta.now,
        updatedAt: meta.now,
      })
      .returning();
    await enqueueNotification(tx, {
      departmentId: row!.departmentId,
      kind: 'user.created',
      subjectType: Subject.User,
      subjectId: row!.id,
      title: '新用户已开通',
      body: `${row!.displayName}（${row!.username}）已开通，角色：${row!.roles.join('、')}`,
      payload: { username: row!.username, roles: row!.roles },
      at: meta.now,
    });
    await appendAudit(tx, {
      actor: meta.actor,
      action: 'user.created',
      subjectType: Subject.User,
      subjectId: row!.id,
      after: { username: row!.username, departmentId: row!.departmentId, roles: row!.roles },
      requestId: meta.requestId ?? null,
      at: meta.now,
    });
    return row!;
  });
}

export interface UserPatch {
  displayName?: string | undefined;
  roles?: Role[] | undefined;
  active?: boolean | undefined;
}

export async function updateUser(ctx: RequestContext, id: string, patch: UserPatch, reason?: string): Promise<UserRow> {
  return ctx.db.transaction(async (tx) => {
    const [current] = await tx.select().from(users).where(eq(users.id, id)).for('update');
    const row = authorize(ctx.actor.ability, Action.update, Subject.User, current);
    if (patch.roles) {
      const [department] = await tx.select().from(departments).where(eq(departments.id, row.departmentId));
      checkRoles(department!, patch.roles);
      checkGrant(ctx, row.roles, patch.roles);
    }
    const adminRoles = ctx.actor.roles.filter((r) => r === 'dept_admin' || r === 'center_admin');
    const dropsOwnAdminRole = patch.roles !== undefined && adminRoles.some((r) => !patch.roles!.includes(r));
    if (id === ctx.actor.userId && (patch.active === false || dropsOwnAdminRole)) {
      throw new RuleViolationError('cannot_lock_yourself_out', 'You cannot deactivate yourself or remove your own administrator role');
    }
    const [updated] = await tx
      .update(users)
      .set({
        ...(patch.displayName !== undefined && { displayName: patch.displayName }),
        ...(patch.roles && { roles: patch.roles }),
        ...(patch.active !== undefined && { active: patch.active }),
        updatedAt: ctx.now,
      })
      .where(eq(users.id, id))
      .returning();
    if (patch.roles || patch.active !== undefined) {
      await enqueueNotification(tx, {
        departmentId: row.departmentId,
        kind: 'user.access_changed',
        subjectType: Subject.User,
        subjectId: id,
        title: '用户权限已变更',
        body: `${updated!.displayName}（${updated!.username}）${updated!.active ? `角色：${updated!.roles.join('、')}` : '已停用'}`,
        payload: { roles: updated!.roles, active: updated!.active },
        at: ctx.now,
      });
    }
    await appendAudit(tx, {
      actor: auditActor(ctx.actor, 'center_admin', 'dept_admin'),
      action: 'user.updated',
      subjectType: Subject.User,
      subjectId: id,
      before: { displayName: row.displayName, roles: row.roles, active: row.active },
      after: patch,
      reason: reason ?? null,
      requestId: ctx.requestId,
      at: ctx.now,
    });
    return updated!;
  });
}

/** Loads the actor for a user id, or nothing when the user is unknown or deactivated. */
export async function loadActiveUser(db: Db, userId: string): Promise<{ user: UserRow; department: DepartmentRow } | undefined> {
  const [row] = await userWithDepartment(db).execute({ userId });
  return row && row.user.active ? row : undefined;
}

/** Every authenticated call reads its user: prepared once per database handle. */
const userWithDepartment = preparedPerDatabase((db) =>
  db
    .select({ user: users, department: departments })
    .from(users)
    .innerJoin(departments, eq(users.departmentId, departments.id))
    .where(eq(users.id, sql.placeholder('userId')))
    .prepare('user_with_department'),
);

export async function findUserByUsername(db: Db, username: string): Promise<UserRow | undefined> {
  const [row] = await db.select().from(users).where(eq(users.username, username));
  return row;
}

/** Demo sign-in's picker: active users, by department. */
export async function listActiveUsersForDemo(db: Db): Promise<UserRow[]> {
  return db.select().from(users).where(eq(users.active, true)).orderBy(asc(users.departmentId), asc(users.username)).limit(500);
}

/** The departments of the demo users, to group them on the sign-in page. */
export async function departmentsByIds(db: Db, ids: string[]): Promise<DepartmentRow[]> {
  return ids.length ? db.select().from(departments).where(inArray(departments.id, ids)).orderBy(asc(departments.code)) : [];
}
