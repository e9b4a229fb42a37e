/**
 * The relay puts a batch of notices in the departments' inboxes in one activity and dispatches
 * those no webhook waits for; only a notice to post gets a delivery workflow of its own. A full
 * batch it dispatched itself is progress, so it lists again without waiting for its poll.
 */
import { randomUUID } from 'node:crypto';
import { eq, inArray } from 'drizzle-orm';
import t from 'tap';
import { inboxMessages, notificationOutbox, webhooks } from '../../src/platform/db/schema.js';
import { workflowsPath } from '../../src/platform/temporal/worker.js';
import { notificationRelayWorkflow, type RelayInput } from '../../workflows/notifications.js';
import { createTestDepartment } from '../helpers/identity.js';
import { createTestWorker, recordHistory } from '../helpers/temporal.js';
import { departmentWithWebhooks, enqueueProbe, relayTestbed, waitFor } from './receiver.js';

const { db, receiver, env, activities } = await relayTestbed(t);

const undispatched = async (ids: string[]) =>
  (await db.select().from(notificationOutbox).where(inArray(notificationOutbox.id, ids))).filter((e) => e.dispatchedAt === null).length;
const inboxOf = async (ids: string[]) =>
  (await db.select().from(inboxMessages).where(inArray(inboxMessages.outboxId, ids))).map((m) => `${m.outboxId}:${m.departmentId}`).sort();

/**
 * What the relay's history did: the delivery workflows it started (by id; a start it asked for
 * again while the delivery ran is refused, see relay-once.test.ts) and the activities it ran.
 */
async function relayAsked(relayId: string) {
  const { events } = await env.client.workflow.getHandle(relayId).fetchHistory();
  const children = (events ?? []).flatMap((e) => e.childWorkflowExecutionStartedEventAttributes?.workflowExecution?.workflowId ?? []);
  const activityTypes = (events ?? []).flatMap((e) => e.activityTaskScheduledEventAttributes?.activityType?.name ?? []);
  return { children, activityTypes };
}

/** Runs a relay with `input` on a worker of its own while `body` runs, then ends it (its history saved with RECORD_HISTORIES=1). */
async function runRelay(input: RelayInput, body: (relayId: string) => Promise<void>, history?: string): Promise<void> {
  const relayId = `relay-${randomUUID()}`;
  const { worker, taskQueue } = await createTestWorker(env, workflowsPath, activities);
  await worker.runUntil(async () => {
    const relay = await env.client.workflow.start(notificationRelayWorkflow, { taskQueue, workflowId: relayId, args: [input] });
    await body(relayId);
    await relay.terminate('test finished');
    if (history) await recordHistory(env, relayId, history);
  });
}

t.test('a batch goes to the inboxes in one activity; only the notice to post gets a delivery workflow', async (t) => {
  const quiet = [await createTestDepartment(db), await createTestDepartment(db), await createTestDepartment(db)];
  const path = `/hooked-${randomUUID()}`;
  const hookedDepartment = await departmentWithWebhooks(db, receiver, [path]);
  const plain = [
    await enqueueProbe(db, quiet[0]!),
    await enqueueProbe(db, quiet[0]!),
    await enqueueProbe(db, quiet[1]!),
    await enqueueProbe(db, quiet[2]!),
  ];
  await enqueueProbe(db, hookedDepartment);
  // Registering the webhook told its department too: that notice is posted as well.
  const hooked = (
    await db.select({ id: notificationOutbox.id }).from(notificationOutbox).where(eq(notificationOutbox.departmentId, hookedDepartment.id))
  ).map((e) => e.id);
  t.equal(hooked.length, 2, 'two notices for the department with a webhook');
  const all = [...plain, ...hooked];

  await runRelay(
    { pollIntervalMs: 100, batchSize: 10 },
    async (relayId) => {
      t.ok(await waitFor(async () => (await undispatched(all)) === 0), 'every notice is dispatched');
      // A child's start reaches the relay's history asynchronously, possibly after the child's work.
      await waitFor(async () => (await relayAsked(relayId)).children.length >= hooked.length);
      const asked = await relayAsked(relayId);
      t.same(asked.children.sort(), hooked.map((id) => `notification-${id}`).sort(), 'delivery workflows only for the notices to post');
      t.equal(asked.activityTypes.filter((a) => a === 'deliverToInboxes').length >= 1, true, 'the inboxes filled by the relay');
      t.equal(asked.activityTypes.filter((a) => a === 'deliverToInbox').length, 0, 'no inbox copy one notice at a time');
    },
    'notification-relay-inboxes-together',
  );

  t.same(
    await inboxOf(all),
    [
      `${plain[0]}:${quiet[0]!.id}`,
      `${plain[1]}:${quiet[0]!.id}`,
      `${plain[2]}:${quiet[1]!.id}`,
      `${plain[3]}:${quiet[2]!.id}`,
      ...hooked.map((id) => `${id}:${hookedDepartment.id}`),
    ].sort(),
    'each notice in its own department’s inbox, once',
  );
  t.equal(receiver.postsTo(path).length, 2, 'the webhook was posted each notice once');
});

