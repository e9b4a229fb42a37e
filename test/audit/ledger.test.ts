import { randomUUID } from 'node:crypto';
import { eq, inArray, sql } from 'drizzle-orm';
import t from 'tap';
import {
  appendAudit,
  appendAuditEntries,
  chainedEntryOf,
  ledgerRewriteRights,
  verifyLedger,
  type AuditInput,
} from '../../src/audit/ledger.js';
import { chainOf, entryHash } from '../../src/audit/rules/hash-chain.js';
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

t.test('concurrent appenders, single entries and batches, keep every chain valid and gapless', async (t) => {
  const subjectId = randomUUID();
  // Thirty transactions on one case (one chain) and thirty on thirty cases (spread over the chains).
  const others = Array.from({ length: 30 }, () => randomUUID());
  await Promise.all([
    ...Array.from({ length: 30 }, (_, i) =>
      app.db.transaction(async (tx) => {
        if (i % 3 === 0) await appendAuditEntries(tx, [entry(subjectId, `probe.${i}.a`), entry(subjectId, `probe.${i}.b`)]);
        else if (i % 3 === 1) {
          // Two appends of one transaction with other work between: the second chains to the first
          // from the head the transaction remembers, while the others wait on the chain's lock.
          await appendAudit(tx, entry(subjectId, `probe.${i}.a`));
          await tx.execute(sql`select pg_sleep(0.01)`);
          await appendAudit(tx, entry(subjectId, `probe.${i}.b`));
        } else await appendAudit(tx, entry(subjectId, `probe.${i}`));
      }),
    ),
    ...others.map((other) => app.db.transaction((tx) => appendAudit(tx, entry(other)))),
  ]);
  const mine = await app.db.select().from(auditEntries).where(eq(auditEntries.subjectId, subjectId)).orderBy(auditEntries.seq);
  t.equal(mine.length, 50);
  t.equal(new Set(mine.map((e) => e.chain)).size, 1, "a case's entries stay in one chain");
  const batch = mine.filter((e) => e.action.startsWith('probe.0.'));
  t.same(
    batch.map((e) => e.action),
    ['probe.0.a', 'probe.0.b'],
    'a batch keeps its order',
  );
  t.equal(batch[1]!.chainSeq, batch[0]!.chainSeq + 1, 'and its entries are adjacent in their chain');
  t.equal(batch[1]!.prevHash, batch[0]!.hash);
  t.ok(batch[1]!.seq > batch[0]!.seq, 'and in the ledger’s order');
  const separate = mine.filter((e) => e.action.startsWith('probe.1.'));
  t.same(
    separate.map((e) => [e.action, e.chainSeq - separate[0]!.chainSeq, e.prevHash === separate[0]!.hash]),
    [
      ['probe.1.a', 0, false],
      ['probe.1.b', 1, true],
    ],
    "a transaction's separate appends are adjacent and linked in its chain",
  );
  const spread = await app.db.select({ chain: auditEntries.chain }).from(auditEntries).where(inArray(auditEntries.subjectId, others));
  t.ok(new Set(spread.map((e) => e.chain)).size >= 8, 'thirty cases use many chains');
  const result = await verifyLedger(app.db);
  t.equal(result.valid, true, JSON.stringify(result.firstBreak));
  t.ok(result.checked >= 80);
  t.ok((result.head?.chains.length ?? 0) >= 8);
});

