/**
 * Nothing lost, nothing doubled, whatever fails (issue #18, reliability): requests on each track
 * (track 15 in its three-party coordination, 三方协调), grants and an objection, all with a timed
 * step due at once, kept by real worker processes on a PostgreSQL cluster and a Temporal server of
 * the test's own. The first worker is SIGKILLed right after its first breach commits; its
 * successor sees Temporal stopped and restarted (its SQLite file kept, as a cluster keeps its
 * store) and PostgreSQL crash-stopped and restarted under it (every activity then fails
 * transiently and is retried). After recovery: every timed step fired exactly once, no timeline
 * entry, supervision notice, notice or audit entry twice, the ledger intact, no workflow failed —
 * and a reconciler pass finds the database and the workflows in agreement.
 */
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { sql, type SQL } from 'drizzle-orm';
import pg from 'pg';
import t from 'tap';
import { verifyLedger } from '../../src/audit/index.js';
import { importPublishedSchedules } from '../../src/calendar/index.js';
import { openPostgres } from '../../src/platform/db/client.js';
import { migrateDatabase } from '../../src/platform/db/migrate.js';
import type { RunReport } from '../../src/reconciliation/rules/divergence.js';
import { startGrantWorkflow } from '../../src/grants/service.js';
import { startObjectionWorkflow } from '../../src/objections/service.js';
import { raiseObjection } from '../../src/objections/raise.js';
import { markWorkflowStarted } from '../../src/requests/filing.js';
import { startRequestWorkflow } from '../../src/requests/workflow-client.js';
import { DEFAULT_POLICY_NAME } from '../../src/requests/rules/policy.js';
import { clockChanged } from '../../workflows/case-api.js';
import { testConfig } from '../helpers/env.js';
import { actingAs } from '../helpers/identity.js';
import { createObjectionWorld, RECORD } from '../helpers/objections.js';
import { draftFor, fileAs } from '../helpers/requests.js';
import { startOwnPostgres, startOwnTemporal } from '../helpers/servers.js';
import { startWorkerProcess, type WorkerProcess } from '../helpers/worker-process.js';

t.setTimeout(600_000);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ── servers of its own ───────────────────────────────────────────────────────────────────────────
const cluster = await startOwnPostgres();
t.teardown(() => cluster.destroy());
const admin = new pg.Client({ connectionString: cluster.url });
await admin.connect();
await admin.query('create database gongxiang');
await admin.end();
const databaseUrl = cluster.url.replace(/\/postgres$/, '/gongxiang');
const handle = openPostgres(databaseUrl, 4);
t.teardown(() => handle.close());
const db = handle.db;
await migrateDatabase(handle);
await importPublishedSchedules(db, { actor: { kind: 'system', role: 'script' }, at: new Date() });
const temporalServer = await startOwnTemporal({ persistent: true });
t.teardown(() => temporalServer.stop());
const connection = await Connection.connect({ address: temporalServer.address });
t.teardown(() => connection.close());
const client = new Client({ connection });
const settings = { ...testConfig().temporal, address: temporalServer.address, taskQueue: `faults-${randomUUID()}` };
const servers = { databaseUrl, temporalAddress: temporalServer.address };

const workers: WorkerProcess[] = [];
t.teardown(async () => {
  for (const w of workers) if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGKILL');
  await Promise.all(workers.map((w) => w.exited));
});
// Should the file die before its teardowns run, its processes and servers die with it (all synchronous).
process.once('exit', () => {
  for (const w of workers) w.child.kill('SIGKILL');
  temporalServer.process.kill('SIGKILL');
  void cluster.destroy();
});
const startWorker = (failpoints = '') => {
  const worker = startWorkerProcess(settings.taskQueue, failpoints, servers);
  workers.push(worker);
  return worker;
};

async function rows<T>(query: SQL): Promise<T[]> {
  const result: unknown = await db.execute(query);
  return (result as { rows: T[] }).rows;
}

