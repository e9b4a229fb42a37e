import type { FastifyReply, FastifyRequest } from 'fastify';
import { shanghaiDate } from '../../domain/calendar/shanghai-time.js';
import type { JsonBody } from '../contract.js';
import type { AppDeps } from '../app.js';

type Readiness = JsonBody<'getReadiness', 200>;

async function check(probe: () => Promise<void>): Promise<Readiness['checks']['database']> {
  try {
    await probe();
    return { status: 'up' };
  } catch (error) {
    return { status: 'down', error: error instanceof Error ? error.message.split('\n')[0]!.slice(0, 200) : 'unreachable' };
  }
}

export function systemHandlers(deps: AppDeps) {
  return {
    getLiveness: async (): Promise<JsonBody<'getLiveness', 200>> => ({ status: 'ok' }),

    getReadiness: async (_request: FastifyRequest, reply: FastifyReply): Promise<Readiness> => {
      const [database, temporal] = await Promise.all([check(() => deps.database.ping()), check(() => deps.temporal.ping())]);
      const ready = database.status === 'up' && temporal.status === 'up';
      reply.status(ready ? 200 : 503);
      return { status: ready ? 'ready' : 'not_ready', checks: { database, temporal } };
    },

    getSystemInfo: async (): Promise<JsonBody<'getSystemInfo', 200>> => {
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
