import { randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import t from 'tap';
import { appendAudit, appendAuditEntries, ledgerRewriteRights, verifyLedger, type AuditInput } from '../../src/audit/ledger.js';
import { openDatabase, openPostgres } from '../../src/platform/db/client.js';
import { auditEntries } from '../../src/platform/db/schema.js';
import { startTestApp } from '../helpers/app.js';
import { openMigratedFreshDatabase } from '../helpers/db.js';
import { required, testConfig } from '../helpers/env.js';
import { bearer, createTestWorld } from '../helpers/identity.js';

const entry = (subjectId: string, action = 'probe.changed'): AuditInput => ({
  actor: { kind: 'system', role: 'workflow' },
  action,
  subjectType: 'Probe',
  subjectId,
  before: { state: 'a' },
  after: { state: 'b', 中文: '书面说明' },
  reason: 'test',
  requestId: 'req-1',
  at: new Date(),
});

const app = await openDatabase(testConfig().database);
t.teardown(() => app.close());

t.test('concurrent appenders, single entries and batches, keep one valid, gapless chain', async (t) => {
  const subjectId = randomUUID();
  await Promise.all(
    Array.from({ length: 30 }, (_, i) =>
      app.db.transaction(async (tx) => {
        if (i % 3 === 0) await appendAuditEntries(tx, [entry(subjectId, `probe.${i}.a`), entry(subjectId, `probe.${i}.b`)]);
        else await appendAudit(tx, entry(subjectId, `probe.${i}`));
      }),
    ),
  );
  const mine = await app.db.select().from(auditEntries).where(eq(auditEntries.subjectId, subjectId)).orderBy(auditEntries.seq);
  t.equal(mine.length, 40);
  const batch = mine.filter((e) => e.action.startsWith('probe.0.'));
  t.same(
    batch.map((e) => e.action),
    ['probe.0.a', 'probe.0.b'],
    'a batch keeps its order',
  );
  t.equal(batch[1]!.seq, batch[0]!.seq + 1, 'and its entries are adjacent');
  t.equal(batch[1]!.prevHash, batch[0]!.hash);
  const result = await verifyLedger(app.db);
  t.equal(result.valid, true, JSON.stringify(result.firstBreak));
  t.ok(result.checked >= 30);
});

t.test('a rolled-back change leaves no entry; a committed one exactly one', async (t) => {
  const rolledBack = randomUUID();
  await t.rejects(
    app.db.transaction(async (tx) => {
      await appendAudit(tx, entry(rolledBack));
      throw new Error('business rule failed after the audit append');
    }),
  );
  t.equal(await app.db.$count(auditEntries, eq(auditEntries.subjectId, rolledBack)), 0);
  const committed = randomUUID();
  await app.db.transaction((tx) => appendAudit(tx, entry(committed)));
  t.equal(await app.db.$count(auditEntries, eq(auditEntries.subjectId, committed)), 1);
});

t.test("PostgreSQL refuses the application role's UPDATE, DELETE and TRUNCATE on the ledger", async (t) => {
  for (const statement of [sql`update audit_entries set reason = 'x'`, sql`delete from audit_entries`, sql`truncate audit_entries`]) {
    // drizzle wraps the driver's error; PostgreSQL's own message is its cause.
    await t.rejects(app.db.execute(statement), { cause: { message: /permission denied for table audit_entries/ } });
  }
  t.equal((await verifyLedger(app.db)).valid, true);
});

t.test('edits, deletions and reorderings made directly in PostgreSQL are caught by the verifier and the script', async (t) => {
  const { handle: owner } = await openMigratedFreshDatabase(t, 2);
  for (let i = 0; i < 6; i++) await owner.db.transaction((tx) => appendAudit(tx, entry(`s${i}`)));
  t.match(await verifyLedger(owner.db, 4), { valid: true, checked: 6, head: { seq: 6 } });

  await owner.db.execute(sql`update audit_entries set reason = 'rewritten' where seq = 4`);
  t.match(await verifyLedger(owner.db, 4), { valid: false, checked: 3, firstBreak: { seq: 4, problem: 'hash_mismatch' } });
  await owner.db.execute(sql`update audit_entries set reason = 'test' where seq = 4`);
  t.equal((await verifyLedger(owner.db)).valid, true, 'restoring the content restores the chain');

  await owner.db.execute(sql`delete from audit_entries where seq = 2`);
  t.match(await verifyLedger(owner.db), { valid: false, firstBreak: { seq: 3, problem: 'sequence_gap' } });
  await owner.db.execute(sql`update audit_entries set seq = -seq where seq > 2`);
  await owner.db.execute(sql`update audit_entries set seq = -seq - 1 where seq < 0`);
  t.match(
    await verifyLedger(owner.db),
    { valid: false, firstBreak: { seq: 2, problem: 'prev_hash_mismatch' } },
    'renumbering to hide the gap breaks the link',
  );

  // Reorder: swap the contents of two entries (keeping their positions).
  await owner.db.execute(sql`update audit_entries set seq = -1 where seq = 4`);
  await owner.db.execute(sql`update audit_entries set seq = 4 where seq = 3`);
  await owner.db.execute(sql`update audit_entries set seq = 3 where seq = -1`);
  t.match(await verifyLedger(owner.db), { valid: false, firstBreak: { seq: 2 } });
});

t.test('the ledger API: auditors list and verify; dept_admin sees its own department; others are refused', async (t) => {
  const harness = await startTestApp();
  t.teardown(harness.close);
  const world = await createTestWorld(harness.database.db);
  const get = async (url: string, user: Parameters<typeof bearer>[1]) =>
    harness.app.inject({ method: 'GET', url, headers: await bearer(harness.config, user) });

  const verification = await get('/api/v1/audit-entries/verification', world.centerAuditor);
  t.equal(verification.statusCode, 200);
  t.equal(verification.json().valid, true);
  t.equal((await get('/api/v1/audit-entries/verification', world.centerAdmin)).statusCode, 403);

  const created = await harness.app.inject({
    method: 'POST',
    url: '/api/v1/users',
    headers: await bearer(harness.config, world.policeAdmin),
    payload: { username: `audit.${Date.now()}`, displayName: '审计对象', departmentId: world.police.id, roles: ['reviewer'] },
  });
  t.equal(created.statusCode, 201);
  const userId = created.json().id;

  const byAuditor = await get(`/api/v1/audit-entries?subjectType=User&subjectId=${userId}`, world.centerAuditor);
  t.equal(byAuditor.statusCode, 200, byAuditor.body);
  t.equal(byAuditor.json().items.length, 1, 'exactly one entry for the committed change');
  t.match(byAuditor.json().items[0], {
    action: 'user.created',
    actorUserId: world.policeAdmin.id,
    actorDepartmentId: world.police.id,
    actorRole: 'dept_admin',
    requestId: created.headers['x-request-id'],
  });

  const ownDept = await get(`/api/v1/audit-entries?subjectId=${userId}`, world.policeAdmin);
  t.equal(ownDept.json().items.length, 1, 'a dept_admin sees what its department did');
  const otherDept = await get(`/api/v1/audit-entries?subjectId=${userId}`, world.marketAdmin);
  t.same(otherDept.json().items, [], 'but not what others did');
  const byRequester = await get(`/api/v1/audit-entries?subjectId=${userId}`, world.policeRequester);
  t.equal(byRequester.statusCode, 403, 'requesters read no audit: refused, not an empty page');
  t.equal(byRequester.json().code, 'forbidden');

  await harness.app.inject({
    method: 'POST',
    url: '/api/v1/users',
    headers: await bearer(harness.config, world.policeAdmin),
    payload: { username: `audit2.${Date.now()}`, displayName: '审计对象二', departmentId: world.police.id, roles: ['requester'] },
  });
  const firstPage = await get(`/api/v1/audit-entries?actorDepartmentId=${world.police.id}&limit=1`, world.centerAuditor);
  t.type(firstPage.json().nextCursor, 'string');
  t.equal(firstPage.json().items.length, 1);
  const second = await get(
    `/api/v1/audit-entries?actorDepartmentId=${world.police.id}&limit=1&cursor=${firstPage.json().nextCursor}`,
    world.centerAuditor,
  );
  t.equal(second.statusCode, 200, second.body);
  t.equal(second.json().items.length, 1);
  t.ok(second.json().items[0].seq < firstPage.json().items[0].seq, 'newest first, pages do not overlap');
  t.equal(second.json().nextCursor, null, 'the last page says so');
});

t.test('the app role cannot rewrite the ledger; the schema owner could, which production refuses to run as', async (t) => {
  t.same(await ledgerRewriteRights(app.db), [], 'the processes run as a member of gongxiang_app');
  const owner = openPostgres(required('DATABASE_MIGRATION_URL'), 1);
  t.teardown(() => owner.close());
  t.same(await ledgerRewriteRights(owner.db), ['UPDATE', 'DELETE', 'TRUNCATE'], 'the owner holds every right');
});
