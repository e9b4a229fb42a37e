import { randomBytes, randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import t from 'tap';
import * as catalogue from '../../src/catalogue/service.js';
import { openDatabase } from '../../src/platform/db/client.js';
import type { DatasetContent } from '../../src/catalogue/rules/dataset.js';
import { testConfig } from '../helpers/env.js';
import { actingAs, createTestWorld } from '../helpers/identity.js';

const database = await openDatabase(testConfig().database);
t.teardown(() => database.close());
const db = database.db;
const world = await createTestWorld(db);
const as = actingAs(db, world);
const code = () => `T-${randomBytes(4).toString('hex').toUpperCase()}`;
// A word unique to this run, so searches see only this file's rows in the shared database.
const marker = `测${randomBytes(3).toString('hex')}`;

const content = (overrides: Partial<DatasetContent> = {}): DatasetContent => ({
  name: `社保缴纳记录${marker}`,
  description: '参保人按月缴纳社会保险费的记录',
  libraryKind: 'thematic',
  updateFrequency: '每月',
  sourceSystem: '社保信息系统',
  fields: [
    { name: '公民身份号码', type: 'string', description: '18位', sensitivity: 'sensitive' },
    { name: '缴费月份', type: 'string', description: 'YYYYMM', sensitivity: 'internal' },
    { name: '户籍地址', type: 'string', description: '', sensitivity: 'sensitive' },
  ],
  sharingType: 'unconditional',
  ...overrides,
});

t.test('a draft is seen by its owner and the center only; publishing shows it to every department', async (t) => {
  const draft = await catalogue.createDataset(as(world.policeReviewer), { code: code(), ...content() });
  t.equal(draft.lifecycle, 'draft');
  await t.rejects(catalogue.getDataset(as(world.policeRequester), draft.id), { status: 404, code: 'dataset_not_found' }); // requesters of the owner see only published entries
  await t.rejects(catalogue.getDataset(as(world.marketRequester), draft.id), { status: 404, code: 'dataset_not_found' });
  t.equal((await catalogue.getDataset(as(world.centerOperator), draft.id)).dataset.id, draft.id);
  await catalogue.moveDataset(as(world.policeReviewer), draft.id, 'published');
  t.equal((await catalogue.getDataset(as(world.marketRequester), draft.id)).version.version, 1);
  await t.rejects(catalogue.updateDataset(as(world.marketAdmin), draft.id, content({ name: '篡改' })), { status: 403, code: 'forbidden' });
});

t.test('every edit makes a new version; the old version stays readable and unchanged', async (t) => {
  const created = await catalogue.createDataset(as(world.policeReviewer), { code: code(), ...content() });
  const revised = await catalogue.updateDataset(
    as(world.policeReviewer),
    created.id,
    content({ sharingType: 'conditional', conditions: { restrictedFields: ['户籍地址'], maxUsageMonths: 12 } }),
  );
  t.equal(revised.currentVersion, 2);
  t.equal(revised.sharingType, 'conditional');
  const v1 = await catalogue.getDatasetVersion(as(world.policeReviewer), created.id, 1);
  t.match(v1, { version: 1, sharingType: 'unconditional', conditions: null });
  const v2 = await catalogue.getDatasetVersion(as(world.policeReviewer), created.id, 2);
  t.match(v2, { version: 2, sharingType: 'conditional', conditions: { restrictedFields: ['户籍地址'] } });
});

t.test('validation names each problem; a duplicate code is a conflict', async (t) => {
  const ctx = as(world.policeReviewer);
  await t.rejects(catalogue.createDataset(ctx, { code: code(), ...content({ sharingType: 'conditional' }) }), {
    status: 422,
    code: 'invalid_dataset',
    message: /conditions: a conditionally shared dataset states its sharing conditions/,
  });
  await t.rejects(catalogue.createDataset(ctx, { code: code(), ...content({ sharingType: 'not_shareable' }) }), {
    message: /legalBasis: a dataset catalogued as not shareable/,
  });
  await t.rejects(
    catalogue.createDataset(ctx, {
      code: code(),
      ...content({ sharingType: 'conditional', conditions: { requesterDepartments: ['NO-SUCH-DEPT'] } }),
    }),
    { message: /unknown department "NO-SUCH-DEPT"/ },
  );
  await t.rejects(
    catalogue.createDataset(ctx, {
      code: code(),
      ...content({ sharingType: 'conditional', conditions: { restrictedFields: ['婚姻状况'] } }),
    }),
    { message: /restricted field "婚姻状况" is not a field/ },
  );
  const source = await catalogue.createDataset(ctx, { code: code(), ...content() });
  await t.rejects(
    catalogue.createDataset(ctx, {
      code: code(),
      ...content({ lineage: { sources: [{ datasetCode: source.code, fieldMap: { 公民身份号码: '身份证' } }] } }),
    }),
    { message: /"身份证" is not a field of/ },
  );
  const fused = await catalogue.createDataset(ctx, {
    code: code(),
    ...content({
      name: `人口社保融合${marker}`,
      lineage: { sources: [{ datasetCode: source.code, fieldMap: { 公民身份号码: '公民身份号码' } }] },
    }),
  });
  t.match((await catalogue.getDataset(ctx, fused.id)).version.lineage, { sources: [{ datasetCode: source.code }] });
  await t.rejects(catalogue.createDataset(ctx, { code: source.code, ...content() }), { status: 409, code: 'dataset_code_taken' });
  await t.rejects(
    catalogue.createDataset(ctx, {
      code: code(),
      ...content({ sharingType: 'conditional', conditions: { allowedScenarios: [randomUUID()] } }),
    }),
    { status: 422, message: /unknown or retired scenario/ },
  );

  const [idNumber, , address] = content().fields;
  await t.rejects(
    catalogue.updateDataset(ctx, source.id, content({ fields: [address!] })),
    {
      status: 422,
      code: 'fields_in_use',
      message: new RegExp(`fused dataset 人口社保融合${marker} \\(${fused.code}\\) uses 公民身份号码`),
    },
    'the fused dataset maps 公民身份号码: dropping it would break the lineage objections are traced through',
  );
  const revised = await catalogue.updateDataset(ctx, source.id, content({ fields: [idNumber!, address!] }));
  t.equal(revised.currentVersion, 2, 'an unmapped field may go');
});

t.test('only the center sets the aggregation status, and its periods are kept', async (t) => {
  const dataset = await catalogue.createDataset(as(world.policeReviewer), { code: code(), ...content() });
  await t.rejects(catalogue.setAggregation(as(world.policeReviewer), dataset.id, true, '自行声明'), { status: 403, code: 'forbidden' });
  await catalogue.setAggregation(as(world.centerAdmin), dataset.id, true, '已接入共享交换平台');
  await catalogue.setAggregation(as(world.centerAdmin), dataset.id, false, '源系统停用');
  const history = await catalogue.aggregationHistory(db, dataset.id);
  t.equal(history.length, 1);
  t.ok(history[0]!.toAt, 'the period has its end');
  t.equal((await catalogue.getDataset(as(world.centerOperator), dataset.id)).dataset.aggregated, false);
});

t.test('lifecycle: retired entries are not edited; transitions run only forwards', async (t) => {
  const ctx = as(world.policeReviewer);
  const dataset = await catalogue.createDataset(ctx, { code: code(), ...content() });
  await t.rejects(catalogue.moveDataset(ctx, dataset.id, 'retired'), { code: 'invalid_lifecycle_transition' });
  await catalogue.moveDataset(ctx, dataset.id, 'published');
  await catalogue.moveDataset(ctx, dataset.id, 'retired', '源系统下线');
  await t.rejects(catalogue.moveDataset(ctx, dataset.id, 'published'), { code: 'invalid_lifecycle_transition' });
  await t.rejects(catalogue.updateDataset(ctx, dataset.id, content()), { code: 'dataset_retired' });
  await t.rejects(
    catalogue.getDataset(as(world.marketRequester), dataset.id),
    { status: 404, code: 'dataset_not_found' },
    'no longer in the catalogue for requesters',
  );
  const cited = await catalogue.getDatasetVersion(as(world.marketRequester), dataset.id, 1);
  t.equal(cited?.version, 1, 'but its versions stay readable: requests and grants cite them');
  const draft = await catalogue.createDataset(ctx, { code: code(), ...content() });
  await t.rejects(
    catalogue.getDatasetVersion(as(world.marketRequester), draft.id, 1),
    { status: 404, code: 'dataset_not_found' },
    'a draft’s versions stay private',
  );
});

t.test('Chinese search finds two-character queries through the index, filtered by what the caller may read', async (t) => {
  const owner = as(world.marketAdmin);
  const tag = `搜${randomBytes(3).toString('hex')}`;
  const names = ['法人基本信息', '纳税信用等级', '婚姻登记信息', '社保缴纳明细'];
  for (const name of names) {
    const d = await catalogue.createDataset(owner, { code: code(), ...content({ name: `${name}${tag}` }) });
    await catalogue.moveDataset(owner, d.id, 'published');
  }
  const draft = await catalogue.createDataset(owner, { code: code(), ...content({ name: `社保草稿${tag}` }) });
  const requester = as(world.policeRequester);
  const found = async (q: string, ctx = requester) =>
    (await catalogue.searchDatasets(ctx, { q: `${q} ${tag}`, limit: 50 })).map((d) => d.name.replace(tag, ''));
  t.same(await found('社保'), ['社保缴纳明细'], 'two characters; the draft stays hidden');
  t.same((await found('社保', owner)).sort(), ['社保缴纳明细', '社保草稿'].sort(), 'the owner also sees its draft');
  t.same(await found('信用'), ['纳税信用等级']);
  t.same((await found('户籍')).sort(), [...names].sort(), 'field names are searched too');
  t.same(await found('出生'), []);
  void draft;

  // The index can serve the query (the planner is told to avoid a sequential scan).
  const plan = await db.transaction(async (tx) => {
    await tx.execute(sql`set local enable_seqscan = off`);
    const result = await tx.execute(sql`explain select id from datasets where search_vector @@ '''社保'''::tsquery`);
    return JSON.stringify(result);
  });
  t.match(plan, /datasets_search_vector_idx/);
});

t.test('pagination by (name, id) is stable while rows are inserted', async (t) => {
  const owner = as(world.policeReviewer);
  const prefix = `分页${marker}`;
  for (const n of ['甲', '乙', '丙', '丁']) {
    const d = await catalogue.createDataset(owner, { code: code(), ...content({ name: `${prefix}${n}` }) });
    await catalogue.moveDataset(owner, d.id, 'published');
  }
  const first = await catalogue.searchDatasets(owner, { q: prefix, limit: 2 });
  // A row sorting before the cursor arrives between pages: it must not shift the next page.
  const early = await catalogue.createDataset(owner, { code: code(), ...content({ name: `${prefix}一` }) });
  await catalogue.moveDataset(owner, early.id, 'published');
  const last = first[first.length - 1]!;
  const second = await catalogue.searchDatasets(owner, { q: prefix, limit: 10, after: catalogue.datasetCursor(last) });
  const seen = [...first, ...second].map((d) => d.name);
  t.equal(new Set(seen).size, seen.length, 'no row twice');
  t.same(seen.filter((n) => !n.endsWith('一')).length, 4, 'no row skipped');
});

t.test('sorting by code or by last change, each paged stably; by code even while entries are renamed', async (t) => {
  const owner = as(world.policeReviewer);
  const prefix = `排序${marker}`;
  const made: catalogue.DatasetRow[] = [];
  for (const [i, n] of ['丙', '甲', '乙'].entries()) {
    const d = await catalogue.createDataset(
      { ...owner, now: new Date(Date.UTC(2026, 0, 1 + i)) },
      { code: `SORT-${marker}-${i}`, ...content({ name: `${prefix}${n}` }) },
    );
    made.push(d);
  }
  const all = async (sort: catalogue.DatasetSort, renameAfterFirst = false) => {
    const first = await catalogue.searchDatasets(owner, { q: prefix, sort, limit: 1 });
    if (renameAfterFirst) await catalogue.updateDataset(owner, made[2]!.id, content({ name: `${prefix}啊` })); // now sorts first by name
    const rest = await catalogue.searchDatasets(owner, { q: prefix, sort, limit: 10, after: catalogue.datasetCursor(first[0]!, sort) });
    return [...first, ...rest].map((d) => d.code);
  };
  t.same(
    await all('code'),
    made.map((d) => d.code),
    'by code',
  );
  t.same(
    await all('code', true),
    made.map((d) => d.code),
    'a rename between pages changes nothing by code',
  );
  const byUpdate = await all('updated');
  t.equal(byUpdate[0], made[2]!.code, 'the entry just revised comes first');
  t.equal(new Set(byUpdate).size, 3, 'each once');
});
