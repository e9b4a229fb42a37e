/**
 * The request API while Temporal is down: filing still stands (the reconciler starts the
 * workflow later) and answers without waiting out the client's retries; an action answers 503
 * with a code, changes nothing and may be retried with the same Idempotency-Key. Real HTTP
 * (inject), real PostgreSQL, a real Temporal dev server of the test's own that is stopped.
 */
import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import pino from 'pino';
import t from 'tap';
import { createActivities } from '../../../src/server/activities.js';
import { systemClock } from '../../../src/platform/clock.js';
import { loadConfig } from '../../../src/platform/config.js';
import { auditEntries, requests } from '../../../src/platform/db/schema.js';
import { START_DEADLINE_MS } from '../../../src/requests/workflow-client.js';
import { signalMovedDeadlines } from '../../../src/sla/signals.js';
import { connectTemporal } from '../../../src/platform/temporal/connection.js';
import { createWorker } from '../../../src/platform/temporal/worker.js';
import { startTestApp } from '../../helpers/app.js';
import { testEnv } from '../../helpers/env.js';
import { bearer } from '../../helpers/identity.js';
import { createRequestWorld, draftFor, waitFor } from '../../helpers/requests.js';
import { startOwnTemporal } from '../../helpers/servers.js';

const temporalServer = await startOwnTemporal();
const config = loadConfig(testEnv({ TEMPORAL_ADDRESS: temporalServer.address, TEMPORAL_TASK_QUEUE: `outage-${process.pid}` }));
const temporal = connectTemporal(config.temporal);
const harness = await startTestApp({ config, temporal });
const { app, database } = harness;
const db = database.db;
const log = pino({ level: 'silent' });
const { worker, connection } = await createWorker({
  settings: config.temporal,
  activities: createActivities({ db, log, clock: systemClock }),
  log,
});
const running = worker.run();
t.teardown(async () => {
  await harness.close();
  await temporal.close();
  if (worker.getState() === 'RUNNING') worker.shutdown();
  await running.catch(() => undefined);
  await connection.close().catch(() => undefined);
  await temporalServer.stop();
});

const world = await createRequestWorld(db);
type User = typeof world.marketRequester;
const call = async (method: 'GET' | 'POST', url: string, user: User, payload?: object, headers: Record<string, string> = {}) =>
  app.inject({ method, url: `/api/v1${url}`, headers: { ...(await bearer(config, user)), ...headers }, ...(payload ? { payload } : {}) });
const row = async (id: string) => (await db.select().from(requests).where(eq(requests.id, id)))[0]!;
const auditCount = async (id: string) =>
  (
    await db
      .select({ seq: auditEntries.seq })
      .from(auditEntries)
      .where(and(eq(auditEntries.subjectType, 'Request'), eq(auditEntries.subjectId, id)))
  ).length;

async function file(): Promise<{ id: string; ms: number }> {
  const drafted = await call('POST', '/requests', world.marketRequester, draftFor(world.conditional.id));
  if (drafted.statusCode !== 201) throw new Error(drafted.body);
  const id = drafted.json().request.id as string;
  const commitmentVersion = (await call('GET', '/commitment', world.marketRequester)).json().version as number;
  const started = Date.now();
  const filed = await call('POST', `/requests/${id}/filing`, world.marketRequester, { commitmentVersion, acceptCommitment: true });
  if (filed.statusCode !== 201) throw new Error(filed.body);
  return { id, ms: Date.now() - started };
}

t.test('while Temporal is down, filing stands and actions answer 503 without changing anything', async (t) => {
  const before = await file();
  await waitFor(async () => ((await row(before.id)).state === 'owner_review' ? true : undefined), 'the workflow to open owner review');

  worker.shutdown();
  await running;
  await temporalServer.stop();

  const during = await file();
  const filed = await row(during.id);
  t.match(filed, { state: 'routed', track: 5 }, 'the filing is committed and routed');
  t.ok(filed.number, 'and has its number');
  t.equal(filed.workflowStartedAt, null, 'its workflow is left for the reconciler');
  // Not a speed target: without a deadline the client retries an unreachable server for ~20 s.
  t.ok(during.ms < START_DEADLINE_MS + 5_000, `filing answered in ${during.ms} ms instead of hanging`);

  const auditBefore = await auditCount(before.id);
  const headers = { 'idempotency-key': `outage-approve-${before.id}` };
  const refused = await call('POST', `/requests/${before.id}/approval`, world.policeReviewer, { note: '同意' }, headers);
  t.equal(refused.statusCode, 503, refused.body);
  t.match(refused.json(), { code: 'workflow_engine_timeout', message: /may still take effect/, requestId: String });
  t.equal(refused.headers['retry-after'], '5');
  t.match(await row(before.id), { state: 'owner_review', decidedAt: null }, 'the request did not move');
  t.equal(await auditCount(before.id), auditBefore, 'and nothing was audited');

  const retried = await call('POST', `/requests/${before.id}/approval`, world.policeReviewer, { note: '同意' }, headers);
  t.equal(retried.statusCode, 503, 'a 503 is not remembered under the Idempotency-Key: the retry is tried again');
  t.not(retried.headers['idempotent-replayed'], 'true');

  const read = await call('GET', `/requests/${before.id}`, world.policeReviewer);
  t.equal(read.statusCode, 200, 'reading does not need Temporal');
  t.equal(read.json().request.state, 'owner_review');
});

t.test('a calendar change does not wait out a deadline for every moved clock while Temporal is down', async (t) => {
  t.equal(temporalServer.process.exitCode !== null, true, 'the server is still stopped');
  const moved = ['a', 'b', 'c', 'd'].map((x) => ({
    clockId: randomUUID(),
    version: 2,
    workflowId: `request-${x}`,
    deadlineBefore: '2026-12-01',
    deadlineAfter: '2026-12-02',
    breachedNow: false,
  }));
  const started = Date.now();
  t.equal(
    await signalMovedDeadlines(temporal.client, moved, db),
    0,
    'none delivered: the workflows re-read their clocks at their next timer',
  );
  // Not a speed target: each signal waits up to 5 s, so trying all four would take about 20 s.
  t.ok(Date.now() - started < 10_000, 'the first unanswered signal stops the rest');
});