// ── cases, each with a timed step due as soon as its workflow reads it ─────────────────────────────
const world = await createObjectionWorld(db, { validTo: new Date(Date.now() + 2 * 24 * 60 * 60 * 1000) });
const longAgo = new Date(Date.now() - 20 * 24 * 60 * 60 * 1000); // filed 20 days ago: every first step overdue
const track5 = await fileAs(db, world, world.marketRequester, draftFor(world.conditional.id), longAgo);
const track1 = await fileAs(db, world, world.marketRequester, draftFor(world.unconditional.id, { fields: ['姓名', '性别'] }), longAgo);
const track15 = await fileAs(db, world, world.marketRequester, draftFor(world.notAggregated.id, { fields: ['号牌号码'] }), longAgo);
const objectionId = await raiseObjection(actingAs(db, world)(world.marketRequester), DEFAULT_POLICY_NAME, {
  grantId: world.grants.plain.id,
  recordKey: RECORD,
  field: '户籍地址',
  valueReceived: '旧址',
  valueClaimed: '新址',
  reason: '与本部门登记不一致',
});
// The center's acceptance step ran out two days ago.
await db.execute(sql`update sla_clocks set deadline_at = now() - interval '2 days', deadline_date = current_date - 2
  where id = (select clock_id from objections where id = ${objectionId})`);
// One grant ends within two days (its reminder is due), one ended yesterday (its expiry is due).
await db.execute(sql`update grants set valid_to = now() - interval '1 day' where id = ${world.grants.fused.id}`);

const requestIds = (await rows<{ id: string }>(sql`select id from requests where filed_at is not null`)).map((r) => r.id);
const grantIds = [world.grants.plain.id, world.grants.fused.id];

// ── the first worker dies right after its first breach commits ──────────────────────────────────
const first = startWorker('request.breach.committed');
for (const id of requestIds) {
  await startRequestWorkflow(client, settings, id);
  await markWorkflowStarted(db, id, new Date());
}
for (const id of grantIds) await startGrantWorkflow(db, { client, settings }, id, new Date());
await startObjectionWorkflow(db, { client, settings }, objectionId, new Date());
// Track 15's coordination step counts from its opening: moved two days into the past as a calendar
// correction would move it, and announced to its workflow as the clock service does.
const coordinationClock = await (async () => {
  for (let i = 0; i < 60; i++) {
    const [row] = await rows<{ clock_id: string | null }>(sql`select clock_id from requests where id = ${track15.id}`);
    if (row?.clock_id) return row.clock_id;
    await sleep(500);
  }
  throw new Error('the coordination step never opened');
})();
const [moved] = await rows<{ version: number }>(sql`update sla_clocks set deadline_at = now() - interval '2 days',
  deadline_date = current_date - 2, version = version + 1 where id = ${coordinationClock} returning version`);
await client.workflow.getHandle(`request-${track15.id}`).signal(clockChanged, { clockId: coordinationClock, version: moved!.version });
const killed = await Promise.race([
  first.exited,
  sleep(120_000).then(() => {
    throw new Error('the first worker never reached its failpoint');
  }),
]);

// ── its successor, under a Temporal restart and a PostgreSQL crash ─────────────────────────────────
const second = startWorker();
await sleep(8_000); // booted and working
await temporalServer.stop();
await sleep(3_000);
await temporalServer.start();
await sleep(5_000);
await cluster.stop(); // immediate: connections cut mid-transaction
await sleep(3_000);
await cluster.start();

/** Waits until `read` says yes, polling; the servers just came back. */
async function until(read: () => Promise<boolean>, what: string, seconds = 180, explain?: () => Promise<string>): Promise<void> {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    try {
      if (await read()) return;
    } catch {
      // a connection cut by the restart: try again
    }
    if (Date.now() > deadline)
      throw new Error(
        `timed out waiting for ${what}: ${(await explain?.().catch(String)) ?? ''}; the worker said: ${second.stderr().slice(-3000)}`,
      );
    await sleep(1_000);
  }
}

const fired = (kinds: string[]) =>
  rows<{ subject: string; kind: string; n: string }>(sql`
    select request_id::text as subject, kind, count(*)::text as n from request_events
      where request_id = any(${sql.param(requestIds)}::uuid[]) and kind = any(${sql.param(kinds)}::text[]) group by 1, 2
    union all
    select grant_id::text, kind, count(*)::text from grant_events
      where grant_id = any(${sql.param(grantIds)}::uuid[]) and kind = any(${sql.param(kinds)}::text[]) group by 1, 2
    union all
    select objection_id::text, kind, count(*)::text from objection_events
      where objection_id = ${objectionId} and kind = any(${sql.param(kinds)}::text[]) group by 1, 2`);

const TIMED = ['deadline_breached', 'reminded', 'expired', 'escalated_level_two'];

