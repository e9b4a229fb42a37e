import { ApplicationFailure } from '@temporalio/common';
import { fetch } from 'undici';
import { and, asc, eq, inArray, isNull, lt, or, sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Clock } from '../platform/clock.js';
import type { Db } from '../platform/db/client.js';
import { departments, inboxMessages, notificationOutbox, webhookDeliveries, webhooks } from '../platform/db/schema.js';
import { failpoint } from '../platform/failpoints.js';
import { DELIVERY_HEADER, SIGNATURE_HEADER, signWebhook, TIMESTAMP_HEADER } from './rules/signature.js';
import { uuidFromName } from './ids.js';
import { checkLiteralTarget, webhookDispatcher } from './webhook-targets.js';

export interface NotificationActivityDeps {
  db: Db;
  log: Logger;
  /** Only for per-attempt transport timestamps; business instants come from the workflow. */
  clock: Clock;
  webhookTimeoutMs?: number;
  allowPrivateWebhookTargets?: boolean;
}

/** The I/O of notification delivery. Every activity is idempotent: retries and replays are safe. */
export function createNotificationActivities(deps: NotificationActivityDeps) {
  return { ...outboxActivities(deps.db), ...webhookActivities(deps) };
}

/** Reading and settling the outbox, and the inbox copy of each entry. */
function outboxActivities(db: Db) {
  return {
    async listPendingNotifications(limit: number): Promise<string[]> {
      const rows = await db
        .select({ id: notificationOutbox.id })
        .from(notificationOutbox)
        .where(isNull(notificationOutbox.dispatchedAt))
        .orderBy(asc(notificationOutbox.createdAt))
        .limit(limit);
      return rows.map((r) => r.id);
    },

    async deliverToInbox(outboxId: string): Promise<void> {
      await db.execute(sql`
        insert into ${inboxMessages} (outbox_id, department_id, kind, subject_type, subject_id, title, body, created_at)
        select id, department_id, kind, subject_type, subject_id, title, body, created_at from ${notificationOutbox} where id = ${outboxId}
        on conflict (outbox_id) do nothing`);
      failpoint('notifications.after-inbox-commit');
    },

    /**
     * The inbox copies of a batch of entries in one statement, which also dispatches the entries
     * whose department has no active webhook: the relay's way, so a notice costs no workflow of
     * its own unless it is to be posted. Answers the entries still to post to webhooks; entries
     * dispatched already are left as they are and not answered.
     */
    async deliverToInboxes(outboxIds: string[], at: string): Promise<string[]> {
      if (outboxIds.length === 0) return [];
      const ids = sql.join(
        outboxIds.map((id) => sql`${id}::uuid`),
        sql`, `,
      );
      const result = await db.execute(sql`
        with listed as (
          select o.*, exists (select 1 from ${webhooks} w where w.department_id = o.department_id and w.active) as hooked
          from ${notificationOutbox} o where o.id in (${ids}) and o.dispatched_at is null),
        inboxed as (
          insert into ${inboxMessages} (outbox_id, department_id, kind, subject_type, subject_id, title, body, created_at)
          select id, department_id, kind, subject_type, subject_id, title, body, created_at from listed
          on conflict (outbox_id) do nothing),
        dispatched as (
          update ${notificationOutbox} set dispatched_at = ${at}::timestamptz
          where id in (select id from listed where not hooked) and dispatched_at is null)
        select id from listed where hooked`);
      failpoint('notifications.after-inbox-commit');
      return (result as { rows: { id: string }[] }).rows.map((r) => r.id);
    },

    async markDispatched(outboxIds: string[], at: string): Promise<void> {
      if (outboxIds.length === 0) return;
      await db
        .update(notificationOutbox)
        .set({ dispatchedAt: new Date(at) })
        .where(and(inArray(notificationOutbox.id, outboxIds), isNull(notificationOutbox.dispatchedAt)));
    },
  };
}

