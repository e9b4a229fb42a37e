import { randomBytes, randomUUID } from 'node:crypto';
import t from 'tap';
import { startTestApp } from '../helpers/app.js';
import { bearer, createTestWorld } from '../helpers/identity.js';

const harness = await startTestApp();
t.teardown(harness.close);
const { app, config } = harness;
const world = await createTestWorld(harness.database.db);
const tag = `接${randomBytes(3).toString('hex')}`;
const code = () => `API-${randomBytes(4).toString('hex').toUpperCase()}`;

const content = (name: string, extra: object = {}) => ({
  name: `${name}${tag}`,
  description: '企业登记注册的基本信息',
  libraryKind: 'basic',
  basicLibrary: 'legal_person',
  updateFrequency: '实时',
  sourceSystem: '企业登记系统',
  fields: [
    { name: '统一社会信用代码', type: 'string', description: '18位', sensitivity: 'public' },
    { name: '法定代表人', type: 'string', description: '', sensitivity: 'internal' },
  ],
  sharingType: 'unconditional',
  ...extra,
});

const call = async (method: 'GET' | 'POST' | 'PUT', url: string, user: Parameters<typeof bearer>[1], payload?: object) =>
  app.inject({ method, url, headers: await bearer(config, user), ...(payload ? { payload } : {}) });

t.test('the owner catalogues, revises, publishes; the center aggregates; others read what is published', async (t) => {
  const created = await call('POST', '/api/v1/datasets', world.policeReviewer, { code: code(), content: content('法人基本信息') });
  t.equal(created.statusCode, 201, created.body);
  const id = created.json().dataset.id;
  t.match(created.json(), {
    dataset: { lifecycle: 'draft', currentVersion: 1, aggregated: false },
    current: { version: 1, content: { basicLibrary: 'legal_person' } },
    aggregationHistory: [],
  });

  t.equal((await call('GET', `/api/v1/datasets/${id}`, world.marketRequester)).statusCode, 404, 'a draft is invisible to others');
  t.equal(
    (await call('POST', '/api/v1/datasets', world.policeRequester, { code: code(), content: content('x') })).statusCode,
    403,
    'requesters do not catalogue',
  );

  const revised = await call(
    'PUT',
    `/api/v1/datasets/${id}`,
    world.policeReviewer,
    content('法人基本信息', {
      sharingType: 'conditional',
      conditions: { requesterLevels: ['city'], maxUsageMonths: 24 },
      conditionNotes: '仅用于市级审批',
    }),
  );
  t.equal(revised.statusCode, 200);
  t.equal(revised.json().dataset.currentVersion, 2);
  const v1 = await call('GET', `/api/v1/datasets/${id}/versions/1`, world.policeReviewer);
  t.match(v1.json(), { version: 1, content: { sharingType: 'unconditional', conditions: null } });
  t.equal((await call('GET', `/api/v1/datasets/${id}/versions/9`, world.policeReviewer)).json().code, 'dataset_version_not_found');

  // An edit written against version 1 while version 2 stands would undo version 2: refused, nothing saved.
  const stale = await call('PUT', `/api/v1/datasets/${id}?expectedVersion=1`, world.policeReviewer, content('法人基本信息'));
  t.match(
    { status: stale.statusCode, body: stale.json() },
    { status: 409, body: { code: 'stale_version', details: { currentVersion: 2 } } },
  );
  t.equal((await call('GET', `/api/v1/datasets/${id}`, world.policeReviewer)).json().dataset.currentVersion, 2, 'nothing saved');

  const published = await call('POST', `/api/v1/datasets/${id}/lifecycle`, world.policeReviewer, { to: 'published' });
  t.equal(published.json().dataset.lifecycle, 'published');
  const seen = await call('GET', `/api/v1/datasets/${id}`, world.marketRequester);
  t.equal(seen.statusCode, 200);
  t.match(
    seen.json().current.content.conditions,
    { requesterLevels: ['city'], maxUsageMonths: 24 },
    'requesters see the conditions that apply',
  );

  t.equal(
    (await call('PUT', `/api/v1/datasets/${id}/aggregation`, world.policeReviewer, { aggregated: true, reason: 'x' })).statusCode,
    403,
  );
  t.equal(
    (await call('PUT', `/api/v1/datasets/${id}/aggregation`, world.centerOperator, { aggregated: true, reason: 'x' })).statusCode,
    403,
    'aggregation status is the center administrator’s',
  );
  const aggregated = await call('PUT', `/api/v1/datasets/${id}/aggregation`, world.centerAdmin, {
    aggregated: true,
    reason: '已归集至市大数据中心',
  });
  t.equal(aggregated.statusCode, 200);
  t.equal(aggregated.json().dataset.aggregated, true);
  t.equal(aggregated.json().aggregationHistory.length, 1);
  t.equal(aggregated.json().aggregationHistory[0].to, null);
});

