/**
 * For the delivered-once tests: a department system receiving webhooks (each path answers as
 * the test tells it, and can hold its answers until released), a department with webhooks on
 * it, and notifications for that department.
 */
import { createServer } from 'node:http';
import pino from 'pino';
import { systemClock } from '../../src/platform/clock.js';
import { createActivities } from '../../src/server/activities.js';
import type { Db } from '../../src/platform/db/client.js';
import { toActor } from '../../src/identity/actor.js';
import { enqueueNotification } from '../../src/notifications/outbox.js';
import { createWebhook } from '../../src/notifications/service.js';
import { DELIVERY_HEADER } from '../../src/notifications/rules/signature.js';
import { openMigratedFreshDatabase } from '../helpers/db.js';
import { createTestDepartment, createTestUser } from '../helpers/identity.js';
import { startTimeSkippingServer } from '../helpers/temporal.js';

export interface ReceivedPost {
  path: string;
  deliveryId: string;
}

export async function startWebhookReceiver(t: { teardown(fn: () => Promise<void>): void }) {
  const posts: ReceivedPost[] = [];
  const statuses = new Map<string, number>();
  const holds = new Map<string, Promise<void>>();
  const server = createServer((req, res) => {
    const path = req.url ?? '';
    posts.push({ path, deliveryId: String(req.headers[DELIVERY_HEADER]) });
    req.resume();
    void (holds.get(path) ?? Promise.resolve()).then(() => res.writeHead(statuses.get(path) ?? 204).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  const port = (server.address() as { port: number }).port;
  return {
    url: (path: string) => `http://127.0.0.1:${port}${path}`,
    postsTo: (path: string) => posts.filter((p) => p.path === path),
    /** Every post to `path` is answered with `status` (204 unless told). */
    answer: (path: string, status: number) => void statuses.set(path, status),
    /** Posts to `path` wait for their answer until the returned function is called. */
    hold(path: string): () => void {
      let release = () => {};
      holds.set(
        path,
        new Promise<void>((resolve) => {
          release = resolve;
        }),
      );
      return release;
    },
  };
}

export type WebhookReceiver = Awaited<ReturnType<typeof startWebhookReceiver>>;

/** A department of its own whose webhooks are the receiver's given paths. */
export async function departmentWithWebhooks(db: Db, receiver: WebhookReceiver, paths: string[]) {
  const department = await createTestDepartment(db);
  const admin = await createTestUser(db, department, ['dept_admin']);
  const ctx = { db, actor: toActor(admin, department), requestId: 'test', now: new Date() };
  for (const path of paths) await createWebhook(ctx, { url: receiver.url(path) }, { allowPrivateTargets: true });
  return department;
}

/** Commits one notification for the department; its outbox id. */
export async function enqueueProbe(db: Db, department: { id: string }): Promise<string> {
  return db.transaction((tx) =>
    enqueueNotification(tx, {
      departmentId: department.id,
      kind: 'probe.delivered_once',
      subjectType: 'Probe',
      subjectId: department.id,
      title: '测试通知',
      body: '只应送达一次',
      at: new Date(),
    }),
  );
}

/** Polls until `probe` holds; false (never a rejection) after `timeoutMs`. */
export async function waitFor(probe: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return true;
}

/**
 * What the relay tests run on: a database of their own (so the relay lists only their entries),
 * a webhook receiver, a time-skipping Temporal server and the worker's activities.
 */
export async function relayTestbed(t: { teardown(fn: () => Promise<void>): void }) {
  const { handle: database } = await openMigratedFreshDatabase(t, 5);
  const db = database.db;
  const receiver = await startWebhookReceiver(t);
  const env = await startTimeSkippingServer();
  t.teardown(() => env.teardown());
  const activities = createActivities({ db, log: pino({ level: 'silent' }), clock: systemClock, allowPrivateWebhookTargets: true });
  return { db, receiver, env, activities };
}
