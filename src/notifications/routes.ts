import type { Client } from '@temporalio/client';
import type { Clock } from '../platform/clock.js';
import type { Config } from '../platform/config.js';
import type { Db } from '../platform/db/client.js';
import * as notifications from './service.js';
import { operation, type JsonBody } from '../platform/http/contract.js';
import { decodeCursor, isTimeIdCursor, page } from '../platform/http/cursor.js';
import { contextOf } from '../identity/index.js';

const notificationView = (m: notifications.InboxRow): JsonBody<'markNotificationRead', 200> => ({
  id: m.outboxId,
  kind: m.kind,
  subjectType: m.subjectType,
  subjectId: m.subjectId,
  title: m.title,
  body: m.body,
  createdAt: m.createdAt.toISOString(),
  readAt: m.readAt?.toISOString() ?? null,
});

const webhookView = (w: notifications.WebhookRow): JsonBody<'deactivateWebhook', 200> => ({
  id: w.id,
  departmentId: w.departmentId,
  url: w.url,
  active: w.active,
  createdAt: w.createdAt.toISOString(),
});

const deliveryView = (d: notifications.DeliveryRow) => ({
  id: d.id,
  webhookId: d.webhookId,
  notificationId: d.outboxId,
  departmentId: d.departmentId,
  status: d.status,
  attempts: d.attempts,
  lastStatusCode: d.lastStatusCode,
  lastError: d.lastError,
  lastAttemptAt: d.lastAttemptAt?.toISOString() ?? null,
  deliveredAt: d.deliveredAt?.toISOString() ?? null,
  createdAt: d.createdAt.toISOString(),
});

export function notificationHandlers(deps: {
  db: Db;
  clock: Clock;
  temporal: { client: Client };
  settings: Config['temporal'];
  allowPrivateWebhookTargets: boolean;
}) {
  return {
    listNotifications: operation<'listNotifications'>(async (request): Promise<JsonBody<'listNotifications', 200>> => {
      const ctx = await contextOf(request, deps);
      // Validation applies the contract's defaults (unread false, limit 50); the type still marks them optional.
      const { unread = false, cursor, limit = 50 } = request.query;
      const rows = await notifications.listInbox(ctx, {
        unreadOnly: unread,
        after: decodeCursor(cursor, isTimeIdCursor),
        limit: limit + 1,
      });
      const result = page(rows, limit, (m) => ({ createdAt: m.createdAt.toISOString(), id: m.outboxId }));
      return { items: result.items.map(notificationView), nextCursor: result.nextCursor };
    }),

    countUnreadNotifications: operation<'countUnreadNotifications'>(async (request): Promise<JsonBody<'countUnreadNotifications', 200>> => {
      return { count: await notifications.unreadCount(await contextOf(request, deps)) };
    }),

    markNotificationRead: operation<'markNotificationRead'>(async (request) => {
      const ctx = await contextOf(request, deps);
      return notificationView(await notifications.markRead(ctx, request.params.notificationId));
    }),

    listWebhooks: operation<'listWebhooks'>(async (request): Promise<JsonBody<'listWebhooks', 200>> => {
      return { items: (await notifications.listWebhooks(await contextOf(request, deps))).map(webhookView) };
    }),

    createWebhook: operation<'createWebhook'>(async (request, reply): Promise<JsonBody<'createWebhook', 201>> => {
      const ctx = await contextOf(request, deps);
      const { webhook, secret } = await notifications.createWebhook(ctx, request.body, {
        allowPrivateTargets: deps.allowPrivateWebhookTargets,
      });
      reply.status(201);
      return { webhook: webhookView(webhook), secret };
    }),

    deactivateWebhook: operation<'deactivateWebhook'>(async (request) => {
      const ctx = await contextOf(request, deps);
      return webhookView(await notifications.deactivateWebhook(ctx, request.params.webhookId));
    }),

    listWebhookDeliveries: operation<'listWebhookDeliveries'>(async (request): Promise<JsonBody<'listWebhookDeliveries', 200>> => {
      const ctx = await contextOf(request, deps);
      // Validation applies the contract's default limit (50); the type still marks it optional.
      const { cursor, limit = 50, ...filter } = request.query;
      const rows = await notifications.listDeliveries(ctx, { ...filter, before: decodeCursor(cursor, isTimeIdCursor), limit: limit + 1 });
      const result = page(rows, limit, (d) => ({ createdAt: d.createdAt.toISOString(), id: d.id }));
      return { items: result.items.map(deliveryView), nextCursor: result.nextCursor };
    }),
  };
}
