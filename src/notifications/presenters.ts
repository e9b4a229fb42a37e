/** Inbox notices, webhooks and their deliveries as the contract shows them. */
import type { JsonBody } from '../platform/http/contract.js';
import type { DeliveryRow, InboxRow, WebhookRow } from './service.js';

export const notificationView = (m: InboxRow): JsonBody<'markNotificationRead', 200> => ({
  id: m.outboxId,
  kind: m.kind,
  subjectType: m.subjectType,
  subjectId: m.subjectId,
  title: m.title,
  body: m.body,
  createdAt: m.createdAt.toISOString(),
  readAt: m.readAt?.toISOString() ?? null,
});

export const webhookView = (w: WebhookRow): JsonBody<'deactivateWebhook', 200> => ({
  id: w.id,
  departmentId: w.departmentId,
  url: w.url,
  active: w.active,
  createdAt: w.createdAt.toISOString(),
});

export const deliveryView = (d: DeliveryRow): JsonBody<'listWebhookDeliveries', 200>['items'][number] => ({
  id: d.id,
  webhookId: d.webhookId,
  notificationId: d.outboxId,
  departmentId: d.departmentId,
  // An attempt in flight is still pending to the delivery log's readers.
  status: d.status === 'sending' ? 'pending' : d.status,
  attempts: d.attempts,
  lastStatusCode: d.lastStatusCode,
  lastError: d.lastError,
  lastAttemptAt: d.lastAttemptAt?.toISOString() ?? null,
  deliveredAt: d.deliveredAt?.toISOString() ?? null,
  createdAt: d.createdAt.toISOString(),
});
