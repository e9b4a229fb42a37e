import { randomBytes } from 'node:crypto';
import { and, desc, eq, inArray, isNull, sql } from 'drizzle-orm';
import { appendAudit } from '../audit/index.js';
import { Action, Subject } from '../identity/rules/abilities.js';
import { authorize, authorizeCreate } from '../identity/index.js';
import { accessibleWhere } from '../identity/index.js';
import { inboxMessages, webhookDeliveries, webhooks } from '../platform/db/schema.js';
import { RuleViolationError } from '../platform/errors.js';
import { auditActor } from '../identity/index.js';
import type { RequestContext } from '../identity/index.js';
import type { JsonBody, JsonRequest, QueryParams } from '../platform/http/contract.js';
import { decodeCursor, isTimeIdCursor, page } from '../platform/http/cursor.js';
import { deliveryView, notificationView, webhookView } from './presenters.js';
import { checkWebhookTarget } from './webhook-targets.js';

export type InboxRow = typeof inboxMessages.$inferSelect;
export type WebhookRow = typeof webhooks.$inferSelect;
export type DeliveryRow = typeof webhookDeliveries.$inferSelect;

const inboxFields = { departmentId: inboxMessages.departmentId };
const webhookFields = { departmentId: webhooks.departmentId };
const deliveryFields = { departmentId: webhookDeliveries.departmentId };

// ── Inbox ────────────────────────────────────────────────────────────────────────────────────

export interface InboxCursor {
  createdAt: string;
  id: string;
}

export async function listInbox(
  ctx: RequestContext,
  filter: { unreadOnly: boolean; after?: InboxCursor | undefined; limit: number },
): Promise<InboxRow[]> {
  const visible = accessibleWhere(ctx.actor.ability, Action.read, Subject.Notification, inboxFields);
  return ctx.db
    .select()
    .from(inboxMessages)
    .where(
      and(
        visible,
        // The inbox is the caller's own department's, even for roles that may read more.
        eq(inboxMessages.departmentId, ctx.actor.departmentId),
        filter.unreadOnly ? isNull(inboxMessages.readAt) : undefined,
        filter.after
          ? sql`(${inboxMessages.createdAt}, ${inboxMessages.outboxId}) < (${new Date(filter.after.createdAt)}, ${filter.after.id})`
          : undefined,
      ),
    )
    .orderBy(desc(inboxMessages.createdAt), desc(inboxMessages.outboxId))
    .limit(filter.limit);
}

export async function unreadCount(ctx: RequestContext): Promise<number> {
  return ctx.db.$count(inboxMessages, and(eq(inboxMessages.departmentId, ctx.actor.departmentId), isNull(inboxMessages.readAt)));
}

export async function markRead(ctx: RequestContext, id: string): Promise<InboxRow> {
  const [current] = await ctx.db.select().from(inboxMessages).where(eq(inboxMessages.outboxId, id));
  const row = authorize(ctx.actor.ability, Action.update, Subject.Notification, current);
  if (row.readAt) return row;
  return ctx.db.transaction(async (tx) => {
    const [updated] = await tx
      .update(inboxMessages)
      .set({ readAt: ctx.now, readBy: ctx.actor.userId })
      .where(and(eq(inboxMessages.outboxId, id), isNull(inboxMessages.readAt)))
      .returning();
    if (!updated) return row; // read by a colleague a moment ago
    await appendAudit(tx, {
      actor: auditActor(ctx.actor, 'requester', 'reviewer', 'dept_admin'),
      action: 'notification.read',
      subjectType: Subject.Notification,
      subjectId: id,
      after: { readAt: ctx.now.toISOString() },
      requestId: ctx.requestId,
      at: ctx.now,
    });
    return updated;
  });
}

// ── Webhooks ─────────────────────────────────────────────────────────────────────────────────

async function checkWebhookUrl(raw: string, allowPrivateTargets: boolean): Promise<void> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new RuleViolationError('invalid_webhook_url', 'The webhook URL is not a URL');
  }
  const loopback = url.hostname === 'localhost' || url.hostname === '127.0.0.1' || url.hostname === '[::1]';
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    throw new RuleViolationError('invalid_webhook_url', 'Webhooks must use https (plain http only to a loopback address, for testing)');
  }
  if (url.username || url.password)
    throw new RuleViolationError('invalid_webhook_url', 'A webhook URL carries no credentials; the signature authenticates deliveries');
  await checkWebhookTarget(url, allowPrivateTargets);
}

/** Registers a webhook for the caller's department; the signing secret is returned only now. */
export async function createWebhook(
  ctx: RequestContext,
  input: { url: string },
  options: { allowPrivateTargets: boolean } = { allowPrivateTargets: false },
): Promise<{ webhook: WebhookRow; secret: string }> {
  authorizeCreate(ctx.actor.ability, Subject.Webhook, { departmentId: ctx.actor.departmentId });
  await checkWebhookUrl(input.url, options.allowPrivateTargets);
  const secret = `whsec_${randomBytes(32).toString('base64url')}`;
  return ctx.db.transaction(async (tx) => {
    const [webhook] = await tx
      .insert(webhooks)
      .values({ departmentId: ctx.actor.departmentId, url: input.url, secret, createdAt: ctx.now, createdBy: ctx.actor.userId })
      .returning();
    await appendAudit(tx, {
      actor: auditActor(ctx.actor, 'dept_admin'),
      action: 'webhook.created',
      subjectType: Subject.Webhook,
      subjectId: webhook!.id,
      after: { url: input.url },
      requestId: ctx.requestId,
      at: ctx.now,
    });
    return { webhook: webhook!, secret };
  });
}

