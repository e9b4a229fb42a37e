import { eq } from 'drizzle-orm';
import { datasets, requests, scenarios } from '../platform/db/schema.js';
import type { SeedContext, SeedStep } from '../platform/seeding.js';
import { actingAs } from '../identity/index.js';
import { legalBasisIdOf } from '../legal-basis/index.js';
import { addAttachment } from './attachments.js';
import { createDraft, type DraftInput } from './filing.js';
import { createPolicyVersion, currentCommitment, currentPolicy } from './policy.js';
import { DEFAULT_POLICY_NAME } from './rules/policy.js';
import { RequestService } from './service.js';

/** What the demo steps use: the service as the demo users, and records by their codes and names. */
async function demoKit(context: SeedContext) {
  if (!context.temporal) throw new Error('the requests demo step needs the Temporal client');
  const service = new RequestService({
    db: context.db,
    temporal: context.temporal,
    settings: context.temporal.settings,
    policyProfile: DEFAULT_POLICY_NAME,
  });
  const datasetId = async (code: string) =>
    (await context.db.select({ id: datasets.id }).from(datasets).where(eq(datasets.code, code)))[0]!.id;
  const scenarioId = async (name: string) =>
    (await context.db.select({ id: scenarios.id }).from(scenarios).where(eq(scenarios.name, name)))[0]!.id;
  const { version } = await currentCommitment(context.db);

  async function file(username: string, draft: DraftInput): Promise<string> {
    const ctx = await actingAs(context, username);
    const saved = await createDraft(ctx, draft);
    await service.file(ctx, saved.id, { commitmentVersion: version, acceptCommitment: true });
    // Wait until the workflow has opened the first step, so actions find it ready.
    for (let i = 0; i < 200; i++) {
      const [row] = await context.db.select({ state: requests.state }).from(requests).where(eq(requests.id, saved.id));
      if (row && row.state !== 'routed') return saved.id;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`the workflow of demo request ${saved.id} did not start: is the worker running?`);
  }
  return {
    db: context.db,
    clock: context.clock,
    service,
    file,
    datasetId,
    scenarioId,
    base: { usageMonths: 12, deliveryMethod: 'interface' as const, securityCommitmentAccepted: true },
    as: (username: string) => actingAs(context, username),
  };
}
type DemoKit = Awaited<ReturnType<typeof demoKit>>;

async function seedTrackOne({ file, datasetId, scenarioId, base }: DemoKit): Promise<void> {
  // Track 1: aggregated and unconditional — the center provisions (left on its to-do list).
  await file('hrss.requester', {
    ...base,
    datasetId: await datasetId('AMR-FR-001'),
    fields: ['统一社会信用代码', '企业名称', '法定代表人'],
    purpose: '核验参保单位的法人登记信息',
  });
  // Track 1 via the key-work list: 企业开办一件事 covers every field asked (the public security
  // bureau checks the new enterprise's registration; its own data it would use directly).
  await file('psb.requester', {
    ...base,
    datasetId: await datasetId('AMR-FR-001'),
    fields: ['统一社会信用代码', '企业名称'],
    scenarioId: await scenarioId('企业开办一件事'),
    purpose: '企业开办一件事',
  });
}

