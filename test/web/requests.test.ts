/**
 * The request pages each party works in, in a real browser against the real platform seeded with
 * the demo data: the center confirms delivery of a track-1 request (a method change needs its
 * reason); a requester resumes a draft, attaches a file and discards the draft; a requester answers
 * a supplement request with material; an owner asks for an extension that the center decides from
 * its queue; an owner under supervision (督办) replies. The catalogue's time to first render is
 * measured and reported (a figure, not a timed assertion).
 */
import { writeFileSync } from 'node:fs';
import { and, eq } from 'drizzle-orm';
import t from 'tap';
import { datasets, requests, slaClocks } from '../../src/platform/db/schema.js';
import { clockEvent } from '../../src/requests/steps.js';
import { accessible, screenshots, startConsole } from '../helpers/browser.js';
import { PDF, pdfFile } from '../helpers/files.js';

t.setTimeout(600_000);
const { platform, session, signIn } = await startConsole(t, new URL('../../.tap/web-requests/', import.meta.url).pathname);
const db = platform.database.db;
const pdf = { name: '工作依据.pdf', mimeType: PDF, buffer: pdfFile('工作依据') };

/** The demo request filed on the dataset with this code, in this state. */
async function demoRequest(code: string, state: (typeof requests.$inferSelect)['state']) {
  const [row] = await db
    .select({ id: requests.id, number: requests.number, clockId: requests.clockId })
    .from(requests)
    .innerJoin(datasets, eq(datasets.id, requests.datasetId))
    .where(and(eq(datasets.code, code), eq(requests.state, state)));
  if (!row) throw new Error(`no demo request on ${code} in ${state}`);
  return row;
}

