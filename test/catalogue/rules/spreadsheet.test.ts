import t from 'tap';
import type { DatasetContent } from '../../../src/catalogue/rules/dataset.js';
import { canonicalContent, sameContent } from '../../../src/catalogue/rules/canonical-content.js';
import { columnLetter, COLUMNS, placeDatasetProblem } from '../../../src/catalogue/rules/spreadsheet.js';
import {
  cellLimitBreach,
  rowLimitBreach,
  SHEET_LIMITS,
  sizeLimitBreach,
  widthLimitBreach,
} from '../../../src/catalogue/rules/spreadsheet-limits.js';
import { readCatalogueSheet } from '../../../src/catalogue/rules/spreadsheet-read.js';
import { writeCatalogueSheet, type CatalogueEntry } from '../../../src/catalogue/rules/spreadsheet-write.js';

const conditional: CatalogueEntry = {
  code: 'SH-HRSS-SB-001',
  ownerDepartmentCode: 'SH-HRSS',
  lifecycle: 'published',
  aggregated: true,
  version: 3,
  content: {
    name: '社保缴纳记录',
    description: '参保人员的社会保险缴费明细',
    libraryKind: 'thematic',
    basicLibrary: null,
    updateFrequency: '每月',
    sourceSystem: '社保核心业务系统',
    fields: [
      { name: '公民身份号码', type: 'string', description: '18位', sensitivity: 'sensitive' },
      { name: '缴费月份', type: 'date', description: '', sensitivity: 'internal' },
      { name: '缴费基数', type: 'decimal', description: '元', sensitivity: 'core' },
    ],
    sharingType: 'conditional',
    conditions: {
      requesterDepartments: ['SH-AMR', 'SH-CA'],
      requesterLevels: ['city', 'district'],
      allowedPurposes: ['就业补贴审核', '人才引进'],
      restrictedFields: ['缴费基数'],
      legalBasisRequired: true,
      maxUsageMonths: 12,
      securityCommitmentRequired: false,
    },
    conditionNotes: '仅限本市政务用途',
    legalBasis: null,
    lineage: null,
  },
};

const notShareable: CatalogueEntry = {
  code: 'SH-PSB-ZX-009',
  ownerDepartmentCode: 'SH-PSB',
  lifecycle: 'draft',
  aggregated: false,
  version: 1,
  content: {
    name: '侦查信息',
    description: '',
    libraryKind: 'department',
    updateFrequency: '实时',
    sourceSystem: '',
    fields: [{ name: '案件编号', type: 'string', description: '', sensitivity: 'core' }],
    sharingType: 'not_shareable',
    legalBasis: { law: '《中华人民共和国刑事诉讼法》', article: '第一百五十二条', prohibitsSharing: true },
  },
};

const fused: CatalogueEntry = {
  code: 'SH-DSC-RH-001',
  ownerDepartmentCode: 'SH-DSC',
  lifecycle: 'published',
  aggregated: true,
  version: 2,
  content: {
    name: '人口社保融合信息',
    description: '融合',
    libraryKind: 'basic',
    basicLibrary: 'natural_person',
    updateFrequency: '每日',
    sourceSystem: '融合库',
    fields: [
      { name: '公民身份号码', type: 'string', description: '', sensitivity: 'sensitive' },
      { name: '姓名', type: 'string', description: '', sensitivity: 'sensitive' },
      { name: '缴费月份', type: 'date', description: '', sensitivity: 'internal' },
    ],
    sharingType: 'unconditional',
    lineage: {
      sources: [
        { datasetCode: 'SH-PSB-RK-001', fieldMap: { 公民身份号码: '公民身份号码', 姓名: '姓名' } },
        { datasetCode: 'SH-HRSS-SB-001', fieldMap: { 缴费月份: '缴费月份', 公民身份号码: '公民身份号码' } },
      ],
    },
  },
};

