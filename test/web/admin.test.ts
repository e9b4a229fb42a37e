/**
 * The administration pages in a real browser against the real platform seeded with the demo
 * data: the center administrator publishes a calendar year (refused first for a missing
 * statutory holiday, with nothing typed lost), others read it; the competent authority's
 * supervisor curates the legal-basis register; the directory, webhooks and their deliveries, the
 * audit ledger's verification and the policy profiles. axe-core checks each page; screenshots
 * at 1280 and 768 px go to web/screenshots/ (git-ignored).
 */
import t from 'tap';
import type { Page } from 'playwright-core';
import { accessible, screenshots, startConsole } from '../helpers/browser.js';

t.setTimeout(900_000);
const { platform, session, signIn } = await startConsole(t, new URL('../../.tap/web-admin/', import.meta.url).pathname);

/** Picks an option of an Ant Design select (the control labelled `label`, the last when several). */
async function choose(page: Page, label: string, option: string, scope: Page | ReturnType<Page['locator']> = page) {
  await scope.getByLabel(label, { exact: true }).last().click();
  await page.locator(`.ant-select-dropdown:visible .ant-select-item-option[title="${option}"]`).click();
}

t.test('the center administrator publishes 2027: refused for a missing statutory holiday, nothing lost, then published', async (t) => {
  const page = await session();
  await signIn(page, '王敏（中心管理员）');
  await page.goto(`${platform.url}/calendar?year=2027`);
  await page.getByText('暂定日历').waitFor();
  await page.getByRole('button', { name: '公布本年度安排' }).click();
  const editor = page.locator('.ant-card').filter({ hasText: '公布 2027 年节假日安排' });
  await editor.waitFor();
  // The provisional schedule is the starting point; 国庆节 on 1 October is dropped by mistake.
  await editor.getByRole('button', { name: '删除 2027-10-01' }).click();
  await editor.getByLabel('通知名称').fill('国务院办公厅关于2027年部分节假日安排的通知（国办发明电〔2026〕9号）');
  await editor.getByRole('button', { name: '添加一行' }).click();
  await editor.getByLabel('日期', { exact: true }).last().fill('2027-09-25');
  await editor.getByLabel('日期', { exact: true }).last().press('Enter');
  await choose(page, '类别', '调休上班', editor);
  await editor.getByLabel('名称', { exact: true }).last().fill('国庆节调休');
  await editor.getByRole('button', { name: /公\s*布\s*安\s*排/ }).click();

  const refusal = editor.getByRole('alert').first();
  await refusal.waitFor();
  t.match(await refusal.innerText(), /节假日安排有误.*2027-10-01: the statutory holiday 国庆节 is missing/s, "the API's reason");
  await editor.getByText('缺少法定节假日：2027-10-01（国庆节），须列为放假日').waitFor();
  t.equal(
    await editor.getByLabel('通知名称').inputValue(),
    '国务院办公厅关于2027年部分节假日安排的通知（国办发明电〔2026〕9号）',
    'the notice typed is kept',
  );
  t.equal(await editor.getByLabel('名称', { exact: true }).last().inputValue(), '国庆节调休', 'the row added is kept');
  await accessible(t, page, 'calendar editor with an error');
  await screenshots(page, 'calendar-editor-error');

  // Corrected by hand: the day added back as a holiday.
  await editor.getByRole('button', { name: '添加一行' }).click();
  await editor.getByLabel('日期', { exact: true }).last().fill('2027-10-01');
  await editor.getByLabel('日期', { exact: true }).last().press('Enter');
  await editor.getByLabel('名称', { exact: true }).last().fill('国庆节');
  await editor.getByRole('button', { name: /公\s*布\s*安\s*排/ }).click();
  await editor.waitFor({ state: 'hidden' });
  await page.getByText('已公布：国务院办公厅关于2027年部分节假日安排的通知（国办发明电〔2026〕9号）').waitFor();
  const table = page.locator('.ant-table');
  t.ok(await table.getByRole('row', { name: /2027-09-25.*国庆节调休.*调休上班/ }).isVisible(), 'the make-up working day is listed');
  t.ok(await table.getByRole('row', { name: /2027-10-01.*国庆节.*放假/ }).isVisible(), 'the holiday is listed');
  t.ok(await page.getByRole('button', { name: '更正本年度安排' }).isVisible(), 'a published year is corrected, not published again');
  await accessible(t, page, 'calendar');
  await screenshots(page, 'calendar-admin');
});

t.test('a requester reads the calendar, without the means to change it', async (t) => {
  const page = await session();
  await signIn(page, '孙伟（公安局申请）');
  await page.goto(`${platform.url}/calendar?year=2027`);
  await page.getByText(/^已公布：国务院办公厅关于2027年/).waitFor();
  await page
    .locator('.ant-table')
    .getByRole('row', { name: /2027-09-25.*调休上班/ })
    .waitFor();
  t.equal(await page.getByRole('button', { name: /本年度安排/ }).count(), 0, 'no publish or correct button');
  await page.goto(`${platform.url}/calendar?year=2028`);
  await page.getByText('暂定日历').waitFor();
  await accessible(t, page, 'calendar read-only');
  await screenshots(page, 'calendar');
});
