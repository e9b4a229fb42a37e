/**
 * The relay may list an entry again before its delivery has marked it dispatched (its listing
 * is a snapshot; it polls and is poked): it must start no second delivery run for the entry,
 * and each webhook hears of the entry once (a given-up one included).
 */
import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import t from 'tap';
import { notificationOutbox, webhookDeliveries } from '../../src/platform/db/schema.js';
import { workflowsPath } from '../../src/platform/temporal/worker.js';
import { deliverNotificationWorkflow, notificationRelayWorkflow } from '../../workflows/notifications.js';
import { createTestWorker } from '../helpers/temporal.js';
import { departmentWithWebhooks, enqueueProbe, relayTestbed, waitFor } from './receiver.js';

const { db, receiver, env, activities } = await relayTestbed(t);
const relayInput = { pollIntervalMs: 100, batchSize: 10 };

/**
 * The worker's activities, the relay's listing showing only the test's entry; with `stale`,
 * the first listing, and the inbox batch that follows it, are the ones the relay made while
 * the entry was still pending.
 */
function withListing(outboxId: string, stale?: string[]) {
  const listings: string[][] = [];
  const listPendingNotifications = async (limit: number): Promise<string[]> => {
    // Other tests' entries are older: look past them, then keep the relay's batch size.
    const current = (await activities.listPendingNotifications(Math.max(limit, 100))).filter((id) => id === outboxId).slice(0, limit);
    const listed = listings.length === 0 && stale ? stale : current;
    listings.push(listed);
    return listed;
  };
  let batches = 0;
  const deliverToInboxes = async (ids: string[], at: string): Promise<string[]> =>
    batches++ === 0 && stale ? stale : activities.deliverToInboxes(ids, at);
  return { activities: { ...activities, listPendingNotifications, deliverToInboxes }, listings };
}

/** The relay's attempts to start the delivery run `workflowId`: started, and refused by Temporal. */
async function childStarts(relayId: string, workflowId: string) {
  const { events } = await env.client.workflow.getHandle(relayId).fetchHistory();
  return {
    started: (events ?? []).filter((e) => e.childWorkflowExecutionStartedEventAttributes?.workflowExecution?.workflowId === workflowId)
      .length,
    refused: (events ?? []).filter((e) => e.startChildWorkflowExecutionFailedEventAttributes?.workflowId === workflowId).length,
  };
}

const deliveriesOf = (outboxId: string) => db.select().from(webhookDeliveries).where(eq(webhookDeliveries.outboxId, outboxId));

t.test('an entry the relay listed before its delivery completed is not delivered again when the relay gets to it', async (t) => {
  const accepting = `/accepting-${randomUUID()}`;
  const refusing = `/refusing-${randomUUID()}`;
  receiver.answer(refusing, 500);
  const department = await departmentWithWebhooks(db, receiver, [accepting, refusing]);
  const outboxId = await enqueueProbe(db, department);
  const deliveryWorkflowId = `notification-${outboxId}`;
  const relayId = `relay-${randomUUID()}`;
  const { activities: workerActivities, listings } = withListing(outboxId, [outboxId]);
  const { worker, taskQueue } = await createTestWorker(env, workflowsPath, workerActivities);

  await worker.runUntil(async () => {
    const first = await env.client.workflow.start(deliverNotificationWorkflow, {
      taskQueue,
      workflowId: deliveryWorkflowId,
      args: [outboxId],
    });
    t.same(await first.result(), { webhooks: 2, failed: 1 }, 'one webhook delivered, one given up after its attempts');
    const relay = await env.client.workflow.start(notificationRelayWorkflow, { taskQueue, workflowId: relayId, args: [relayInput] });
    t.ok(await waitFor(() => listings.length >= 2), 'the relay went on to a second round');
    t.equal(
      (await env.client.workflow.getHandle(deliveryWorkflowId).describe()).runId,
      first.firstExecutionRunId,
      'the delivery has its one run',
    );
    t.same(await childStarts(relayId, deliveryWorkflowId), { started: 0, refused: 1 });
    await relay.terminate('test finished');
  });

  t.equal(receiver.postsTo(accepting).length, 1, 'the accepting webhook was posted once');
  t.equal(receiver.postsTo(refusing).length, 8, 'the refusing one only its 8 attempts');
  const states = (await deliveriesOf(outboxId)).map((d) => `${d.status}/${d.attempts}`).sort();
  t.same(states, ['delivered/1', 'failed/8']);
});

