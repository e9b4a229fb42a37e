import { randomBytes, randomUUID } from 'node:crypto';
import t from 'tap';
import * as catalogue from '../../src/catalogue/service.js';
import * as scenarios from '../../src/catalogue/scenarios.js';
import { openDatabase } from '../../src/platform/db/client.js';
import { testConfig } from '../helpers/env.js';
import { actingAs, createTestWorld } from '../helpers/identity.js';

const database = await openDatabase(testConfig().database);
t.teardown(() => database.close());
const db = database.db;
const world = await createTestWorld(db);
const as = actingAs(db, world);

const dataset = await catalogue.createDataset(as(world.policeReviewer), {
  code: `SC-${randomBytes(4).toString('hex').toUpperCase()}`,
  name: '户籍人口信息',
  description: '',
  libraryKind: 'basic',
  basicLibrary: 'natural_person',
  updateFrequency: '每日',
  sourceSystem: '人口库',
  fields: ['姓名', '公民身份号码', '户籍地址', '婚姻状况'].map((name) => ({
    name,
    type: 'string',
    description: '',
    sensitivity: 'sensitive' as const,
  })),
  sharingType: 'unconditional',
});
await catalogue.moveDataset(as(world.policeReviewer), dataset.id, 'published');

const input = (overrides: Partial<scenarios.ScenarioInput> = {}): scenarios.ScenarioInput => ({
  name: `新生儿出生一件事${randomBytes(2).toString('hex')}`,
  kind: 'one_network_service',
  leadDepartmentId: world.police.id,
  description: '出生医学证明、户口登记、医保参保一次办',
  validFrom: '2026-01-01',
  validTo: '2027-12-31',
  coverage: [{ datasetCode: dataset.code, fields: ['姓名', '公民身份号码'] }],
  ...overrides,
});

t.test('the lead department or the center creates scenarios; coverage names known datasets and fields', async (t) => {
  const created = await scenarios.createScenario(as(world.policeAdmin), input());
  t.equal(created.onKeyList, false);
  await t.rejects(scenarios.createScenario(as(world.policeAdmin), input({ leadDepartmentId: world.market.id })), {
    status: 403,
    code: 'forbidden',
  });
  await t.rejects(scenarios.createScenario(as(world.policeRequester), input()), { status: 403, code: 'forbidden' });
  await t.rejects(
    scenarios.updateScenario(as(world.policeAdmin), created.id, input({ name: created.name, leadDepartmentId: world.market.id })),
    { status: 403, code: 'forbidden' },
    'a lead department cannot hand its scenario to another',
  );
  await t.rejects(scenarios.createScenario(as(world.centerAdmin), input({ leadDepartmentId: randomUUID() })), {
    status: 422,
    code: 'unknown_department',
  });
  await t.rejects(scenarios.createScenario(as(world.centerAdmin), input({ coverage: [{ datasetCode: 'NOPE', fields: ['姓名'] }] })), {
    code: 'invalid_scenario',
    message: /unknown dataset "NOPE"/,
  });
  await t.rejects(scenarios.createScenario(as(world.centerAdmin), input({ coverage: [{ datasetCode: dataset.code, fields: ['学历'] }] })), {
    message: /"学历" is not a field/,
  });
  const draft = await catalogue.createDataset(as(world.policeReviewer), {
    code: `SC-${randomBytes(4).toString('hex').toUpperCase()}`,
    name: '在编草稿',
    description: '',
    libraryKind: 'thematic',
    updateFrequency: '每日',
    sourceSystem: 'x',
    fields: [{ name: '姓名', type: 'string', description: '', sensitivity: 'internal' }],
    sharingType: 'unconditional',
  });
  await t.rejects(
    scenarios.createScenario(
      as(world.marketAdmin),
      input({ leadDepartmentId: world.market.id, coverage: [{ datasetCode: draft.code, fields: ['姓名'] }] }),
    ),
    { code: 'invalid_scenario', message: new RegExp(`unknown dataset "${draft.code}"`) },
    'another department’s draft is unknown to the caller, fields and all',
  );
  await t.rejects(scenarios.createScenario(as(world.centerAdmin), input({ validFrom: '2027-01-01', validTo: '2026-01-01' })), {
    message: /ends before it starts/,
  });
  const noApplication = await scenarios.createScenario(
    as(world.centerAdmin),
    input({ kind: 'no_application', name: '高龄老人津贴免申即享' }),
  );
  t.equal(noApplication.kind, 'no_application');
});

