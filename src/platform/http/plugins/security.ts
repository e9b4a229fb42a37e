/**
 * Headers and limits every response and write shares: Helmet's security headers (no sniffing,
 * no framing, HSTS in production), `Cache-Control: no-store` on the API (tokens, personal data
 * and department data must not sit in shared caches), cross-origin access closed unless an
 * origin is listed (CORS), and rate limits on writes — per user once signed in, per address
 * before (sign-in) — answered 429 with `RateLimit-*` and `Retry-After`.
 *
 * The limits are counted in each API process's memory: behind a load balancer with N processes
 * a caller gets up to N times the limit, which still bounds a runaway client.
 */
import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Config } from '../../config.js';
import { AppError } from '../../errors.js';

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * What an answer sent before any hook runs (a URL Fastify cannot route, a request Node cannot
 * parse) carries of the headers below: such answers are errors in JSON.
 */
export const BASELINE_HEADERS = { 'x-content-type-options': 'nosniff', 'x-frame-options': 'DENY', 'cache-control': 'no-store' } as const;

/** Registered first, so that every answer — the edge's refusals included — carries them. */
export const securityHeadersPlugin = fp<{ production: boolean }>(
  async (app: FastifyInstance, options) => {
    await app.register(helmet, {
      frameguard: { action: 'deny' },
      hsts: options.production ? { maxAge: 31_536_000, includeSubDomains: true } : false,
      // The API answers JSON; the interactive docs serve their own CSP (swagger-ui's staticCSP).
      contentSecurityPolicy: false,
    });
    app.addHook('onSend', async (request, reply) => {
      if (request.url.startsWith('/api/')) reply.header('cache-control', 'no-store');
    });
  },
  { name: 'security-headers' },
);

/**
 * Cross-origin access (CORS): closed unless the page's origin is in `origins` (CORS_ORIGINS).
 * The console is served by the platform itself (same origin) and needs none. For an origin not
 * listed — or any, when none is — nothing is added: no `Access-Control-Allow-Origin`, and a
 * preflight falls through to the API's own answer (405 or 404), so the browser refuses the call.
 * A listed origin gets its own origin back (never `*`), the methods and headers the API uses and
 * the headers it answers with; no credentials (tokens travel in `Authorization`, not cookies).
 */
export const corsPlugin = fp<{ origins: readonly string[] }>(
  async (app: FastifyInstance, options) => {
    const allowed = new Set(options.origins);
    await app.register(cors, {
      origin: (origin, callback) => callback(null, origin !== undefined && allowed.has(origin) ? origin : false),
      methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
      allowedHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key', 'X-Request-Id'],
      exposedHeaders: [
        'X-Request-Id',
        'Content-Disposition',
        'X-Content-SHA256',
        'X-Dataset-Count',
        'Idempotent-Replayed',
        'Retry-After',
        'RateLimit-Limit',
        'RateLimit-Remaining',
        'RateLimit-Reset',
      ],
      maxAge: 600,
    });
  },
  { name: 'cors' },
);

export const rateLimitPlugin = fp<{ rateLimits: Config['rateLimits'] }>(
  async (app: FastifyInstance, options) => {
    const key = (request: FastifyRequest) => (request.actor ? `user:${request.actor.userId}` : `address:${request.ip}`);
    await app.register(rateLimit, {
      // After authentication (onRequest), so that a signed-in caller is counted as a user.
      hook: 'preValidation',
      timeWindow: 60_000,
      enableDraftSpec: true,
      // The exchange's checks come from a trusted system at its own volume: not throttled as people are.
      allowList: (request) =>
        READS.has(request.method) || !request.routeOptions.config.operationId || request.routeOptions.config.isService === true,
      keyGenerator: key,
      max: (request) => (request.actor ? options.rateLimits.writesPerMinute : options.rateLimits.signInsPerMinute),
      errorResponseBuilder: (_request, context) =>
        new AppError(429, 'rate_limited', `Too many requests; try again in ${context.after}`, {
          limit: context.max,
          retryAfterSeconds: Math.ceil(context.ttl / 1000),
        }),
    });
  },
  { name: 'rate-limit' },
);
