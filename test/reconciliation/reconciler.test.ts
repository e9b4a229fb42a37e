/**
 * The reconciler (对账) against a real Temporal dev server and a real worker on a task queue of
 * its own, in a database of its own (it compares every case of the database): each kind of
 * divergence is made on purpose — a workflow never started, lost, ended; a view the workflow was
 * never told of; a case closed or deleted under a running workflow; a moved clock never announced —
 * one pass repairs each and says so, and the next pass finds nothing. The schedule is created,
 * updated, triggered, and ends the loop that reconciled before it.
 */
import { randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import pino from 'pino';
import t from 'tap';
import { importPublishedSchedules } from '../../src/calendar/index.js';
import { systemClock } from '../../src/platform/clock.js';
import { auditEntries, grants, reconciliationRuns, requests, slaClocks } from '../../src/platform/db/schema.js';
import { connectTemporal } from '../../src/platform/temporal/connection.js';
import { createWorker } from '../../src/platform/temporal/worker.js';
import { ensureReconcilerSchedule, reconcilerScheduleId } from '../../src/reconciliation/index.js';
import { sameView, type RepairRecord, type RunReport } from '../../src/reconciliation/rules/divergence.js';
import { markWorkflowStarted } from '../../src/requests/filing.js';
import { takeAction } from '../../src/requests/steps.js';
import { startRequestWorkflow } from '../../src/requests/workflow-client.js';
import { startGrantWorkflow } from '../../src/grants/service.js';
import { reconciledCases, createActivities } from '../../src/server/activities.js';
import { testConfig } from '../helpers/env.js';
import { openMigratedFreshDatabase } from '../helpers/db.js';
import { grantFor } from '../helpers/grants.js';
import { createRequestWorld, draftFor, fileAs, updateActor, waitFor } from '../helpers/requests.js';

t.setTimeout(300_000);
const { handle } = await openMigratedFreshDatabase(t, 6);
const db = handle.db;
await importPublishedSchedules(db, { actor: { kind: 'system', role: 'script' }, at: new Date() });
const config = testConfig({ TEMPORAL_TASK_QUEUE: `reconciler-${randomUUID()}` });
const settings = config.temporal;
const temporal = connectTemporal(settings);
const client = temporal.client;
const log = pino({ level: 'silent' });
const { worker, connection } = await createWorker({
  settings,
  activities: createActivities({ db, log, clock: systemClock, temporal: { client, taskQueue: settings.taskQueue } }),
  log,
});
const running = worker.run();
t.teardown(async () => {
  worker.shutdown();
  await running;
  await connection.close();
  await temporal.close();
});

const world = await createRequestWorld(db);
const file = () => fileAs(db, world, world.marketRequester, draftFor(world.conditional.id), new Date());
const requestCases = reconciledCases.request;

/** A filed request whose workflow runs and has read its view. */
async function runningRequest() {
  const filed = await file();
  await startRequestWorkflow(client, settings, filed.id);
  await markWorkflowStarted(db, filed.id, new Date());
  const handle = client.workflow.getHandle(requestCases.workflowId(filed.id));
  await waitFor(async () => ((await handle.query('view')) ? true : undefined), 'the workflow to read its request');
  return { id: filed.id, handle, clockId: (await db.select().from(requests).where(eq(requests.id, filed.id)))[0]!.clockId! };
}

const pass = (pageSize: number) =>
  client.workflow.execute<(input: { graceMs: number; pageSize: number }) => Promise<RunReport & { runId: string }>>('reconcilerWorkflow', {
    taskQueue: settings.taskQueue,
    workflowId: `reconciler-test-${randomUUID()}`,
    args: [{ graceMs: 0, pageSize }],
  });

// ── the divergences, each made on purpose ──────────────────────────────────────────────────────
const notStarted = await file(); // as if Temporal had been unreachable at filing
const missing = await file(); // recorded as started, but Temporal has no run of it (history lost)
await markWorkflowStarted(db, missing.id, new Date(Date.now() - 60_000));
const ended = await runningRequest(); // its workflow terminated by hand
const endedRun = (await ended.handle.describe()).runId;
await ended.handle.terminate('test: an operator ended it');
const stale = await runningRequest(); // its deadline moved in the database, the workflow never told
await db.execute(
  sql`update sla_clocks set deadline_at = deadline_at + interval '1 day', deadline_date = deadline_date + 1, version = version + 1 where id = ${stale.clockId}`,
);
const closedUnder = await runningRequest(); // withdrawn in the database behind its workflow's back
await takeAction(db, {
  requestId: closedUnder.id,
  name: 'withdraw',
  input: { reason: '测试：绕过流程撤回', actor: updateActor(world, world.marketRequester, 'requester') },
  stepKey: 'test:withdrawn-behind',
  at: new Date(),
});
const unannounced = await runningRequest(); // a clock moved while Temporal could not be told
await db.execute(
  sql`update sla_clocks set deadline_at = deadline_at + interval '2 days', deadline_date = deadline_date + 2, version = version + 1, announce_pending = true where id = ${unannounced.clockId}`,
);
const grant = await grantFor(db, world, world.marketRequester, world.unconditional.id, ['姓名']); // its row deleted under a running workflow
const grantRequest = (await db.select({ requestId: grants.requestId }).from(grants).where(eq(grants.id, grant.id)))[0]!.requestId;
await startGrantWorkflow(db, { client, settings }, grant.id, new Date());
const grantHandle = client.workflow.getHandle(reconciledCases.grant.workflowId(grant.id));
await waitFor(async () => ((await grantHandle.query('view')) ? true : undefined), 'the grant’s workflow to read its grant');
await db.execute(sql`delete from grant_events where grant_id = ${grant.id}`);
await db.execute(sql`delete from grants where id = ${grant.id}`);

const first = await pass(2); // small pages: the paging is exercised too
const repairsOf = (id: string) => first.repairs.filter((r) => r.caseId === id).map((r) => `${r.divergence}/${r.repair}/${r.done}`);

t.test('one pass repairs each divergence, and says so', async (t) => {
  t.same(repairsOf(notStarted.id), ['workflow_not_started/start/true'], 'a workflow never started: started');
  t.same(repairsOf(grantRequest), ['workflow_not_started/start/true'], '(the grant’s request, filed without one, too)');
  t.same(repairsOf(missing.id), ['workflow_missing/start/true'], 'a workflow Temporal does not hold: started');
  t.same(repairsOf(ended.id), ['workflow_closed/start/true'], 'an ended workflow of an open case: started again');
  t.same(repairsOf(stale.id), ['view_stale/refresh/true'], 'a view the workflow was never told of: refreshed');
  t.same(repairsOf(closedUnder.id), ['case_closed/refresh/true'], 'a running workflow of a closed case: refreshed, so it ends');
  t.same(repairsOf(unannounced.id), ['view_stale/refresh/true', 'clock_unannounced/announce/true'], 'a clock never announced: announced');
  t.same(repairsOf(grant.id), ['case_absent/terminate/true'], 'a workflow of a case the database does not hold: ended');
  t.equal(first.repairs.length, 9, 'nothing else');
  t.equal(first.checked.request.cases, 4, 'the open requests whose workflow had started compared (missing, ended, stale, unannounced)');
  t.equal(first.checked.request.workflows, 3, 'the request workflows running before the pass compared (stale, withdrawn, unannounced)');
  t.equal(first.checked.clocks, 1);
});

t.test('after the repairs the database and the workflows agree', async (t) => {
  for (const id of [notStarted.id, missing.id, ended.id, grantRequest])
    t.equal((await client.workflow.getHandle(requestCases.workflowId(id)).describe()).status.name, 'RUNNING', `request ${id} runs`);
  t.not((await ended.handle.describe()).runId, endedRun, 'the ended one runs as a new run');
  const [row] = await db.select().from(requests).where(eq(requests.id, notStarted.id));
  t.ok(row!.workflowStartedAt, 'and the start is recorded');
  for (const id of [stale.id, unannounced.id, ended.id])
    await waitFor(
      async () =>
        sameView(await client.workflow.getHandle(requestCases.workflowId(id)).query('view'), await requestCases.view(db, id))
          ? true
          : undefined,
      `request ${id}'s workflow to hold the database's view`,
    );
  t.pass('the refreshed and restarted workflows hold the database’s view');
  await waitFor(
    async () => ((await closedUnder.handle.describe()).status.name === 'COMPLETED' ? true : undefined),
    'the withdrawn request’s workflow to end',
  );
  t.pass('the workflow of the request withdrawn behind its back ended');
  t.equal((await grantHandle.describe()).status.name, 'TERMINATED', 'the deleted grant’s workflow was ended');
  const [clock] = await db.select().from(slaClocks).where(eq(slaClocks.id, unannounced.clockId));
  t.equal(clock!.announcePending, false, 'the clock owes no announcement');
});

t.test('the run is kept and audited', async (t) => {
  const [run] = await db.select().from(reconciliationRuns).where(eq(reconciliationRuns.id, first.runId));
  t.equal(run!.repairCount, 9);
  t.same((run!.repairs as RepairRecord[]).map((r) => r.caseId).sort(), first.repairs.map((r) => r.caseId).sort());
  const audited = await db.select().from(auditEntries).where(eq(auditEntries.subjectId, first.runId));
  t.equal(audited.length, 1, 'one audit entry for the run');
  t.match(audited[0], { action: 'reconciliation.repaired', subjectType: 'reconciliation_run', actorRole: 'reconciler' });
});

t.test('the next pass finds nothing to repair (no false divergence)', async (t) => {
  const second = await pass(100);
  t.same(second.repairs, [], JSON.stringify(second.repairs));
  t.equal(second.checked.request.cases, 6, 'every open request compared: the five repaired ones and the grant’s');
});

t.test('the schedule: created, updated, triggered, and the loop before it ended', async (t) => {
  const legacy = await client.workflow.start('requestReconcilerWorkflow', {
    taskQueue: `nobody-polls-${randomUUID()}`,
    workflowId: `request-reconciler:${settings.taskQueue}`,
    args: [{ intervalMs: 60_000, graceMs: 30_000 }],
  });
  const scheduleId = reconcilerScheduleId(settings.taskQueue);
  t.teardown(() => client.schedule.getHandle(scheduleId).delete());
  await ensureReconcilerSchedule(client, settings, { everyMs: 3_600_000 });
  t.equal((await legacy.describe()).status.name, 'TERMINATED', 'the long-running reconciler of earlier versions is ended');
  const schedule = client.schedule.getHandle(scheduleId);
  let described = await schedule.describe();
  t.equal(described.spec.intervals?.[0]?.every, 3_600_000, 'every hour, as asked');
  t.match(described.action, { type: 'startWorkflow', workflowType: 'reconcilerWorkflow', taskQueue: settings.taskQueue });
  await ensureReconcilerSchedule(client, settings, { everyMs: 120_000 }); // a second worker, a new setting
  described = await schedule.describe();
  t.equal(described.spec.intervals?.[0]?.every, 120_000, 'the existing schedule is updated, not doubled');
  const runsBefore = (await db.select({ id: reconciliationRuns.id }).from(reconciliationRuns)).length;
  await schedule.trigger();
  await waitFor(
    async () => ((await db.select({ id: reconciliationRuns.id }).from(reconciliationRuns)).length > runsBefore ? true : undefined),
    'the triggered run to report',
    60,
  );
  t.pass('a triggered run reports like a scheduled one');
});