t.test('the center confirms delivery of a track-1 request; a method change needs its reason', async (t) => {
  const trackOne = await demoRequest('AMR-FR-001', 'provisioning');
  const page = await session();
  await signIn(page, '李强（中心运营）');
  await page.goto(`${platform.url}/requests?tab=provisioning`);
  await page.getByRole('tab', { name: '待确认供数', selected: true }).waitFor();
  await page.getByRole('link', { name: trackOne.number! }).click();
  await page.getByRole('heading', { name: `共享申请 ${trackOne.number}` }).waitFor();
  t.ok(await page.getByText('1个工作日通道').first().isVisible(), 'on track 1');

  await page.getByRole('button', { name: '确认供数' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByRole('radio', { name: '批量交换' }).check();
  await dialog.getByLabel('接口地址或批次号').fill('BATCH-2026-1201-07');
  await dialog.getByRole('button', { name: /提\s*交/ }).click();
  const refused = dialog.getByRole('alert');
  await refused.waitFor();
  t.match(await refused.innerText(), /交付方式与申请不一致，请说明变更原因/, "the API's reason, in Chinese");
  t.equal(await dialog.getByLabel('接口地址或批次号').inputValue(), 'BATCH-2026-1201-07', 'nothing typed is lost');

  await dialog.getByLabel('交付方式变更原因（与申请不一致时必填）').fill('需求方系统暂不具备接口调用条件，改为批量交换');
  await dialog.getByRole('button', { name: /提\s*交/ }).click();
  await dialog.waitFor({ state: 'hidden' });
  await page.getByText('已授权', { exact: true }).first().waitFor();
  const grant = page.locator('.ant-card', { hasText: '授权数据项' });
  t.ok(await grant.getByText('BATCH-2026-1201-07').isVisible(), 'the grant carries the delivery reference');
  t.ok(await grant.getByText('统一社会信用代码、企业名称、法定代表人').isVisible(), 'and the fields');
  t.notOk(await page.getByRole('button', { name: '确认供数' }).isVisible(), 'no action left for the center');
});

t.test('a requester resumes a draft, attaches a file, and discards the draft', async (t) => {
  const page = await session();
  await signIn(page, '冯洁（市场监管局申请）');
  await page.goto(`${platform.url}/requests?tab=drafts`);
  await page.getByRole('link', { name: '草稿（继续编辑）' }).click();
  await page.getByRole('heading', { name: '继续填写草稿' }).waitFor();
  // The form is filled once the draft has been read.
  let purpose = '';
  for (let i = 0; i < 100 && !purpose; i++) {
    purpose = await page.getByLabel('用途').inputValue();
    if (!purpose) await page.waitForTimeout(100);
  }
  t.equal(purpose, '个体工商户登记中的婚姻状况核验', 'the draft is filled in');
  t.ok(await page.getByRole('checkbox', { name: '登记类型', exact: true }).isChecked(), 'with its fields');
  await accessible(t, page, 'draft form');

  await page.locator('input[type=file]').setInputFiles({ name: '说明.txt', mimeType: 'text/plain', buffer: Buffer.from('x') });
  await page.getByText(/不支持的文件类型：说明\.txt/).waitFor();
  await page.locator('input[type=file]').setInputFiles(pdf);
  await page.getByRole('button', { name: '下载附件 工作依据.pdf' }).waitFor();
  t.pass('a PDF is attached; a text file is refused before it is sent');

  await page.getByRole('button', { name: /删\s*除\s*草\s*稿/ }).click();
  await page
    .getByRole('tooltip')
    .getByRole('button', { name: /删\s*除/ })
    .click();
  await page.waitForURL(/tab=drafts/);
  await page.getByText('暂无申请').waitFor();
  t.pass('the discarded draft is gone from the drafts tab');
});

t.test('a requester answers a supplement request with material; the owner asks for an extension the center approves', async (t) => {
  const asked = await demoRequest('CA-DB-002', 'awaiting_supplement');
  const requester = await session();
  await signIn(requester, '孙伟（公安局申请）');
  await requester.goto(`${platform.url}/requests/${asked.id}`);
  await requester.getByText('请补充帮扶核查的工作依据文件及经办人员名单', { exact: false }).waitFor();
  await requester.getByRole('button', { name: '答复补正' }).click();
  const dialog = requester.getByRole('dialog');
  await dialog.getByLabel('补正答复').fill('已上传帮扶核查工作方案，经办人员为张三、李四');
  await dialog.locator('input[type=file]').setInputFiles(pdf);
  await dialog.getByRole('button', { name: '下载附件 工作依据.pdf' }).waitFor();
  await accessible(t, requester, 'supplement answer');
  await dialog.getByRole('button', { name: /提\s*交/ }).click();
  await dialog.waitFor({ state: 'hidden' });
  await requester.getByText('责任部门审核中').first().waitFor();
  t.ok(await requester.getByText(/答：已上传帮扶核查工作方案/).isVisible(), 'the answer is on the record');
  t.ok(
    await requester.locator('.ant-card', { hasText: '附件' }).getByRole('button', { name: '下载附件 工作依据.pdf' }).isVisible(),
    'the material is among the attachments',
  );

  const owner = await session();
  await signIn(owner, '许静（民政局审核）');
  await owner.goto(`${platform.url}/requests/${asked.id}`);
  await owner.getByRole('button', { name: '申请延期' }).click();
  const ask = owner.getByRole('dialog');
  await ask.getByLabel('延期工作日数').fill('2');
  await ask.getByLabel('延期理由').fill('需与区民政部门核对保障类别口径');
  await ask.getByRole('button', { name: /提\s*交/ }).click();
  await ask.waitFor({ state: 'hidden' });

  const center = await session();
  await signIn(center, '李强（中心运营）');
  await center.goto(`${platform.url}/requests?tab=extensions`);
  await center.getByRole('link', { name: asked.number! }).click();
  const before = await center.getByText(/截止日 \d{4}-\d{2}-\d{2}/).innerText();
  await center.getByRole('button', { name: '审批延期' }).click();
  const decide = center.getByRole('dialog');
  await decide.getByRole('radio', { name: '同意延期' }).check();
  await decide.getByLabel('审批意见').fill('同意延期两个工作日');
  await decide.getByRole('button', { name: /提\s*交/ }).click();
  await decide.waitFor({ state: 'hidden' });
  await center.getByText('延期获批').first().waitFor();
  t.not(await center.getByText(/截止日 \d{4}-\d{2}-\d{2}/).innerText(), before, 'the deadline moved');
  await center.goto(`${platform.url}/requests?tab=extensions`);
  await center.getByText('暂无申请').waitFor();
  t.pass('the queue is empty once decided');
});

t.test('the owner under supervision (督办) replies to the notice', async (t) => {
  const late = await demoRequest('HRSS-SB-001', 'owner_review');
  const [clock] = await db.select({ deadlineAt: slaClocks.deadlineAt }).from(slaClocks).where(eq(slaClocks.id, late.clockId!));
  // The engine's own breach step, as the workflow runs it once the deadline has passed.
  await clockEvent(db, {
    requestId: late.id,
    clockId: late.clockId!,
    event: 'breach',
    stepKey: `test:breach:${late.clockId}`,
    at: new Date(clock!.deadlineAt.getTime() + 60_000),
  });
  const page = await session();
  await signIn(page, '秦川（人社局审核）');
  await page.goto(`${platform.url}/requests?tab=supervised`);
  await page.getByRole('link', { name: late.number! }).click();
  const notice = page.locator('.ant-card').filter({ has: page.locator('.ant-card-head-title', { hasText: /^督办$/ }) });
  await notice.getByText('一级督办').waitFor();
  await accessible(t, page, 'request under supervision');
  await screenshots(page, 'request-supervision');
  await notice.getByRole('button', { name: '答复督办' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByRole('button', { name: /提\s*交/ }).click();
  await dialog.getByText('请填写答复内容').waitFor();
  await dialog.getByLabel('答复内容').fill('已安排专人审核，今日办结');
  await dialog.getByRole('button', { name: /提\s*交/ }).click();
  await dialog.waitFor({ state: 'hidden' });
  await notice.getByText(/已答复（.*）：已安排专人审核，今日办结/).waitFor();
  t.notOk(await notice.getByRole('button', { name: '答复督办' }).isVisible(), 'answered once');
});

t.test("the catalogue's time to first render, measured in the browser", async (t) => {
  // A signed-in user opening the catalogue in a fresh browser (nothing cached), then again (cached).
  const signedIn = await fetch(`${platform.url}/api/v1/auth/demo-sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'amr.requester' }),
  });
  const { token } = (await signedIn.json()) as { token: string };
  const page = await session();
  // In the page, before the console's code: the session the sign-in page would have stored.
  await page.addInitScript(
    (value) =>
      (globalThis as unknown as { sessionStorage: { setItem(k: string, v: string): void } }).sessionStorage.setItem(
        'gongxiang.token',
        value,
      ),
    token,
  );
  const measure = async () => {
    await page.goto(`${platform.url}/catalogue`);
    await page.getByRole('link', { name: '社保缴纳记录' }).waitFor();
    return page.evaluate(() => ({
      firstContentfulPaintMs: Math.round(performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? -1),
      datasetsShownMs: Math.round(performance.now()),
    }));
  };
  const cold = await measure();
  const warm = await measure();
  const figures = { cold, warm };
  writeFileSync(new URL('../../web/screenshots/catalogue-first-render.json', import.meta.url), JSON.stringify(figures, null, 2));
  t.comment(`catalogue first render on loopback: ${JSON.stringify(figures)}`);
  t.ok(cold.firstContentfulPaintMs > 0 && warm.datasetsShownMs > 0, 'the browser reported the figures');
});

t.test('keyboard only: sign in, reach the requests through the menu, open a request and leave a dialog with Escape', async (t) => {
  const page = await session();
  await page.goto(`${platform.url}/sign-in`);
  const user = page.getByRole('button', { name: '朱丽（人社局申请）' });
  await user.focus();
  await page.keyboard.press('Enter');
  await page.waitForURL(/\/catalogue$/);
  const menu = page.getByRole('menuitem', { name: /共享申请/ });
  await menu.focus();
  await page.keyboard.press('Enter');
  await page.waitForURL(/\/requests$/);
  await page.getByRole('tab', { name: '本部门的申请', selected: true }).waitFor();
  const first = page.getByRole('table').getByRole('link').first();
  await first.focus();
  await page.keyboard.press('Enter');
  await page.waitForURL(/\/requests\/[0-9a-f-]{36}$/);
  const withdraw = page.getByRole('button', { name: '撤回申请' });
  await withdraw.focus();
  await page.keyboard.press('Enter');
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('撤回原因').waitFor();
  await page.keyboard.type('仅测试键盘操作');
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'hidden' });
  t.ok(await withdraw.isVisible(), 'nothing was sent: the request can still be withdrawn');
});
