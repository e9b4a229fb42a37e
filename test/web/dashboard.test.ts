/**
 * The SLA dashboard (看板) and the monthly evaluation (考核评估) in a real browser against the real
 * platform seeded with the demo data, plus an owner department of the test's own whose figures
 * follow by hand from four track-5 requests filed today through the services:
 *   A approved and delivered (met), B refused (met, a refusal), C still open and overdue (its
 *   deadline moved to the last working day before today, then the engine's breach step: breached,
 *   a level-1 supervision charged to the owner), D open and not yet due (pending).
 * So the department has 4 filed, 2 decided, 2 met, 1 breached, on time 2 ÷ 3 = 66.7%, 1 overdue
 * now, 1 refusal, 1 breach charged, and one open item, overdue. The center's operator sees these
 * figures and a chart, drills down from the department's row to its requests and on to a request;
 * the department's reviewer sees its own row only; a table exports as CSV; the month's evaluation
 * renders and downloads as PDF. axe-core checks each page; screenshots at 1280 and 768 px.
 */
import { readFile } from 'node:fs/promises';
import { and, eq } from 'drizzle-orm';
import type { Page } from 'playwright-core';
import t from 'tap';
import { endOfShanghaiDay } from '../../src/calendar/rules/working-days.js';
import { loadCalendar } from '../../src/calendar/service.js';
import * as catalogue from '../../src/catalogue/service.js';
import { actingAs } from '../../src/identity/index.js';
import { createDepartmentAs, createUserAs } from '../../src/identity/service.js';
import { legalBasisIdOf } from '../../src/legal-basis/index.js';
import { systemClock } from '../../src/platform/clock.js';
import { requests, slaClocks } from '../../src/platform/db/schema.js';
import { createDraft, type DraftInput } from '../../src/requests/filing.js';
import { currentCommitment } from '../../src/requests/policy.js';
import { DEFAULT_POLICY_NAME } from '../../src/requests/rules/policy.js';
import { RequestService } from '../../src/requests/service.js';
import { clockEvent } from '../../src/requests/steps.js';
import { accessible, screenshots, settled, startConsole } from '../helpers/browser.js';
import { pdfText } from '../helpers/pdf-text.js';

t.setTimeout(600_000);
const { platform, session, signIn } = await startConsole(t, new URL('../../.tap/web-dashboard/', import.meta.url).pathname);
const db = platform.database.db;
const context = { db, clock: systemClock, log: platform.log };

