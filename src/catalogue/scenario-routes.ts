/** The key-work scenarios' HTTP operations: each one service call, typed from the contract. */
import { contextOf } from '../identity/index.js';
import type { Clock } from '../platform/clock.js';
import type { Db } from '../platform/db/client.js';
import { operation } from '../platform/http/contract.js';
import { ScenarioService } from './scenarios.js';

export function scenarioHandlers(deps: { db: Db; clock: Clock }) {
  const service = new ScenarioService(deps);
  const context = (request: Parameters<typeof contextOf>[0]) => contextOf(request, deps);

  return {
    listScenarios: operation<'listScenarios'>(async (request) => {
      await context(request);
      return service.list();
    }),
    createScenario: operation<'createScenario'>(async (request, reply) => {
      reply.status(201);
      return service.create(await context(request), request.body);
    }),
    getScenario: operation<'getScenario'>(async (request) => service.detail(await context(request), request.params.scenarioId)),
    reviseScenario: operation<'reviseScenario'>(async (request) =>
      service.revise(await context(request), request.params.scenarioId, request.body),
    ),
    setKeyListMembership: operation<'setKeyListMembership'>(async (request) =>
      service.setKeyListMembership(await context(request), request.params.scenarioId, request.body),
    ),
    getKeyWorkList: operation<'getKeyWorkList'>(async (request) => {
      await context(request);
      return service.keyWorkList(request.query.version);
    }),
  };
}