t.test('a full batch the relay dispatched itself is listed again at once, not after its poll', async (t) => {
  const department = await createTestDepartment(db);
  const entries: string[] = [];
  for (let i = 0; i < 7; i++) entries.push(await enqueueProbe(db, department));
  // A batch of two and a minute between polls: seven notices take four listings.
  await runRelay({ pollIntervalMs: 60_000, batchSize: 2 }, async (relayId) => {
    t.ok(await waitFor(async () => (await undispatched(entries)) === 0, 20_000), 'all seven dispatched well within one poll interval');
    t.same((await relayAsked(relayId)).children, [], 'no delivery workflow');
  });
  t.equal((await inboxOf(entries)).length, 7, 'each in the inbox once');
});

t.test('the batch activity: a notice already dispatched is left alone; a notice to post stays pending', async (t) => {
  const path = `/pending-${randomUUID()}`;
  const hookedDepartment = await departmentWithWebhooks(db, receiver, [path]);
  const quiet = await createTestDepartment(db);
  const hooked = await enqueueProbe(db, hookedDepartment);
  const plain = await enqueueProbe(db, quiet);
  const at = '2026-12-04T08:00:00.000Z';

  t.same(await activities.deliverToInboxes([hooked, plain], at), [hooked], 'the notice to post is answered');
  t.same(await activities.deliverToInboxes([hooked, plain], at), [hooked], 'again, the same: the activity may be retried');
  t.equal(await undispatched([hooked]), 1, 'the notice to post waits for its delivery workflow');
  const [settled] = await db.select().from(notificationOutbox).where(eq(notificationOutbox.id, plain));
  t.equal(settled?.dispatchedAt?.toISOString(), at, 'the other is dispatched at the relay’s instant');
  t.equal((await inboxOf([hooked, plain])).length, 2, 'one inbox copy each, whatever the retries');

  await activities.markDispatched([hooked], at);
  t.same(await activities.deliverToInboxes([hooked, plain], '2026-12-05T08:00:00.000Z'), [], 'dispatched notices are not answered');
  const [still] = await db.select().from(notificationOutbox).where(eq(notificationOutbox.id, plain));
  t.equal(still?.dispatchedAt?.toISOString(), at, 'nor dispatched again');

  // A deactivated webhook waits for nothing: the notice is dispatched with the batch.
  await db.update(webhooks).set({ active: false }).where(eq(webhooks.departmentId, hookedDepartment.id));
  const after = await enqueueProbe(db, hookedDepartment);
  t.same(await activities.deliverToInboxes([after], at), [], 'no active webhook, nothing to post');
  t.equal(await undispatched([after]), 0, 'and it is dispatched');
  t.same(await activities.deliverToInboxes([], at), [], 'an empty batch is no statement');
});