t.test("a transaction's entries about several cases go to its first entry's chain", async (t) => {
  const [first, second] = [randomUUID(), randomUUID()];
  await app.db.transaction(async (tx) => {
    await appendAudit(tx, entry(first));
    await appendAudit(tx, entry(second));
  });
  const rows = await app.db
    .select()
    .from(auditEntries)
    .where(inArray(auditEntries.subjectId, [first, second]))
    .orderBy(auditEntries.seq);
  t.equal(rows.length, 2);
  t.equal(rows[0]!.chain, chainOf('Probe', first));
  t.equal(rows[1]!.chain, rows[0]!.chain, 'one chain, one lock per transaction');
  t.equal(rows[1]!.chainSeq, rows[0]!.chainSeq + 1);
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

t.test('attacks made directly in PostgreSQL as a superuser are caught: the first broken link, or the exported head', async (t) => {
  const { handle: owner } = await openMigratedFreshDatabase(t, 2);
  // One case with six entries in its chain, and others spread over the rest.
  const subject = randomUUID();
  const c = chainOf('Probe', subject);
  for (let i = 0; i < 6; i++) await owner.db.transaction((tx) => appendAudit(tx, entry(subject)));
  for (let i = 0; i < 10;) {
    const other = randomUUID();
    if (chainOf('Probe', other) === c) continue;
    await owner.db.transaction((tx) => appendAudit(tx, entry(other)));
    i++;
  }
  const exec = (statement: ReturnType<typeof sql>) => owner.db.execute(statement);
  const clean = await verifyLedger(owner.db, { batchSize: 4 });
  t.match(clean, { valid: true, checked: 16, firstBreak: null });
  const exported = clean.head!.chains;
  t.match(
    exported.find((h) => h.chain === c),
    { seq: 6 },
  );
  const check = (label: string) => verifyLedger(owner.db, { batchSize: 4, exportedHead: exported }).then((r) => ({ label, ...r }));

  await exec(sql`update audit_entries set reason = 'rewritten' where chain = ${c} and chain_seq = 4`);
  t.match(await check('edit'), { valid: false, firstBreak: { chain: c, seq: 4, problem: 'hash_mismatch' } }, 'an edit');
  await exec(sql`update audit_entries set reason = 'test' where chain = ${c} and chain_seq = 4`);
  t.equal((await check('restored')).valid, true, 'restoring the content restores the chain');

  await exec(sql`delete from audit_entries where chain = ${c} and chain_seq = 2`);
  t.match(await check('delete'), { valid: false, firstBreak: { chain: c, seq: 3, problem: 'sequence_gap' } }, 'a deletion');
  await exec(sql`update audit_entries set chain_seq = -chain_seq where chain = ${c} and chain_seq > 2`);
  await exec(sql`update audit_entries set chain_seq = -chain_seq - 1 where chain = ${c} and chain_seq < 0`);
  t.match(
    await check('renumbered'),
    { valid: false, firstBreak: { chain: c, seq: 2, problem: 'prev_hash_mismatch' } },
    'renumbering to hide the gap breaks the link',
  );
});

t.test('reordering, insertion, moving between chains, and a truncated or rewritten end', async (t) => {
  const { handle: owner } = await openMigratedFreshDatabase(t, 2);
  const subject = randomUUID();
  for (let i = 0; i < 6; i++) await owner.db.transaction((tx) => appendAudit(tx, entry(subject, `probe.${i}`)));
  const c = chainOf('Probe', subject);
  const exec = (statement: ReturnType<typeof sql>) => owner.db.execute(statement);
  const exported = (await verifyLedger(owner.db)).head!.chains;
  const check = () => verifyLedger(owner.db, { exportedHead: exported });
  const snapshot = await owner.db.select().from(auditEntries);
  const restore = async () => {
    await exec(sql`delete from audit_entries`);
    await owner.db.insert(auditEntries).values(snapshot);
    t.equal((await check()).valid, true, 'restored');
  };

  // Reorder: swap the contents of two entries (keeping their positions).
  await exec(sql`update audit_entries set chain_seq = -1 where chain = ${c} and chain_seq = 4`);
  await exec(sql`update audit_entries set chain_seq = 4 where chain = ${c} and chain_seq = 3`);
  await exec(sql`update audit_entries set chain_seq = 3 where chain = ${c} and chain_seq = -1`);
  t.match(await check(), { valid: false, firstBreak: { chain: c, seq: 3 } }, 'a reordering');
  await restore();

  // Insert: a forged entry between 2 and 3, the later ones moved up.
  await exec(sql`update audit_entries set chain_seq = chain_seq + 1000 where chain = ${c} and chain_seq >= 3`);
  await exec(sql`update audit_entries set chain_seq = chain_seq - 999 where chain = ${c} and chain_seq > 1000`);
  const [second] = snapshot.filter((e) => e.chain === c && e.chainSeq === 2);
  await owner.db.insert(auditEntries).values({ ...second!, seq: 999_999, chainSeq: 3, action: 'probe.forged', prevHash: second!.hash });
  t.match(await check(), { valid: false, firstBreak: { chain: c, seq: 3, problem: 'hash_mismatch' } }, 'an insertion');
  await restore();

  // Move an entry to an empty chain: it links to nothing there, and its own chain lost its end.
  const other = (c + 1) % 16;
  await exec(sql`update audit_entries set chain = ${other}, chain_seq = 1 where chain = ${c} and chain_seq = 6`);
  t.match(await check(), { valid: false, firstBreak: { chain: other, seq: 1, problem: 'prev_hash_mismatch' } }, 'a move to another chain');
  await exec(sql`delete from audit_entries where chain = ${other}`);
  t.match(await check(), { valid: false, firstBreak: { chain: c, seq: 6, problem: 'head_missing' } }, 'its own chain lost its end');
  await restore();

  // Truncate: the last two entries deleted — every remaining link holds; only the exported head knows.
  await exec(sql`delete from audit_entries where chain = ${c} and chain_seq > 4`);
  t.match(await verifyLedger(owner.db), { valid: true, checked: 4 }, 'the chain alone cannot tell');
  t.match(await check(), { valid: false, firstBreak: { chain: c, seq: 6, problem: 'head_missing', found: '#4' } }, 'the exported head can');
  await restore();

  // Rewrite from entry 3 on with every hash recomputed: the chain verifies; its end no longer matches.
  const rows = snapshot.filter((e) => e.chain === c).sort((a, b) => a.chainSeq - b.chainSeq);
  let previous = rows[1]!.hash;
  for (const row of rows.slice(2)) {
    const { prevHash: _p, hash: _h, ...stored } = chainedEntryOf(row);
    const content = { ...stored, ...(c === 0 ? {} : { chain: c }), action: row.chainSeq === 3 ? 'probe.rewritten' : row.action };
    const hash = entryHash(previous, content);
    await exec(
      sql`update audit_entries set action = ${content.action}, prev_hash = ${previous}, hash = ${hash} where chain = ${c} and chain_seq = ${row.chainSeq}`,
    );
    previous = hash;
  }
  t.equal((await verifyLedger(owner.db)).valid, true, 'a forger who recomputes every later hash keeps the chain valid');
  t.match(await check(), { valid: false, firstBreak: { chain: c, seq: 6, problem: 'head_mismatch' } }, 'but not the exported end');
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
  const against = await harness.app.inject({
    method: 'POST',
    url: '/api/v1/audit-entries/verification',
    headers: await bearer(harness.config, world.centerAuditor),
    payload: { head: verification.json().head },
  });
  t.equal(against.statusCode, 200, against.body);
  t.match(against.json(), { valid: true, head: { digest: /^[0-9a-f]{64}$/ } }, 'the exported head posted back holds');
  const forged = await harness.app.inject({
    method: 'POST',
    url: '/api/v1/audit-entries/verification',
    headers: await bearer(harness.config, world.centerAuditor),
    payload: { head: { chains: [{ chain: 15, seq: Number.MAX_SAFE_INTEGER, hash: 'a'.repeat(64) }] } },
  });
  t.match(forged.json(), { valid: false, firstBreak: { chain: 15, problem: 'head_missing' } }, 'an end the ledger never had');
  const malformed = await harness.app.inject({
    method: 'POST',
    url: '/api/v1/audit-entries/verification',
    headers: await bearer(harness.config, world.centerAuditor),
    payload: { head: { chains: [{ chain: 16, seq: 1, hash: 'x' }] } },
  });
  t.equal(malformed.statusCode, 400, 'a head outside the contract is refused');

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
