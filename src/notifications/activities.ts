import { ApplicationFailure } from '@temporalio/common';
import { fetch } from 'undici';
import { and, asc, eq, inArray, isNull, sql } from 'drizzle-orm';
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
  const { db } = deps;
  const allowPrivateTargets = deps.allowPrivateWebhookTargets ?? true;
  const dispatcher = webhookDispatcher(allowPrivateTargets);
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

    /** One delivery row per active webhook of the department; ids are stable across retries. */
    async prepareWebhookDeliveries(outboxId: string, at: string): Promise<string[]> {
      const [entry] = await db.select().from(notificationOutbox).where(eq(notificationOutbox.id, outboxId));
      if (!entry) return [];
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

    /** One attempt; a failure throws so Temporal retries with backoff, reusing the delivery id. */
    async sendWebhook(deliveryId: string): Promise<void> {
      const [row] = await db
        .select({ delivery: webhookDeliveries, hook: webhooks, entry: notificationOutbox, departmentCode: departments.code })
        .from(webhookDeliveries)
        .innerJoin(webhooks, eq(webhooks.id, webhookDeliveries.webhookId))
        .innerJoin(notificationOutbox, eq(notificationOutbox.id, webhookDeliveries.outboxId))
        .innerJoin(departments, eq(departments.id, webhookDeliveries.departmentId))
        .where(eq(webhookDeliveries.id, deliveryId));
      if (!row || row.delivery.status === 'delivered') return;
      if (!row.hook.active) {
        await db
          .update(webhookDeliveries)
          .set({ status: 'failed', lastError: 'webhook deactivated' })
          .where(eq(webhookDeliveries.id, deliveryId));
        return;
      }
      const body = JSON.stringify({
        deliveryId,
        notificationId: row.entry.id,
        department: row.departmentCode,
        kind: row.entry.kind,
        subjectType: row.entry.subjectType,
        subjectId: row.entry.subjectId,
        title: row.entry.title,
        body: row.entry.body,
        payload: row.entry.payload,
        createdAt: row.entry.createdAt.toISOString(),
      });
      const now = await deps.clock.now();
      const timestamp = Math.floor(now.getTime() / 1000);
      let statusCode: number | null = null;
      let error: string | null = null;
      try {
        if (!allowPrivateTargets) checkLiteralTarget(new URL(row.hook.url));
        const response = await fetch(row.hook.url, {
          dispatcher,
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            [DELIVERY_HEADER]: deliveryId,
            [TIMESTAMP_HEADER]: String(timestamp),
            [SIGNATURE_HEADER]: signWebhook(row.hook.secret, deliveryId, timestamp, body),
          },
          body,
          signal: AbortSignal.timeout(deps.webhookTimeoutMs ?? 10_000),
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
      await db
        .update(webhookDeliveries)
        .set({
          attempts: sql`${webhookDeliveries.attempts} + 1`,
          lastStatusCode: statusCode,
          lastError: error,
          lastAttemptAt: now,
          ...(error === null ? { status: 'delivered' as const, deliveredAt: now } : {}),
        })
        .where(eq(webhookDeliveries.id, deliveryId));
      if (error !== null) throw ApplicationFailure.retryable(`webhook delivery ${deliveryId} failed: ${error}`, 'WebhookDeliveryFailed');
    },

    async markWebhookFailed(deliveryId: string): Promise<void> {
      await db
        .update(webhookDeliveries)
        .set({ status: 'failed' })
        .where(and(eq(webhookDeliveries.id, deliveryId), eq(webhookDeliveries.status, 'pending')));
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

export type NotificationActivities = ReturnType<typeof createNotificationActivities>;
