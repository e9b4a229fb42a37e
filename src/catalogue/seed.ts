import { eq } from 'drizzle-orm';
import { departments } from '../platform/db/schema.js';
import type { SeedStep } from '../platform/seeding.js';
import type { DatasetContent, DatasetField } from './rules/dataset.js';
import { actingAs } from '../identity/index.js';
import { createScenario, setKeyListMembership, type ScenarioInput } from './scenarios.js';
import { createDataset, moveDataset, setAggregation } from './service.js';

const f = (name: string, sensitivity: DatasetField['sensitivity'] = 'internal', type = 'string'): DatasetField => ({
  name,
  type,
  description: '',
  sensitivity,
});
const person = [f('姓名', 'sensitive'), f('公民身份号码', 'sensitive')];

interface DemoDataset {
  owner: string; // the demo reviewer who catalogues it
  code: string;
  aggregated: boolean;
  content: DatasetContent;
}

const unconditional = { sharingType: 'unconditional' as const };
const base = (
  name: string,
  description: string,
  libraryKind: DatasetContent['libraryKind'],
  fields: DatasetField[],
  extra: Partial<DatasetContent> = {},
): DatasetContent => ({
  name,
  description,
  libraryKind,
  updateFrequency: '每日',
  sourceSystem: `${name}业务系统`,
  fields,
  ...unconditional,
  ...extra,
});

