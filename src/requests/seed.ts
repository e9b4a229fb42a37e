import { eq } from 'drizzle-orm';
import { datasets, requests, scenarios } from '../platform/db/schema.js';
import type { SeedContext, SeedStep } from '../platform/seeding.js';
import { actingAs } from '../identity/index.js';
import { legalBasisIdOf } from '../legal-basis/index.js';
import { createDraft, type DraftInput } from './filing.js';
import { currentCommitment } from './policy.js';
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
 * with a written explanation and delivered, a track-15 coordination, and a draft.
 */
export const requestsSeedStep: SeedStep = {
  name: 'requests: drafts and requests on every track',
  run: async (context) => {
    const kit = await demoKit(context);
    await seedTrackOne(kit);
    await seedTrackFive(kit);
    await seedTrackFifteenAndDraft(kit);
  },
};
