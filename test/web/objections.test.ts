/**
 * Objection verification in the console, in a real browser against the real platform seeded with
 * the demo data (the human-resources bureau holds a grant on the fused 人口综合库, whose
 * 医保参保状态 comes from the medical-insurance bureau's data): the requester raises an objection
 * from its grant, the center accepts it (the record is marked) and confirms the trace, the source
 * department corrects its data, the center gives feedback, the requester accepts the result — and
 * the mark is gone. axe-core on each page; screenshots at 1280 and 768 px.
 */
import { and, eq } from 'drizzle-orm';
import type { Page } from 'playwright-core';
import t from 'tap';
import { dataMarks, datasets, departments, grants, objections, objectionTasks, slaClocks } from '../../src/platform/db/schema.js';
import { objectionClockEvent } from '../../src/objections/timed-steps.js';
import { accessible, screenshots, startConsole } from '../helpers/browser.js';

t.setTimeout(600_000);
const { platform, session, signIn } = await startConsole(t, new URL('../../.tap/web-objections/', import.meta.url).pathname);
const db = platform.database.db;
const [grant] = await db
  .select({ id: grants.id, number: grants.number, datasetId: grants.datasetId })
  .from(grants)
  .innerJoin(datasets, eq(datasets.id, grants.datasetId))
  .innerJoin(departments, eq(departments.id, grants.requesterDepartmentId))
  .where(and(eq(datasets.code, 'PSB-RH-009'), eq(departments.code, 'SH-HRSS')));
if (!grant) throw new Error('the demo has no grant on the fused PSB-RH-009');
/** A resident identity number with its check digit worked out by hand (GB 11643). */
const RECORD = '310101198503150029';
/** The record of the demo's objections on the fused data's 姓名 (src/objections/seed.ts). */
const DEMO_RECORD = '11010519491231002X';
let objectionUrl = '';

const heading = (page: Page, state: string) =>
  page.getByRole('heading', { name: new RegExp(`异议 YY-\\d{4}-\\d{6}\\s*${state}`) }).waitFor();
const confirmDialog = async (page: Page) => {
  const dialog = page.getByRole('dialog');
  await dialog.getByRole('button', { name: /确\s*认/ }).click();
  await dialog.waitFor({ state: 'hidden', timeout: 10_000 }).catch(async (error: unknown) => {
    throw new Error(`the dialog stayed open: ${await dialog.innerText()}`, { cause: error });
  });
};

