/**
 * A webhook delivery that succeeded or was given up is never posted again, and two attempts
 * at one delivery never both post: the send activity called directly, as racing workflow runs
 * or retries would call it.
 */
import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import pino from 'pino';
import t from 'tap';
import { createActivities } from '../../src/server/activities.js';
import { systemClock } from '../../src/platform/clock.js';
import { webhookDeliveries } from '../../src/platform/db/schema.js';
import { openMigratedFreshDatabase } from '../helpers/db.js';
import { departmentWithWebhooks, enqueueProbe, startWebhookReceiver, waitFor } from './receiver.js';

const { handle: database } = await openMigratedFreshDatabase(t, 5);
const db = database.db;
const receiver = await startWebhookReceiver(t);
const activities = createActivities({ db, log: pino({ level: 'silent' }), clock: systemClock, allowPrivateWebhookTargets: true });

/** A prepared delivery of a new notification to a webhook of its own. */
async function newDelivery(): Promise<{ deliveryId: string; path: string }> {
  const path = `/hook-${randomUUID()}`;
  const department = await departmentWithWebhooks(db, receiver, [path]);
  const outboxId = await enqueueProbe(db, department);
  const [deliveryId] = await activities.prepareWebhookDeliveries(outboxId, new Date().toISOString());
  return { deliveryId: deliveryId!, path };
}

const deliveryRow = async (deliveryId: string) =>
  (await db.select().from(webhookDeliveries).where(eq(webhookDeliveries.id, deliveryId)))[0]!;

t.test('two concurrent sends of one delivery post it once', async (t) => {
  const { deliveryId, path } = await newDelivery();
  const release = receiver.hold(path);
  const sends = [activities.sendWebhook(deliveryId), activities.sendWebhook(deliveryId)];
  // While the first post waits for its answer, the other send either gives way (settles) or posts too.
  const oneSettled = Promise.race(sends.map((send) => send.then(noop, noop)));
  await Promise.race([oneSettled, waitFor(() => receiver.postsTo(path).length >= 2, 10_000)]);
  release();
  const outcomes = await Promise.allSettled(sends);
  t.equal(receiver.postsTo(path).length, 1, 'one post');
  t.ok(
    outcomes.some((o) => o.status === 'fulfilled'),
    'the send that posted reports the delivery',
  );
  t.match(await deliveryRow(deliveryId), { status: 'delivered', attempts: 1 });
});

t.test('a delivered delivery is not posted again, sent again one by one or at once', async (t) => {
  const { deliveryId, path } = await newDelivery();
  await activities.sendWebhook(deliveryId);
  t.equal(receiver.postsTo(path).length, 1);
  await Promise.allSettled([activities.sendWebhook(deliveryId)]);
  await Promise.allSettled([activities.sendWebhook(deliveryId), activities.sendWebhook(deliveryId)]);
  t.equal(receiver.postsTo(path).length, 1, 'still one post');
  t.match(await deliveryRow(deliveryId), { status: 'delivered', attempts: 1 });
});

t.test('a delivery given up after its last attempt is not posted again, even to a receiver that would accept', async (t) => {
  const { deliveryId, path } = await newDelivery();
  receiver.answer(path, 500);
  await t.rejects(activities.sendWebhook(deliveryId), 'the attempt fails');
  await activities.markWebhookFailed(deliveryId); // what the workflow does after the last attempt
  receiver.answer(path, 204);
  await Promise.allSettled([activities.sendWebhook(deliveryId)]);
  await Promise.allSettled([activities.sendWebhook(deliveryId), activities.sendWebhook(deliveryId)]);
  t.equal(receiver.postsTo(path).length, 1, 'only the failed attempt was posted');
  t.match(await deliveryRow(deliveryId), { status: 'failed', attempts: 1, lastStatusCode: 500 });
});

t.test('a failed attempt is still retried until delivered', async (t) => {
  const { deliveryId, path } = await newDelivery();
  receiver.answer(path, 503);
  await t.rejects(activities.sendWebhook(deliveryId));
  receiver.answer(path, 204);
  await activities.sendWebhook(deliveryId);
  t.equal(receiver.postsTo(path).length, 2);
  t.match(await deliveryRow(deliveryId), { status: 'delivered', attempts: 2, lastStatusCode: 204, lastError: null });
});

t.test('an attempt that never reported (its worker died) does not block the delivery for ever', async (t) => {
  const { deliveryId, path } = await newDelivery();
  const longAgo = new Date(Date.now() - 10 * 60_000);
  await db
    .update(webhookDeliveries)
    .set({ status: 'sending', attempts: 1, lastAttemptAt: longAgo })
    .where(eq(webhookDeliveries.id, deliveryId));
  await activities.sendWebhook(deliveryId);
  t.equal(receiver.postsTo(path).length, 1);
  t.match(await deliveryRow(deliveryId), { status: 'delivered', attempts: 2 });
});

function noop() {}