const header = COLUMNS.map((c) => c.header);
const blankRow = () => header.map(() => '');
function row(values: Partial<Record<(typeof COLUMNS)[number]['key'], string>>): string[] {
  const cells = blankRow();
  for (const [key, value] of Object.entries(values)) cells[COLUMNS.findIndex((c) => c.key === key)] = value!;
  return cells;
}
const minimal = {
  code: 'SH-AMR-001',
  name: '企业登记',
  libraryKind: '主题库',
  sharingType: '无条件共享',
  fieldName: '名称',
  sensitivity: '公开',
};

t.test('column letters run A…Z, AA…', async (t) => {
  t.same([0, 1, 25, 26, 27, 51, 52, 701, 702].map(columnLetter), ['A', 'B', 'Z', 'AA', 'AB', 'AZ', 'BA', 'ZZ', 'AAA']);
});

t.test('an export reads back to the same content, one row per field with Chinese labels', async (t) => {
  const sheet = writeCatalogueSheet([conditional, notShareable, fused]);
  t.equal(sheet.rows.length, 3 + 1 + 3);
  const at = (r: number, key: string) => sheet.rows[r]![COLUMNS.findIndex((c) => c.key === key)];
  t.equal(at(0, 'sharingType'), '有条件共享');
  t.equal(at(0, 'requesterLevels'), '市级;区级');
  t.equal(at(0, 'securityCommitmentRequired'), '否');
  t.equal(at(2, 'sensitivity'), '核心');
  t.equal(at(3, 'prohibitsSharing'), '是');
  t.equal(at(3, 'lifecycle'), '草稿');
  t.equal(at(4, 'lineage'), 'SH-PSB-RK-001.公民身份号码;SH-HRSS-SB-001.公民身份号码', 'a field fed by two sources names both');
  t.equal(at(4, 'basicLibrary'), '人口库');

  const read = readCatalogueSheet(sheet.header, sheet.rows);
  t.same(read.problems, []);
  t.same(
    read.datasets.map((d) => d.code),
    [conditional.code, notShareable.code, fused.code],
  );
  for (const [i, entry] of [conditional, notShareable, fused].entries()) {
    t.ok(sameContent(read.datasets[i]!.content, entry.content), `${entry.code} round-trips`);
  }
  t.same(read.datasets[0]!.fieldRows, [2, 3, 4]);
  t.same(read.datasets[0]!.ownerDepartment, { code: 'SH-HRSS', row: 2 });
  t.same(read.datasets[2]!.lineageRows, { 'SH-PSB-RK-001': 6, 'SH-HRSS-SB-001': 6 });
});

t.test('columns may come in any order, by Chinese header or API name; later rows may leave dataset cells empty', async (t) => {
  const read = readCatalogueSheet(
    ['数据项名称', 'code', '资源名称', '资源分类', '共享类型', '敏感级别', '共享条件-最长使用期限(月)'],
    [
      ['姓名', 'SH-X-1', '人口', 'thematic', 'conditional', 'sensitive', '6'],
      ['住址', 'SH-X-1', '', '', '', '内部', ''],
      ['', '', '', '', '', '', ''],
      ['名称', 'SH-X-2', '法人', '基础库', '无条件共享', '公开', ''],
    ],
  );
  t.same(read.problems, []);
  t.same(
    read.datasets.map((d) => [d.code, d.content.fields.map((f) => f.name), d.fieldRows]),
    [
      ['SH-X-1', ['姓名', '住址'], [2, 3]],
      ['SH-X-2', ['名称'], [5]],
    ],
  );
  t.same(read.datasets[0]!.content.conditions, { maxUsageMonths: 6 });
  t.equal(read.datasets[1]!.content.basicLibrary, null, 'the missing basic-library choice is left to the dataset rules');
});

t.test('header problems stop the read and name the column', async (t) => {
  const read = readCatalogueSheet(['资源代码', '资源名称', '备注', '资源名称', '共享类型', '数据项名称', '敏感级别'], []);
  t.match(read.problems, [
    { row: 1, column: 'C', header: '备注', problem: /unknown column "备注"/ },
    { row: 1, column: 'D', header: '资源名称', problem: /appears twice/ },
    { row: 1, column: null, header: '资源分类', problem: /required column "资源分类" is missing/ },
  ]);
  t.same(read.datasets, []);
});

