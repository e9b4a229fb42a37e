import { WorkflowUpdateFailedError } from '@temporalio/client';
import t from 'tap';
import { clockFrom } from '../../../src/platform/clock.js';
import { startTestApp } from '../../helpers/app.js';
import { bearer, createTestWorld } from '../../helpers/identity.js';
import { createTestWorker, startTimeSkippingServer } from '../../helpers/temporal.js';
import { createWiringActivities } from '../../workflows/wiring-activities.js';
import { decide, decisionQuery, wiringWorkflow } from '../../workflows/wiring.js';

const DAY = 24 * 3600 * 1000;
const env = await startTimeSkippingServer();
t.teardown(() => env.teardown());
const workflowsPath = new URL('../../workflows/index.ts', import.meta.url).pathname;
const newWorker = () => createTestWorker(env, workflowsPath, createWiringActivities({ prefix: 'wiring' }));

t.test('an update with a validator: rejected cases change nothing, an accepted one answers synchronously', async (t) => {
  const { worker, taskQueue } = await newWorker();
  await worker.runUntil(async () => {
    const handle = await env.client.workflow.start(wiringWorkflow, {
      taskQueue,
      workflowId: `wiring-update-${Date.now()}`,
      args: [{ waitMs: 5 * DAY }],
    });

    const rejected = handle.executeUpdate(decide, { args: [{ by: 'requester:alice' }] });
    await t.rejects(rejected, WorkflowUpdateFailedError);
    await rejected.catch((error: WorkflowUpdateFailedError) => {
      t.match(String(error.cause?.message), /only a reviewer may decide, not "requester:alice"/);
    });
    t.equal(await handle.query(decisionQuery), undefined, 'a rejected update leaves no trace');

    const decision = await handle.executeUpdate(decide, { args: [{ by: 'reviewer:bob' }] });
    t.equal(decision.by, 'reviewer:bob');
    t.type(decision.decidedAt, 'number');

    await t.rejects(
      handle.executeUpdate(decide, { args: [{ by: 'reviewer:carol' }] }),
      WorkflowUpdateFailedError,
      'a second decision is refused',
    );

    const result = await handle.result();
    t.equal(result.outcome, 'decided');
    t.same(result.outcome === 'decided' && result.decision, decision);
    t.equal(result.stamped, `wiring:decided@${new Date(decision.decidedAt).toISOString()}`, 'the activity received the workflow instant');
  });
});

t.test('a five-day timer is skipped by the test server, and workflow time moves with it', async (t) => {
  const { worker, taskQueue } = await newWorker();
  await worker.runUntil(async () => {
    const wallStart = Date.now();
    const serverStart = await env.currentTimeMs();
    const handle = await env.client.workflow.start(wiringWorkflow, {
      taskQueue,
      workflowId: `wiring-timer-${Date.now()}`,
      args: [{ waitMs: 5 * DAY }],
    });
    const result = await handle.result();
    t.equal(result.outcome, 'timed_out');
    if (result.outcome !== 'timed_out') return;
    t.ok(result.at - serverStart >= 5 * DAY, 'the timer fired five days of workflow time later');
    t.ok(Date.now() - wallStart < 60_000, 'without waiting five real days');
    t.equal(result.stamped, `wiring:timed_out@${new Date(result.at).toISOString()}`);
  });
});

t.test('the API reads business time through the clock port, which follows the test server', async (t) => {
  const harness = await startTestApp({ clock: clockFrom(() => env.currentTimeMs()) });
  t.teardown(harness.close);
  // The business time is told to signed-in users; tokens are issued, and expire, on that clock too.
  const { centerAdmin } = await createTestWorld(harness.database.db);
  const now = async () => {
    const headers = await bearer(harness.config, centerAdmin, new Date(await env.currentTimeMs()));
    return Date.parse((await harness.app.inject({ method: 'GET', url: '/api/v1/system/info', headers })).json().now);
  };
  const before = await now();
  await env.sleep(3 * DAY);
  const after = await now();
  t.ok(after - before >= 3 * DAY, `the API's now moved with the skipped time (${((after - before) / DAY).toFixed(2)} days)`);
  t.ok(after - before < 3 * DAY + 60_000);
});
