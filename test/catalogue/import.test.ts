import { randomBytes } from 'node:crypto';
import { and, count, eq, inArray } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import t from 'tap';
import * as catalogue from '../../src/catalogue/service.js';
import * as scenarios from '../../src/catalogue/scenarios.js';
import { auditEntries, datasets, datasetVersions } from '../../src/platform/db/schema.js';
import { COLUMNS } from '../../src/catalogue/rules/spreadsheet.js';
import { startTestApp } from '../helpers/app.js';
import { htmlPage, pngFile } from '../helpers/files.js';
import { actingAs, bearer, createTestWorld } from '../helpers/identity.js';

const harness = await startTestApp();
t.teardown(harness.close);
const { app, config } = harness;
const db = harness.database.db;
const world = await createTestWorld(db);
const as = actingAs(db, world);
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const tag = randomBytes(3).toString('hex').toUpperCase();
const code = (n: string) => `IM-${tag}-${n}`;
const headers = COLUMNS.map((c) => c.header);
type Key = (typeof COLUMNS)[number]['key'];
const row = (cells: Partial<Record<Key, string>>) => COLUMNS.map((c) => cells[c.key] ?? '');

/** A workbook made the way a department would, independently of the platform's own writer. */
async function xlsx(rows: string[][], header = headers): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('目录');
  sheet.addRow(header);
  for (const r of rows) sheet.addRow(r);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
