import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { and, eq, lt } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Clock } from '../../clock.js';
import type { Db } from '../../db/client.js';
import { idempotencyKeys } from '../../db/schema.js';
import { AppError, ConflictError } from '../../errors.js';

/** How long a key is remembered (documented in the contract's Idempotency-Key parameter). */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
const KEY = /^[A-Za-z0-9._:-]{8,128}$/;

declare module 'fastify' {
  interface FastifyRequest {
    idempotencyKey: string | undefined;
  }
}

/**
 * Makes state-changing POSTs safe to retry. With an `Idempotency-Key` header, the first request
 * is processed and its response stored; a replay with the same body gets that response again
 * (header `idempotent-replayed: true`); the same key with another body is 409; a replay while
 * the first is still running is 409 too. Keys are per user and expire after 24 hours. A 5xx is
 * not stored, so the client may retry it.
 */
export const idempotencyPlugin = fp<{ db: Db; clock: Clock }>(
  async (app: FastifyInstance, { db, clock }) => {
    app.decorateRequest('idempotencyKey', undefined);

    app.addHook('preHandler', async (request, reply) => {
      const key = request.headers['idempotency-key'];
      if (request.method !== 'POST' || key === undefined || !request.routeOptions.config.operationId) return;
      if (typeof key !== 'string' || !KEY.test(key))
        throw new AppError(400, 'invalid_idempotency_key', 'Idempotency-Key must be 8-128 characters of A-Z a-z 0-9 . _ : -');
      const userId = request.actor?.userId;
      if (!userId) return; // public operations are not state-changing
      const now = await clock.now();
      const path = request.routeOptions.url ?? request.url;
      const requestHash = createHash('sha256')
        .update(`${request.method} ${request.url}\n`)
        .update(Buffer.isBuffer(request.body) ? request.body : (canonicalize as unknown as (v: unknown) => string)(request.body ?? null))
        .digest('hex');

      await db
        .delete(idempotencyKeys)
        .where(and(eq(idempotencyKeys.userId, userId), eq(idempotencyKeys.key, key), lt(idempotencyKeys.expiresAt, now)));
      const inserted = await db
        .insert(idempotencyKeys)
        .values({
          userId,
          key,
          method: request.method,
          path,
          requestHash,
          createdAt: now,
          expiresAt: new Date(now.getTime() + IDEMPOTENCY_TTL_MS),
        })
        .onConflictDoNothing()
        .returning({ key: idempotencyKeys.key });
      if (inserted.length) {
        request.idempotencyKey = key;
        return;
      }
      const [first] = await db
        .select()
        .from(idempotencyKeys)
        .where(and(eq(idempotencyKeys.userId, userId), eq(idempotencyKeys.key, key)));
      if (!first)
        throw new ConflictError('idempotency_request_in_progress', 'A request with this Idempotency-Key is being processed; retry shortly');
      if (first.requestHash !== requestHash) {
        throw new ConflictError(
          'idempotency_key_reused',
          'This Idempotency-Key was used for a different request; use a new key for a new request',
        );
      }
      if (first.responseStatus === null) {
        throw new ConflictError('idempotency_request_in_progress', 'A request with this Idempotency-Key is being processed; retry shortly');
      }
      reply.header('idempotent-replayed', 'true');
      return reply.status(first.responseStatus).send(first.responseBody);
    });

    app.addHook('onSend', async (request, reply, payload) => {
      const key = request.idempotencyKey;
      const userId = request.actor?.userId;
      if (!key || !userId) return payload;
      const where = and(eq(idempotencyKeys.userId, userId), eq(idempotencyKeys.key, key));
      if (reply.statusCode >= 500) {
        await db.delete(idempotencyKeys).where(where);
      } else {
        await db
          .update(idempotencyKeys)
          .set({ responseStatus: reply.statusCode, responseBody: typeof payload === 'string' ? JSON.parse(payload) : null })
          .where(where);
      }
      return payload;
    });
  },
  { name: 'idempotency', dependencies: ['authentication'] },
);