t.test('after the faults, every due timed step fires and every notice is delivered', async (t) => {
  await until(
    async () => {
      const seen = new Set((await fired(TIMED)).map((r) => `${r.subject}:${r.kind}`));
      return (
        [track5.id, track1.id, track15.id, objectionId].every((id) => seen.has(`${id}:deadline_breached`)) &&
        seen.has(`${world.grants.plain.id}:reminded`) &&
        seen.has(`${world.grants.fused.id}:expired`)
      );
    },
    'every due timed step to fire',
    180,
    async () => JSON.stringify(await fired(TIMED)),
  );
  t.pass('the breaches of the track-1, track-5 and track-15 requests and the objection, the grants’ reminder and expiry');
  await until(
    async () =>
      Number((await rows<{ n: string }>(sql`select count(*) as n from notification_outbox where dispatched_at is null`))[0]!.n) === 0,
    'every notice to reach its inbox',
  );
  t.pass('every notice dispatched');
});

t.test('the first worker died where it was told to, after its commit', async (t) => {
  t.equal(killed.signal, 'SIGKILL');
  t.match(killed.stderr, /failpoint request\.breach\.committed reached/);
  t.equal(second.child.exitCode, null, 'the second worker rode out both restarts');
});

t.test('every timed step fired exactly once', async (t) => {
  const counts = await fired(TIMED);
  const twice = counts.filter((r) => Number(r.n) > 1);
  t.same(twice, [], 'no timed step recorded twice');
  for (const id of [track5.id, track1.id, track15.id, objectionId])
    t.ok(
      counts.some((r) => r.subject === id && r.kind === 'deadline_breached'),
      `the breach of ${id === objectionId ? 'the objection' : 'a request'}`,
    );
  t.ok(
    counts.some((r) => r.subject === world.grants.plain.id && r.kind === 'reminded'),
    'the grant’s reminder',
  );
  t.ok(
    counts.some((r) => r.subject === world.grants.fused.id && r.kind === 'expired'),
    'the ended grant’s expiry',
  );
  const clockEvents = await rows<{ clock_id: string; kind: string; n: string }>(
    sql`select clock_id, kind, count(*)::text as n from sla_clock_events where kind in ('reminded', 'breached') group by 1, 2 having count(*) > 1`,
  );
  t.same(clockEvents, [], 'no clock reminded or breached twice');
  const supervisions = await rows<{ clock_id: string; level: number; n: string }>(
    sql`select clock_id, level, count(*)::text as n from supervisions group by 1, 2 having count(*) > 1`,
  );
  t.same(supervisions, [], 'no supervision notice (督办) twice at a level');
});

t.test('no notice, inbox message or audit entry twice; the ledger intact', async (t) => {
  const notices = await rows<{ kind: string; subject_id: string; n: string }>(
    sql`select kind, subject_id, count(*)::text as n from notification_outbox group by department_id, kind, subject_id, title having count(*) > 1`,
  );
  t.same(notices, [], 'no notice twice to a department');
  const inbox = await rows<{ n: string }>(
    sql`select count(*)::text as n from (select outbox_id from inbox_messages group by outbox_id having count(*) > 1) d`,
  );
  t.equal(inbox[0]!.n, '0', 'no notice twice in an inbox');
  const timed = await rows<{ subject_id: string; action: string; n: string }>(
    sql`select subject_id, action, count(*)::text as n from audit_entries
        where action ~ '(breach|remind|expire|escalat)' group by 1, 2 having count(*) > 1`,
  );
  t.same(timed, [], 'no timed step audited twice');
  const ledger = await verifyLedger(db);
  t.ok(ledger.valid, `the audit ledger is intact (${ledger.checked} entries)`);
});

t.test('no workflow failed, and the reconciler finds the database and the workflows in agreement', async (t) => {
  const ids = [...requestIds.map((id) => `request-${id}`), ...grantIds.map((id) => `grant-${id}`), `objection-${objectionId}`];
  for (const id of ids) {
    const status = (await client.workflow.getHandle(id).describe()).status.name;
    t.ok(['RUNNING', 'COMPLETED'].includes(status), `${id}: ${status}`);
  }
  const pass = await client.workflow.execute<(input: { graceMs: number; pageSize: number }) => Promise<RunReport>>('reconcilerWorkflow', {
    taskQueue: settings.taskQueue,
    workflowId: `faults-reconciler-${randomUUID()}`,
    args: [{ graceMs: 0, pageSize: 100 }],
  });
  t.same(pass.repairs, [], 'nothing to repair');
  t.ok(pass.checked.request.cases >= 3 && pass.checked.objection.cases === 1, 'the open cases were compared');
});