t.test('only the center curates the key-work list; every change is a version, and old versions stay as they were', async (t) => {
  const scenario = await scenarios.createScenario(as(world.policeAdmin), input());
  await t.rejects(scenarios.setKeyListMembership(as(world.policeAdmin), scenario.id, true, '本部门认为重要'), {
    status: 403,
    code: 'forbidden',
  });
  await t.rejects(
    scenarios.setKeyListMembership(as(world.centerOperator), scenario.id, true, '运营人员'),
    { status: 403, code: 'forbidden' },
    'the list is the center administrator’s (DESIGN: center_admin)',
  );
  const before = (await scenarios.keyList(db))!.version;
  const added = await scenarios.setKeyListMembership(as(world.centerAdmin), scenario.id, true, '列入2026年重点工作');
  t.equal(added.listVersion, before + 1);
  const v1 = (await scenarios.keyList(db, added.listVersion!))!;
  t.match(
    v1.scenarios.find((s) => s.id === scenario.id),
    { coverage: [{ fields: ['姓名', '公民身份号码'] }] },
  );
  t.same(
    (await scenarios.setKeyListMembership(as(world.centerAdmin), scenario.id, true, 'again')).listVersion,
    null,
    'no change, no version',
  );

  const wider = input({ name: scenario.name, coverage: [{ datasetCode: dataset.code, fields: ['姓名', '公民身份号码', '户籍地址'] }] });
  await t.rejects(
    scenarios.updateScenario(as(world.policeAdmin), scenario.id, wider),
    { status: 403, code: 'key_list_scenario_locked' },
    'the lead department may not widen a listed scenario (its requests would skip the owners)',
  );
  await t.rejects(
    scenarios.updateScenario(as(world.policeAdmin), scenario.id, input({ name: scenario.name, kind: 'no_application' })),
    { status: 403, code: 'key_list_scenario_locked' },
    'nor change its kind',
  );
  const renamed = await scenarios.updateScenario(
    as(world.policeAdmin),
    scenario.id,
    input({ name: `${scenario.name}（更名）`, description: '说明更新' }),
  );
  t.equal(renamed.description, '说明更新', 'name and description stay the lead department’s');
  const revised = await scenarios.updateScenario(as(world.centerAdmin), scenario.id, wider);
  t.equal(revised.onKeyList, true);
  const current = (await scenarios.keyList(db))!;
  t.equal(current.version, added.listVersion! + 2, 'each revision of a listed scenario makes a list version');
  t.same(current.scenarios.find((s) => s.id === scenario.id)?.coverage[0]?.fields, ['姓名', '公民身份号码', '户籍地址']);
  t.same(
    (await scenarios.keyList(db, added.listVersion!))!.scenarios.find((s) => s.id === scenario.id)?.coverage[0]?.fields,
    ['姓名', '公民身份号码'],
    'the earlier version is unchanged',
  );

  const removed = await scenarios.setKeyListMembership(as(world.centerAdmin), scenario.id, false, '工作完成');
  t.notOk((await scenarios.keyList(db, removed.listVersion!))!.scenarios.some((s) => s.id === scenario.id));
  t.equal(await scenarios.keyList(db, 999_999), undefined);
  t.same(await scenarios.keyList(db, 0), { version: 0, scenarios: [] });
});

t.test('everyone reads scenarios', async (t) => {
  const scenario = await scenarios.createScenario(as(world.centerAdmin), input());
  t.equal((await scenarios.getScenario(as(world.marketRequester), scenario.id)).id, scenario.id);
  t.ok((await scenarios.listScenarios(db)).some((s) => s.id === scenario.id));
});
