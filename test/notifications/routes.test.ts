import { and, eq } from 'drizzle-orm';
import pino from 'pino';
import t from 'tap';
import { createNotificationActivities } from '../../src/notifications/activities.js';
import { systemClock } from '../../src/platform/clock.js';
import { auditEntries, notificationOutbox } from '../../src/platform/db/schema.js';
import { startTestApp } from '../helpers/app.js';
import { bearer, createTestUser, createTestWorld } from '../helpers/identity.js';

// The inbox and webhook API on the shared database. Messages are put in the inbox by the real
// delivery activity, called directly (delivery through Temporal is tested in test/notifications).
const harness = await startTestApp();
t.teardown(harness.close);
const { app, config } = harness;
const db = harness.database.db;
const world = await createTestWorld(db);
const activities = createNotificationActivities({ db, log: pino({ level: 'silent' }), clock: systemClock });

async function deliverFor(userId: string): Promise<string> {
  const [entry] = await db.select().from(notificationOutbox).where(eq(notificationOutbox.subjectId, userId));
  await activities.deliverToInbox(entry!.id);
  return entry!.id;
}

const call = async (method: 'GET' | 'POST' | 'DELETE', url: string, user: Parameters<typeof bearer>[1], payload?: object) =>
  app.inject({ method, url, headers: await bearer(config, user), ...(payload ? { payload } : {}) });

t.test('the inbox lists its department messages newest first, counts unread and marks read', async (t) => {
  const first = await deliverFor((await createTestUser(db, world.police, ['requester'])).id);
  const second = await deliverFor((await createTestUser(db, world.police, ['reviewer'])).id);
  const count = await call('GET', '/api/v1/notifications/unread-count', world.policeRequester);
  t.ok(count.json().count >= 2);

  const list = await call('GET', '/api/v1/notifications?limit=1', world.policeRequester);
  t.equal(list.statusCode, 200);
  t.equal(list.json().items[0].id, second, 'newest first');
  const next = await call('GET', `/api/v1/notifications?limit=1&cursor=${list.json().nextCursor}`, world.policeRequester);
  t.equal(next.json().items[0].id, first);

  const read = await call('POST', `/api/v1/notifications/${second}/read`, world.policeRequester);
  t.equal(read.statusCode, 200);
  t.type(read.json().readAt, 'string');
  t.equal(
    await db.$count(auditEntries, and(eq(auditEntries.subjectId, second), eq(auditEntries.action, 'notification.read'))),
    1,
    'reading is audited',
  );
  const again = await call('POST', `/api/v1/notifications/${second}/read`, world.policeReviewer);
  t.equal(again.json().readAt, read.json().readAt, 'the first reading stands');
  t.equal((await call('GET', '/api/v1/notifications/unread-count', world.policeRequester)).json().count, count.json().count - 1);
  const unread = await call('GET', '/api/v1/notifications?unread=true&limit=200', world.policeRequester);
  t.notOk(unread.json().items.some((m: { id: string }) => m.id === second));
});

t.test("another department's message does not exist for the caller", async (t) => {
  const policeMessage = await deliverFor((await createTestUser(db, world.police, ['requester'])).id);
  const res = await call('POST', `/api/v1/notifications/${policeMessage}/read`, world.marketRequester);
  t.equal(res.statusCode, 404);
  const list = await call('GET', '/api/v1/notifications?limit=200', world.marketRequester);
  t.notOk(list.json().items.some((m: { id: string }) => m.id === policeMessage));
  const auditor = await call('GET', '/api/v1/notifications?limit=200', world.centerAuditor);
  t.notOk(
    auditor.json().items.some((m: { id: string }) => m.id === policeMessage),
    "the inbox is always the caller department's own",
  );
});

t.test('webhooks: a dept_admin registers one (secret shown once), others may not; the center reads the delivery log', async (t) => {
  const created = await call('POST', '/api/v1/webhooks', world.policeAdmin, { url: 'https://psb.example.gov.cn/hooks/gongxiang' });
  t.equal(created.statusCode, 201);
  t.match(created.json().secret, /^whsec_/);
  const listed = await call('GET', '/api/v1/webhooks', world.policeAdmin);
  t.ok(listed.json().items.some((w: { id: string }) => w.id === created.json().webhook.id));
  t.notOk(listed.body.includes(created.json().secret), 'the secret is never listed');

  t.equal((await call('POST', '/api/v1/webhooks', world.policeRequester, { url: 'https://x.example/h' })).statusCode, 403);
  const insecure = await call('POST', '/api/v1/webhooks', world.policeAdmin, { url: 'http://psb.example.gov.cn/hook' });
  t.equal(insecure.statusCode, 422);
  t.equal(insecure.json().code, 'invalid_webhook_url');
  t.equal((await call('POST', '/api/v1/webhooks', world.policeAdmin, { url: 'https://user:pw@x.example/h' })).statusCode, 422);

  const foreignDelete = await call('DELETE', `/api/v1/webhooks/${created.json().webhook.id}`, world.marketAdmin);
  t.equal(foreignDelete.statusCode, 404);
  const operatorDelete = await call('DELETE', `/api/v1/webhooks/${created.json().webhook.id}`, world.centerOperator);
  t.equal(operatorDelete.statusCode, 403, 'the center sees webhooks but does not manage them');
  const deactivated = await call('DELETE', `/api/v1/webhooks/${created.json().webhook.id}`, world.policeAdmin);
  t.equal(deactivated.statusCode, 200);
  t.equal(deactivated.json().active, false);

  const log = await call('GET', '/api/v1/webhook-deliveries?limit=5', world.centerOperator);
  t.equal(log.statusCode, 200);
  t.type(log.json().items, Array, 'the center reads the delivery log (deliveries themselves: test/notifications/delivery.test.ts)');
  t.equal(
    (await call('GET', '/api/v1/webhook-deliveries', world.policeRequester)).json().items.length,
    0,
    'requesters see no delivery log',
  );
});
