/**
 * The catalogue and scenario pages in a real browser against the real platform with the demo
 * data: an owner (市场监管局's department administrator) imports a spreadsheet with errors and
 * reads the row/column report, then imports a corrected one; edits an entry (stopped by a rule,
 * then by a version saved meanwhile, nothing typed lost), publishes it and reads an older
 * version; retires an entry; the center administrator records aggregations and reads them in the
 * history and on the aggregation page; the export downloads a spreadsheet with the filters; the
 * scenarios and the key-work list, curated by the center. Spreadsheets are built with exceljs,
 * the library the server reads them with.
 */
import { readFileSync } from 'node:fs';
import ExcelJS from 'exceljs';
import t from 'tap';
import type { Page } from 'playwright-core';
import { accessible, screenshots, startConsole } from '../helpers/browser.js';

t.setTimeout(900_000);
const { platform, session, signIn } = await startConsole(t, new URL('../../.tap/web-catalogue/', import.meta.url).pathname);

const OWNER = '杨帆（市场监管局管理员）';
const CENTER = '王敏（中心管理员）';
const HEADER = ['资源代码', '资源名称', '资源分类', '共享类型', '数据项名称', '敏感级别'];

async function xlsx(rows: string[][]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('数据资源目录');
  sheet.addRow(HEADER);
  for (const row of rows) sheet.addRow(row);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

async function csv(rows: string[][]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('数据资源目录');
  sheet.addRow(HEADER);
  for (const row of rows) sheet.addRow(row);
  return Buffer.concat([Buffer.from('\ufeff'), Buffer.from(await workbook.csv.writeBuffer())]);
}

/**
 * The dialog just opened, once Ant Design's zoom-in has finished: a click while it still scales
 * can land beside the button it aimed at.
 */
async function openedDialog(page: Page, name?: RegExp | string) {
  const dialog = page.getByRole('dialog', name ? { name } : {});
  await dialog.waitFor();
  await page.waitForSelector('.ant-modal[class*="ant-zoom-"]', { state: 'detached' });
  return dialog;
}

const datasetUrls: Record<string, string> = {};

t.test('an owner imports a spreadsheet with errors, reads the row/column report, then imports a corrected one', async (t) => {
  const page = await session();
  await signIn(page, OWNER);
  await page.getByRole('button', { name: '批量导入' }).click();
  await page.getByRole('heading', { name: '批量导入' }).waitFor();

  const wrong = await xlsx([
    ['AMR-NB-010', '市场主体年报信息', '部门库', '无条件共享', '统一社会信用代码', '公开'],
    ['AMR-NB-010', '', '', '', '年报年度', '绝密'],
    ['amr-bad', '测试资源', '部门库', '无条件共享', '字段', '公开'],
    ['AMR-NB-011', '企业联络员信息', '部门库', '部分共享', '联络员姓名', '敏感'],
  ]);
  await page.getByLabel(/目录表格文件/).setInputFiles({ name: 'catalogue.xlsx', mimeType: 'application/octet-stream', buffer: wrong });
  await page.getByText('发现 3 个问题，未导入任何内容').waitFor();

  const row3 = await page.getByRole('row', { name: /第 3 行/ }).innerText();
  t.match(row3, /F 列（敏感级别）/, 'row 3: the column letter and header');
  t.match(row3, /无法识别的值“绝密”，应为 公开、内部、敏感、核心 之一/, 'row 3: the problem in Chinese');
  t.match(row3, /unknown value "绝密"/, "row 3: the server's own message is kept");
  const row4 = await page.getByRole('row', { name: /第 4 行/ }).innerText();
  t.match(row4, /A 列（资源代码）/);
  t.match(row4, /资源代码格式不正确/);
  const row5 = await page.getByRole('row', { name: /第 5 行/ }).innerText();
  t.match(row5, /D 列（共享类型）/);
  t.match(row5, /无法识别的值“部分共享”/);
  const row2 = await page.getByRole('row', { name: /第 2 行/ }).innerText();
  t.match(row2, /新增（草稿）/, 'a row without problems shows what it would do');
  t.ok(await page.getByRole('button', { name: '确认导入' }).isDisabled(), 'a file with problems cannot be committed');
  await accessible(t, page, 'import report');
  await screenshots(page, 'catalogue-import-report');

  const corrected = await csv([
    ['AMR-NB-010', '市场主体年报信息', '部门库', '无条件共享', '统一社会信用代码', '公开'],
    ['AMR-NB-010', '', '', '', '年报年度', '内部'],
    ['AMR-NB-011', '企业联络员信息', '部门库', '无条件共享', '联络员姓名', '敏感'],
  ]);
  await page.getByLabel(/目录表格文件/).setInputFiles({ name: 'catalogue.csv', mimeType: 'text/csv', buffer: corrected });
  await page.getByText('检查通过，没有发现问题，可以确认导入').waitFor();
  await page.getByRole('button', { name: '确认导入' }).click();
  await page.getByText('已导入：新增 2 个草稿，修订 0 个资源').waitFor();
  for (const code of ['AMR-NB-010', 'AMR-NB-011']) {
    const href = await page.getByRole('link', { name: code }).getAttribute('href');
    t.match(href, /^\/catalogue\/[0-9a-f-]{36}$/, `${code} links to its new draft`);
    datasetUrls[code] = `${platform.url}${href}`;
  }

  // The owner sees its drafts in the catalogue.
  await page.goto(`${platform.url}/catalogue?lifecycle=draft`);
  await page.getByRole('link', { name: '市场主体年报信息' }).waitFor();
  t.ok(await page.getByRole('link', { name: '企业联络员信息' }).isVisible(), 'both drafts are listed for their owner');
});

t.test(
  'an owner edits an entry: a rule and a version saved meanwhile stop it with nothing lost; then it publishes and reads an older version',
  async (t) => {
    const page = await session();
    await signIn(page, OWNER);
    await page.goto(datasetUrls['AMR-NB-010']!);
    await page.getByRole('heading', { name: '市场主体年报信息' }).waitFor();
    await page.getByRole('button', { name: /编\s*辑/ }).click();
    await page.getByRole('heading', { name: /编辑数据资源/ }).waitFor();

    await page.getByLabel('资源名称').fill('市场主体年度报告信息');
    await page.getByRole('button', { name: '添加数据项' }).click();
    await page.getByLabel('第 3 个数据项的名称').fill('报送日期');
    await page.getByRole('radio', { name: '有条件共享' }).check();
    await page.getByRole('button', { name: '保存为新版本' }).click();
    await page.getByText('有条件共享的资源须至少填写一项共享条件').waitFor();
    t.equal(await page.getByLabel('资源名称').inputValue(), '市场主体年度报告信息', 'nothing typed is lost');
    await page.getByRole('checkbox', { name: '申请须签署数据安全承诺' }).check();
    await accessible(t, page, 'dataset edit');
    await screenshots(page, 'catalogue-dataset-edit');

    // Someone else saves a version meanwhile.
    const id = datasetUrls['AMR-NB-010']!.split('/').pop()!;
    const status = await page.evaluate(async (datasetId) => {
      const headers = {
        Authorization: `Bearer ${(globalThis as unknown as { sessionStorage: { getItem(key: string): string | null } }).sessionStorage.getItem('gongxiang.token')}`,
        'Content-Type': 'application/json',
      };
      const detail = (await (await fetch(`/api/v1/datasets/${datasetId}`, { headers })).json()) as { current: { content: object } };
      const put = await fetch(`/api/v1/datasets/${datasetId}`, {
        method: 'PUT',
        headers,
        body: JSON.stringify({ ...detail.current.content, description: '他人同时修改的摘要' }),
      });
      return put.status;
    }, id);
    t.equal(status, 200, 'the other edit is saved as version 2');

    await page.getByRole('button', { name: '保存为新版本' }).click();
    await page.getByText('该条目已被他人修改：当前为第 2 版，您是基于第 1 版修改的。').waitFor();
    t.equal(await page.getByLabel('资源名称').inputValue(), '市场主体年度报告信息', 'the conflict keeps what was typed');
    t.equal(await page.getByLabel('第 3 个数据项的名称').inputValue(), '报送日期');
    await page.getByRole('button', { name: '仍以我的内容保存' }).click();

    // (The edit page's own title names the entry too: wait for the dataset page.)
    await page.waitForURL(/\/catalogue\/[0-9a-f-]{36}$/);
    await page.getByText(/第 3 版（\d{4}-\d{2}-\d{2}），当前版本/).waitFor();
    t.ok(await page.getByRole('heading', { name: '市场主体年度报告信息', exact: true }).isVisible(), 'the revision is version 3');
    t.ok(await page.getByText('须签署安全承诺').isVisible(), 'the condition is shown');
    t.ok(await page.getByRole('cell', { name: '报送日期' }).isVisible(), 'the new field is shown');

    await page.getByRole('button', { name: /发\s*布/ }).click();
    const dialog = await openedDialog(page);
    await dialog.getByRole('button', { name: /确\s*认/ }).click();
    await dialog.waitFor({ state: 'hidden' });
    await page.getByText('已发布', { exact: true }).waitFor();

    // An older version, read through the version picker (and its URL).
    await page.getByLabel('查看版本').click();
    await page.locator('.ant-select-item-option[title="第 1 版"]').click();
    await page.getByText(/正在查看历史版本：第 1 版/).waitFor();
    t.match(page.url(), /\?version=1$/);
    await page.getByRole('heading', { name: '市场主体年报信息' }).waitFor();
    t.notOk(await page.getByRole('cell', { name: '报送日期' }).isVisible(), 'version 1 has its own fields');
    await page.getByRole('button', { name: '回到当前版本' }).click();
    await page.getByRole('heading', { name: '市场主体年度报告信息' }).waitFor();

    // Published: in the catalogue for everyone.
    const other = await session();
    await signIn(other, '孙伟（公安局申请）');
    await other.goto(`${platform.url}/catalogue?q=AMR-NB`);
    await other.getByRole('link', { name: '市场主体年度报告信息' }).waitFor();
    t.notOk(await other.getByRole('link', { name: '企业联络员信息' }).isVisible(), "another department does not see the owner's draft");
  },
);

t.test('an owner publishes and retires an entry, the retirement with its reason', async (t) => {
  const page = await session();
  await signIn(page, OWNER);
  await page.goto(datasetUrls['AMR-NB-011']!);
  await page.getByRole('heading', { name: '企业联络员信息' }).waitFor();
  await page.getByRole('button', { name: /发\s*布/ }).click();
  const publish = await openedDialog(page, /发布/);
  await publish.getByRole('button', { name: /确\s*认/ }).click();
  await publish.waitFor({ state: 'hidden' });
  await page.getByText('已发布', { exact: true }).waitFor();
  await page.getByRole('button', { name: /停\s*用/ }).click();
  const dialog = await openedDialog(page, /停用/);
  await dialog.getByRole('button', { name: /确\s*认/ }).click();
  await dialog.getByText('请填写停用原因').waitFor();
  await dialog.getByLabel('停用原因').fill('联络员信息并入法人基本信息');
  await dialog.getByRole('button', { name: /确\s*认/ }).click();
  await dialog.waitFor({ state: 'hidden' });
  await page.getByText('已停用', { exact: true }).waitFor();
  t.notOk(await page.getByRole('button', { name: /编\s*辑/ }).isVisible(), 'a retired entry is no longer edited');
});

t.test('the center administrator records aggregations: on the dataset page and on the aggregation page', async (t) => {
  const page = await session();
  await signIn(page, CENTER);
  await page.goto(`${platform.url}/catalogue?q=AMR-CF-003`);
  await page.getByRole('link', { name: '行政处罚信息' }).click();
  await page.getByRole('heading', { name: '行政处罚信息' }).waitFor();
  t.ok(await page.getByText('尚未归集').isVisible());
  await page.getByRole('button', { name: '记录归集' }).click();
  const dialog = await openedDialog(page);
  await dialog.getByLabel('归集说明').fill('行政处罚信息已接入市大数据中心');
  await dialog.getByRole('button', { name: /确\s*认/ }).click();
  await dialog.waitFor({ state: 'hidden' });
  await page.getByText('已归集至市大数据中心').waitFor();
  t.ok(await page.getByText(/\d{4}-\d{2}-\d{2} \d{2}:\d{2} 起归集，至今/).isVisible(), 'the history shows the new period');

  await page.goto(`${platform.url}/aggregation?q=AMR-CF-003`);
  const row = page.getByRole('row', { name: /AMR-CF-003/ });
  await row.getByText(/\d{4}-\d{2}-\d{2} \d{2}:\d{2} 起/).waitFor();
  t.ok(await row.getByText('已归集', { exact: true }).isVisible(), 'the aggregation page shows it aggregated');

  // From the aggregation page itself, filtered by department and status (kept in the URL).
  await page.goto(`${platform.url}/aggregation?aggregated=false&q=AMR-NB-010`);
  const draftRow = page.getByRole('row', { name: /AMR-NB-010/ });
  await draftRow.getByText('从未归集').waitFor();
  await accessible(t, page, 'aggregation');
  await screenshots(page, 'catalogue-aggregation');
  await draftRow.getByRole('button', { name: '记录归集' }).click();
  const second = await openedDialog(page);
  await second.getByLabel('归集说明').fill('年报信息按日归集');
  await second.getByRole('button', { name: /确\s*认/ }).click();
  await second.waitFor({ state: 'hidden' });
  await page.getByText('没有符合条件的数据资源').waitFor();
  await page.goto(`${platform.url}/aggregation?aggregated=true&q=AMR-NB-010`);
  await page
    .getByRole('row', { name: /AMR-NB-010/ })
    .getByText(/起$/)
    .waitFor();
  t.pass('the aggregation recorded from the list is shown');
});

t.test("the export downloads the spreadsheet the API produces, with the page's filters", async (t) => {
  const page = await session();
  await signIn(page, OWNER);
  await page.getByRole('checkbox', { name: '只看本部门' }).click();
  await page.waitForURL(/ownerDepartmentId=/);
  await page.getByRole('checkbox', { name: '只看本部门', checked: true }).waitFor();
  const [download, response] = await Promise.all([
    page.waitForEvent('download'),
    page.waitForResponse((r) => r.url().includes('/api/v1/datasets/export')),
    page.getByRole('button', { name: '导出 Excel' }).click(),
  ]);
  t.equal(response.headers()['content-type'], 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
  t.match(response.url(), /ownerDepartmentId=/, 'the filters go with the export');
  t.match(download.suggestedFilename(), /^catalogue-\d{4}-\d{2}-\d{2}\.xlsx$/);
  const bytes = readFileSync(await download.path());
  t.equal(bytes.subarray(0, 2).toString('latin1'), 'PK', 'an XLSX (ZIP) file');
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  const sheet = workbook.getWorksheet('数据资源目录') ?? workbook.worksheets[0]!;
  const codes = new Set<string>();
  sheet.eachRow((r, n) => {
    if (n > 1) codes.add(String(r.getCell(1).text));
  });
  t.ok(codes.has('AMR-FR-001') && codes.has('AMR-NB-010'), "the department's entries are in the file");
  t.notOk(
    [...codes].some((c) => c.startsWith('PSB-')),
    "other departments' entries are filtered out",
  );
  await page.getByText(/已导出 \d+ 个数据资源/).waitFor();

  const [csvDownload] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '导出 CSV' }).click()]);
  const text = readFileSync(await csvDownload.path(), 'utf8');
  t.ok(text.startsWith('\ufeff资源代码'), 'a UTF-8 CSV with a BOM and the header');
});

