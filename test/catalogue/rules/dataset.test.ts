import t from 'tap';
import {
  canMoveTo,
  datasetProblems,
  droppedFieldsInUse,
  fieldsOutside,
  LIFECYCLE,
  type DatasetContent,
} from '../../../src/catalogue/rules/dataset.js';

const context = {
  departmentCodes: new Set(['SH-HRSS', 'SH-AMR']),
  fieldsOf: (code: string) =>
    code === 'RK-001' ? ['姓名', '公民身份号码', '户籍地址'] : code === 'SB-001' ? ['公民身份号码', '缴费月份'] : undefined,
  scenarioIds: new Set(['2f1e6c1a-0000-4000-8000-000000000001']),
  selfCode: 'RH-001',
};

const base: DatasetContent = {
  name: '人口社保融合信息',
  description: '人口基本信息与社保缴纳记录的融合',
  libraryKind: 'thematic',
  updateFrequency: '每日',
  sourceSystem: '市大数据中心融合库',
  fields: [
    { name: '姓名', type: 'string', description: '', sensitivity: 'sensitive' },
    { name: '公民身份号码', type: 'string', description: '', sensitivity: 'sensitive' },
    { name: '缴费月份', type: 'string', description: '', sensitivity: 'internal' },
  ],
  sharingType: 'unconditional',
};

const paths = (content: Partial<DatasetContent>) => datasetProblems({ ...base, ...content }, context).map((p) => `${p.path}: ${p.problem}`);

t.test('a sound entry has no problems', async (t) => {
  t.same(paths({}), []);
  t.same(
    paths({
      sharingType: 'conditional',
      conditions: { requesterDepartments: ['SH-HRSS'], restrictedFields: ['公民身份号码'], maxUsageMonths: 12 },
    }),
    [],
  );
  t.same(paths({ sharingType: 'not_shareable', legalBasis: { law: '《中华人民共和国个人信息保护法》', article: '第十三条' } }), []);
  t.same(
    paths({
      lineage: {
        sources: [
          { datasetCode: 'RK-001', fieldMap: { 姓名: '姓名', 公民身份号码: '公民身份号码' } },
          { datasetCode: 'SB-001', fieldMap: { 缴费月份: '缴费月份' } },
        ],
      },
    }),
    [],
  );
  t.same(paths({ libraryKind: 'basic', basicLibrary: 'natural_person' }), []);
});

t.test('each rule of the catalogue names the problem and where it is', async (t) => {
  t.matchOnly(paths({ sharingType: 'conditional' }), [/^conditions: a conditionally shared dataset states its sharing conditions/]);
  t.matchOnly(paths({ sharingType: 'conditional', conditions: {} }), [
    /^conditions: a conditionally shared dataset states at least one condition/,
  ]);
  t.matchOnly(paths({ sharingType: 'conditional', conditions: { restrictedFields: ['住址'] } }), [
    /^conditions\/restrictedFields: restricted field "住址" is not a field/,
  ]);
  t.matchOnly(paths({ sharingType: 'conditional', conditions: { requesterDepartments: ['SH-XYZ'] } }), [
    /^conditions\/requesterDepartments: unknown department "SH-XYZ"/,
  ]);
  t.same(
    paths({ sharingType: 'conditional', conditions: { allowedScenarios: ['2f1e6c1a-0000-4000-8000-000000000001'] } }),
    [],
    'a known scenario',
  );
  t.matchOnly(
    paths({ sharingType: 'conditional', conditions: { allowedScenarios: ['企业开办一件事'] } }),
    [/^conditions\/allowedScenarios: unknown or retired scenario "企业开办一件事"/],
    'a name is not an id: the condition would fail every request',
  );
  t.matchOnly(paths({ sharingType: 'not_shareable' }), [/^legalBasis: a dataset catalogued as not shareable/]);
  t.matchOnly(paths({ sharingType: 'not_shareable', legalBasis: { law: '  ' } }), [/^legalBasis:/]);
  t.matchOnly(paths({ conditions: { maxUsageMonths: 3 } }), [/^conditions: an unconditionally shared dataset has no sharing conditions/]);
  t.matchOnly(paths({ fields: [] }), [/^fields: a dataset has at least one field/]);
  t.matchOnly(paths({ fields: [...base.fields, { ...base.fields[0]! }] }), [/^fields\/3\/name: field "姓名" is listed twice/]);
  t.matchOnly(paths({ name: ' ' }), [/^name:/]);
  t.matchOnly(paths({ libraryKind: 'basic' }), [/^basicLibrary: a basic-library dataset/]);
  t.matchOnly(paths({ basicLibrary: 'legal_person' }), [/^basicLibrary: only basic-library datasets/]);
});

t.test('lineage maps known fields of known datasets', async (t) => {
  t.matchOnly(paths({ lineage: { sources: [{ datasetCode: 'XX-404', fieldMap: { 姓名: '姓名' } }] } }), [
    /unknown source dataset "XX-404"/,
  ]);
  t.matchOnly(paths({ lineage: { sources: [{ datasetCode: 'RK-001', fieldMap: { 住址: '户籍地址' } }] } }), [
    /"住址" is not a field of this dataset/,
  ]);
  t.matchOnly(paths({ lineage: { sources: [{ datasetCode: 'RK-001', fieldMap: { 姓名: '曾用名' } }] } }), [
    /"曾用名" is not a field of RK-001/,
  ]);
  t.matchOnly(paths({ lineage: { sources: [{ datasetCode: 'RK-001', fieldMap: {} }] } }), [/maps at least one field/]);
  t.matchOnly(paths({ lineage: { sources: [{ datasetCode: 'RH-001', fieldMap: { 姓名: '姓名' } }] } }), [/not derived from itself/]);
});

t.test('lifecycle: draft → published → retired, nothing else', async (t) => {
  const allowed = LIFECYCLE.flatMap((from) => LIFECYCLE.filter((to) => canMoveTo(from, to)).map((to) => `${from}→${to}`));
  t.same(allowed, ['draft→published', 'published→retired']);
});

t.test('requested fields outside the version are named', async (t) => {
  t.same(fieldsOutside(base.fields, ['姓名', '学历', '缴费月份', '住址']), ['学历', '住址']);
  t.same(fieldsOutside(base.fields, ['姓名']), []);
});

t.test('a revision may drop fields only when no fused dataset or scenario still names them', async (t) => {
  const dependents = [
    { kind: 'fused_dataset' as const, name: '人口社保融合信息 (RH-001)', fields: ['姓名', '公民身份号码'] },
    { kind: 'scenario' as const, name: '企业开办一件事', fields: ['户籍地址'] },
  ];
  const before = ['姓名', '公民身份号码', '户籍地址', '曾用名'];
  t.same(droppedFieldsInUse(before, [...before, '新增'], dependents), [], 'adding drops nothing');
  t.same(droppedFieldsInUse(before, ['姓名', '公民身份号码', '户籍地址'], dependents), [], 'an unused field may go');
  t.same(droppedFieldsInUse(before, ['姓名', '曾用名'], dependents), [
    { kind: 'fused_dataset', name: '人口社保融合信息 (RH-001)', fields: ['公民身份号码'] },
    { kind: 'scenario', name: '企业开办一件事', fields: ['户籍地址'] },
  ]);
});
