/**
 * An objection in verification while a real worker process dies (SIGKILL) and another takes over,
 * on the real Temporal dev server and PostgreSQL: the police's verification of their task, with the
 * conclusion it brings (the result, the center's feedback step), must be recorded exactly once —
 * killed right after the step's commit and before its activity completed, and killed inside the
 * step's transaction after the state was written (nothing of it may remain until the retry).
 */
import { randomUUID } from 'node:crypto';
import { WorkflowUpdateStage } from '@temporalio/client';
import { and, eq, like } from 'drizzle-orm';
import t, { type Test } from 'tap';
import { objectionUpdates, objectionWorkflowId } from '../../workflows/objection-api.js';
import { openDatabase } from '../../src/platform/db/client.js';
import { auditEntries, notificationOutbox, objectionEvents, objections, objectionTasks, slaClocks } from '../../src/platform/db/schema.js';
import { connectTemporal } from '../../src/platform/temporal/connection.js';
import { raiseObjection } from '../../src/objections/raise.js';
import { startObjectionWorkflow } from '../../src/objections/service.js';
import type { ObjectionActor } from '../../src/objections/rules/actions.js';
import type { ObjectionView } from '../../src/objections/rules/view.js';
import { DEFAULT_POLICY_NAME } from '../../src/requests/rules/policy.js';
import { testConfig } from '../helpers/env.js';
import { startWorkerProcess } from '../helpers/worker-process.js';
import { createObjectionWorld, RECORD } from '../helpers/objections.js';

const taskQueue = `objection-crash-${randomUUID()}`;
const config = testConfig({ TEMPORAL_TASK_QUEUE: taskQueue });
const database = await openDatabase(config.database);
const db = database.db;
const temporal = connectTemporal(config.temporal);
t.teardown(async () => {
  await temporal.close();
  await database.close();
});
// Connect before a worker process starts bundling its workflows: on a loaded machine the lazy
// connection's first call could otherwise spend the workflow start's whole deadline connecting.
await temporal.ping(60_000);
const startWorker = (failpoints = '') => startWorkerProcess(taskQueue, failpoints);

const actorOf = (user: { id: string; departmentId: string }, role: string, party: ObjectionActor['party']): ObjectionActor => ({
  userId: user.id,
  departmentId: user.departmentId,
  role,
  party,
  httpRequestId: null,
});

/**
 * Raises an objection on plain police data, lets a worker that dies at `failpoint` accept it (the
 * police's task opens), and has the police's reviewer verify the task as corrected.
 */
async function verifyWithWorkerDyingAt(t: { teardown: (fn: () => unknown) => void }, failpoint: string) {
  const world = await createObjectionWorld(db);
  const id = await raiseObjection(world.as(world.marketRequester), DEFAULT_POLICY_NAME, {
    grantId: world.grants.plain.id,
    recordKey: RECORD,
    field: '户籍地址',
    valueReceived: '上海市黄浦区某路1号',
    valueClaimed: '上海市黄浦区某路2号',
    reason: '与本部门核验结果不一致',
  });
  const first = startWorker(failpoint);
  t.teardown(() => void first.child.kill('SIGKILL'));
  await startObjectionWorkflow(db, { client: temporal.client, settings: config.temporal }, id, new Date());
  const handle = temporal.client.workflow.getHandle(objectionWorkflowId(id));
  const accepted = await handle.executeUpdate(objectionUpdates.accept, {
    args: [{ actor: actorOf(world.centerOperator, 'center_operator', 'center') }],
  });
  t.teardown(() => void handle.terminate('test over').catch(() => undefined));
  const task = accepted.tasks[0]!;
  const update = await handle.startUpdate(objectionUpdates.verify, {
    args: [
      {
        taskId: task.id,
        outcome: 'corrected',
        valueAfter: '上海市黄浦区某路2号',
        correctionReference: 'HJ-CRASH-001',
        actor: actorOf(world.policeReviewer, 'reviewer', 'verifier'),
      },
    ],
    waitForStage: WorkflowUpdateStage.ACCEPTED,
  });
  return { world, id, taskId: task.id, first, update };
}

const eventsOf = (id: string, kind: string) =>
  db
    .select()
    .from(objectionEvents)
    .where(and(eq(objectionEvents.objectionId, id), eq(objectionEvents.kind, kind)));
