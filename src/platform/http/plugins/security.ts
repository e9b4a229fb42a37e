/**
 * Headers and limits every response and write shares: Helmet's security headers (no sniffing,
 * no framing, HSTS in production), `Cache-Control: no-store` on the API (tokens, personal data
 * and department data must not sit in shared caches), and rate limits on writes — per user once
 * signed in, per address before (sign-in) — answered 429 with `RateLimit-*` and `Retry-After`.
 *
 * The limits are counted in each API process's memory: behind a load balancer with N processes
 * a caller gets up to N times the limit, which still bounds a runaway client.
 */
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
