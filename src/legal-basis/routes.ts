/** The legal-basis register's HTTP operations: each one service call, typed from the contract. */
import { contextOf } from '../identity/index.js';
import type { Clock } from '../platform/clock.js';
import type { Db } from '../platform/db/client.js';
import { operation } from '../platform/http/contract.js';
import { LegalBasisService } from './service.js';

export function legalBasisHandlers(deps: { db: Db; clock: Clock }) {
  const service = new LegalBasisService(deps);
  const context = (request: Parameters<typeof contextOf>[0]) => contextOf(request, deps);

  return {
    listLegalBases: operation<'listLegalBases'>(async (request) => service.list(await context(request), request.query)),
    createLegalBasis: operation<'createLegalBasis'>(async (request, reply) => {
      reply.status(201);
      return service.create(await context(request), request.body);
    }),
    getLegalBasis: operation<'getLegalBasis'>(async (request) => service.detail(await context(request), request.params.legalBasisId)),
    reviseLegalBasis: operation<'reviseLegalBasis'>(async (request) =>
      service.revise(await context(request), request.params.legalBasisId, request.body),
    ),
  };
}