const auditOf = (id: string, action: string) =>
  db.$count(auditEntries, and(eq(auditEntries.subjectId, id), eq(auditEntries.action, action)));
const noticesOf = (id: string, kind: string) =>
  db
    .select()
    .from(notificationOutbox)
    .where(and(eq(notificationOutbox.subjectId, id), eq(notificationOutbox.kind, kind)));

/** After the retry: the task decided once, the result and the center's feedback step opened once. */
async function recordedOnce(t: Test, world: { center: { id: string } }, id: string, taskId: string, view: ObjectionView) {
  t.equal(view.state, 'corrected', 'the retried activity completed the verification and its conclusion');
  t.equal((await eventsOf(id, 'verified')).length, 1, 'one history entry for the verification');
  t.equal((await eventsOf(id, 'concluded')).length, 1, 'one for the conclusion');
  t.equal(await auditOf(id, 'objection.verified'), 1, 'one audit entry for each');
  t.equal(await auditOf(id, 'objection.concluded'), 1);
  t.same(
    (await noticesOf(id, 'objection.verified')).map((n) => n.departmentId),
    [world.center.id],
    'the center told once of the verification',
  );
  t.equal((await noticesOf(id, 'objection.concluded')).length, 1, 'and once of the conclusion');
  const [task] = await db.select().from(objectionTasks).where(eq(objectionTasks.id, taskId));
  t.match(task, { outcome: 'corrected', valueAfter: '上海市黄浦区某路2号', correctionReference: 'HJ-CRASH-001', decidedAt: Date });
  const [taskClock] = await db.select().from(slaClocks).where(eq(slaClocks.id, task!.clockId));
  t.equal(taskClock!.state, 'stopped', "the task's clock stopped");
  const feedback = await db
    .select()
    .from(slaClocks)
    .where(and(eq(slaClocks.subjectId, id), like(slaClocks.step, 'feedback:%')));
  t.equal(feedback.length, 1, 'one feedback step for the center, not two');
  const [row] = await db.select().from(objections).where(eq(objections.id, id));
  t.match(row, { state: 'corrected', result: 'corrected', clockId: feedback[0]!.id });
  const stepKeys = await db
    .select({ stepKey: objectionEvents.stepKey })
    .from(objectionEvents)
    .where(and(eq(objectionEvents.objectionId, id), like(objectionEvents.stepKey, '%verify%')));
  t.equal(new Set(stepKeys.map((s) => s.stepKey)).size, stepKeys.length, 'no step key recorded twice');
}

t.test('SIGKILL between the verification commit and the activity completion: recorded once', async (t) => {
  const { world, id, taskId, first, update } = await verifyWithWorkerDyingAt(t, 'objection.verify.committed');
  const died = await first.exited;
  t.equal(died.signal, 'SIGKILL', 'the worker died at the failpoint');
  t.match(died.stderr, /failpoint objection\.verify\.committed reached/);
  t.equal((await eventsOf(id, 'verified')).length, 1, 'the verification was committed before the kill');

  const second = startWorker();
  t.teardown(async () => {
    second.child.kill('SIGTERM');
    await second.exited;
  });
  await recordedOnce(t, world, id, taskId, await update.result());
});

t.test('SIGKILL inside the verification after its state was written: nothing survives; the retry commits all', async (t) => {
  const { world, id, taskId, first, update } = await verifyWithWorkerDyingAt(t, 'objection.verified.state_written');
  const died = await first.exited;
  t.equal(died.signal, 'SIGKILL', 'the worker died inside the transaction');
  t.match(died.stderr, /failpoint objection\.verified\.state_written reached/);
  const [task] = await db.select().from(objectionTasks).where(eq(objectionTasks.id, taskId));
  t.equal(task!.outcome, null, "the task's decision rolled back with the transaction");
  t.same(await eventsOf(id, 'verified'), [], 'no history entry');
  t.same(await noticesOf(id, 'objection.verified'), [], 'no notice');
  t.equal(await auditOf(id, 'objection.verified'), 0, 'no audit entry');
  const [row] = await db.select().from(objections).where(eq(objections.id, id));
  t.equal(row!.state, 'verifying', 'still in verification');

  const second = startWorker();
  t.teardown(async () => {
    second.child.kill('SIGTERM');
    await second.exited;
  });
  await recordedOnce(t, world, id, taskId, await update.result());
});
