import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { TokenService } from './tokens.js';
import type { Clock } from '../platform/clock.js';
import type { Db } from '../platform/db/client.js';
import { UnauthorizedError } from '../platform/errors.js';
import { toActor, type AuthenticatedActor } from './actor.js';
import { verifyServiceKey, type ServiceClient } from './service-clients.js';
import { loadActiveUser, type RequestContext } from './service.js';

declare module 'fastify' {
  interface FastifyRequest {
    actor: AuthenticatedActor | undefined;
    /** The system calling a service operation (`security: [serviceKey]`). */
    serviceClient: ServiceClient | undefined;
  }
}

export interface AuthenticationOptions {
  db: Db;
  tokens: TokenService;
  clock: Clock;
}

/**
 * One authentication hook for every contract route that is not public: a valid bearer token
 * naming an active user, whose department and roles are read fresh, else 401. It runs before
 * validation, so an anonymous caller learns nothing about the shape of a request. A public
 * operation that also reads a signed-in caller (`security: [{}, { bearerAuth: [] }]`) gets the
 * actor of a valid token, and answers anyone else — no token, or one that does not verify — as
 * anonymous: it never tells more than it tells anyone, and a page holding a stale token (the
 * sign-in page) still gets its answer.
 */
export const authenticationPlugin = fp<AuthenticationOptions>(
  async (app: FastifyInstance, options) => {
    app.decorateRequest('actor', undefined);
    app.decorateRequest('serviceClient', undefined);
    const actorOf = async (request: FastifyRequest): Promise<AuthenticatedActor> => {
      const header = request.headers.authorization;
      const match = typeof header === 'string' ? /^Bearer +([A-Za-z0-9._~+/=-]+)$/i.exec(header) : null;
      if (!match) throw new UnauthorizedError();
      const { userId } = await options.tokens.verify(match[1]!, await options.clock.now());
      const found = await loadActiveUser(options.db, userId);
      if (!found) throw new UnauthorizedError('user_inactive', 'The user of this token is unknown or deactivated');
      return toActor(found.user, found.department);
    };
    app.addHook('onRequest', async (request) => {
      const config = request.routeOptions.config;
      if (!config.operationId) return;
      if (config.isPublic) {
        if (config.readsBearer && request.headers.authorization !== undefined)
          request.actor = await actorOf(request).catch((error: unknown) => {
            if (error instanceof UnauthorizedError) return undefined;
            throw error;
          });
        return;
      }
      if (config.isService) {
        const key = request.headers['x-service-key'];
        request.serviceClient = await verifyServiceKey(options.db, typeof key === 'string' ? key : undefined);
        return;
      }
      request.actor = await actorOf(request);
    });
  },
  { name: 'authentication' },
);

/** The service context of an authenticated request. */
export async function contextOf(request: FastifyRequest, deps: { db: Db; clock: Clock }): Promise<RequestContext> {
  if (!request.actor) throw new UnauthorizedError();
  return { db: deps.db, actor: request.actor, requestId: String(request.id), now: await deps.clock.now() };
}