/** Webhook deliveries: one row per webhook and entry, posted and retried until delivered or failed. */
function webhookActivities(deps: NotificationActivityDeps) {
  const { db } = deps;
  const allowPrivateTargets = deps.allowPrivateWebhookTargets ?? true;
  const dispatcher = webhookDispatcher(allowPrivateTargets);
  return {
    /** One delivery row per active webhook of the department; ids are stable across retries. */
    async prepareWebhookDeliveries(outboxId: string, at: string): Promise<string[]> {
      const [entry] = await db.select().from(notificationOutbox).where(eq(notificationOutbox.id, outboxId));
      // Dispatched already: a later run for the entry must not send it to webhooks added since.
      if (!entry || entry.dispatchedAt) return [];
      const hooks = await db
        .select({ id: webhooks.id })
        .from(webhooks)
        .where(and(eq(webhooks.departmentId, entry.departmentId), eq(webhooks.active, true)));
      if (hooks.length === 0) return [];
      const rows = hooks.map((h) => ({
        id: uuidFromName(`${outboxId}:${h.id}`),
        webhookId: h.id,
        outboxId,
        departmentId: entry.departmentId,
        status: 'pending' as const,
        createdAt: new Date(at),
      }));
      await db.insert(webhookDeliveries).values(rows).onConflictDoNothing();
      return rows.map((r) => r.id);
    },

    /**
     * One attempt; a failure throws so Temporal retries with backoff, reusing the delivery id.
     * The attempt posts only after claiming the row in one statement, so a delivery already
     * delivered or given up, or being posted by another caller, is never posted again.
     */
    async sendWebhook(deliveryId: string): Promise<void> {
      const row = await deliveryToSend(db, deliveryId);
      if (!row) return;
      if (!row.hook.active) return failDeactivatedDelivery(db, deliveryId);
      const now = await deps.clock.now();
      const attempt = await claimDelivery(db, deliveryId, now);
      if (attempt === undefined) return answerUnclaimed(db, deliveryId);
      const body = webhookBody(deliveryId, row);
      const transport = { allowPrivateTargets, dispatcher, timeoutMs: deps.webhookTimeoutMs ?? 10_000 };
      const { statusCode, error } = await postWebhook(row.hook, deliveryId, body, now, transport);
      await db
        .update(webhookDeliveries)
        .set({
          status: error === null ? 'delivered' : 'pending',
          lastStatusCode: statusCode,
          lastError: error,
          ...(error === null ? { deliveredAt: now } : {}),
        })
        .where(and(eq(webhookDeliveries.id, deliveryId), eq(webhookDeliveries.status, 'sending'), eq(webhookDeliveries.attempts, attempt)));
      if (error !== null) throw ApplicationFailure.retryable(`webhook delivery ${deliveryId} failed: ${error}`, 'WebhookDeliveryFailed');
    },

    /** After the last attempt; also settles an attempt that never reported (its worker died). */
    async markWebhookFailed(deliveryId: string): Promise<void> {
      await db
        .update(webhookDeliveries)
        .set({ status: 'failed' })
        .where(and(eq(webhookDeliveries.id, deliveryId), inArray(webhookDeliveries.status, ['pending', 'sending'])));
    },
  };
}

/**
 * How long a claimed attempt keeps the delivery: longer than an attempt can run (the activity
 * times out after 30 seconds), so only the claim of an attempt whose worker died lapses.
 */
const SENDING_LEASE_MS = 60_000;

/**
 * Claims the next attempt of a delivery that is pending (or whose claim lapsed), in one
 * statement: of concurrent callers one gets the attempt number, the others undefined.
 */
async function claimDelivery(db: Db, deliveryId: string, now: Date): Promise<number | undefined> {
  const lapsed = new Date(now.getTime() - SENDING_LEASE_MS);
  const [claimed] = await db
    .update(webhookDeliveries)
    .set({ status: 'sending', attempts: sql`${webhookDeliveries.attempts} + 1`, lastAttemptAt: now })
    .where(
      and(
        eq(webhookDeliveries.id, deliveryId),
        or(
          eq(webhookDeliveries.status, 'pending'),
          and(eq(webhookDeliveries.status, 'sending'), lt(webhookDeliveries.lastAttemptAt, lapsed)),
        ),
      ),
    )
    .returning({ attempts: webhookDeliveries.attempts });
  return claimed?.attempts;
}

