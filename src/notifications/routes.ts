import type { Client } from '@temporalio/client';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Clock } from '../platform/clock.js';
import type { Config } from '../platform/config.js';
import type { Db } from '../platform/db/client.js';
import * as notifications from './service.js';
import type { JsonBody, JsonRequest } from '../platform/http/contract.js';
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
    listNotifications: async (request: FastifyRequest): Promise<JsonBody<'listNotifications', 200>> => {
      const ctx = await contextOf(request, deps);
      const query = request.query as { unread: boolean; cursor?: string; limit: number };
      const rows = await notifications.listInbox(ctx, {
        unreadOnly: query.unread,
        after: decodeCursor(query.cursor, isTimeIdCursor),
        limit: query.limit + 1,
      });
      const result = page(rows, query.limit, (m) => ({ createdAt: m.createdAt.toISOString(), id: m.outboxId }));
      return { items: result.items.map(notificationView), nextCursor: result.nextCursor };
    },

    countUnreadNotifications: async (request: FastifyRequest): Promise<JsonBody<'countUnreadNotifications', 200>> => {
      return { count: await notifications.unreadCount(await contextOf(request, deps)) };
    },

    markNotificationRead: async (request: FastifyRequest) => {
      const ctx = await contextOf(request, deps);
      const { notificationId } = request.params as { notificationId: string };
      return notificationView(await notifications.markRead(ctx, notificationId));
    },

    listWebhooks: async (request: FastifyRequest): Promise<JsonBody<'listWebhooks', 200>> => {
      return { items: (await notifications.listWebhooks(await contextOf(request, deps))).map(webhookView) };
    },

    createWebhook: async (request: FastifyRequest, reply: FastifyReply): Promise<JsonBody<'createWebhook', 201>> => {
      const ctx = await contextOf(request, deps);
      const { webhook, secret } = await notifications.createWebhook(ctx, request.body as JsonRequest<'createWebhook'>, {
        allowPrivateTargets: deps.allowPrivateWebhookTargets,
      });
      reply.status(201);
      return { webhook: webhookView(webhook), secret };
    },

    deactivateWebhook: async (request: FastifyRequest) => {
      const ctx = await contextOf(request, deps);
      const { webhookId } = request.params as { webhookId: string };
      return webhookView(await notifications.deactivateWebhook(ctx, webhookId));
    },

    listWebhookDeliveries: async (request: FastifyRequest): Promise<JsonBody<'listWebhookDeliveries', 200>> => {
      const ctx = await contextOf(request, deps);
      const query = request.query as { webhookId?: string; status?: 'pending' | 'delivered' | 'failed'; cursor?: string; limit: number };
      const rows = await notifications.listDeliveries(ctx, {
        ...query,
        before: decodeCursor(query.cursor, isTimeIdCursor),
        limit: query.limit + 1,
      });
      const result = page(rows, query.limit, (d) => ({ createdAt: d.createdAt.toISOString(), id: d.id }));
      return { items: result.items.map(deliveryView), nextCursor: result.nextCursor };
    },
  };
}
