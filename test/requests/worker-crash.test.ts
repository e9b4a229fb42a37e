/**
 * A real worker process is killed with SIGKILL right after the approval's database commit and
 * before its activity completes; a new worker process picks the retried activity up. The step
 * must be recorded exactly once: one timeline entry, one audit entry, one notice per party. And
 * killed inside the action's transaction, after its state was written: nothing of it remains —
 * not the state, not a notice — until the retry commits all of it at once. The workers load the
 * workflow bundle built at release time, as production's do.
 */
import { randomUUID } from 'node:crypto';
import { WorkflowUpdateStage } from '@temporalio/client';
import { and, eq } from 'drizzle-orm';
import t from 'tap';
import { openDatabase } from '../../src/platform/db/client.js';
import { auditEntries, notificationOutbox, requestEvents, requests } from '../../src/platform/db/schema.js';
import { requestWorkflowId } from '../../src/requests/open-step.js';
import { startRequestWorkflow } from '../../src/requests/workflow-client.js';
import { requestUpdates } from '../../workflows/request-api.js';
import { connectTemporal } from '../../src/platform/temporal/connection.js';
import { testConfig } from '../helpers/env.js';
import { prebuiltWorkflowBundle, startWorkerProcess } from '../helpers/worker-process.js';
import { createRequestWorld, draftFor, fileAs, updateActor, waitFor } from '../helpers/requests.js';

const taskQueue = `crash-${randomUUID()}`;
const config = testConfig({ TEMPORAL_TASK_QUEUE: taskQueue });
const database = await openDatabase(config.database);
const db = database.db;
const temporal = connectTemporal(config.temporal);
t.teardown(async () => {
  await temporal.close();
  await database.close();
});
const workflowBundle = await prebuiltWorkflowBundle(t);
const startWorker = (failpoints = '') => startWorkerProcess(taskQueue, failpoints, {}, workflowBundle);

/** Files a track-5 request, lets a worker that dies at `failpoint` open it, and has the owner approve it. */
async function approveWithWorkerDyingAt(t: { teardown: (fn: () => unknown) => void }, failpoint: string) {
  const world = await createRequestWorld(db);
  const filed = await fileAs(db, world, world.marketRequester, draftFor(world.conditional.id), new Date());
  const first = startWorker(failpoint);
  t.teardown(() => void first.child.kill('SIGKILL'));
  await startRequestWorkflow(temporal.client, config.temporal, filed.id);
  await waitFor(
    async () => ((await db.select().from(requests).where(eq(requests.id, filed.id)))[0]!.state === 'owner_review' ? true : undefined),
    'owner review',
    90,
  );
  const handle = temporal.client.workflow.getHandle(requestWorkflowId(filed.id));
  const update = await handle.startUpdate(requestUpdates.approve, {
    args: [{ actor: updateActor(world, world.policeReviewer, 'owner') }],
    waitForStage: WorkflowUpdateStage.ACCEPTED,
  });
  return { world, filed, first, update };
}

t.test('SIGKILL between the approval commit and the activity completion: the step happens once', async (t) => {
  const { world, filed, first, update } = await approveWithWorkerDyingAt(t, 'request.approve.committed');
  const died = await first.exited;
  t.equal(died.signal, 'SIGKILL', 'the worker died at the failpoint');
  t.match(died.stderr, /failpoint request\.approve\.committed reached/);
  const approvedEvents = () =>
    db
      .select()
      .from(requestEvents)
      .where(and(eq(requestEvents.requestId, filed.id), eq(requestEvents.kind, 'approved')));
  t.equal((await approvedEvents()).length, 1, 'the approval was committed before the kill');

  const second = startWorker();
  t.teardown(async () => {
    second.child.kill('SIGTERM');
    await second.exited;
  });
  const view = (await update.result()) as { state: string };
  t.equal(view.state, 'provisioning', 'the retried activity completed the step');

  t.equal((await approvedEvents()).length, 1, 'one timeline entry');
  const audit = await db
    .select()
    .from(auditEntries)
    .where(and(eq(auditEntries.subjectId, filed.id), eq(auditEntries.action, 'request.approved')));
  t.equal(audit.length, 1, 'one audit entry');
  const notices = await db
    .select()
    .from(notificationOutbox)
    .where(and(eq(notificationOutbox.subjectId, filed.id), eq(notificationOutbox.kind, 'request.approved')));
  t.same(notices.map((n) => n.departmentId).sort(), [world.market.id, world.police.id].sort(), 'one notice to each party');
  const provisioning = await db
    .select()
    .from(requestEvents)
    .where(and(eq(requestEvents.requestId, filed.id), eq(requestEvents.kind, 'provisioning_started')));
  t.equal(provisioning.length, 1);
  const [row] = await db.select().from(requests).where(eq(requests.id, filed.id));
  t.match(row, { state: 'provisioning', decidedAt: Date });
});

t.test(
  'SIGKILL inside an action after its state was written: neither the state nor a notice survives; the retry commits all',
  async (t) => {
    const { world, filed, first, update } = await approveWithWorkerDyingAt(t, 'request.approved.state_written');
    const died = await first.exited;
    t.equal(died.signal, 'SIGKILL', 'the worker died inside the transaction');
    t.match(died.stderr, /failpoint request\.approved\.state_written reached/);
    const [row] = await db.select().from(requests).where(eq(requests.id, filed.id));
    t.equal(row!.state, 'owner_review', 'the state write rolled back with the transaction');
    const notices = () =>
      db
        .select()
        .from(notificationOutbox)
        .where(and(eq(notificationOutbox.subjectId, filed.id), eq(notificationOutbox.kind, 'request.approved')));
    t.same(await notices(), [], 'and no notice of it was written');
    t.equal(
      await db.$count(auditEntries, and(eq(auditEntries.subjectId, filed.id), eq(auditEntries.action, 'request.approved'))),
      0,
      'nor an audit entry',
    );

    const second = startWorker();
    t.teardown(async () => {
      second.child.kill('SIGTERM');
      await second.exited;
    });
    const view = await update.result();
    t.equal(view.state, 'provisioning', 'the retried activity committed the approval and the provisioning it starts');
    t.same((await notices()).map((n) => n.departmentId).sort(), [world.market.id, world.police.id].sort(), 'with its notices, once');
  },
);
