/** The SLA capability's HTTP operations: each one service call, typed from the contract. */
import { contextOf } from '../identity/index.js';
import type { Clock } from '../platform/clock.js';
import { operation } from '../platform/http/contract.js';
import { ClockQueries, type ClockQueriesDeps } from './queries.js';
import { replyToNotice, type SupervisionRepliesDeps } from './supervisions.js';

export function slaHandlers(deps: ClockQueriesDeps & SupervisionRepliesDeps & { clock: Clock }) {
  const queries = new ClockQueries(deps);
  const context = (request: Parameters<typeof contextOf>[0]) => contextOf(request, deps);

  return {
    getSlaClock: operation<'getSlaClock'>(async (request) => queries.clock(await context(request), request.params.clockId)),
    replyToSupervision: operation<'replyToSupervision'>(async (request) =>
      replyToNotice(deps, await context(request), request.params.supervisionId, request.body.reply),
    ),
  };
}