t.test('cell problems carry their row, column letter and header', async (t) => {
  const read = readCatalogueSheet(header, [
    row(minimal),
    row({ ...minimal, name: '企业登记信息', fieldName: '代码', sensitivity: '机密' }),
    row({ ...minimal, code: '', fieldName: '地址' }),
    row({ ...minimal, code: 'sh-bad', libraryKind: '其他库' }),
    row({
      ...minimal,
      code: 'SH-AMR-002',
      sharingType: '有条件共享',
      requesterLevels: '市级;省级',
      legalBasisRequired: '可能',
      maxUsageMonths: '半年',
    }),
    row({ ...minimal, code: 'SH-AMR-003', article: '第三条', lineage: 'SH-PSB-RK-001:姓名' }),
    row({ ...minimal, code: 'SH-AMR-004', sharingType: '' }),
  ]);
  const letter = (key: string) => columnLetter(COLUMNS.findIndex((c) => c.key === key));
  t.match(read.problems, [
    { row: 4, column: letter('code'), header: '资源代码', problem: /every row names the code/ },
    { row: 3, column: letter('name'), problem: /differs from row 2 of dataset SH-AMR-001 \("企业登记"\)/ },
    { row: 3, column: letter('sensitivity'), header: '敏感级别', problem: /unknown value "机密"; one of 公开、内部、敏感、核心/ },
    { row: 5, column: letter('code'), problem: /"sh-bad" is not a dataset code/ },
    { row: 5, column: letter('libraryKind'), problem: /unknown value "其他库"/ },
    { row: 6, column: letter('requesterLevels'), problem: /unknown level "省级"/ },
    { row: 6, column: letter('legalBasisRequired'), problem: /"可能" is neither 是 nor 否/ },
    { row: 6, column: letter('maxUsageMonths'), problem: /"半年" is not a whole number/ },
    { row: 7, column: letter('article'), problem: /names the law/ },
    { row: 7, column: letter('lineage'), problem: /"SH-PSB-RK-001:姓名" is not SOURCE-CODE.source field/ },
    { row: 8, column: letter('sharingType'), problem: /共享类型 is required/ },
  ]);
  t.equal(read.problems.length, 11);
  t.same(
    read.datasets.map((d) => d.code).sort(),
    ['SH-AMR-001', 'SH-AMR-002', 'SH-AMR-003'],
    'datasets whose kind and type are known still come back for the whole-dataset rules',
  );
});

t.test('whole-dataset problems are placed on the row and column they concern', async (t) => {
  const sheet = writeCatalogueSheet([conditional, fused]);
  const read = readCatalogueSheet(sheet.header, sheet.rows);
  const [sb, rh] = read.datasets as [(typeof read.datasets)[0], (typeof read.datasets)[0]];
  const place = (d: typeof sb, path: string) => {
    const p = placeDatasetProblem(read.layout, d, path, 'x');
    return `${p.row}:${p.header}`;
  };
  t.equal(place(sb, 'fields/2/name'), '4:数据项名称');
  t.equal(place(sb, 'fields/1/sensitivity'), '3:敏感级别');
  t.equal(place(sb, 'fields'), '2:数据项名称');
  t.equal(place(sb, 'conditions/restrictedFields'), '2:共享条件-不共享数据项');
  t.equal(place(sb, 'conditions/requesterDepartments'), '2:共享条件-限定部门');
  t.equal(place(sb, 'conditions'), '2:共享条件-限定部门');
  t.equal(place(sb, 'legalBasis'), '2:不予共享法律依据');
  t.equal(place(sb, 'legalBasis/article'), '2:法律依据条款');
  t.equal(place(sb, 'basicLibrary'), '2:基础库类别');
  t.equal(place(sb, 'name'), '2:资源名称');
  t.equal(place(sb, 'conditionNotes'), '2:共享条件说明');
  t.equal(place(rh, 'lineage/sources/1/fieldMap'), '5:来源数据项');
  t.equal(place(rh, 'code'), '5:资源代码');
});