export async function listWebhooks(ctx: RequestContext): Promise<WebhookRow[]> {
  const visible = accessibleWhere(ctx.actor.ability, Action.read, Subject.Webhook, webhookFields);
  return ctx.db.select().from(webhooks).where(visible).orderBy(desc(webhooks.createdAt)).limit(500);
}

export async function deactivateWebhook(ctx: RequestContext, id: string): Promise<WebhookRow> {
  return ctx.db.transaction(async (tx) => {
    const [current] = await tx.select().from(webhooks).where(eq(webhooks.id, id)).for('update');
    const row = authorize(ctx.actor.ability, Action.delete, Subject.Webhook, current);
    const [updated] = await tx.update(webhooks).set({ active: false }).where(eq(webhooks.id, id)).returning();
    await appendAudit(tx, {
      actor: auditActor(ctx.actor, 'dept_admin'),
      action: 'webhook.deactivated',
      subjectType: Subject.Webhook,
      subjectId: id,
      before: { active: row.active },
      after: { active: false },
      requestId: ctx.requestId,
      at: ctx.now,
    });
    return updated!;
  });
}

/** The stored states a status filter covers: an attempt in flight (`sending`) is shown as pending. */
const deliveryStatesShownAs = (status: DeliveryRow['status']): DeliveryRow['status'][] =>
  status === 'pending' ? ['pending', 'sending'] : [status];

export async function listDeliveries(
  ctx: RequestContext,
  filter: { webhookId?: string | undefined; status?: DeliveryRow['status'] | undefined; before?: InboxCursor | undefined; limit: number },
): Promise<DeliveryRow[]> {
  const visible = accessibleWhere(ctx.actor.ability, Action.read, Subject.WebhookDelivery, deliveryFields);
  return ctx.db
    .select()
    .from(webhookDeliveries)
    .where(
      and(
        visible,
        filter.webhookId ? eq(webhookDeliveries.webhookId, filter.webhookId) : undefined,
        filter.status ? inArray(webhookDeliveries.status, deliveryStatesShownAs(filter.status)) : undefined,
        filter.before
          ? sql`(${webhookDeliveries.createdAt}, ${webhookDeliveries.id}) < (${new Date(filter.before.createdAt)}, ${filter.before.id})`
          : undefined,
      ),
    )
    .orderBy(desc(webhookDeliveries.createdAt), desc(webhookDeliveries.id))
    .limit(filter.limit);
}

// ── Use cases, one call per HTTP operation ───────────────────────────────────────────────────

export class NotificationService {
  constructor(private readonly deps: { allowPrivateWebhookTargets: boolean }) {}

  async inbox(ctx: RequestContext, query: QueryParams<'listNotifications'>): Promise<JsonBody<'listNotifications', 200>> {
    // Validation applies the contract's defaults (unread false, limit 50); the type still marks them optional.
    const { unread = false, cursor, limit = 50 } = query;
    const rows = await listInbox(ctx, {
      unreadOnly: unread,
      after: decodeCursor(cursor, isTimeIdCursor),
      limit: limit + 1,
    });
    const result = page(rows, limit, (m) => ({ createdAt: m.createdAt.toISOString(), id: m.outboxId }));
    return { items: result.items.map(notificationView), nextCursor: result.nextCursor };
  }

  async unreadCount(ctx: RequestContext): Promise<JsonBody<'countUnreadNotifications', 200>> {
    return { count: await unreadCount(ctx) };
  }

  async markRead(ctx: RequestContext, id: string): Promise<JsonBody<'markNotificationRead', 200>> {
    return notificationView(await markRead(ctx, id));
  }

  async webhooks(ctx: RequestContext): Promise<JsonBody<'listWebhooks', 200>> {
    return { items: (await listWebhooks(ctx)).map(webhookView) };
  }

  async createWebhook(ctx: RequestContext, input: JsonRequest<'createWebhook'>): Promise<JsonBody<'createWebhook', 201>> {
    const { webhook, secret } = await createWebhook(ctx, input, { allowPrivateTargets: this.deps.allowPrivateWebhookTargets });
    return { webhook: webhookView(webhook), secret };
  }

  async deactivateWebhook(ctx: RequestContext, id: string): Promise<JsonBody<'deactivateWebhook', 200>> {
    return webhookView(await deactivateWebhook(ctx, id));
  }

  async deliveries(ctx: RequestContext, query: QueryParams<'listWebhookDeliveries'>): Promise<JsonBody<'listWebhookDeliveries', 200>> {
    // Validation applies the contract's default limit (50); the type still marks it optional.
    const { cursor, limit = 50, ...filter } = query;
    const rows = await listDeliveries(ctx, { ...filter, before: decodeCursor(cursor, isTimeIdCursor), limit: limit + 1 });
    const result = page(rows, limit, (d) => ({ createdAt: d.createdAt.toISOString(), id: d.id }));
    return { items: result.items.map(deliveryView), nextCursor: result.nextCursor };
  }
}