t.test('the contract rejects unknown properties inside the entry, and rules give 422 naming the problem', async (t) => {
  const extra = await call('POST', '/api/v1/datasets', world.policeReviewer, {
    code: code(),
    content: { ...content('y'), secretFlag: true },
  });
  t.equal(extra.statusCode, 400);
  t.match(extra.json().details, [{ rule: 'additionalProperties', property: 'secretFlag' }]);
  const notShareable = await call('POST', '/api/v1/datasets', world.policeReviewer, {
    code: code(),
    content: content('y', { sharingType: 'not_shareable' }),
  });
  t.equal(notShareable.statusCode, 422);
  t.match(notShareable.json(), { code: 'invalid_dataset', details: { problems: [{ path: 'legalBasis' }] } });
});

t.test('search through the API: a two-character query, filters and cursor pages', async (t) => {
  for (const name of ['纳税信用等级', '纳税人登记信息', '婚姻登记信息']) {
    const created = await call('POST', '/api/v1/datasets', world.marketAdmin, { code: code(), content: content(name) });
    await call('POST', `/api/v1/datasets/${created.json().dataset.id}/lifecycle`, world.marketAdmin, { to: 'published' });
  }
  const search = async (query: string) => (await call('GET', `/api/v1/datasets?${query}`, world.policeRequester)).json();
  const tax = await search(`q=${encodeURIComponent(`纳税 ${tag}`)}&limit=1`);
  t.equal(tax.items.length, 1);
  t.type(tax.nextCursor, 'string');
  const next = await search(`q=${encodeURIComponent(`纳税 ${tag}`)}&limit=1&cursor=${tax.nextCursor}`);
  t.equal(next.items.length, 1);
  t.not(next.items[0].id, tax.items[0].id);
  t.equal(next.nextCursor, null);
  const forged = Buffer.from(JSON.stringify({ sort: 'name', key: '纳税', id: 'x' })).toString('base64url');
  t.equal((await search(`limit=1&cursor=${forged}`)).code, 'invalid_cursor', 'a hand-made cursor with a malformed id is a 400, not a 500');
  const byCode = await search(`q=${encodeURIComponent(`纳税 ${tag}`)}&limit=1&sort=code`);
  t.equal(byCode.items.length, 1);
  t.equal(
    (await search(`q=${encodeURIComponent(`纳税 ${tag}`)}&limit=1&sort=name&cursor=${byCode.nextCursor}`)).code,
    'invalid_cursor',
    'a cursor continues only the order it came from',
  );
  const loose = Buffer.from(JSON.stringify({ sort: 'updated', key: '1', id: randomUUID() })).toString('base64url');
  t.equal(
    (await search(`limit=1&sort=updated&cursor=${loose}`)).code,
    'invalid_cursor',
    'a key that is no instant of ours is refused before PostgreSQL reads it',
  );
  const nextByCode = await search(`q=${encodeURIComponent(`纳税 ${tag}`)}&limit=1&sort=code&cursor=${byCode.nextCursor}`);
  t.ok(nextByCode.items[0].code > byCode.items[0].code);
  const filtered = await search(
    `q=${encodeURIComponent(tag)}&ownerDepartmentId=${world.market.id}&sharingType=unconditional&libraryKind=basic`,
  );
  t.equal(filtered.items.length, 3);
  t.equal((await search(`q=${encodeURIComponent(tag)}&ownerDepartmentId=${world.market.id}&aggregated=true`)).items.length, 0);
});

