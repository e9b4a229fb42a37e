import type { FastifyReply, FastifyRequest } from 'fastify';
import { shanghaiDate } from '../calendar/rules/shanghai-time.js';
import type { JsonBody } from '../platform/http/contract.js';
import type { AppDeps } from './app.js';

type Readiness = JsonBody<'getReadiness', 200>;

/**
 * The probes (GET /healthz, /readyz): polled every fraction of a second by `start`, load
 * balancers and orchestrators, so their request lines are logged at debug, not info.
 */
export const PROBE_OPERATIONS = ['getLiveness', 'getReadiness'] as const;

/** Up or down. The reason goes to the log only: the endpoint is public, and errors name hosts and users. */
async function check(request: FastifyRequest, dependency: string, probe: () => Promise<void>): Promise<Readiness['checks']['database']> {
  try {
    await probe();
    return { status: 'up' };
  } catch (error) {
    request.log.warn({ err: error, dependency }, 'readiness check failed');
    return { status: 'down' };
  }
}

export function systemHandlers(deps: AppDeps) {
  return {
    getLiveness: async (): Promise<JsonBody<'getLiveness', 200>> => ({ status: 'ok' }),

    getReadiness: async (request: FastifyRequest, reply: FastifyReply): Promise<Readiness> => {
      const [database, temporal] = await Promise.all([
        check(request, 'database', () => deps.database.ping()),
        check(request, 'temporal', () => deps.temporal.ping()),
      ]);
      const ready = database.status === 'up' && temporal.status === 'up';
      reply.status(ready ? 200 : 503);
      return { status: ready ? 'ready' : 'not_ready', checks: { database, temporal } };
    },

    // Anyone (the sign-in page) learns the name and whether demo sign-in is on; a signed-in user the rest.
    getSystemInfo: async (request: FastifyRequest): Promise<JsonBody<'getSystemInfo', 200>> => {
      if (!request.actor) return { name: 'gongxiang', demoMode: deps.config.demoMode };
      const now = await deps.clock.now();
      return {
        name: 'gongxiang',
        version: deps.version,
        now: now.toISOString(),
        timeZone: 'Asia/Shanghai',
        shanghaiDate: shanghaiDate(now),
        database: deps.database.kind,
        demoMode: deps.config.demoMode,
      };
    },
  };
}