const csv = (rows: string[][]) =>
  Buffer.from(
    [headers, ...rows].map((r) => r.map((c) => (/[",\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(',')).join('\r\n'),
    'utf8',
  );

async function upload(
  user: Parameters<typeof bearer>[1],
  file: Buffer,
  type: string,
  mode: 'dry_run' | 'commit',
  extra: Record<string, string> = {},
) {
  return app.inject({
    method: 'POST',
    url: `/api/v1/datasets/import?mode=${mode}`,
    headers: { ...(await bearer(config, user)), 'content-type': type, ...extra },
    payload: file,
  });
}

async function policeFootprint() {
  const [rows] = await db.select({ n: count() }).from(datasets).where(eq(datasets.ownerDepartmentId, world.police.id));
  const [audit] = await db.select({ n: count() }).from(auditEntries).where(eq(auditEntries.actorDepartmentId, world.police.id));
  return { datasets: rows!.n, audit: audit!.n };
}

const base = {
  libraryKind: '主题库',
  updateFrequency: '每日',
  sourceSystem: '人口管理系统',
  sensitivity: '敏感',
  ownerDepartment: world.police.code,
};
const population = [
  row({
    ...base,
    code: code('RK'),
    name: `人口基本信息${tag}`,
    libraryKind: '基础库',
    basicLibrary: '人口库',
    sharingType: '无条件共享',
    fieldName: '姓名',
  }),
  row({ ...base, code: code('RK'), libraryKind: '基础库', fieldName: '公民身份号码', fieldType: 'string', fieldDescription: '18位' }),
  row({
    ...base,
    code: code('HJ'),
    name: `户籍迁移记录${tag}`,
    sharingType: '有条件共享',
    requesterLevels: '市级;区级',
    restrictedFields: '迁出地址',
    maxUsageMonths: '12',
    legalBasisRequired: '是',
    conditionNotes: '仅限户籍相关业务',
    fieldName: '公民身份号码',
  }),
  row({ ...base, code: code('HJ'), fieldName: '迁出地址', sensitivity: '核心' }),
  row({
    ...base,
    code: code('RH'),
    name: `人口户籍融合${tag}`,
    sharingType: '不予共享',
    law: '《中华人民共和国个人信息保护法》',
    article: '第十三条',
    fieldName: '公民身份号码',
    lineage: `${code('RK')}.公民身份号码;${code('HJ')}.公民身份号码`,
  }),
];

t.test('a spreadsheet with errors gets a precise report and changes nothing', async (t) => {
  const before = await policeFootprint();
  const file = await xlsx([
    ...population.slice(0, 2),
    row({ ...base, code: code('BAD1'), name: `错误一${tag}`, sharingType: '有条件共享', fieldName: '姓名' }), // conditional without conditions
    row({ ...base, code: code('BAD2'), name: `错误二${tag}`, sharingType: '不予共享', fieldName: '姓名', sensitivity: '机密' }), // no legal basis, unknown level
    row({
      ...base,
      code: code('BAD3'),
      name: `错误三${tag}`,
      sharingType: '有条件共享',
      requesterDepartments: 'NO-SUCH-DEPT',
      restrictedFields: '住址',
      fieldName: '姓名',
    }),
    row({
      ...base,
      code: code('BAD4'),
      name: `错误四${tag}`,
      sharingType: '无条件共享',
      fieldName: '姓名',
      lineage: `${code('RK')}.身份证`,
    }),
    row({ ...base, code: code('BAD4'), name: `错误四改${tag}`, fieldName: '姓名' }), // differs, and the field twice
    row({
      ...base,
      code: code('BAD5'),
      name: 'x'.repeat(201),
      sharingType: '无条件共享',
      fieldName: '姓名',
      ownerDepartment: world.market.code,
    }),
  ]);
  const dry = await upload(world.policeReviewer, file, XLSX, 'dry_run');
  t.equal(dry.statusCode, 200, dry.body);
  const report = dry.json();
  t.match(report, { format: 'xlsx', mode: 'dry_run', committed: false, rows: 8 });
  const letter = (key: Key) => String.fromCharCode(65 + COLUMNS.findIndex((c) => c.key === key));
  const found = report.problems.map((p: { row: number; column: string; problem: string }) => `${p.row} ${p.column} ${p.problem}`);
  t.match(found, [
    new RegExp(`^4 ${letter('requesterDepartments')} a conditionally shared dataset states its sharing conditions`),
    new RegExp(`^5 ${letter('law')} a dataset catalogued as not shareable`),
    new RegExp(`^5 ${letter('sensitivity')} unknown value "机密"`),
    new RegExp(`^6 ${letter('requesterDepartments')} unknown department "NO-SUCH-DEPT"`),
    new RegExp(`^6 ${letter('restrictedFields')} restricted field "住址" is not a field`),
    new RegExp(`^7 ${letter('lineage')} "身份证" is not a field of ${code('RK')}`),
    new RegExp(`^8 ${letter('name')} differs from row 7`),
    new RegExp(`^8 ${letter('fieldName')} field "姓名" is listed twice`),
    new RegExp(`^9 ${letter('name')} does not fit the catalogue: must NOT have more than 200 characters`),
    new RegExp(`^9 ${letter('ownerDepartment')} this row belongs to ${world.market.code}`),
  ]);
  t.equal(report.problems.length, 10, JSON.stringify(report.problems, null, 1));
  t.same(report.problems[0], {
    row: 4,
    column: letter('requesterDepartments'),
    header: '共享条件-限定部门',
    problem: 'a conditionally shared dataset states its sharing conditions',
  });

  const commit = await upload(world.policeReviewer, file, XLSX, 'commit');
  t.equal(commit.statusCode, 422);
  t.match(commit.json(), {
    code: 'import_invalid',
    message: /10 problem\(s\); nothing was imported/,
    details: { committed: false, problems: report.problems },
  });
  t.same(await policeFootprint(), before, 'no dataset and no audit entry was written');
  t.equal(
    (
      await db
        .select()
        .from(datasets)
        .where(eq(datasets.code, code('RK')))
    ).length,
    0,
    'not even the sound rows',
  );
});

t.test('a clean CSV imports all at once: new codes are drafts, lineage may name datasets in the same file', async (t) => {
  const file = csv(population);
  const dry = await upload(world.policeReviewer, file, 'text/csv', 'dry_run');
  t.same(dry.json().problems, []);
  t.same(
    dry.json().datasets.map((d: { code: string; outcome: string; datasetId: null }) => [d.code, d.outcome, d.datasetId]),
    [
      [code('RK'), 'new', null],
      [code('HJ'), 'new', null],
      [code('RH'), 'new', null],
    ],
  );
  t.equal(
    (
      await db
        .select()
        .from(datasets)
        .where(eq(datasets.code, code('RK')))
    ).length,
    0,
    'a dry run writes nothing',
  );

  const commit = await upload(world.policeReviewer, file, 'text/csv', 'commit');
  t.equal(commit.statusCode, 200, commit.body);
  t.match(commit.json(), { format: 'csv', mode: 'commit', committed: true, rows: 5, problems: [] });
  const ids = commit.json().datasets.map((d: { datasetId: string }) => d.datasetId);
  const rows = await db.select().from(datasets).where(inArray(datasets.id, ids));
  t.same(rows.map((r) => [r.lifecycle, r.currentVersion, r.ownerDepartmentId]).sort(), Array(3).fill(['draft', 1, world.police.id]));

  const hj = await catalogue.getDataset(as(world.policeReviewer), ids[1]);
  t.same(hj.version.conditions, {
    requesterLevels: ['city', 'district'],
    restrictedFields: ['迁出地址'],
    legalBasisRequired: true,
    maxUsageMonths: 12,
  });
  t.same(hj.version.fields, [
    { name: '公民身份号码', type: '', description: '', sensitivity: 'sensitive' },
    { name: '迁出地址', type: '', description: '', sensitivity: 'core' },
  ]);
  const rh = await catalogue.getDataset(as(world.policeReviewer), ids[2]);
  t.same(rh.version.lineage, {
    sources: [
      { datasetCode: code('RK'), fieldMap: { 公民身份号码: '公民身份号码' } },
      { datasetCode: code('HJ'), fieldMap: { 公民身份号码: '公民身份号码' } },
    ],
  });
  t.same(rh.version.legalBasis, { law: '《中华人民共和国个人信息保护法》', article: '第十三条' });
  const audit = await db
    .select()
    .from(auditEntries)
    .where(and(inArray(auditEntries.subjectId, ids), eq(auditEntries.action, 'dataset.created')));
  t.equal(audit.length, 3, 'one audit entry per dataset');
});

t.test('export → import round-trips: nothing changes; an edited cell makes one new version', async (t) => {
  const exported = await app.inject({
    method: 'GET',
    url: `/api/v1/datasets/export?format=xlsx&q=${encodeURIComponent(tag)}&ownerDepartmentId=${world.police.id}`,
    headers: await bearer(config, world.policeReviewer),
  });
  t.equal(exported.statusCode, 200, exported.body);
  t.equal(exported.headers['content-type'], XLSX);
  t.match(exported.headers['content-disposition'], /^attachment; filename="catalogue-\d{4}-\d\d-\d\d\.xlsx"$/);
  t.equal(exported.headers['x-dataset-count'], '3');

  const again = await upload(world.policeReviewer, exported.rawPayload, XLSX, 'commit');
  t.equal(again.statusCode, 200, again.body);
  t.same(
    again.json().datasets.map((d: { outcome: string; version: number }) => [d.outcome, d.version]),
    [
      ['unchanged', 1],
      ['unchanged', 1],
      ['unchanged', 1],
    ],
  );

  // A department edits the export in Excel and imports it back.
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(exported.rawPayload as never);
  const sheet = workbook.worksheets[0]!;
  t.equal(sheet.name, '数据资源目录');
  t.same((sheet.getRow(1).values as string[]).slice(1), headers);
  const maxMonths = COLUMNS.findIndex((c) => c.key === 'maxUsageMonths') + 1;
  sheet.eachRow((r, n) => {
    if (n > 1 && r.getCell(1).text === code('HJ')) r.getCell(maxMonths).value = '6';
  });
  const edited = Buffer.from(await workbook.xlsx.writeBuffer());
  const dry = await upload(world.policeReviewer, edited, XLSX, 'dry_run');
  const outcomes = dry.json().datasets.map((d: { code: string; outcome: string }) => [d.code, d.outcome]);
  t.same(
    outcomes,
    outcomes.map(([c]: [string]) => [c, c === code('HJ') ? 'revised' : 'unchanged']),
    'only the edited dataset changes',
  );
  const committed = await upload(world.policeReviewer, edited, XLSX, 'commit');
  const hj = committed.json().datasets.find((d: { code: string }) => d.code === code('HJ'));
  t.match(hj, { outcome: 'revised', version: 2 });
  const v1 = await db
    .select()
    .from(datasetVersions)
    .where(and(eq(datasetVersions.datasetId, hj.datasetId), eq(datasetVersions.version, 1)));
  t.match(v1[0]!.conditions, { maxUsageMonths: 12 }, 'the earlier version is unchanged');

  const asCsv = await app.inject({
    method: 'GET',
    url: `/api/v1/datasets/export?format=csv&q=${encodeURIComponent(tag)}`,
    headers: await bearer(config, world.policeReviewer),
  });
  t.equal(asCsv.headers['content-type'], 'text/csv; charset=utf-8');
  t.ok(asCsv.rawPayload.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf])), 'a BOM, so Excel reads the Chinese');
  t.match(asCsv.rawPayload.toString('utf8'), new RegExp(`${code('HJ')},户籍迁移记录${tag},.*有条件共享,.*市级;区级`));
  const csvAgain = await upload(world.policeReviewer, asCsv.rawPayload, 'text/csv', 'dry_run');
  t.same(
    csvAgain.json().datasets.map((d: { outcome: string }) => d.outcome),
    ['unchanged', 'unchanged', 'unchanged'],
    'the CSV export reads back unchanged too',
  );
});

t.test('imports are for the department’s own entries; requesters neither import nor see drafts in exports', async (t) => {
  const denied = await upload(world.marketRequester, csv(population), 'text/csv', 'dry_run');
  t.equal(denied.statusCode, 403);
  const foreign = await upload(
    world.marketAdmin,
    csv(population.map((r) => r.map((c) => (c === world.police.code ? '' : c)))),
    'text/csv',
    'dry_run',
  );
  t.match(foreign.json().problems, [{ row: 2, header: '资源代码', problem: new RegExp(`code ${code('RK')} is already in use`) }]);
  t.same(
    foreign.json().problems.map((p: { header: string }) => p.header),
    foreign.json().datasets.map(() => '资源代码'),
    'one problem per dataset, its code, and nothing else',
  );
  t.match(
    foreign.json().datasets[0],
    { code: code('RK'), outcome: 'new', datasetId: null, version: null },
    'nothing is told about another department’s entry, not even whether it matches',
  );
  const seen = await app.inject({
    method: 'GET',
    url: `/api/v1/datasets/export?format=csv&q=${encodeURIComponent(tag)}`,
    headers: await bearer(config, world.marketRequester),
  });
  t.equal(seen.headers['x-dataset-count'], '0', 'drafts of another department are not exported to it');
});

t.test(
  'bad files: wrong media type 415, content not of its type 415, unreadable 422, empty 422; a committed import replays under its Idempotency-Key',
  async (t) => {
    const wrongType = await upload(world.policeReviewer, Buffer.from('{}'), 'application/pdf', 'dry_run');
    t.equal(wrongType.statusCode, 415);
    t.equal(wrongType.json().code, 'unsupported_media_type');
    const before = await policeFootprint();
    const disguised = await upload(world.policeReviewer, htmlPage(), XLSX, 'commit');
    t.equal(disguised.statusCode, 415, 'a web page declared as a workbook');
    t.match(disguised.json(), { code: 'content_mismatch', details: { declared: XLSX, detected: 'text/plain' } });
    const image = await upload(world.policeReviewer, pngFile(), 'text/csv', 'commit');
    t.match(
      [image.statusCode, image.json()],
      [415, { code: 'content_mismatch', details: { declared: 'text/csv', detected: 'image/png' } }],
    );
    t.same(await policeFootprint(), before, 'nothing imported, nothing audited');
    // A workbook cut short: its signature is there, its central directory is not.
    const whole = await xlsx([]);
    const cut = await upload(world.policeReviewer, whole.subarray(0, Math.floor(whole.length / 2)), XLSX, 'dry_run');
    t.equal(cut.statusCode, 422);
    t.equal(cut.json().code, 'unreadable_spreadsheet');
    const empty = await upload(world.policeReviewer, Buffer.from(''), 'text/csv', 'dry_run');
    t.equal(empty.statusCode, 422);
    t.equal(empty.json().code, 'empty_spreadsheet');
    const missing = await upload(world.policeReviewer, await xlsx([], ['资源代码', '资源名称']), XLSX, 'dry_run');
    t.match(missing.json().problems, [{ row: 1, column: null, header: '资源分类', problem: /required column/ }]);

    const once = [row({ ...base, code: code('IDEM'), name: `幂等${tag}`, sharingType: '无条件共享', fieldName: '姓名' })];
    const key = { 'idempotency-key': `import-${tag}` };
    const first = await upload(world.policeReviewer, csv(once), 'text/csv', 'commit', key);
    const second = await upload(world.policeReviewer, csv(once), 'text/csv', 'commit', key);
    t.equal(first.statusCode, 200);
    t.equal(second.headers['idempotent-replayed'], 'true');
    t.same(second.json(), first.json());
    const other = await upload(
      world.policeReviewer,
      csv([row({ ...base, code: code('IDEM2'), name: 'x', sharingType: '无条件共享', fieldName: '姓名' })]),
      'text/csv',
      'commit',
      key,
    );
    t.equal(other.statusCode, 409, 'the same key with another file');
  },
);

t.test('lists and exports filter by scenario', async (t) => {
  const [rk] = await db
    .select()
    .from(datasets)
    .where(eq(datasets.code, code('RK')));
  await catalogue.moveDataset(as(world.policeReviewer), rk!.id, 'published');
  const scenario = await scenarios.createScenario(as(world.policeAdmin), {
    name: `户籍办理${tag}`,
    kind: 'one_network_service',
    leadDepartmentId: world.police.id,
    description: '',
    validFrom: '2026-01-01',
    validTo: null,
    coverage: [{ datasetCode: code('RK'), fields: ['姓名'] }],
  });
  const list = await app.inject({
    method: 'GET',
    url: `/api/v1/datasets?scenarioId=${scenario.id}`,
    headers: await bearer(config, world.marketRequester),
  });
  t.same(
    list.json().items.map((d: { code: string }) => d.code),
    [code('RK')],
  );
  const file = await app.inject({
    method: 'GET',
    url: `/api/v1/datasets/export?format=csv&scenarioId=${scenario.id}`,
    headers: await bearer(config, world.marketRequester),
  });
  t.equal(file.headers['x-dataset-count'], '1');
});