async function seedTrackFive({ db, service, file, datasetId, base, as }: DemoKit): Promise<void> {
  // Track 5: waiting for the owner's review.
  await file('amr.requester', {
    ...base,
    datasetId: await datasetId('HRSS-SB-001'),
    fields: ['姓名', '公民身份号码', '缴费月份'],
    purpose: '核验企业开办申请人的参保缴费情况',
  });
  // Track 5: sent back for a supplement.
  const supplement = await file('psb.requester', {
    ...base,
    datasetId: await datasetId('CA-DB-002'),
    fields: ['姓名', '公民身份号码', '保障类别'],
    purpose: '社区矫正对象帮扶核查',
  });
  const caReviewer = await as('ca.reviewer');
  await service.act(caReviewer, 'ask_supplement', supplement, {
    question: '请补充帮扶核查的工作依据文件及经办人员名单',
  });
  // Track 5: refused with a written explanation citing the failed condition.
  const refused = await file('psb.requester', {
    ...base,
    datasetId: await datasetId('HRSS-SB-001'),
    fields: ['姓名', '公民身份号码', '缴费基数'],
    purpose: '涉案人员收入情况核查',
  });
  const hrssReviewer = await as('hrss.reviewer');
  await service.act(hrssReviewer, 'refuse', refused, {
    legalBasisId: await legalBasisIdOf(db, '《中华人民共和国个人信息保护法》', '第三十四条'),
    citedConditions: ['restrictedFields'],
    reasons: '缴费基数属于本数据资源编目时明确不予共享的数据项',
    alternatives: '可申请不含缴费基数的缴费记录；确需收入信息的，可依法向税务部门申请',
  });
  // Track 5: approved by the owner and delivered by the center.
  const delivered = await file('psb.requester', {
    ...base,
    datasetId: await datasetId('HRSS-SB-001'),
    fields: ['姓名', '公民身份号码', '缴费月份'],
    purpose: '重点人员就业情况核查',
    usageMonths: 6,
  });
  await service.act(hrssReviewer, 'approve', delivered, { note: '同意，按申请字段共享' });
  const operator = await as('dsc.operator');
  await service.act(operator, 'confirm_delivery', delivered, {
    method: 'interface',
    reference: 'https://exchange.sh.gov.cn/api/hrss/sb-001',
  });
}

/** A one-page PDF saying `line` (ASCII), as a department's material attached to a coordination position. */
function demoPdf(line: string): Buffer {
  const stream = `BT /F1 14 Tf 72 760 Td (${line}) Tj ET`;
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let body = '%PDF-1.4\n';
  const offsets = objects.map((object, i) => {
    const at = body.length;
    body += `${i + 1} 0 obj\n${object}\nendobj\n`;
    return at;
  });
  const xref = body.length;
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(body, 'latin1');
}

/**
 * Track 15 in its coordination and its outcomes: a coordination the three parties are working in
 * (positions, the requester's with its material; a meeting and its minutes), one agreed and waiting
 * for the owner's delivery, one decided not to share and waiting for the owner's explanation.
 */
async function seedCoordinations({ clock, service, file, datasetId, base, as }: DemoKit): Promise<void> {
  const talking = await file('amr.requester', {
    ...base,
    datasetId: await datasetId('TAX-SB-002'),
    fields: ['统一社会信用代码', '所属期', '应纳税额'],
    purpose: '企业信用修复申请中的纳税情况核查',
    legalBasis: '《上海市社会信用条例》第三十九条',
  });
  const requester = await as('amr.requester');
  const material = await addAttachment(requester, talking, {
    fileName: '信用修复核查工作方案.pdf',
    mediaType: 'application/pdf',
    content: demoPdf('Credit repair verification plan (demo)'),
  });
  await service.act(requester, 'record_position', talking, {
    position: '信用修复须核查企业近三年是否存在欠税及纳税申报异常，请求共享所属期与应纳税额。工作方案见附件。',
    attachmentIds: [material.id],
  });
  await service.act(await as('tax.reviewer'), 'record_position', talking, {
    position: '应纳税额属于纳税人涉税信息，依法应予保密；可提供“是否存在欠税”的核验结果，不提供原始申报数据。',
  });
  const operator = await as('dsc.operator');
  await service.act(operator, 'record_position', talking, { position: '建议按最小必要原则，以核验服务替代原始申报数据的共享。' });
  const held = new Date((await clock.now()).getTime() - 2 * 3600_000);
  const scheduled = await service.act(operator, 'schedule_meeting', talking, {
    startsAt: held.toISOString(),
    place: '上海市大数据中心 3 楼第一会议室',
    participants: ['上海市市场监督管理局', '国家税务总局上海市税务局', '上海市大数据中心'],
    agenda: '纳税申报数据在信用修复核查中的共享范围与方式',
  });
  await service.act(operator, 'record_minutes', talking, {
    meetingId: scheduled.coordination!.meetings[0]!.id,
    minutes:
      '一、三方确认信用修复核查确需了解企业纳税情况。\n二、税务部门同意提供统一社会信用代码、所属期及“是否欠税”核验结果，应纳税额暂不共享。\n三、市场监管部门于五个工作日内补充核查对象范围，中心据此记录协调结果。',
    attendees: ['上海市市场监督管理局', '国家税务总局上海市税务局', '上海市大数据中心'],
  });

  // Agreed: unconditional data the center does not hold yet — the owner delivers it (归集).
  const agreed = await file('psb.requester', {
    ...base,
    datasetId: await datasetId('AMR-CF-003'),
    fields: ['统一社会信用代码', '处罚决定书文号', '处罚内容'],
    purpose: '涉企执法协同中的行政处罚信息比对',
  });
  await service.act(operator, 'agree_to_share', agreed, {
    conditions: '按月批量交换，仅用于执法协同比对，不得对外提供',
    note: '该数据为无条件共享、尚未归集：由市场监管部门交付中心后供数',
  });

  // Not to share: the owner owes its written explanation.
  const refusing = await file('psb.requester', {
    ...base,
    datasetId: await datasetId('HSA-JS-002'),
    fields: ['姓名', '公民身份号码', '就诊机构', '结算金额'],
    purpose: '涉案人员就医轨迹核查',
  });
  await service.act(operator, 'decide_not_to_share', refusing, {
    reasons: '结算明细含个人健康信息，核查需求可由个案协查途径满足，经协调不予批量共享',
  });
}

