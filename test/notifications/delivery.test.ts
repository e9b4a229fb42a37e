import { createServer, type IncomingMessage } from 'node:http';
import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import pino from 'pino';
import t from 'tap';
import { createActivities } from '../../src/server/activities.js';
import { systemClock } from '../../src/platform/clock.js';
import { loadConfig } from '../../src/platform/config.js';
import { inboxMessages, notificationOutbox, webhookDeliveries } from '../../src/platform/db/schema.js';
import { toActor } from '../../src/identity/actor.js';
import { enqueueNotification } from '../../src/notifications/outbox.js';
import { ensureNotificationRelay, pokeNotificationRelay, relayWorkflowId } from '../../src/notifications/relay.js';
import { createWebhook } from '../../src/notifications/service.js';
import { createUserAs } from '../../src/identity/service.js';
import { DELIVERY_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, verifyWebhookSignature } from '../../src/notifications/rules/signature.js';
import { connectTemporal } from '../../src/platform/temporal/connection.js';
import { createWorker } from '../../src/platform/temporal/worker.js';
import { openMigratedFreshDatabase } from '../helpers/db.js';
import { testEnv } from '../helpers/env.js';
import { createTestUser, createTestWorld } from '../helpers/identity.js';

// Delivery runs against a database of its own: the relay delivers every pending outbox entry,
// and other test files' entries must not be picked up by this file's worker.
const { handle: database } = await openMigratedFreshDatabase(t, 5);
const db = database.db;
const world = await createTestWorld(db);

// A department system receiving webhooks: it can be told to fail the first attempts of a delivery.
interface Received {
  deliveryId: string;
  timestamp: string;
  signature: string;
  body: string;
  status: number;
}
const received: Received[] = [];
const failuresToServe = new Map<string, number>();
// The first attempts to fail, of the delivery whose body names this text (deliveries run side by side).
let failFirstAttempts: { of: string; attempts: number } | null = null;
const receiver = createServer((req: IncomingMessage, res) => {
  let body = '';
  req.on('data', (c) => (body += c));
  req.on('end', () => {
    const deliveryId = String(req.headers[DELIVERY_HEADER]);
    if (!failuresToServe.has(deliveryId) && failFirstAttempts && body.includes(failFirstAttempts.of)) {
      failuresToServe.set(deliveryId, failFirstAttempts.attempts);
      failFirstAttempts = null;
    }
    const left = failuresToServe.get(deliveryId) ?? 0;
    const status = left > 0 ? 503 : 204;
    if (left > 0) failuresToServe.set(deliveryId, left - 1);
    received.push({
      deliveryId,
      timestamp: String(req.headers[TIMESTAMP_HEADER]),
      signature: String(req.headers[SIGNATURE_HEADER]),
      body,
      status,
    });
    res.writeHead(status).end();
  });
});
await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
t.teardown(() => new Promise<void>((resolve) => receiver.close(() => resolve())));
const port = (receiver.address() as { port: number }).port;

const ctx = { db, actor: toActor(world.policeAdmin, world.police), requestId: 'test', now: new Date() };
const { secret } = await createWebhook(ctx, { url: `http://127.0.0.1:${port}/gongxiang-hook` }, { allowPrivateTargets: true });

const config = loadConfig(testEnv());
const temporal = connectTemporal(config.temporal);
t.teardown(() => temporal.close());
const { worker, connection } = await createWorker({
  settings: config.temporal,
  activities: createActivities({ db, log: pino({ level: 'silent' }), clock: systemClock }),
  log: pino({ level: 'silent' }),
});
const running = worker.run();
await ensureNotificationRelay(temporal.client, config.temporal, { pollIntervalMs: 500, batchSize: 20 });
t.teardown(async () => {
  await temporal.client.workflow.getHandle(relayWorkflowId(config.temporal.taskQueue)).terminate('test finished');
  worker.shutdown();
  await running;
  await connection.close();
});