const OWNER = '上海市考核测试局';
const REVIEWER = '邓敏（考核测试局审核）';
const shanghaiDate = (at: Date) => new Date(at.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
const today = shanghaiDate(new Date());
const month = today.slice(0, 7);

// ── The fixture: an owner department, its conditional dataset (aggregated: track 5), four requests ──

const meta = { actor: { kind: 'system', role: 'seed' } as const, now: new Date() };
const owner = await createDepartmentAs(db, { code: 'SH-KHCS', name: OWNER, level: 'city' }, meta);
await createUserAs(db, { username: 'khcs.reviewer', displayName: REVIEWER, departmentId: owner.id, roles: ['reviewer'] }, meta);
const reviewer = await actingAs(context, 'khcs.reviewer');
const field = (name: string) => ({ name, type: 'string', description: '', sensitivity: 'internal' as const });
const dataset = await catalogue.createDataset(reviewer, {
  code: 'KHCS-RY-001',
  name: '考核测试人员信息',
  description: '',
  libraryKind: 'thematic',
  updateFrequency: '每日',
  sourceSystem: '考核测试系统',
  fields: ['姓名', '公民身份号码', '婚姻状况'].map(field),
  sharingType: 'conditional',
  conditions: { restrictedFields: ['婚姻状况'] },
});
await catalogue.moveDataset(reviewer, dataset.id, 'published');
await catalogue.setAggregation(await actingAs(context, 'dsc.admin'), dataset.id, true, '已归集');

const service = new RequestService({
  db,
  temporal: { client: platform.temporal.client },
  settings: platform.config.temporal,
  policyProfile: DEFAULT_POLICY_NAME,
});
const { version } = await currentCommitment(db);

/** Files a request on the test's dataset as the police's requester; resolves once its workflow opened the track step. */
async function file(fields: string[], purpose: string): Promise<{ id: string; number: string }> {
  const ctx = await actingAs(context, 'psb.requester');
  const draft: DraftInput = {
    datasetId: dataset.id,
    fields,
    purpose,
    usageMonths: 6,
    deliveryMethod: 'interface',
    securityCommitmentAccepted: true,
  };
  const saved = await createDraft(ctx, draft);
  await service.file(ctx, saved.id, { commitmentVersion: version, acceptCommitment: true });
  for (let i = 0; i < 200; i++) {
    const [row] = await db.select({ state: requests.state, number: requests.number }).from(requests).where(eq(requests.id, saved.id));
    if (row?.number && row.state !== 'routed' && row.state !== 'submitted') return { id: saved.id, number: row.number };
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the workflow of request ${saved.id} did not start`);
}

const approved = await file(['姓名', '公民身份号码'], '考核测试：同意并供数');
await service.act(await actingAs(context, 'khcs.reviewer'), 'approve', approved.id, { note: '同意' });
await service.act(await actingAs(context, 'dsc.operator'), 'confirm_delivery', approved.id, {
  method: 'interface',
  reference: 'https://exchange.example.gov.cn/khcs/ry-001',
});
const refused = await file(['姓名', '婚姻状况'], '考核测试：不予共享');
await service.act(await actingAs(context, 'khcs.reviewer'), 'refuse', refused.id, {
  legalBasisId: await legalBasisIdOf(db, '《中华人民共和国个人信息保护法》', '第三十四条'),
  citedConditions: ['restrictedFields'],
  reasons: '婚姻状况属于本数据资源编目时明确不予共享的数据项',
  alternatives: '可申请不含婚姻状况的人员信息',
});
const overdue = await file(['姓名'], '考核测试：超期未办结');
await file(['公民身份号码'], '考核测试：办理中');

// C's deadline: the last working day before today (as a calendar correction could move it), then
// the engine's breach step, as the workflow runs it once that deadline has passed.
const calendar = await loadCalendar(db);
const dayBefore = (date: string) => shanghaiDate(new Date(Date.parse(`${date}T12:00:00+08:00`) - 86_400_000));
let lastWorkingDay = dayBefore(today);
while (!calendar.isWorkingDay(lastWorkingDay)) lastWorkingDay = dayBefore(lastWorkingDay);
// Working days d with deadline < d ≤ today: today, if it is one.
const lateWorkingDays = calendar.isWorkingDay(today) ? 1 : 0;
const [overdueRow] = await db.select({ clockId: requests.clockId }).from(requests).where(eq(requests.id, overdue.id));
await db
  .update(slaClocks)
  .set({ deadlineDate: lastWorkingDay, deadlineAt: endOfShanghaiDay(lastWorkingDay) })
  .where(and(eq(slaClocks.id, overdueRow!.clockId!), eq(slaClocks.state, 'running')));
await clockEvent(db, {
  requestId: overdue.id,
  clockId: overdueRow!.clockId!,
  event: 'breach',
  stepKey: `test:breach:${overdueRow!.clockId}`,
  at: new Date(),
});

// ── Helpers on the page ──

/** The cells of a section's table row (the one holding `link`), by column title. */
async function cellsOf(page: Page, section: string | RegExp, link: string): Promise<Record<string, string>> {
  const region = page.getByRole('region', { name: section });
  const row = region.locator('tbody tr', { has: page.getByRole('link', { name: link, exact: true }) });
  await row.waitFor();
  const headers = (await region.locator('thead th').allInnerTexts()).map((h) => h.trim());
  const cells = (await row.locator('td').allInnerTexts()).map((c) => c.trim());
  return Object.fromEntries(headers.map((h, i) => [h, cells[i] ?? '']));
}

/** The league table's row for a department. */
const leagueRow = (page: Page, department: string) => cellsOf(page, /数据责任部门(排名|考核)/, department);

/** Polls until `check` holds (the page redraws asynchronously to the test). */
async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** The rows a section's table shows. */
const rowsOf = (page: Page, section: string) => page.locator(`[aria-label="${section}"] tbody tr.ant-table-row`);

/** A figure card's value, by its title. */
/** A statistic's value by its title, in the list of figures named `list`. */
const figure = async (page: Page, title: string, list = '总量') =>
  (
    await page
      .getByRole('list', { name: list, exact: true })
      .getByRole('listitem')
      .filter({ has: page.getByText(title, { exact: true }) })
      .locator('.ant-statistic-content')
      .innerText()
  ).trim();

// ── The tests ──

t.test("the center's operator reads the department's figures, a chart, and drills down to a request", async (t) => {
  const page = await session();
  await signIn(page, '李强（中心运营）');
  await page.getByRole('menuitem', { name: /SLA 看板/ }).click();
  await page.waitForURL(/\/dashboard$/);
  await page.getByRole('heading', { name: 'SLA 看板' }).waitFor();

  // The whole city: the department's row among the others.
  const row = await leagueRow(page, OWNER);
  t.equal(row['申请数'], '4', 'four requests filed');
  t.equal(row['已决'], '2', 'two decided (approved, refused)');
  t.equal(row['按时'], '2', 'both on time');
  t.equal(row['超期'], '1', 'one breached (still open)');
  t.equal(row['按时率'], '66.7%', 'on time 2 of 3');
  t.equal(row['当前超期'], '1', 'one overdue now');
  t.equal(row['不予共享'], '1', 'one refusal');
  t.equal(row['被督办'], '1', 'one breach charged (a level-1 supervision)');
  t.equal(row['平均办理工作日'], '0', 'decided the day they were filed');
  t.ok(await page.getByRole('region', { name: '市大数据中心与主管部门环节' }).isVisible(), "the center's and authority's steps are shown");
  await accessible(t, page, 'dashboard (city)', { every: true });

  // Filtered to the department: the totals, the chart and the open items follow from the fixture.
  await page.getByRole('combobox', { name: '数据责任部门' }).click();
  await page.keyboard.type(OWNER);
  await page.locator(`.ant-select-dropdown:visible .ant-select-item-option[title="${OWNER}"]`).click();
  await page.waitForURL(new RegExp(`departmentId=${owner.id}`));
  await until(async () => (await rowsOf(page, '数据责任部门排名').count()) === 1, 'the table filtered to the department');
  t.equal(await figure(page, '提交申请'), '4', 'filed');
  t.equal(await figure(page, '已作出决定'), '2', 'decided');
  t.equal(await figure(page, '办理中'), '2', 'open');
  t.equal(await figure(page, '当前超期'), '1', 'overdue now');
  t.equal(await figure(page, '总体按时率'), '66.7%', 'on time overall');
  const chart = page.getByRole('img', { name: /各通道按时率/ });
  t.match(await chart.getAttribute('aria-label'), /5个工作日通道 66\.7%/, "the chart's figures, as its summary reads them");
  const canvas = chart.locator('canvas');
  await canvas.waitFor();
  t.ok(((await canvas.boundingBox())?.width ?? 0) > 200, 'the chart draws on a canvas');
  const drawn = await canvas.evaluate((element) => {
    // In the page: the canvas's pixels (anything not fully transparent is ink).
    const c = element as unknown as {
      width: number;
      height: number;
      getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: ArrayLike<number> } };
    };
    const pixels = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    for (let i = 3; i < pixels.length; i += 4) if (pixels[i]! > 0) return true;
    return false;
  });
  t.ok(drawn, 'and the canvas is not blank');
  const items = page.getByRole('region', { name: '到期与超期事项' });
  await items.getByRole('tab', { name: '已超期（1）' }).click();
  await page.waitForURL(/bucket=overdue/);
  t.ok(await items.getByRole('tab', { name: '今日到期（0）' }).isVisible(), 'nothing due today');
  t.ok(await items.getByRole('tab', { name: '下一工作日到期（0）' }).isVisible(), 'nor the next working day');
  const late = await cellsOf(page, '到期与超期事项', overdue.number);
  t.equal(late['责任方'], '数据责任部门', 'charged to the owner');
  t.equal(late['责任部门'], OWNER, 'the owner department');
  t.equal(late['截止日'], lastWorkingDay, 'its deadline');
  t.equal(late['已用工作日'], '0', 'started today');
  t.equal(late['超期工作日'], String(lateWorkingDays), 'late by the working days since its deadline');
  t.equal(late['督办级别'], '一级督办', 'under level-1 supervision');
  // The objections (异议核实) of the department's data: none in the fixture; the card links to the report.
  const objectionCard = page.getByRole('region', { name: '异议核实' });
  await until(async () => (await figure(page, '提出异议', '异议核实总量')) === '0', 'the department has no objections');
  t.equal(await figure(page, '当前超期', '异议核实总量'), '0', 'no objection overdue');
  t.equal(await figure(page, '平均核实用时（工作日）', '异议核实总量'), '—', 'no verification decided');
  t.match(
    await objectionCard.getByRole('link', { name: '异议核实情况统计' }).getAttribute('href'),
    new RegExp(`/objections/report\\?from=${month}-01&to=${today}&departmentId=${owner.id}$`),
    'the whole report for the same period and department',
  );
  await accessible(t, page, 'dashboard (one department)', { every: true });
  await screenshots(page, 'dashboard');

  // On a tablet the page does not scroll sideways: the charts shrink, the tables scroll in their box.
  await page.setViewportSize({ width: 768, height: 1024 });
  await until(async () => ((await canvas.boundingBox())?.width ?? 9999) < 768, 'the chart to shrink');
  const fits = await page.evaluate(() => {
    const w = globalThis as unknown as { innerWidth: number; document: { documentElement: { scrollWidth: number } } };
    return w.document.documentElement.scrollWidth <= w.innerWidth;
  });
  t.ok(fits, 'no page-wide horizontal scroll at 768 px');
  await accessible(t, page, 'dashboard at 768 px', { every: true });
  await page.setViewportSize({ width: 1280, height: 900 });

  // Drill-down: the department's requests, narrowed to the breached one, then the request.
  await page.getByRole('region', { name: '数据责任部门排名' }).getByRole('link', { name: OWNER }).click();
  await page.waitForURL(new RegExp(`/dashboard/departments/${owner.id}\\?`));
  await page.getByRole('heading', { name: `${OWNER} · 申请明细` }).waitFor();
  for (const r of [approved, refused, overdue]) await page.getByRole('link', { name: r.number }).waitFor();
  t.equal(await rowsOf(page, '申请明细').count(), 4, 'its four requests');
  await accessible(t, page, 'drill-down', { every: true });
  // The columns sort the page: by filing time, the earliest first.
  const drill = page.getByRole('region', { name: '申请明细' });
  await drill.getByRole('columnheader', { name: '提交时间' }).click();
  await until(
    async () => (await drill.getByRole('columnheader', { name: '提交时间' }).getAttribute('aria-sort')) === 'ascending',
    'sorted by filing time',
  );
  const filed = await drill.locator('tbody tr.ant-table-row td:nth-child(5)').allInnerTexts();
  t.same(filed, [...filed].sort(), 'the rows in filing order');
  await screenshots(page, 'dashboard-drilldown');
  await page.setViewportSize({ width: 768, height: 1024 });
  // The menu folds into its overflow item once it has measured the narrower window.
  await until(
    () =>
      page.evaluate(() => {
        const w = globalThis as unknown as { innerWidth: number; document: { documentElement: { scrollWidth: number } } };
        return w.document.documentElement.scrollWidth <= w.innerWidth;
      }),
    'the drill-down: no page-wide horizontal scroll at 768 px',
  );
  t.pass('the drill-down: no page-wide horizontal scroll at 768 px');
  await accessible(t, page, 'drill-down at 768 px', { every: true });
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.getByRole('combobox', { name: '办理结果' }).click();
  await page.locator('.ant-select-dropdown:visible .ant-select-item-option[title="超期"]').click();
  await page.waitForURL(/outcome=breached/);
  await page.getByRole('link', { name: approved.number }).waitFor({ state: 'detached' });
  t.equal(await rowsOf(page, '申请明细').count(), 1, 'one breached');
  // The export carries what the page is narrowed by: the one breached request.
  const [narrowed] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '导出 CSV（申请明细）' }).click()]);
  const exported = (await readFile(await narrowed.path(), 'utf8')).trim().split('\n');
  t.equal(exported.length, 2, 'a header and one row');
  t.match(exported[1], new RegExp(`^${overdue.number},`), 'the breached request');
  await page.getByRole('link', { name: overdue.number }).click();
  await page.waitForURL(new RegExp(`/requests/${overdue.id}$`));
  await page.getByRole('heading', { name: `共享申请 ${overdue.number}` }).waitFor();
  t.pass('the request is reached from the figure');
});

t.test("the department's reviewer sees its own row only, and no center or authority figures", async (t) => {
  const page = await session();
  await signIn(page, REVIEWER);
  await page.getByRole('menuitem', { name: /SLA 看板/ }).click();
  await page.getByRole('heading', { name: 'SLA 看板' }).waitFor();
  const row = await leagueRow(page, OWNER);
  t.equal(row['申请数'], '4', 'its own figures');
  t.equal(await rowsOf(page, '数据责任部门排名').count(), 1, 'one row: its own');
  t.equal(await page.getByRole('textbox', { name: '数据责任部门' }).inputValue(), OWNER, 'the department is shown, not chosen');
  t.notOk(await page.getByRole('region', { name: '市大数据中心与主管部门环节' }).isVisible(), 'no center or authority steps');
  t.equal(await figure(page, '提交申请'), '4', 'its totals');
});

t.test('the league table exports as CSV with its header', async (t) => {
  const page = await session();
  await signIn(page, '李强（中心运营）');
  await page.goto(`${platform.url}/dashboard?departmentId=${owner.id}`);
  await leagueRow(page, OWNER);
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: '导出 CSV（数据责任部门排名）' }).click(),
  ]);
  t.match(download.suggestedFilename(), /\.csv$/, 'a CSV file');
  const text = await readFile(await download.path(), 'utf8');
  t.equal(text.charCodeAt(0), 0xfeff, 'UTF-8 with a BOM (Excel reads the Chinese)');
  const lines = text.slice(1).trim().split(/\r?\n/);
  t.equal(lines.length, 2, 'a header and the one department');
  const header = lines[0]!.split(',');
  t.ok(
    header.every((h) => /[\u4e00-\u9fff]/.test(h)),
    'the header names every column in Chinese',
  );
  t.ok(
    header.some((h) => h.includes('按时率')),
    'the on-time rate among them',
  );
  t.match(lines[1], OWNER, "the department's row");
});

t.test("the month's evaluation renders, prints and downloads as PDF", async (t) => {
  const page = await session();
  await signIn(page, '李强（中心运营）');
  await page.goto(`${platform.url}/dashboard`);
  await page.getByRole('button', { name: '月度考核评估' }).click();
  await page.waitForURL(new RegExp(`/dashboard/evaluation\\?month=${month}$`));
  await page.getByRole('heading', { name: `月度考核评估 · ${month}` }).waitFor();
  const row = await leagueRow(page, OWNER);
  t.equal(row['申请数'], '4', "the department's month");
  t.equal(row['按时率'], '66.7%', 'and its on-time rate');
  t.ok(await page.getByRole('region', { name: '全市概况' }).isVisible(), "the city's figures");
  t.ok(await page.getByRole('region', { name: '督办情况' }).isVisible(), 'supervision');
  t.ok(await page.getByRole('button', { name: '打印' }).isVisible(), 'it prints');
  await page.emulateMedia({ media: 'print' });
  t.notOk(await page.getByRole('button', { name: '下载 PDF' }).isVisible(), 'printed without its buttons');
  t.notOk(await page.getByRole('navigation', { name: '主菜单' }).isVisible(), 'or the menu');
  await page.emulateMedia({ media: 'screen' });
  await settled(page);
  await accessible(t, page, 'evaluation');
  await screenshots(page, 'evaluation');

  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '下载 PDF' }).click()]);
  t.match(download.suggestedFilename(), /\.pdf$/, 'a PDF file');
  const bytes = await readFile(await download.path());
  t.equal(bytes.subarray(0, 5).toString('latin1'), '%PDF-', 'that is a PDF');
  const text = (await pdfText(bytes)).replace(/\s+/g, '');
  t.match(text, OWNER, 'naming the department');
});
