import { createServer } from 'node:http';
import { eq } from 'drizzle-orm';
import pino from 'pino';
import t from 'tap';
import { createActivities } from '../../src/server/activities.js';
import { systemClock } from '../../src/platform/clock.js';
import { inboxMessages, notificationOutbox, webhookDeliveries } from '../../src/platform/db/schema.js';
import { toActor } from '../../src/identity/actor.js';
import { createWebhook } from '../../src/notifications/service.js';
import { DELIVERY_HEADER } from '../../src/notifications/rules/signature.js';
import { workflowsPath } from '../../src/platform/temporal/worker.js';
import { deliverNotificationWorkflow } from '../../workflows/notifications.js';
import { openMigratedFreshDatabase } from '../helpers/db.js';
import { createTestUser, createTestWorld } from '../helpers/identity.js';
import { createTestWorker, startTimeSkippingServer } from '../helpers/temporal.js';

// A receiver that never accepts: the retry backoff (1 s doubling to 10 min) is skipped by the
// time-skipping test server, and after the last attempt the delivery is logged as failed.
t.test('a webhook that keeps failing is given up after its attempts and logged as failed; the inbox still gets the message', async (t) => {
  const { handle: database } = await openMigratedFreshDatabase(t, 3);
  const db = database.db;
  const world = await createTestWorld(db);

  const ids: string[] = [];
  const receiver = createServer((req, res) => {
    ids.push(String(req.headers[DELIVERY_HEADER]));
    req.resume();
    res.writeHead(500).end();
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => receiver.close(() => resolve())));
  await createWebhook(
    { db, actor: toActor(world.marketAdmin, world.market), requestId: 't', now: new Date() },
    { url: `http://127.0.0.1:${(receiver.address() as { port: number }).port}/hook` },
    { allowPrivateTargets: true },
  );

  const user = await createTestUser(db, world.market, ['requester']);
  const [entry] = await db.select().from(notificationOutbox).where(eq(notificationOutbox.subjectId, user.id));

  const env = await startTimeSkippingServer();
  t.teardown(() => env.teardown());
  const { worker, taskQueue } = await createTestWorker(
    env,
    workflowsPath,
    createActivities({ db, log: pino({ level: 'silent' }), clock: systemClock }),
  );
  const result = await worker.runUntil(
    env.client.workflow.execute(deliverNotificationWorkflow, { taskQueue, workflowId: `notification-${entry!.id}`, args: [entry!.id] }),
  );

  t.same(result, { webhooks: 1, failed: 1 });
  const [delivery] = await db.select().from(webhookDeliveries).where(eq(webhookDeliveries.outboxId, entry!.id));
  t.match(delivery, { status: 'failed', attempts: 8, lastStatusCode: 500, lastError: 'HTTP 500' });
  t.equal(ids.length, 8);
  t.same([...new Set(ids)], [delivery!.id], 'every attempt carried the same delivery id');
  t.equal(await db.$count(inboxMessages, eq(inboxMessages.outboxId, entry!.id)), 1);
  const [dispatched] = await db.select().from(notificationOutbox).where(eq(notificationOutbox.id, entry!.id));
  t.type(dispatched!.dispatchedAt, Date);
});