/** A realistic catalogue for the demo: every sharing type, aggregated and not, a fused dataset. */
export const DEMO_DATASETS: DemoDataset[] = [
  {
    owner: 'psb.reviewer',
    code: 'PSB-RK-001',
    aggregated: true,
    content: base(
      '人口基本信息',
      '本市户籍及常住人口的基本身份信息',
      'basic',
      [...person, f('性别'), f('出生日期'), f('户籍地址', 'sensitive'), f('民族')],
      {
        basicLibrary: 'natural_person',
        sharingType: 'conditional',
        conditions: {
          requesterLevels: ['city', 'district'],
          restrictedFields: ['户籍地址'],
          legalBasisRequired: true,
          securityCommitmentRequired: true,
        },
        conditionNotes: '仅限政务服务及社会治理场景',
      },
    ),
  },
  {
    owner: 'psb.reviewer',
    code: 'PSB-HJ-002',
    aggregated: true,
    content: base('户籍迁移信息', '户口迁入迁出登记记录', 'department', [...person, f('迁入日期', 'internal', 'date'), f('迁出地')], {
      sharingType: 'conditional',
      conditions: { maxUsageMonths: 12, legalBasisRequired: true },
    }),
  },
  {
    owner: 'psb.reviewer',
    code: 'PSB-JZ-003',
    aggregated: false,
    content: base(
      '居住证信息',
      '来沪人员居住证办理信息',
      'department',
      [...person, f('居住证号'), f('居住地址', 'sensitive'), f('有效期至', 'internal', 'date')],
      { sharingType: 'conditional', conditions: { requesterLevels: ['city'], maxUsageMonths: 24 } },
    ),
  },
  {
    owner: 'psb.reviewer',
    code: 'PSB-XZ-004',
    aggregated: false,
    content: base('在逃人员信息', '公安机关在逃人员登记信息', 'department', [...person, f('立案单位')], {
      sharingType: 'not_shareable',
      legalBasis: { law: '《中华人民共和国人民警察法》', article: '第二十二条', prohibitsSharing: true },
    }),
  },
  {
    owner: 'amr.reviewer',
    code: 'AMR-FR-001',
    aggregated: true,
    content: base(
      '法人基本信息',
      '企业及其他市场主体登记注册信息',
      'basic',
      [
        f('统一社会信用代码', 'public'),
        f('企业名称', 'public'),
        f('法定代表人'),
        f('注册资本'),
        f('成立日期', 'public', 'date'),
        f('住所', 'public'),
      ],
      { basicLibrary: 'legal_person' },
    ),
  },
  {
    owner: 'amr.reviewer',
    code: 'AMR-XK-002',
    aggregated: true,
    content: base(
      '食品经营许可证信息',
      '食品经营许可电子证照',
      'basic',
      [f('许可证编号', 'public'), f('经营者名称', 'public'), f('有效期至', 'public', 'date')],
      { basicLibrary: 'e_licence' },
    ),
  },
  {
    owner: 'amr.reviewer',
    code: 'AMR-CF-003',
    aggregated: false,
    content: base('行政处罚信息', '市场监管领域行政处罚决定', 'department', [
      f('统一社会信用代码', 'public'),
      f('处罚决定书文号', 'public'),
      f('处罚内容'),
    ]),
  },
  {
    owner: 'amr.reviewer',
    code: 'AMR-YC-004',
    aggregated: true,
    content: base('经营异常名录', '列入经营异常名录的企业', 'thematic', [
      f('统一社会信用代码', 'public'),
      f('列入原因'),
      f('列入日期', 'public', 'date'),
    ]),
  },
  {
    owner: 'hrss.reviewer',
    code: 'HRSS-SB-001',
    aggregated: true,
    content: base(
      '社保缴纳记录',
      '职工及城乡居民社会保险缴费记录',
      'thematic',
      [...person, f('缴费月份'), f('缴费基数', 'sensitive'), f('参保单位')],
      { sharingType: 'conditional', conditions: { restrictedFields: ['缴费基数'], maxUsageMonths: 12, securityCommitmentRequired: true } },
    ),
  },
  {
    owner: 'hrss.reviewer',
    code: 'HRSS-JY-002',
    aggregated: true,
    content: base('就业登记信息', '劳动者就业与失业登记', 'department', [...person, f('就业状态'), f('登记日期', 'internal', 'date')]),
  },
  {
    owner: 'hrss.reviewer',
    code: 'HRSS-ZG-003',
    aggregated: false,
    content: base(
      '职业资格证书信息',
      '职业资格及技能等级电子证书',
      'basic',
      [...person, f('证书名称', 'public'), f('证书编号', 'public')],
      { basicLibrary: 'e_licence' },
    ),
  },
  {
    owner: 'ca.reviewer',
    code: 'CA-HY-001',
    aggregated: true,
    content: base(
      '婚姻登记信息',
      '结婚、离婚登记记录',
      'department',
      [...person, f('登记类型'), f('登记日期', 'sensitive', 'date'), f('配偶姓名', 'sensitive')],
      { sharingType: 'conditional', conditions: { legalBasisRequired: true, requesterLevels: ['city', 'district'], maxUsageMonths: 6 } },
    ),
  },
  {
    owner: 'ca.reviewer',
    code: 'CA-DB-002',
    aggregated: true,
    content: base('低保对象信息', '最低生活保障对象认定信息', 'thematic', [...person, f('保障类别'), f('认定日期', 'internal', 'date')], {
      sharingType: 'conditional',
      conditions: { securityCommitmentRequired: true, maxUsageMonths: 12 },
    }),
  },
  {
    owner: 'ca.reviewer',
    code: 'CA-LN-003',
    // Held by the center: the 免申即享 scenario below needs it, and its requests take track 1.
    aggregated: true,
    content: base('高龄老人信息', '本市户籍七十周岁以上老年人名册', 'thematic', [
      ...person,
      f('年龄', 'internal', 'integer'),
      f('所在街道'),
    ]),
  },
  {
    owner: 'tax.reviewer',
    code: 'TAX-XY-001',
    aggregated: true,
    content: base('纳税信用等级', '纳税人年度纳税信用评价结果', 'department', [
      f('统一社会信用代码', 'public'),
      f('评价年度', 'public'),
      f('信用等级', 'public'),
    ]),
  },
  {
    owner: 'tax.reviewer',
    code: 'TAX-SB-002',
    aggregated: false,
    content: base(
      '企业纳税申报信息',
      '企业增值税及所得税申报数据',
      'department',
      [f('统一社会信用代码', 'public'), f('所属期'), f('应纳税额', 'core')],
      { sharingType: 'not_shareable', legalBasis: { law: '《中华人民共和国税收征收管理法》', article: '第八条' } },
    ),
  },
  {
    owner: 'ha.reviewer',
    code: 'HA-BDC-001',
    aggregated: true,
    content: base(
      '不动产登记信息',
      '房屋等不动产权属登记',
      'basic',
      [...person, f('不动产权证号'), f('坐落', 'sensitive'), f('建筑面积', 'internal', 'number')],
      {
        basicLibrary: 'spatial_geographic',
        sharingType: 'conditional',
        conditions: { legalBasisRequired: true, restrictedFields: ['坐落'], maxUsageMonths: 12 },
      },
    ),
  },
  {
    owner: 'ha.reviewer',
    code: 'HA-ZL-002',
    aggregated: false,
    content: base('房屋租赁备案信息', '住房租赁合同网签备案', 'department', [...person, f('房屋地址', 'sensitive'), f('租期')]),
  },
  {
    owner: 'hsa.reviewer',
    code: 'HSA-CB-001',
    aggregated: true,
    content: base('医保参保信息', '基本医疗保险参保登记', 'thematic', [...person, f('参保类型'), f('参保状态')], {
      sharingType: 'conditional',
      conditions: { maxUsageMonths: 12, securityCommitmentRequired: true },
    }),
  },
  {
    owner: 'hsa.reviewer',
    code: 'HSA-JS-002',
    aggregated: false,
    content: base(
      '医保结算明细',
      '定点医药机构医保结算明细',
      'department',
      [...person, f('就诊机构'), f('结算金额', 'sensitive', 'number'), f('诊断', 'core')],
      { sharingType: 'not_shareable', legalBasis: { law: '《医疗保障基金使用监督管理条例》', article: '第二十三条' } },
    ),
  },
  {
    owner: 'edu.reviewer',
    code: 'EDU-XJ-001',
    aggregated: true,
    content: base('学籍信息', '中小学生学籍信息', 'thematic', [...person, f('学校名称'), f('年级'), f('入学日期', 'internal', 'date')], {
      sharingType: 'conditional',
      conditions: { requesterLevels: ['city', 'district'], maxUsageMonths: 12 },
    }),
  },
  {
    owner: 'edu.reviewer',
    code: 'EDU-XL-002',
    aggregated: false,
    content: base('学历学位信息', '高等教育学历学位证书', 'basic', [...person, f('院校'), f('学历层次'), f('证书编号', 'public')], {
      basicLibrary: 'e_licence',
    }),
  },
];