t.test('an entry listed again while its delivery runs gets no second run, and its webhook one post', async (t) => {
  const path = `/slow-${randomUUID()}`;
  const department = await departmentWithWebhooks(db, receiver, [path]);
  const outboxId = await enqueueProbe(db, department);
  const deliveryWorkflowId = `notification-${outboxId}`;
  const relayId = `relay-${randomUUID()}`;
  const { activities: workerActivities, listings } = withListing(outboxId);
  const { worker, taskQueue } = await createTestWorker(env, workflowsPath, workerActivities);
  const timesListed = () => listings.filter((ids) => ids.includes(outboxId)).length;
  const release = receiver.hold(path);

  await worker.runUntil(async () => {
    const relay = await env.client.workflow.start(notificationRelayWorkflow, { taskQueue, workflowId: relayId, args: [relayInput] });
    t.ok(await waitFor(() => receiver.postsTo(path).length === 1 && timesListed() >= 3), 'listed three times while its post waits');
    const { runId, status } = await env.client.workflow.getHandle(deliveryWorkflowId).describe();
    t.equal(status.name, 'RUNNING');
    release();
    const dispatched = async () =>
      (await db.select().from(notificationOutbox).where(eq(notificationOutbox.id, outboxId)))[0]?.dispatchedAt != null;
    t.ok(await waitFor(dispatched), 'the entry is dispatched');
    const roundsSoFar = listings.length;
    t.ok(await waitFor(() => listings.length >= roundsSoFar + 2), 'the relay went on polling');
    t.equal((await env.client.workflow.getHandle(deliveryWorkflowId).describe()).runId, runId, 'the delivery has its one run');
    t.same(await childStarts(relayId, deliveryWorkflowId), { started: 1, refused: timesListed() - 1 });
    await relay.terminate('test finished');
  });

  t.equal(receiver.postsTo(path).length, 1, 'the webhook was posted once');
  t.match(await deliveriesOf(outboxId), [{ status: 'delivered', attempts: 1 }]);
});

t.test('a full batch whose deliveries are all still running does not make the relay list again at once', async (t) => {
  const path = `/held-${randomUUID()}`;
  const department = await departmentWithWebhooks(db, receiver, [path]);
  const outboxId = await enqueueProbe(db, department);
  const relayId = `relay-${randomUUID()}`;
  const { activities: workerActivities, listings } = withListing(outboxId);
  const { worker, taskQueue } = await createTestWorker(env, workflowsPath, workerActivities);
  const release = receiver.hold(path);
  // A batch of one: the entry fills it on every round while its post is held.
  const pollIntervalMs = 200;
  await worker.runUntil(async () => {
    const relay = await env.client.workflow.start(notificationRelayWorkflow, {
      taskQueue,
      workflowId: relayId,
      args: [{ pollIntervalMs, batchSize: 1 }],
    });
    t.ok(await waitFor(() => receiver.postsTo(path).length === 1), 'the delivery is under way');
    const before = listings.length;
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const rounds = listings.length - before;
    // Two seconds at one listing per poll interval is about ten; spinning would be hundreds.
    t.ok(rounds <= 2_000 / pollIntervalMs + 3, `the relay waited between listings (${rounds} in 2 s)`);
    release();
    await relay.terminate('test finished');
  });
  t.equal(receiver.postsTo(path).length, 1, 'the webhook was posted once');
});