t.test('the requester raises an objection from its grant', async (t) => {
  const page = await session();
  await signIn(page, '朱丽（人社局申请）');
  await page.goto(`${platform.url}/grants/${grant.id}`);
  await page.getByRole('heading', { name: new RegExp(`授权 ${grant.number}`) }).waitFor();
  await page.getByRole('button', { name: '提出异议' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByRole('button', { name: '提交异议' }).click();
  await dialog.getByText(/请(填写|选择)字段/).waitFor();
  await dialog.getByLabel('字段', { exact: true }).click();
  await page.locator('.ant-select-dropdown:visible .ant-select-item-option[title="医保参保状态"]').click();
  await dialog.getByLabel(/记录标识/).fill('310101198503150020');
  await dialog.getByLabel('收到的值').fill('未参保');
  await dialog.getByLabel('认为正确的值').fill('参保缴费');
  await dialog.getByLabel('理由').fill('本人已提供医保参保缴费凭证');
  await accessible(t, page, 'the objection dialog');
  await dialog.getByRole('button', { name: '提交异议' }).click();
  await dialog.getByText(/记录标识不是该数据资源的有效记录/).waitFor();
  await dialog.getByLabel(/记录标识/).fill(RECORD);
  await dialog.getByRole('button', { name: '提交异议' }).click();
  await page.waitForURL(/\/objections\/[0-9a-f-]{36}$/);
  objectionUrl = page.url();
  await heading(page, '待受理');
  t.ok(await page.getByText('中心受理（市大数据中心）').isVisible(), 'waiting for the center');
  await accessible(t, page, 'a submitted objection');
  await screenshots(page, 'objection-submitted');
});

t.test('the center accepts it (the record is marked) and confirms the trace to the source', async (t) => {
  const page = await session();
  await signIn(page, '李强（中心运营）');
  await page.goto(`${platform.url}/objections`);
  // The center lands on its queue: what waits for it, the new objection among them.
  await page.getByRole('tab', { name: '待中心处理', selected: true }).waitFor();
  await accessible(t, page, 'the objections list');
  await screenshots(page, 'objections');
  await page.locator(`a[href="${new URL(objectionUrl).pathname}"]`).click();
  await page.waitForURL(objectionUrl);
  await page.getByRole('button', { name: /^受\s*理$/ }).click();
  await confirmDialog(page);
  await heading(page, '溯源中');
  t.ok(await page.getByText('数据已标注').isVisible(), 'marked');
  t.ok(
    await page.getByRole('row', { name: /医保参保信息（HSA-CB-001）\s*参保状态/ }).isVisible(),
    'the lineage leads to the medical-insurance data',
  );
  await page.getByRole('button', { name: '确认溯源' }).click();
  await confirmDialog(page);
  await heading(page, '核实中');
  t.ok(await page.getByRole('row', { name: /上海市医疗保障局/ }).isVisible(), 'a task for the source department');
  await accessible(t, page, 'an objection being verified');
  await screenshots(page, 'objection-verifying');
});

t.test('the source department corrects its data; the center gives feedback', async (t) => {
  const page = await session();
  await signIn(page, '施洋（医保局审核）');
  await page.getByRole('menuitem', { name: '异议核实' }).click();
  // The reviewer lands on its department's undecided tasks, the objection among them.
  await page.getByRole('tab', { name: '本部门待核实任务', selected: true }).waitFor();
  await page.locator(`a[href="${new URL(objectionUrl).pathname}"]`).click();
  await page.waitForURL(objectionUrl);
  await page.getByRole('button', { name: /^核\s*实$/ }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('数据有误，已更正').check();
  await dialog.getByLabel('更正后的值').fill('参保缴费');
  await dialog.getByLabel(/更正依据/).fill('YB-2026-1203-0042');
  await accessible(t, page, 'the verification dialog');
  await confirmDialog(page);
  await heading(page, '已更正');

  const center = await session();
  await signIn(center, '李强（中心运营）');
  await center.goto(objectionUrl);
  await center.getByRole('button', { name: '反馈结果' }).click();
  await center.getByRole('dialog').getByLabel('反馈内容').fill('经医保部门核实，参保状态已更正');
  await confirmDialog(center);
  await heading(center, '已反馈');
});

t.test('the requester sees the result, accepts it, and the mark is gone', async (t) => {
  const page = await session();
  await signIn(page, '朱丽（人社局申请）');
  await page.goto(objectionUrl);
  await heading(page, '已反馈');
  t.ok(await page.getByText('核实结果：已更正').isVisible(), 'the result');
  t.ok(await page.getByText('数据已标注').isVisible(), 'still marked while the result may be contested');
  // The grant's page shows the open marks on its fields: this record's, and the demo's on 姓名.
  const markRow = (grantPage: Page, record: string, field: string) =>
    grantPage.getByRole('region', { name: '异议标注' }).getByRole('row', { name: new RegExp(`${record}\\s*${field}\\s*YY-`) });
  const grantPage = await session();
  await signIn(grantPage, '朱丽（人社局申请）');
  await grantPage.goto(`${platform.url}/grants/${grant.id}`);
  await markRow(grantPage, RECORD, '医保参保状态').waitFor();
  t.ok(await markRow(grantPage, DEMO_RECORD, '姓名').isVisible(), 'with the marks of the other objections on the data');
  await accessible(t, grantPage, 'a grant with open marks');
  await screenshots(grantPage, 'grant-marks');
  await page.getByRole('button', { name: '认可核实结果' }).click();
  await confirmDialog(page);
  await heading(page, '已归档');
  t.notOk(await page.getByText('数据已标注').isVisible(), 'the mark is gone');
  await grantPage.reload();
  await markRow(grantPage, DEMO_RECORD, '姓名').waitFor();
  t.notOk(await markRow(grantPage, RECORD, '医保参保状态').isVisible(), 'and gone from the grant’s page');
  const [row] = await db.select({ id: objections.id }).from(objections).where(eq(objections.recordKey, RECORD));
  const [mark] = await db.select().from(dataMarks).where(eq(dataMarks.objectionId, row!.id));
  t.ok(mark?.revokedAt, 'revoked in the database');
  await accessible(t, page, 'an archived objection');
  await screenshots(page, 'objection-archived');
});

t.test('the verifying department under supervision (督办) replies to the notice on the objection’s page', async (t) => {
  // The demo's objection the human-resources bureau verifies; its task's deadline passes and the
  // engine's own breach step runs, as the workflow runs it.
  const [task] = await db
    .select({ objectionId: objectionTasks.objectionId, clockId: objectionTasks.clockId, deadlineAt: slaClocks.deadlineAt })
    .from(objectionTasks)
    .innerJoin(objections, eq(objections.id, objectionTasks.objectionId))
    .innerJoin(slaClocks, eq(slaClocks.id, objectionTasks.clockId))
    .where(and(eq(objections.state, 'verifying'), eq(objections.field, '就业状态')));
  if (!task) throw new Error('the demo has no objection being verified on 就业状态');
  await objectionClockEvent(db, {
    objectionId: task.objectionId,
    clockId: task.clockId,
    event: 'breach',
    stepKey: `test:breach:${task.clockId}`,
    at: new Date(task.deadlineAt.getTime() + 60_000),
  });
  const page = await session();
  await signIn(page, '秦川（人社局审核）');
  await page.goto(`${platform.url}/objections/${task.objectionId}`);
  const notice = page.locator('.ant-card').filter({ has: page.locator('.ant-card-head-title', { hasText: /^督办$/ }) });
  await notice.getByText('一级督办').waitFor();
  await accessible(t, page, 'objection under supervision');
  await screenshots(page, 'objection-supervision');
  await notice.getByRole('button', { name: '答复督办' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByRole('button', { name: /提\s*交/ }).click();
  await dialog.getByText('请填写答复内容').waitFor();
  await dialog.getByLabel('答复内容').fill('已调取个体工商户登记信息，今日完成核实');
  await dialog.getByRole('button', { name: /提\s*交/ }).click();
  await dialog.waitFor({ state: 'hidden' });
  await notice.getByText(/已答复（.*）：已调取个体工商户登记信息，今日完成核实/).waitFor();
  t.notOk(await notice.getByRole('button', { name: '答复督办' }).isVisible(), 'answered once');
  await page.getByText('督办答复').first().waitFor();
  t.pass('the reply is in the objection’s history');
});

t.test('the dashboard counts the city’s objections on its 异议核实 card', async (t) => {
  const page = await session();
  await signIn(page, '李强（中心运营）');
  await page.goto(`${platform.url}/dashboard`);
  const card = page.getByRole('region', { name: '异议核实' });
  const figure = async (title: string) =>
    (
      await card
        .getByRole('list', { name: '异议核实总量' })
        .getByRole('listitem')
        .filter({ has: page.getByText(title, { exact: true }) })
        .locator('.ant-statistic-content')
        .innerText()
    ).trim();
  await card.getByRole('list', { name: '异议核实总量' }).getByText('提出异议', { exact: true }).waitFor();
  // This month: the demo's seven (waiting, tracing, verifying, fed back partially corrected,
  // contested, rejected, archived corrected) and the one raised above, corrected and archived.
  t.same(
    {
      raised: await figure('提出异议'),
      rejected: await figure('不予受理'),
      open: await figure('办理中'),
      corrected: await figure('已更正'),
      confirmed: await figure('经核实无误'),
      partial: await figure('部分更正'),
    },
    { raised: '8', rejected: '1', open: '5', corrected: '2', confirmed: '1', partial: '1' },
  );
  t.ok(await card.getByText(/PSB-RH-009 · 姓名：2 件/).isVisible(), 'the most disputed field: the fused data’s 姓名');
});
