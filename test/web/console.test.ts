/**
 * The console in a real browser (Debian's Chromium through playwright-core) against the real
 * platform — API, worker, PostgreSQL and Temporal — seeded with the demo data: a requester files
 * a track-5 request and sees its deadline; the owner's reviewer is stopped by the API when the
 * refusal cites a condition the request meets, then refuses properly; the requester reads the
 * written explanation. axe-core checks each page; screenshots at 1280 and 768 px go to
 * web/screenshots/ (git-ignored).
 */
import t from 'tap';
import { accessible, screenshots, startConsole } from '../helpers/browser.js';

t.setTimeout(600_000);
const { platform, session, signIn } = await startConsole(t, new URL('../../.tap/web/', import.meta.url).pathname);

let requestUrl = '';

t.test('a requester files a track-5 request and sees it with its deadline', async (t) => {
  const page = await session();
  await page.goto(`${platform.url}/sign-in`);
  await page.getByRole('button', { name: '冯洁（市场监管局申请）' }).waitFor();
  await accessible(t, page, 'sign-in');
  await screenshots(page, 'sign-in');
  await signIn(page, '冯洁（市场监管局申请）');

  await page.getByLabel('关键词或编码').fill('社保');
  await page.getByLabel('关键词或编码').press('Enter');
  await page.waitForURL(/q=/);
  const row = page.getByRole('link', { name: '社保缴纳记录' });
  await row.waitFor();
  await accessible(t, page, 'catalogue');
  await screenshots(page, 'catalogue');
  await row.click();
  await page.getByRole('heading', { name: '社保缴纳记录' }).waitFor();
  await page.getByRole('button', { name: /申请共享/ }).click();

  await page.getByRole('heading', { name: '新建共享申请' }).waitFor();
  for (const field of ['姓名', '公民身份号码', '缴费基数']) await page.getByRole('checkbox', { name: field, exact: true }).check();
  await page.getByLabel('用途').fill('企业登记人员社保缴纳情况核验');
  await page.getByRole('checkbox', { name: '签署数据安全承诺' }).check();
  // The pre-check runs as the form is filled: the track and the failing condition.
  await page.getByText('将进入5个工作日通道').waitFor();
  await page.getByText('不予共享数据项').waitFor();
  await accessible(t, page, 'request form');
  await screenshots(page, 'request-form');
  await page.getByRole('checkbox', { name: '我已阅读并接受上述告知承诺' }).check();
  await page.getByRole('button', { name: /提\s*交\s*申\s*请/ }).click();

  await page.waitForURL(/\/requests\/[0-9a-f-]{36}$/);
  requestUrl = page.url();
  await page.getByRole('heading', { name: /共享申请 GX-\d{4}-\d{6}/ }).waitFor();
  t.ok(await page.getByText(/截止日 \d{4}-\d{2}-\d{2}/).isVisible(), 'the deadline is shown at once');
  t.ok(await page.getByText('剩余 5 个工作日').first().isVisible(), 'five working days remain');
  await accessible(t, page, 'request detail');
  await screenshots(page, 'request-detail');
});

t.test("the owner's reviewer is stopped citing a condition the request meets, then refuses with a written explanation", async (t) => {
  const page = await session();
  await signIn(page, '秦川（人社局审核）');
  await page.goto(`${platform.url}/requests?tab=inbox`);
  await page.getByRole('tab', { name: '待本部门审核' }).waitFor();
  await accessible(t, page, 'inbox');
  await screenshots(page, 'inbox');

  await page.goto(requestUrl);
  await page.getByRole('button', { name: /不予共享/ }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('法律依据').click();
  await page.keyboard.type('数据安全法');
  await page.keyboard.press('Enter');
  await dialog.getByRole('checkbox', { name: /须签署安全承诺（已满足）/ }).check();
  await dialog.getByLabel('不予共享的理由').fill('缴费基数为编目时明确不予共享的数据项');
  await dialog.getByLabel('替代方案（无则填“无”）').fill('可申请不含缴费基数的缴费记录');
  await dialog.getByRole('button', { name: /提\s*交/ }).click();
  const refusal = dialog.getByRole('alert');
  await refusal.waitFor();
  t.match(
    await refusal.innerText(),
    /不予共享的书面说明不符合规则.*the request meets "securityCommitmentRequired"/s,
    "the API's reason is shown",
  );
  t.equal(await dialog.getByLabel('不予共享的理由').inputValue(), '缴费基数为编目时明确不予共享的数据项', 'nothing typed is lost');

  await dialog.getByRole('checkbox', { name: /须签署安全承诺（已满足）/ }).uncheck();
  await dialog.getByRole('checkbox', { name: /不予共享数据项（未满足）/ }).check();
  await dialog.getByRole('button', { name: /提\s*交/ }).click();
  await dialog.waitFor({ state: 'hidden' });
  await page.getByText('书面说明（不予共享）').waitFor();
  t.ok(await page.getByText('不予共享', { exact: true }).first().isVisible());
});

t.test('the requester reads the written explanation', async (t) => {
  const page = await session();
  await signIn(page, '冯洁（市场监管局申请）');
  await page.goto(requestUrl);
  await page.getByText('书面说明（不予共享）').waitFor();
  t.ok(await page.getByText('缴费基数为编目时明确不予共享的数据项').isVisible(), 'the reasons');
  t.ok(await page.getByText(/《中华人民共和国数据安全法》第三十八条/).isVisible(), 'the legal basis from the register');
  t.ok(await page.getByText('可申请不含缴费基数的缴费记录').isVisible(), 'the alternatives');
});
