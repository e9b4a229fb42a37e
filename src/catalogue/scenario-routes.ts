import type { FastifyReply, FastifyRequest } from 'fastify';
import * as scenarios from './scenarios.js';
import type { Clock } from '../platform/clock.js';
import type { Db } from '../platform/db/client.js';
import { NotFoundError } from '../platform/errors.js';
import type { JsonBody, JsonRequest } from '../platform/http/contract.js';
import { contextOf } from '../identity/index.js';

type ScenarioView = JsonBody<'getScenario', 200>;

const view = (s: scenarios.ScenarioRow): ScenarioView => ({
  id: s.id,
  name: s.name,
  kind: s.kind,
  leadDepartmentId: s.leadDepartmentId,
  description: s.description,
  validFrom: s.validFrom,
  validTo: s.validTo,
  onKeyList: s.onKeyList,
  coverage: s.coverage as scenarios.Coverage[],
  retired: s.retired,
});

export function scenarioHandlers(deps: { db: Db; clock: Clock }) {
  return {
    listScenarios: async (request: FastifyRequest): Promise<JsonBody<'listScenarios', 200>> => {
      await contextOf(request, deps);
      return { items: (await scenarios.listScenarios(deps.db)).map(view) };
    },
    createScenario: async (request: FastifyRequest, reply: FastifyReply): Promise<ScenarioView> => {
      const created = await scenarios.createScenario(await contextOf(request, deps), request.body as JsonRequest<'createScenario'>);
      reply.status(201);
      return view(created);
    },
    getScenario: async (request: FastifyRequest): Promise<ScenarioView> => {
      const { scenarioId } = request.params as { scenarioId: string };
      return view(await scenarios.getScenario(await contextOf(request, deps), scenarioId));
    },
    reviseScenario: async (request: FastifyRequest): Promise<ScenarioView> => {
      const { scenarioId } = request.params as { scenarioId: string };
      return view(
        await scenarios.updateScenario(await contextOf(request, deps), scenarioId, request.body as JsonRequest<'reviseScenario'>),
      );
    },
    setKeyListMembership: async (request: FastifyRequest): Promise<JsonBody<'setKeyListMembership', 200>> => {
      const { scenarioId } = request.params as { scenarioId: string };
      const { onKeyList, reason } = request.body as JsonRequest<'setKeyListMembership'>;
      const result = await scenarios.setKeyListMembership(await contextOf(request, deps), scenarioId, onKeyList, reason);
      return { scenario: view(result.scenario), listVersion: result.listVersion };
    },
    getKeyWorkList: async (request: FastifyRequest): Promise<JsonBody<'getKeyWorkList', 200>> => {
      await contextOf(request, deps);
      const { version } = request.query as { version?: number };
      const list = await scenarios.keyList(deps.db, version);
      if (!list) throw new NotFoundError('key_list_version_not_found', `The key-work list has no version ${version}`);
      return list;
    },
  };
}