/** The fused dataset (融合数据): derived from three other departments' data. */
const FUSED: DemoDataset = {
  owner: 'psb.reviewer',
  code: 'PSB-RH-009',
  aggregated: true,
  content: base(
    '人口综合库（融合）',
    '人口基本信息与社保、医保参保的融合数据',
    'thematic',
    [...person, f('社保缴费月份'), f('医保参保状态')],
    {
      lineage: {
        sources: [
          { datasetCode: 'PSB-RK-001', fieldMap: { 姓名: '姓名', 公民身份号码: '公民身份号码' } },
          { datasetCode: 'HRSS-SB-001', fieldMap: { 社保缴费月份: '缴费月份' } },
          // Names also come from the medical-insurance registration: an objection to 姓名 is traced to both.
          { datasetCode: 'HSA-CB-001', fieldMap: { 姓名: '姓名', 医保参保状态: '参保状态' } },
        ],
      },
    },
  ),
};

/** The catalogue and the scenario list, created by the demo users through the services. */
export const catalogueSeedStep: SeedStep = {
  name: 'catalogue: datasets, lineage and scenarios',
  run: async (context) => {
    const admin = await actingAs(context, 'dsc.admin');
    for (const d of [...DEMO_DATASETS, FUSED]) {
      const owner = await actingAs(context, d.owner);
      const created = await createDataset(owner, { code: d.code, ...d.content });
      await moveDataset(owner, created.id, 'published');
      if (d.aggregated) await setAggregation(admin, created.id, true, '已归集至市大数据中心');
    }
    const departmentId = async (code: string) =>
      (await context.db.select({ id: departments.id }).from(departments).where(eq(departments.code, code)))[0]!.id;
    const scenariosToSeed: { input: ScenarioInput; onKeyList: boolean }[] = [
      {
        onKeyList: true,
        input: {
          name: '企业开办一件事',
          kind: 'one_network_service',
          leadDepartmentId: await departmentId('SH-AMR'),
          description: '营业执照、公章刻制、税务登记、社保登记一次办成',
          validFrom: '2026-01-01',
          validTo: null,
          coverage: [
            { datasetCode: 'AMR-FR-001', fields: ['统一社会信用代码', '企业名称', '法定代表人'] },
            { datasetCode: 'TAX-XY-001', fields: ['统一社会信用代码', '信用等级'] },
          ],
        },
      },
      {
        onKeyList: true,
        input: {
          name: '高龄老人津贴免申即享',
          kind: 'no_application',
          leadDepartmentId: await departmentId('SH-CA'),
          description: '符合条件的高龄老人无需申请，津贴自动发放',
          validFrom: '2026-01-01',
          validTo: '2027-12-31',
          // Aggregated datasets and fields they have: on the key-work list, requests under it
          // take track 1 (the center provisions, no owner approval), as 免申即享 should.
          coverage: [
            { datasetCode: 'CA-LN-003', fields: ['姓名', '公民身份号码', '年龄'] },
            { datasetCode: 'PSB-RK-001', fields: ['姓名', '公民身份号码', '出生日期'] },
          ],
        },
      },
      {
        onKeyList: true,
        input: {
          name: '城市运行体征监测',
          kind: 'one_network_governance',
          leadDepartmentId: await departmentId('SH-DSC'),
          description: '一网统管城运体征指标汇聚',
          validFrom: '2026-01-01',
          validTo: null,
          coverage: [{ datasetCode: 'AMR-YC-004', fields: ['统一社会信用代码', '列入原因'] }],
        },
      },
      {
        onKeyList: false,
        input: {
          name: '人才引进落户审核',
          kind: 'other',
          leadDepartmentId: await departmentId('SH-HRSS'),
          description: '引进人才落户材料核验',
          validFrom: '2026-01-01',
          validTo: null,
          coverage: [
            { datasetCode: 'EDU-XL-002', fields: ['姓名', '学历层次'] },
            { datasetCode: 'HRSS-SB-001', fields: ['姓名', '缴费月份'] },
          ],
        },
      },
    ];
    for (const s of scenariosToSeed) {
      const created = await createScenario(admin, s.input);
      if (s.onKeyList) await setKeyListMembership(admin, created.id, true, '列入2026年重点工作应用场景清单');
    }
  },
};