/**
 * Refusals and disputes (争议): a track-15 refusal with its written explanation whose window to
 * dispute is open; a track-15 refusal disputed by the requester and upheld; a track-5 refusal
 * disputed by the center, ordered shared by the competent authority and now provisioning.
 */
async function seedRefusalsAndDisputes({ db, service, file, datasetId, base, as }: DemoKit): Promise<void> {
  const operator = await as('dsc.operator');
  const supervisor = await as('data.supervisor');
  const open = await file('amr.requester', {
    ...base,
    datasetId: await datasetId('PSB-XZ-004'),
    fields: ['姓名', '公民身份号码'],
    purpose: '市场主体登记中法定代表人身份核查',
  });
  await service.act(operator, 'decide_not_to_share', open, { reasons: '在逃人员信息涉及侦查工作秘密，经协调不予共享' });
  await service.act(await as('psb.reviewer'), 'file_explanation', open, {
    reasons: '在逃人员信息属于侦查工作秘密，批量提供可能影响案件侦办',
    alternatives: '可通过“在逃人员比对核验服务”按身份证号获取是否命中的核验结果',
  });

  const upheld = await file('hrss.requester', {
    ...base,
    datasetId: await datasetId('TAX-SB-002'),
    fields: ['统一社会信用代码', '应纳税额'],
    purpose: '就业补贴企业经营情况核查',
  });
  await service.act(operator, 'decide_not_to_share', upheld, { reasons: '应纳税额属于涉税保密信息，经协调不予共享' });
  await service.act(await as('tax.reviewer'), 'file_explanation', upheld, {
    reasons: '纳税人的应纳税额属于依法保密的涉税信息',
    alternatives: '可申请“企业纳税信用等级”数据，或由税务部门出具是否正常申报的核验结果',
  });
  await service.act(await as('hrss.requester'), 'dispute', upheld, { reasons: '就业补贴审核须核实企业经营规模，纳税信用等级不足以判断' });
  await service.act(supervisor, 'uphold_refusal', upheld, {
    reasons: '涉税信息依法保密，书面说明已提供可行的替代方案，维持不予共享',
  });

  const ordered = await file('amr.requester', {
    ...base,
    datasetId: await datasetId('PSB-RK-001'),
    fields: ['姓名', '公民身份号码', '户籍地址'],
    purpose: '个体工商户经营场所与户籍地址一致性核验',
    legalBasis: '《促进个体工商户发展条例》第十条',
  });
  await service.act(await as('psb.reviewer'), 'refuse', ordered, {
    legalBasisId: await legalBasisIdOf(db, '《中华人民共和国个人信息保护法》', '第三十四条'),
    citedConditions: ['restrictedFields'],
    reasons: '户籍地址属于本数据资源编目时限定不予共享的数据项',
    alternatives: '可申请不含户籍地址的人口基本信息',
  });
  await service.act(operator, 'dispute', ordered, { reasons: '个体工商户登记须核验经营场所与户籍地址，属履行法定职责所必需' });
  await service.act(supervisor, 'order_sharing', ordered, {
    reasons: '核验属履行法定职责所必需且已签署安全承诺，符合以共享为原则的要求，责令共享',
  });
}

