/** The notifications capability's HTTP operations: each one service call, typed from the contract. */
import type { Client } from '@temporalio/client';
import { contextOf } from '../identity/index.js';
import type { Clock } from '../platform/clock.js';
import type { Config } from '../platform/config.js';
import type { Db } from '../platform/db/client.js';
import { operation } from '../platform/http/contract.js';
import { NotificationService } from './service.js';

export function notificationHandlers(deps: {
  db: Db;
  clock: Clock;
  temporal: { client: Client };
  settings: Config['temporal'];
  allowPrivateWebhookTargets: boolean;
}) {
  const service = new NotificationService(deps);
  const context = (request: Parameters<typeof contextOf>[0]) => contextOf(request, deps);

  return {
    listNotifications: operation<'listNotifications'>(async (request) => service.inbox(await context(request), request.query)),
    countUnreadNotifications: operation<'countUnreadNotifications'>(async (request) => service.unreadCount(await context(request))),
    markNotificationRead: operation<'markNotificationRead'>(async (request) =>
      service.markRead(await context(request), request.params.notificationId),
    ),
    listWebhooks: operation<'listWebhooks'>(async (request) => service.webhooks(await context(request))),
    createWebhook: operation<'createWebhook'>(async (request, reply) => {
      reply.status(201);
      return service.createWebhook(await context(request), request.body);
    }),
    deactivateWebhook: operation<'deactivateWebhook'>(async (request) =>
      service.deactivateWebhook(await context(request), request.params.webhookId),
    ),
    listWebhookDeliveries: operation<'listWebhookDeliveries'>(async (request) => service.deliveries(await context(request), request.query)),
  };
}
