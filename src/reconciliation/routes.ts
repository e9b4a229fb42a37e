/** The reconciler's HTTP operations: each one service call, typed from the contract. */
import type { Client } from '@temporalio/client';
import { contextOf } from '../identity/index.js';
import type { Clock } from '../platform/clock.js';
import type { Db } from '../platform/db/client.js';
import { operation } from '../platform/http/contract.js';
import { ReconciliationService } from './service.js';

export function reconciliationHandlers(deps: { db: Db; clock: Clock; temporal: { client: Client; settings: { taskQueue: string } } }) {
  const service = new ReconciliationService(deps);
  const context = (request: Parameters<typeof contextOf>[0]) => contextOf(request, deps);
  return {
    listReconciliationRuns: operation<'listReconciliationRuns'>(async (request) => service.list(await context(request), request.query)),
    runReconciliation: operation<'runReconciliation'>(async (request, reply) => {
      reply.status(202);
      return service.runNow(await context(request));
    }),
  };
}