/**
 * A grant in its reminder window (即将到期): the center has renewal reminders sent 25 working days
 * ahead (policy version 2 — a renewal on the 15-working-day track still ends before the old grant
 * does), so the market regulator's one-month grant on employment records is reminded at once.
 */
async function seedExpiringGrant({ db, service, file, datasetId, base, as }: DemoKit): Promise<void> {
  const current = await currentPolicy(db);
  await createPolicyVersion(
    await as('dsc.admin'),
    current.name,
    { ...current.settings, grantExpiryReminderDays: 25 },
    '授权到期提醒提前至 25 个工作日：经 15 个工作日通道办理的续期也能在原授权到期前办结',
  );
  const expiring = await file('amr.requester', {
    ...base,
    datasetId: await datasetId('HRSS-JY-002'),
    fields: ['姓名', '公民身份号码', '就业状态'],
    purpose: '个体工商户登记人员就业状态核验',
    usageMonths: 1,
  });
  await service.act(await as('dsc.operator'), 'confirm_delivery', expiring, {
    method: 'interface',
    reference: 'https://exchange.sh.gov.cn/api/hrss/jy-002',
  });
}

/** A grant on the fused dataset (融合数据), for objections traced to its sources. */
async function seedFusedGrant({ service, file, datasetId, base, as }: DemoKit): Promise<void> {
  const fused = await file('hrss.requester', {
    ...base,
    datasetId: await datasetId('PSB-RH-009'),
    fields: ['姓名', '公民身份号码', '社保缴费月份', '医保参保状态'],
    purpose: '就业困难人员认定中的参保情况核验',
  });
  await service.act(await as('dsc.operator'), 'confirm_delivery', fused, {
    method: 'interface',
    reference: 'https://exchange.sh.gov.cn/api/psb/rh-009',
  });
}

async function seedTrackFifteenAndDraft({ file, datasetId, base, as }: DemoKit): Promise<void> {
  // Track 15: catalogued not shareable — three-party coordination.
  await file('hrss.requester', {
    ...base,
    datasetId: await datasetId('PSB-XZ-004'),
    fields: ['姓名', '公民身份号码'],
    purpose: '失业保险金发放前的资格核查',
    legalBasis: '《失业保险条例》第十五条',
  });
  // A draft, not yet filed.
  await createDraft(await as('amr.requester'), {
    ...base,
    datasetId: await datasetId('CA-HY-001'),
    fields: ['姓名', '登记类型'],
    purpose: '个体工商户登记中的婚姻状况核验',
  });
}

/**
 * Requests in every kind of state for the demo, filed and moved on by the demo users through the
 * services and the request workflows (the worker runs in the same process): a track-1 request
 * waiting for the center, track-5 ones waiting for review, sent back for a supplement, refused
 * with a written explanation and delivered, track-15 coordinations in each state, refusals open
 * to dispute, disputes upheld and ordered, a grant about to expire, and a draft.
 */
export const requestsSeedStep: SeedStep = {
  name: 'requests: drafts and requests on every track',
  run: async (context) => {
    const kit = await demoKit(context);
    await seedTrackOne(kit);
    await seedTrackFive(kit);
    await seedCoordinations(kit);
    await seedRefusalsAndDisputes(kit);
    await seedExpiringGrant(kit);
    await seedFusedGrant(kit);
    // Last: the requesters' newest requests are still open (the browser tests withdraw one).
    await seedTrackFifteenAndDraft(kit);
  },
};