t.test('scenarios through the API: created by the lead department, curated onto the key-work list by the center', async (t) => {
  const dataset = await call('POST', '/api/v1/datasets', world.policeReviewer, { code: code(), content: content('企业开办信息') });
  const datasetCode = dataset.json().dataset.code;
  const body = {
    name: `企业开办一件事${tag}`,
    kind: 'one_network_service',
    leadDepartmentId: world.police.id,
    description: '营业执照、公章刻制、税务登记一次办',
    validFrom: '2026-01-01',
    validTo: null,
    coverage: [{ datasetCode, fields: ['统一社会信用代码'] }],
  };
  const created = await call('POST', '/api/v1/scenarios', world.policeAdmin, body);
  t.equal(created.statusCode, 201, created.body);
  const id = created.json().id;
  t.equal((await call('POST', '/api/v1/scenarios', world.marketAdmin, body)).statusCode, 403, 'not the lead department');
  t.equal((await call('PUT', `/api/v1/scenarios/${id}/key-list`, world.policeAdmin, { onKeyList: true, reason: 'x' })).statusCode, 403);
  const listed = await call('PUT', `/api/v1/scenarios/${id}/key-list`, world.centerAdmin, { onKeyList: true, reason: '列入重点工作' });
  t.equal(listed.statusCode, 200);
  t.type(listed.json().listVersion, 'number');
  const list = await call('GET', `/api/v1/key-work-list?version=${listed.json().listVersion}`, world.marketRequester);
  t.ok(list.json().scenarios.some((s: { id: string }) => s.id === id));
  t.equal((await call('GET', '/api/v1/key-work-list?version=999999', world.marketRequester)).json().code, 'key_list_version_not_found');
  const widened = { ...body, coverage: [{ datasetCode, fields: ['统一社会信用代码', '法定代表人'] }] };
  const locked = await call('PUT', `/api/v1/scenarios/${id}`, world.policeAdmin, widened);
  t.match(
    { status: locked.statusCode, code: locked.json().code },
    { status: 403, code: 'key_list_scenario_locked' },
    'on the list, coverage is the center’s to change',
  );
  const revised = await call('PUT', `/api/v1/scenarios/${id}`, world.centerAdmin, widened);
  t.equal(revised.statusCode, 200);
  t.equal(
    (await call('GET', '/api/v1/key-work-list?version=3000000000', world.marketRequester)).json().code,
    'validation_failed',
    'a version beyond the integer range is a 400, not a database error',
  );
  t.equal((await call('GET', `/api/v1/scenarios/${id}`, world.marketRequester)).json().coverage[0].fields.length, 2);
  t.ok((await call('GET', '/api/v1/scenarios', world.marketRequester)).json().items.some((s: { id: string }) => s.id === id));
  t.equal((await call('GET', `/api/v1/scenarios/${randomUUID()}`, world.marketRequester)).json().code, 'scenario_not_found');
  const bad = await call('POST', '/api/v1/scenarios', world.policeAdmin, { ...body, coverage: [{ datasetCode, fields: ['注册资本'] }] });
  t.equal(bad.statusCode, 422);
  t.equal(bad.json().code, 'invalid_scenario');
});

t.test("the pre-check evaluates the current version's conditions for the caller's department", async (t) => {
  const created = await call('POST', '/api/v1/datasets', world.marketAdmin, {
    code: code(),
    content: content('纳税信用评价结果', {
      sharingType: 'conditional',
      conditions: { requesterLevels: ['city'], restrictedFields: ['法定代表人'], legalBasisRequired: true, maxUsageMonths: 12 },
    }),
  });
  const id = created.json().dataset.id;
  await call('POST', `/api/v1/datasets/${id}/lifecycle`, world.marketAdmin, { to: 'published' });
  const check = async (payload: object) => call('POST', `/api/v1/datasets/${id}/pre-check`, world.policeRequester, payload);
  const passing = await check({ fields: ['统一社会信用代码'], legalBasis: '《优化营商环境条例》第三十七条', usageMonths: 12 });
  t.equal(passing.statusCode, 200, passing.body);
  t.match(passing.json(), { datasetVersion: 1, sharingType: 'conditional', result: 'needs_review' });
  t.same(
    passing.json().checks.map((c: { condition: string; result: string }) => `${c.condition}:${c.result}`),
    ['requesterLevels:pass', 'restrictedFields:pass', 'legalBasisRequired:needs_review', 'maxUsageMonths:pass'],
  );
  const failing = await check({ fields: ['法定代表人'], usageMonths: 36 });
  t.equal(failing.json().result, 'fail');
  t.same(
    failing
      .json()
      .checks.filter((c: { result: string }) => c.result === 'fail')
      .map((c: { condition: string }) => c.condition),
    ['restrictedFields', 'legalBasisRequired', 'maxUsageMonths'],
  );
  const unknownField = await check({ fields: ['注册资本'] });
  t.equal(unknownField.statusCode, 422);
  t.equal(unknownField.json().code, 'unknown_fields');
});
