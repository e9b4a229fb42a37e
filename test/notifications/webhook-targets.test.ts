/**
 * Webhooks reach public addresses only in production: registration refuses private targets,
 * and deliveries refuse them again at connection time (real DNS lookups, a real HTTP receiver
 * on loopback that must never be reached).
 */
import { createServer } from 'node:http';
import { eq } from 'drizzle-orm';
import pino from 'pino';
import t from 'tap';
import { createActivities } from '../../src/server/activities.js';
import { systemClock } from '../../src/platform/clock.js';
import { loadConfig } from '../../src/platform/config.js';
import { openDatabase } from '../../src/platform/db/client.js';
import { webhookDeliveries } from '../../src/platform/db/schema.js';
import { toActor } from '../../src/identity/actor.js';
import { enqueueNotification } from '../../src/notifications/outbox.js';
import { createWebhook } from '../../src/notifications/service.js';
import { isPublicAddress } from '../../src/notifications/webhook-targets.js';
import { testConfig, testEnv } from '../helpers/env.js';
import { createTestWorld } from '../helpers/identity.js';

const database = await openDatabase(testConfig().database);
t.teardown(() => database.close());
const db = database.db;
const world = await createTestWorld(db);
const ctx = { db, actor: toActor(world.policeAdmin, world.police), requestId: 'test', now: new Date() };

t.test('public addresses are told from every private, loopback, link-local and reserved range', async (t) => {
  const cases: [string, boolean][] = [
    ['8.8.8.8', true],
    ['2001:4860:4860::8888', true],
    ['127.0.0.1', false],
    ['10.1.2.3', false],
    ['172.16.0.1', false],
    ['192.168.1.1', false],
    ['169.254.169.254', false],
    ['100.64.0.1', false],
    ['0.0.0.0', false],
    ['::1', false],
    ['fc00::1', false],
    ['fe80::1', false],
    ['::ffff:10.0.0.1', false],
    ['::ffff:8.8.8.8', true],
    ['not-an-address', false],
  ];
  for (const [address, expected] of cases) t.equal(isPublicAddress(address), expected, address);
});

t.test('the default follows the environment: private targets only outside production', async (t) => {
  t.equal(testConfig().allowPrivateWebhookTargets, true);
  t.equal(loadConfig({ ...testEnv(), NODE_ENV: 'production' }).allowPrivateWebhookTargets, false);
  t.equal(loadConfig({ ...testEnv(), NODE_ENV: 'production', WEBHOOK_PRIVATE_TARGETS: 'true' }).allowPrivateWebhookTargets, true);
});

t.test('registration refuses targets that are not public', async (t) => {
  const strict = { allowPrivateTargets: false };
  await t.rejects(createWebhook(ctx, { url: 'https://127.0.0.1/hook' }, strict), { status: 422, code: 'webhook_target_not_public' });
  await t.rejects(createWebhook(ctx, { url: 'https://[::1]/hook' }, strict), { status: 422, code: 'webhook_target_not_public' });
  await t.rejects(createWebhook(ctx, { url: 'https://169.254.169.254/latest' }, strict), {
    status: 422,
    code: 'webhook_target_not_public',
  });
  await t.rejects(
    createWebhook(ctx, { url: 'https://localhost/hook' }, strict),
    { status: 422, code: 'webhook_target_not_public', message: /localhost resolves to/ },
    'a name is judged by what it resolves to',
  );
  await t.rejects(createWebhook(ctx, { url: 'https://no-such-host.invalid/hook' }, strict), {
    status: 422,
    code: 'webhook_target_unresolvable',
  });
});

t.test('a delivery to a private target is refused at connection time, and the target never hears of it', async (t) => {
  let reached = 0;
  const receiver = createServer((_req, res) => {
    reached++;
    res.writeHead(204).end();
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => receiver.close(() => resolve())));
  const port = (receiver.address() as { port: number }).port;
  // Registered where private targets were allowed (or a name that resolved elsewhere back then).
  const { webhook } = await createWebhook(
    { ...ctx, actor: toActor(world.marketAdmin, world.market) },
    { url: `http://localhost:${port}/hook` },
    { allowPrivateTargets: true },
  );
  const outboxId = await db.transaction((tx) =>
    enqueueNotification(tx, {
      departmentId: world.market.id,
      kind: 'probe',
      subjectType: 'Probe',
      subjectId: 'x',
      title: '测试',
      body: '',
      at: new Date(),
    }),
  );

  const strict = createActivities({ db, log: pino({ level: 'silent' }), clock: systemClock, allowPrivateWebhookTargets: false });
  await strict.prepareWebhookDeliveries(outboxId, new Date().toISOString());
  const mine = (await db.select().from(webhookDeliveries).where(eq(webhookDeliveries.webhookId, webhook.id)))[0]!;
  await t.rejects(strict.sendWebhook(mine.id), /not a public address/);
  const [after] = await db.select().from(webhookDeliveries).where(eq(webhookDeliveries.id, mine.id));
  t.match(after, { status: 'pending', attempts: 1, lastError: /localhost resolves to 127\.0\.0\.1, which is not a public address/ });
  t.equal(reached, 0, 'the internal service was never contacted');

  const lenient = createActivities({ db, log: pino({ level: 'silent' }), clock: systemClock, allowPrivateWebhookTargets: true });
  await lenient.sendWebhook(mine.id);
  t.equal(reached, 1, 'where private targets are allowed, it is delivered');
});
