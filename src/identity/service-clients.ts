/**
 * Service clients (服务调用方): systems that call the platform with their own credential — the
 * exchange's interface gateway asking the grant check. A key is `gxs_<client id>.<secret>`, the
 * secret 256 random bits shown once; only its SHA-256 is kept (a fast hash suffices for a
 * secret that cannot be guessed), compared in constant time. Verified keys are held for a few
 * seconds, so a busy gateway costs no query per call; a revocation takes effect within that time.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { desc, eq } from 'drizzle-orm';
import { appendAudit } from '../audit/index.js';
import type { Db } from '../platform/db/client.js';
import { serviceClients } from '../platform/db/schema.js';
import { ConflictError, ForbiddenError, NotFoundError, UnauthorizedError } from '../platform/errors.js';
import { auditActor } from './actor.js';
import { authorize, authorizeCreate } from './authorize.js';
import { Action, Subject } from './rules/abilities.js';
import type { RequestContext } from './service.js';

export type ServiceClientRow = typeof serviceClients.$inferSelect;
export interface ServiceClient {
  id: string;
  name: string;
}

const KEY = /^gxs_([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.([A-Za-z0-9_-]{43})$/;
const sha256 = (secret: string) => createHash('sha256').update(secret).digest();
const HELD_MS = 5_000;

export const serviceClientView = (row: ServiceClientRow) => ({
  id: row.id,
  name: row.name,
  createdAt: row.createdAt.toISOString(),
  revokedAt: row.revokedAt?.toISOString() ?? null,
});

export async function listServiceClients(ctx: RequestContext) {
  if (!ctx.actor.ability.can(Action.read, Subject.ServiceClient))
    throw new ForbiddenError('forbidden', 'Only the center and auditors see the service clients');
  const rows = await ctx.db.select().from(serviceClients).orderBy(desc(serviceClients.createdAt)).limit(1000);
  return { items: rows.map(serviceClientView) };
}

export async function createServiceClient(ctx: RequestContext, name: string) {
  authorizeCreate(ctx.actor.ability, Subject.ServiceClient, {});
  const secret = randomBytes(32).toString('base64url');
  return ctx.db.transaction(async (tx) => {
    const [taken] = await tx.select({ id: serviceClients.id }).from(serviceClients).where(eq(serviceClients.name, name.trim()));
    if (taken) throw new ConflictError('service_client_name_taken', 'A service client with that name exists');
    const [row] = await tx
      .insert(serviceClients)
      .values({ name: name.trim(), keyHash: sha256(secret).toString('hex'), createdAt: ctx.now, createdByUserId: ctx.actor.userId })
      .returning();
    await appendAudit(tx, {
      actor: auditActor(ctx.actor, 'center_admin'),
      action: 'service_client.created',
      subjectType: Subject.ServiceClient,
      subjectId: row!.id,
      after: { name: row!.name },
      requestId: ctx.requestId,
      at: ctx.now,
    });
    return { client: serviceClientView(row!), key: `gxs_${row!.id}.${secret}` };
  });
}

export async function revokeServiceClient(ctx: RequestContext, id: string) {
  return ctx.db.transaction(async (tx) => {
    const [row] = await tx.select().from(serviceClients).where(eq(serviceClients.id, id)).for('update');
    if (!row || !ctx.actor.ability.can(Action.read, Subject.ServiceClient))
      throw new NotFoundError('service_client_not_found', 'No service client with that id');
    authorize(ctx.actor.ability, Action.update, Subject.ServiceClient, {});
    if (row.revokedAt) return serviceClientView(row);
    const [revoked] = await tx.update(serviceClients).set({ revokedAt: ctx.now }).where(eq(serviceClients.id, id)).returning();
    await appendAudit(tx, {
      actor: auditActor(ctx.actor, 'center_admin'),
      action: 'service_client.revoked',
      subjectType: Subject.ServiceClient,
      subjectId: id,
      before: { revokedAt: null },
      after: { revokedAt: ctx.now.toISOString() },
      requestId: ctx.requestId,
      at: ctx.now,
    });
    held.delete(id);
    return serviceClientView(revoked!);
  });
}

const held = new Map<string, { hash: Buffer; client: ServiceClient | null; until: number }>();

/** The client a key belongs to; 401 for a malformed, unknown, wrong or revoked key. */
export async function verifyServiceKey(db: Db, key: string | undefined, now = Date.now()): Promise<ServiceClient> {
  const match = key ? KEY.exec(key) : null;
  if (!match)
    throw new UnauthorizedError(
      'service_credential_required',
      'This operation takes a service client key (X-Service-Key), not a person’s token',
    );
  const [, id, secret] = match as unknown as [string, string, string];
  let entry = held.get(id);
  if (!entry || entry.until < now) {
    const [row] = await db.select().from(serviceClients).where(eq(serviceClients.id, id));
    entry = {
      hash: row ? Buffer.from(row.keyHash, 'hex') : Buffer.alloc(32),
      client: row && !row.revokedAt ? { id: row.id, name: row.name } : null,
      until: now + HELD_MS,
    };
    held.set(id, entry);
  }
  const matches = timingSafeEqual(entry.hash, sha256(secret));
  if (!matches || !entry.client)
    throw new UnauthorizedError('service_credential_invalid', 'The service client key is unknown, wrong or revoked');
  return entry.client;
}