t.test('scenarios: the list, the key-work list, a scenario and its datasets; the center puts one on the list', async (t) => {
  const page = await session();
  await signIn(page, OWNER);
  await page.goto(`${platform.url}/catalogue?q=AMR-FR-001`);
  await page.getByRole('link', { name: '法人基本信息' }).click();
  await page.getByRole('heading', { name: '法人基本信息' }).waitFor();
  await page.getByRole('link', { name: '企业开办一件事' }).waitFor();
  t.pass('the dataset page lists the scenarios covering it');

  await page.goto(`${platform.url}/scenarios`);
  await page.getByRole('link', { name: '人才引进落户审核' }).waitFor();
  await page.getByLabel('关键词').fill('落户');
  await page.getByLabel('关键词').press('Enter');
  await page.waitForURL(/q=/);
  await page.getByRole('link', { name: '企业开办一件事' }).waitFor({ state: 'hidden' });
  t.ok(await page.getByRole('link', { name: '人才引进落户审核' }).isVisible(), 'the search narrows the list');
  await accessible(t, page, 'scenarios');
  await screenshots(page, 'scenarios');

  await page.getByRole('tab', { name: '重点工作应用场景清单' }).click();
  await page.waitForURL(/tab=key-list/);
  await page.getByRole('link', { name: '企业开办一件事' }).waitFor();
  for (const name of ['高龄老人津贴免申即享', '城市运行体征监测'])
    t.ok(await page.getByRole('link', { name }).isVisible(), `${name} is on the key-work list`);
  t.notOk(await page.getByRole('link', { name: '人才引进落户审核' }).isVisible(), 'a scenario not listed is not shown');
  await accessible(t, page, 'key-work list');
  await screenshots(page, 'scenarios-key-list');

  await page.getByRole('link', { name: '企业开办一件事' }).click();
  await page.getByRole('heading', { name: '企业开办一件事' }).waitFor();
  t.ok(await page.getByText('已列入重点工作应用场景清单').isVisible());
  await page.getByRole('link', { name: '法人基本信息（AMR-FR-001）' }).waitFor();
  t.pass('the datasets covered, linked');
  t.ok(await page.getByText('统一社会信用代码、企业名称、法定代表人').isVisible(), 'and their fields');
  t.ok(await page.getByRole('button', { name: /编\s*辑/ }).isVisible(), 'the lead department administrator may edit it');
  t.notOk(await page.getByRole('button', { name: '移出重点工作清单' }).isVisible(), 'only the center curates the list');

  // The department administrator creates a scenario led by its department; the dates are checked first.
  await page.goto(`${platform.url}/scenarios`);
  await page.getByRole('button', { name: '新建应用场景' }).click();
  const form = await openedDialog(page, '新建应用场景');
  await form.getByLabel('场景名称').fill('食品经营许可核验');
  await form.getByLabel('生效日期').fill('2027-01-01');
  await form.getByLabel('失效日期（选填）').fill('2026-06-30');
  await form.getByLabel('涵盖的数据资源 1', { exact: true }).click();
  await page.keyboard.type('AMR-XK-002');
  await page.keyboard.press('Enter');
  await form.getByLabel('涵盖的数据资源 1 的数据项').click();
  await page.keyboard.type('许可证编号');
  await page.keyboard.press('Enter');
  await page.keyboard.press('Escape');
  await form.getByRole('button', { name: /保\s*存/ }).click();
  await form.getByText('失效日期不能早于生效日期').waitFor();
  t.equal(await form.getByLabel('场景名称').inputValue(), '食品经营许可核验', 'nothing typed is lost');
  await form.getByLabel('失效日期（选填）').fill('2027-12-31');
  await form.getByRole('button', { name: /保\s*存/ }).click();
  await page.waitForURL(/\/scenarios\/[0-9a-f-]{36}$/);
  await page.getByRole('heading', { name: '食品经营许可核验' }).waitFor();
  await page.getByRole('link', { name: '食品经营许可证信息（AMR-XK-002）' }).waitFor();
  t.pass('the new scenario covers the dataset');
  t.ok(await page.getByRole('cell', { name: '许可证编号' }).isVisible(), 'and the field chosen');

  const center = await session();
  await signIn(center, CENTER);
  await center.goto(`${platform.url}/scenarios?q=落户`);
  await center.getByRole('link', { name: '人才引进落户审核' }).click();
  await center.getByRole('heading', { name: '人才引进落户审核' }).waitFor();
  await center.getByRole('button', { name: '列入重点工作清单' }).click();
  const dialog = await openedDialog(center);
  await dialog.getByLabel('理由').fill('列入2027年重点工作');
  await dialog.getByRole('button', { name: /确\s*认/ }).click();
  await dialog.waitFor({ state: 'hidden' });
  await center.getByText('已列入重点工作应用场景清单').waitFor();
  await center.goto(`${platform.url}/scenarios?tab=key-list`);
  await center.getByRole('link', { name: '人才引进落户审核' }).waitFor();
  t.pass('the key-work list now holds it');
});
