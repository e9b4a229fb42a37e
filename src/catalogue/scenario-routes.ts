import * as scenarios from './scenarios.js';
import type { Clock } from '../platform/clock.js';
import type { Db } from '../platform/db/client.js';
import { NotFoundError } from '../platform/errors.js';
import { operation, type JsonBody } from '../platform/http/contract.js';
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
    listScenarios: operation<'listScenarios'>(async (request): Promise<JsonBody<'listScenarios', 200>> => {
      await contextOf(request, deps);
      return { items: (await scenarios.listScenarios(deps.db)).map(view) };
    }),
    createScenario: operation<'createScenario'>(async (request, reply): Promise<ScenarioView> => {
      const created = await scenarios.createScenario(await contextOf(request, deps), request.body);
      reply.status(201);
      return view(created);
    }),
    getScenario: operation<'getScenario'>(async (request): Promise<ScenarioView> => {
      return view(await scenarios.getScenario(await contextOf(request, deps), request.params.scenarioId));
    }),
    reviseScenario: operation<'reviseScenario'>(async (request): Promise<ScenarioView> => {
      return view(await scenarios.updateScenario(await contextOf(request, deps), request.params.scenarioId, request.body));
    }),
    setKeyListMembership: operation<'setKeyListMembership'>(async (request): Promise<JsonBody<'setKeyListMembership', 200>> => {
      const { onKeyList, reason } = request.body;
      const result = await scenarios.setKeyListMembership(await contextOf(request, deps), request.params.scenarioId, onKeyList, reason);
      return { scenario: view(result.scenario), listVersion: result.listVersion };
    }),
    getKeyWorkList: operation<'getKeyWorkList'>(async (request): Promise<JsonBody<'getKeyWorkList', 200>> => {
      await contextOf(request, deps);
      const { version } = request.query;
      const list = await scenarios.keyList(deps.db, version);
      if (!list) throw new NotFoundError('key_list_version_not_found', `The key-work list has no version ${version}`);
      return list;
    }),
  };
}