/** A delivery this caller could not claim: done if delivered, final if failed, else retried later. */
async function answerUnclaimed(db: Db, deliveryId: string): Promise<void> {
  const [current] = await db
    .select({ status: webhookDeliveries.status })
    .from(webhookDeliveries)
    .where(eq(webhookDeliveries.id, deliveryId));
  if (!current || current.status === 'delivered') return;
  if (current.status === 'failed') {
    throw ApplicationFailure.nonRetryable(`webhook delivery ${deliveryId} was given up`, 'WebhookDeliveryFailed');
  }
  throw ApplicationFailure.retryable(`webhook delivery ${deliveryId} is being attempted`, 'WebhookDeliveryInProgress');
}

/** A webhook deactivated before its delivery was made: the delivery fails without a post. */
async function failDeactivatedDelivery(db: Db, deliveryId: string): Promise<void> {
  await db
    .update(webhookDeliveries)
    .set({ status: 'failed', lastError: 'webhook deactivated' })
    .where(and(eq(webhookDeliveries.id, deliveryId), eq(webhookDeliveries.status, 'pending')));
}

/** How webhooks are reached: whether private addresses may be, through which agent, and for how long. */
interface WebhookTransport {
  allowPrivateTargets: boolean;
  dispatcher: ReturnType<typeof webhookDispatcher>;
  timeoutMs: number;
}

/** A delivery with its webhook, its outbox entry and the department's code; undefined when gone. */
async function deliveryToSend(db: Db, deliveryId: string) {
  const [row] = await db
    .select({ delivery: webhookDeliveries, hook: webhooks, entry: notificationOutbox, departmentCode: departments.code })
    .from(webhookDeliveries)
    .innerJoin(webhooks, eq(webhooks.id, webhookDeliveries.webhookId))
    .innerJoin(notificationOutbox, eq(notificationOutbox.id, webhookDeliveries.outboxId))
    .innerJoin(departments, eq(departments.id, webhookDeliveries.departmentId))
    .where(eq(webhookDeliveries.id, deliveryId));
  return row;
}

type DeliveryToSend = NonNullable<Awaited<ReturnType<typeof deliveryToSend>>>;

/** The JSON a webhook receives (and its signature covers). */
function webhookBody(deliveryId: string, { entry, departmentCode }: DeliveryToSend): string {
  return JSON.stringify({
    deliveryId,
    notificationId: entry.id,
    department: departmentCode,
    kind: entry.kind,
    subjectType: entry.subjectType,
    subjectId: entry.subjectId,
    title: entry.title,
    body: entry.body,
    payload: entry.payload,
    createdAt: entry.createdAt.toISOString(),
  });
}

/** Posts one signed attempt: the HTTP status if one came back, and the error (null when delivered). */
async function postWebhook(
  hook: { url: string; secret: string },
  deliveryId: string,
  body: string,
  now: Date,
  transport: WebhookTransport,
): Promise<{ statusCode: number | null; error: string | null }> {
  const timestamp = Math.floor(now.getTime() / 1000);
  let statusCode: number | null = null;
  let error: string | null = null;
  try {
    if (!transport.allowPrivateTargets) checkLiteralTarget(new URL(hook.url));
    const response = await fetch(hook.url, {
      dispatcher: transport.dispatcher,
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        [DELIVERY_HEADER]: deliveryId,
        [TIMESTAMP_HEADER]: String(timestamp),
        [SIGNATURE_HEADER]: signWebhook(hook.secret, deliveryId, timestamp, body),
      },
      body,
      signal: AbortSignal.timeout(transport.timeoutMs),
      redirect: 'manual',
    });
    statusCode = response.status;
    await response.body?.cancel();
    if (!response.ok) error = `HTTP ${response.status}`;
  } catch (e) {
    // fetch reports "fetch failed" and puts the reason (refused, timed out, private target) in the cause.
    const reason = e instanceof Error && e.cause instanceof Error ? e.cause : e;
    error = reason instanceof Error ? reason.message : String(reason);
  }
  return { statusCode, error };
}

export type NotificationActivities = ReturnType<typeof createNotificationActivities>;