t.test('canonical content: absent, null, false and empty mean the same; lineage order does not matter', async (t) => {
  const a: DatasetContent = {
    ...notShareable.content,
    conditions: null,
    conditionNotes: '',
    legalBasis: { law: 'L', prohibitsSharing: false },
  };
  const b: DatasetContent = { ...notShareable.content, legalBasis: { law: 'L' } };
  t.ok(sameContent(a, b));
  t.ok(sameContent(fused.content, { ...fused.content, lineage: { sources: [...fused.content.lineage!.sources].reverse() } }));
  t.ok(
    sameContent(conditional.content, { ...conditional.content, conditions: { ...conditional.content.conditions, allowedScenarios: [] } }),
  );
  t.notOk(
    sameContent(conditional.content, { ...conditional.content, conditions: { ...conditional.content.conditions, maxUsageMonths: 6 } }),
  );
  t.notOk(sameContent(fused.content, { ...fused.content, fields: fused.content.fields.slice(1) }));
  t.same(canonicalContent({ ...a, fields: [{ name: 'x', type: '', description: '', sensitivity: 'public', extra: 1 } as never] }).fields, [
    { name: 'x', type: '', description: '', sensitivity: 'public' },
  ]);
});

t.test('import limits: rows with text past row 20 001, rows reaching past column 64, long cells, large files', async (t) => {
  t.equal(SHEET_LIMITS.rows, 20_000);
  t.ok(SHEET_LIMITS.columns >= COLUMNS.length, 'every catalogue column fits, with room to spare');
  t.ok(SHEET_LIMITS.cellChars >= 4_000, 'the longest catalogue text fits in a cell');

  t.equal(rowLimitBreach(SHEET_LIMITS.rows + 1), null, 'the header and 20 000 data rows');
  t.match(rowLimitBreach(SHEET_LIMITS.rows + 2), {
    limit: 'rows',
    max: 20_000,
    row: 20_002,
    message: 'At most 20000 data rows are imported at once; row 20002 is past that',
  });

  t.equal(widthLimitBreach(5, SHEET_LIMITS.columns), null);
  t.same(widthLimitBreach(5, SHEET_LIMITS.columns + 1), {
    limit: 'columns',
    max: 64,
    row: 5,
    column: 'BM',
    found: 65,
    message: 'At most 64 columns are read; row 5 reaches column BM',
  });
  t.match(widthLimitBreach(1, 16_384), { column: 'XFD' });

  t.equal(cellLimitBreach(3, 2, 'x'.repeat(SHEET_LIMITS.cellChars)), null);
  t.equal(cellLimitBreach(3, 2, '中'.repeat(SHEET_LIMITS.cellChars)), null, 'characters are counted, not bytes');
  t.same(cellLimitBreach(3, 2, 'x'.repeat(SHEET_LIMITS.cellChars + 1)), {
    limit: 'cellChars',
    max: 32_767,
    row: 3,
    column: 'B',
    found: 32_768,
    message: 'Cell B3 has 32768 characters; at most 32767 are read',
  });

  t.equal(sizeLimitBreach('fileBytes', SHEET_LIMITS.fileBytes), null);
  t.match(sizeLimitBreach('fileBytes', SHEET_LIMITS.fileBytes + 1), {
    limit: 'fileBytes',
    found: SHEET_LIMITS.fileBytes + 1,
    message: /^The file has 10485761 bytes; at most 10485760 are imported$/,
  });
  t.equal(sizeLimitBreach('unpackedBytes', SHEET_LIMITS.unpackedBytes), null);
  t.match(sizeLimitBreach('unpackedBytes', 300_000_000), {
    limit: 'unpackedBytes',
    max: 64 * 1024 * 1024,
    found: 300_000_000,
    message: /^The spreadsheet unpacks to 300000000 bytes/,
  });
});