async function eventually<T>(probe: () => Promise<T | undefined | false>, what: string, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const deliveryOf = (outboxId: string) =>
  eventually(async () => {
    const [d] = await db.select().from(webhookDeliveries).where(eq(webhookDeliveries.outboxId, outboxId));
    return d?.status === 'delivered' ? d : undefined;
  }, `delivery of ${outboxId}`);

t.test('a committed notification reaches the inbox and the webhook with a verifiable signature', async (t) => {
  const user = await createTestUser(db, world.police, ['requester']); // commits a user.created notification
  const [entry] = await db.select().from(notificationOutbox).where(eq(notificationOutbox.subjectId, user.id));
  t.ok(entry, 'the outbox entry was written with the user');
  await pokeNotificationRelay(temporal.client, config.temporal);
  const delivery = await deliveryOf(entry!.id);
  t.equal(delivery.attempts, 1);
  const [message] = await db.select().from(inboxMessages).where(eq(inboxMessages.outboxId, entry!.id));
  t.match(message, { departmentId: world.police.id, kind: 'user.created', title: '新用户已开通' });
  const request = received.find((r) => r.deliveryId === delivery.id)!;
  t.ok(
    verifyWebhookSignature(
      secret,
      { signature: request.signature, deliveryId: request.deliveryId, timestamp: request.timestamp },
      request.body,
      Math.floor(Date.now() / 1000),
    ),
    'the signature verifies with the secret',
  );
  t.notOk(
    verifyWebhookSignature(
      'whsec_wrong',
      { signature: request.signature, deliveryId: request.deliveryId, timestamp: request.timestamp },
      request.body,
      Math.floor(Date.now() / 1000),
    ),
  );
  t.match(JSON.parse(request.body), { deliveryId: delivery.id, notificationId: entry!.id, kind: 'user.created', subjectId: user.id });
  const dispatched = await eventually(
    async () => (await db.select().from(notificationOutbox).where(eq(notificationOutbox.id, entry!.id)))[0]?.dispatchedAt,
    'the entry marked dispatched',
  );
  t.type(dispatched, Date, 'the entry is marked dispatched once delivered');
});

t.test(
  'a failing receiver is retried (the backoff is the activity retry policy), every attempt carrying the same delivery id',
  async (t) => {
    const username = `t.retry${randomUUID().slice(0, 8)}`;
    failFirstAttempts = { of: username, attempts: 2 };
    const user = await createUserAs(
      db,
      { username, displayName: '重试用户', departmentId: world.police.id, roles: ['reviewer'] },
      { actor: { kind: 'system', role: 'seed' }, now: new Date() },
    );
    const [entry] = await db.select().from(notificationOutbox).where(eq(notificationOutbox.subjectId, user.id));
    const delivery = await deliveryOf(entry!.id);
    t.equal(delivery.attempts, 3);
    t.equal(delivery.lastStatusCode, 204);
    const attempts = received.filter((r) => r.deliveryId === delivery.id);
    t.same(
      attempts.map((a) => a.status),
      [503, 503, 204],
      'two failures, then success',
    );
    t.equal(new Set(attempts.map((a) => JSON.parse(a.body).deliveryId)).size, 1, 'one delivery id in every body');
  },
);

t.test('a rolled-back transaction delivers nothing', async (t) => {
  const ghost = randomUUID();
  await t.rejects(
    db.transaction(async (tx) => {
      await enqueueNotification(tx, {
        departmentId: world.police.id,
        kind: 'probe.ghost',
        subjectType: 'Probe',
        subjectId: ghost,
        title: '不应送达',
        body: '事务已回滚',
        at: new Date(),
      });
      throw new Error('the business change failed');
    }),
  );
  const later = await createTestUser(db, world.police, ['requester']); // a committed one after it
  const [entry] = await db.select().from(notificationOutbox).where(eq(notificationOutbox.subjectId, later.id));
  await deliveryOf(entry!.id);
  t.equal(await db.$count(notificationOutbox, eq(notificationOutbox.subjectId, ghost)), 0);
  t.equal(await db.$count(inboxMessages, eq(inboxMessages.subjectId, ghost)), 0);
  t.notOk(
    received.some((r) => r.body.includes(ghost)),
    'the webhook never heard of it',
  );
});

t.test('a department without webhooks still gets its inbox message', async (t) => {
  const user = await createTestUser(db, world.market, ['requester']);
  const [entry] = await db.select().from(notificationOutbox).where(eq(notificationOutbox.subjectId, user.id));
  const message = await eventually(
    async () => (await db.select().from(inboxMessages).where(eq(inboxMessages.outboxId, entry!.id)))[0],
    'the inbox message',
  );
  t.equal(message.departmentId, world.market.id);
  t.equal(await db.$count(webhookDeliveries, eq(webhookDeliveries.outboxId, entry!.id)), 0);
});
