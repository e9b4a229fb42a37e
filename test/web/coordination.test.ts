/**
 * Track 15 and disputes in a real browser against the real platform seeded with the demo data:
 * the three parties coordinate to an outcome (positions with a file, a meeting — refused by the
 * API without a place, nothing typed lost — its minutes as a PDF, the agreement narrowed, the
 * aggregation confirmed); a requester disputes a refusal and the competent authority's supervisor
 * decides it from the queue; the owner files a written explanation whose PDF carries the request
 * number and the legal basis, and whose section prints alone. axe-core checks each new state.
 */
import { readFile } from 'node:fs/promises';
import { and, eq } from 'drizzle-orm';
import type { Locator, Page } from 'playwright-core';
import t from 'tap';
import { datasets, requests } from '../../src/platform/db/schema.js';
import { accessible, screenshots, settled, startConsole } from '../helpers/browser.js';
import { PDF, pdfFile } from '../helpers/files.js';
import { pdfText } from '../helpers/pdf-text.js';

t.setTimeout(600_000);
const { platform, session, signIn } = await startConsole(t, new URL('../../.tap/web-coordination/', import.meta.url).pathname);
const db = platform.database.db;
const pdf = { name: '工作依据.pdf', mimeType: PDF, buffer: pdfFile('工作依据') };

/** The demo request filed on the dataset with this code, in this state. */
async function demoRequest(code: string, state: (typeof requests.$inferSelect)['state']) {
  const [row] = await db
    .select({ id: requests.id, number: requests.number })
    .from(requests)
    .innerJoin(datasets, eq(datasets.id, requests.datasetId))
    .where(and(eq(datasets.code, code), eq(requests.state, state)));
  if (!row?.number) throw new Error(`no demo request on ${code} in ${state}`);
  return { id: row.id, number: row.number };
}

/** The text of the PDF the page downloads when the button is clicked, whitespace dropped (lines wrap anywhere). */
async function downloadedText(page: Page, button: Locator): Promise<{ fileName: string; text: string }> {
  const [download] = await Promise.all([page.waitForEvent('download'), button.click()]);
  const text = await pdfText(await readFile(await download.path()));
  return { fileName: download.suggestedFilename(), text: text.replace(/\s+/g, '') };
}

const submit = (dialog: Locator) => dialog.getByRole('button', { name: /提\s*交/ }).click();
/** The request's state, as its title row shows it. */
const state = (page: Page, label: string) =>
  page
    .getByRole('heading', { level: 2 })
    .locator("xpath=ancestor::div[contains(concat(' ', @class, ' '), ' ant-space ')][1]")
    .getByText(label, { exact: true });

t.test('the three parties coordinate to an outcome: positions, a meeting and its minutes, agreed narrowed, aggregated', async (t) => {
  const request = await demoRequest('PSB-XZ-004', 'coordination');

  const requester = await session();
  await signIn(requester, '朱丽（人社局申请）');
  await requester.goto(`${platform.url}/requests/${request.id}`);
  const workspace = requester.locator('.ant-card', { has: requester.locator('.ant-card-head-title', { hasText: /^三方协调$/ }) });
  await workspace.getByText('尚无一方表明意见').waitFor();
  await requester.getByRole('button', { name: '记录本方意见' }).click();
  let dialog = requester.getByRole('dialog');
  await dialog.getByLabel('本方意见').fill('失业保险金发放前须核查申领人是否为在逃人员，仅需姓名与身份号码比对结果。');
  await dialog.locator('input[type=file]').setInputFiles(pdf);
  await dialog.getByRole('button', { name: '下载附件 工作依据.pdf' }).waitFor();
  await accessible(t, requester, 'coordination: a position with its file');
  await submit(dialog);
  await dialog.waitFor({ state: 'hidden' });
  const positions = requester.getByRole('region', { name: '各方意见' });
  await positions.getByText(/^需求方 · 上海市人力资源和社会保障局/).waitFor();
  t.ok(await positions.getByRole('button', { name: '下载附件 工作依据.pdf' }).isVisible(), 'the position cites its file');
  t.notOk(await requester.getByRole('button', { name: '安排协调会议' }).isVisible(), 'the requester schedules no meeting');

  const owner = await session();
  await signIn(owner, '吴芳（公安局审核）');
  await owner.goto(`${platform.url}/requests/${request.id}`);
  await owner.getByRole('button', { name: '记录本方意见' }).click();
  dialog = owner.getByRole('dialog');
  await dialog.getByLabel('本方意见').fill('在逃人员信息不宜批量共享，可提供比对核验结果（是否命中）。');
  await submit(dialog);
  await dialog.waitFor({ state: 'hidden' });
  await owner
    .getByRole('region', { name: '各方意见' })
    .getByText(/^责任方 · 上海市公安局/)
    .waitFor();

  const center = await session();
  await signIn(center, '李强（中心运营）');
  await center.goto(`${platform.url}/requests?tab=coordination`);
  await center.getByRole('link', { name: request.number }).click();
  await center.getByRole('button', { name: '安排协调会议' }).click();
  dialog = center.getByRole('dialog');
  const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
  await dialog.getByLabel('会议时间（北京时间）').fill(`${tomorrow} 14:30`);
  await dialog.getByLabel('会议时间（北京时间）').press('Enter');
  await dialog.getByLabel('会议议题').fill('在逃人员比对核验的共享方式');
  t.match(await dialog.innerText(), /上海市人力资源和社会保障局[\s\S]*上海市公安局[\s\S]*上海市大数据中心/, 'the three parties proposed');
  await submit(dialog);
  const refused = dialog.getByRole('alert');
  await refused.waitFor();
  t.match(await refused.innerText(), /请填写会议地点或线上会议链接/, "the API's reason, in Chinese");
  t.equal(await dialog.getByLabel('会议议题').inputValue(), '在逃人员比对核验的共享方式', 'nothing typed is lost');
  await dialog.getByLabel('会议地点').fill('上海市大数据中心 3 楼第二会议室');
  await accessible(t, center, 'coordination: scheduling a meeting');
  await submit(dialog);
  await dialog.waitFor({ state: 'hidden' });
  await center.getByText(`协调会议 · ${tomorrow} 14:30`).waitFor();

  await center.getByRole('button', { name: '记录会议纪要' }).click();
  dialog = center.getByRole('dialog');
  await dialog.getByLabel('纪要内容').fill('三方同意以姓名比对方式共享，身份号码不在共享范围内。');
  await submit(dialog);
  await dialog.waitFor({ state: 'hidden' });
  const minutes = await downloadedText(center, center.getByRole('button', { name: '下载纪要PDF' }));
  t.match(minutes.fileName, /\.pdf$/, 'the minutes download as a PDF');
  t.match(minutes.text, request.number, 'the minutes PDF carries the request number');
  t.match(minutes.text, '三方同意以姓名比对方式共享', 'and the minutes');

  await center.getByRole('button', { name: '同意共享' }).click();
  dialog = center.getByRole('dialog');
  await settled(center);
  await dialog.getByRole('checkbox', { name: '公民身份号码', exact: true }).uncheck();
  await dialog.getByLabel('约定的共享条件（如用途限定、不得留存）').fill('仅用于失业保险金发放前的比对，不得留存');
  await accessible(t, center, 'coordination: agreeing to share');
  await submit(dialog);
  await dialog.waitFor({ state: 'hidden' });
  await state(center, '待责任部门提供').waitFor();
  const outcome = center.getByRole('region', { name: '协调结果' });
  t.ok(await outcome.getByText('仅用于失业保险金发放前的比对，不得留存').isVisible(), 'the conditions agreed');
  t.ok(await outcome.getByRole('cell', { name: '姓名', exact: true }).isVisible(), 'the fields agreed, narrowed');

  await center.getByRole('button', { name: '确认已归集' }).click();
  dialog = center.getByRole('dialog');
  await dialog.getByLabel('交付或归集批次号').fill('GJ-2026-PSB-0004');
  await submit(dialog);
  await dialog.waitFor({ state: 'hidden' });
  await state(center, '供数中').waitFor();
  await accessible(t, center, 'coordination: decided and aggregated');
  await screenshots(center, 'coordination-workspace');
  t.ok(await center.getByText('确认数据已归集').first().isVisible(), 'on the timeline');
});

t.test("the demo's coordination: the three parties' positions, the requester's file, a meeting's minutes", async (t) => {
  const request = await demoRequest('TAX-SB-002', 'coordination');
  const owner = await session();
  await signIn(owner, '何涛（税务局审核）');
  await owner.goto(`${platform.url}/requests/${request.id}`);
  const positions = owner.getByRole('region', { name: '各方意见' });
  await positions.getByText(/^市大数据中心 · 上海市大数据中心/).waitFor();
  t.ok(await positions.getByText(/^需求方 · 上海市市场监督管理局/).isVisible(), "the requester's position");
  t.ok(await positions.getByText(/^责任方 · 国家税务总局上海市税务局/).isVisible(), "the owner's");
  t.ok(await positions.getByRole('button', { name: '下载附件 信用修复核查工作方案.pdf' }).isVisible(), "the requester's file");
  const meetings = owner.getByRole('region', { name: '协调会议' });
  t.ok(await meetings.getByText(/应纳税额暂不共享/).isVisible(), 'the minutes');
  t.notOk(await owner.getByRole('button', { name: '记录会议纪要' }).isVisible(), 'recorded once, and by the center only');
  t.notOk(await owner.getByRole('button', { name: '同意共享' }).isVisible(), 'the outcome is the center’s');
  t.ok(await owner.getByRole('button', { name: '记录本方意见' }).isVisible(), 'the owner may add to its position');
  await accessible(t, owner, 'coordination in progress');
  await screenshots(owner, 'coordination-in-progress');
});

t.test('a requester disputes a refusal; the supervisor decides it from the queue', async (t) => {
  const request = await demoRequest('PSB-XZ-004', 'refused');
  const requester = await session();
  await signIn(requester, '冯洁（市场监管局申请）');
  await requester.goto(`${platform.url}/requests/${request.id}`);
  await requester.getByText('书面说明（不予共享）').waitFor();
  t.ok(await requester.getByText(/可在 \d{4}-\d{2}-\d{2} 前（含当日）提出争议/).isVisible(), 'until when it may be disputed');
  await accessible(t, requester, 'refusal open to dispute');
  await requester.getByRole('button', { name: '提出争议' }).click();
  const dialog = requester.getByRole('dialog');
  await submit(dialog);
  await dialog.getByText('请填写争议理由').waitFor();
  await dialog.getByLabel('争议理由').fill('法定代表人身份核查为市场主体登记的法定职责，比对结果不足以完成核查');
  await submit(dialog);
  await dialog.waitFor({ state: 'hidden' });
  await state(requester, '争议处理中').waitFor();
  await requester.getByText(/待主管部门裁决/).waitFor();
  t.notOk(await requester.getByRole('button', { name: '提出争议' }).isVisible(), 'disputed once');

  const supervisor = await session();
  await signIn(supervisor, '陈刚（数据局督办）');
  await supervisor.goto(`${platform.url}/requests`);
  await supervisor.getByRole('tab', { name: '争议待裁决', selected: true }).waitFor();
  await accessible(t, supervisor, 'disputes to decide');
  await supervisor.getByRole('link', { name: request.number }).click();
  const dispute = supervisor.locator('.ant-card', { has: supervisor.locator('.ant-card-head-title', { hasText: /^争议$/ }) });
  await dispute.getByText('法定代表人身份核查为市场主体登记的法定职责', { exact: false }).waitFor();
  await dispute.getByRole('button', { name: '责令共享' }).click();
  const decide = supervisor.getByRole('dialog');
  await decide.getByLabel('裁决理由').fill('身份核查属履行法定职责所必需，以共享为原则，责令共享');
  await accessible(t, supervisor, 'deciding a dispute');
  await submit(decide);
  await decide.waitFor({ state: 'hidden' });
  await dispute.getByText('责令共享', { exact: true }).waitFor();
  t.notOk(await dispute.getByRole('button', { name: '维持不予共享' }).isVisible(), 'decided once');
  await state(supervisor, '供数中').or(state(supervisor, '待责任部门提供')).waitFor();
  await accessible(t, supervisor, 'dispute decided');
  await screenshots(supervisor, 'dispute-decision');
  const decision = await downloadedText(supervisor, dispute.getByRole('button', { name: '下载裁决书PDF' }));
  t.match(decision.fileName, /\.pdf$/, 'the decision downloads as a PDF');
  t.match(decision.text, request.number, 'the decision PDF carries the request number');
  t.match(decision.text, '责令共享', 'and the decision');

  await supervisor.goto(`${platform.url}/requests?tab=disputes`);
  await supervisor.getByText('暂无申请').waitFor();
  t.pass('the queue is empty once decided');
});

t.test('the owner files the written explanation; its PDF has the request number and the legal basis; it prints alone', async (t) => {
  const request = await demoRequest('HSA-JS-002', 'explanation_due');
  const owner = await session();
  await signIn(owner, '施洋（医保局审核）');
  await owner.goto(`${platform.url}/requests?tab=explanations`);
  await owner.getByRole('tab', { name: '待提交书面说明', selected: true }).waitFor();
  await owner.getByRole('link', { name: request.number }).click();
  await owner.getByText('待数据责任部门出具书面说明', { exact: false }).waitFor();
  await owner.getByRole('button', { name: '提交书面说明' }).click();
  const dialog = owner.getByRole('dialog');
  t.ok(
    await dialog.getByText(/不选则引用编目时登记的依据：《医疗保障基金使用监督管理条例》第二十三条/).isVisible(),
    'the catalogued basis',
  );
  await dialog.getByLabel('法律依据').click();
  await owner.keyboard.type('数据安全法');
  await owner.keyboard.press('Enter');
  await dialog.getByLabel('不予共享的理由').fill('结算明细含个人健康信息，批量提供超出核查所必需的范围');
  await dialog.getByLabel('替代方案（如核验服务、减少数据项；无则填“无”）').fill('可通过个案协查函查询特定人员的就医记录');
  await accessible(t, owner, 'written explanation form');
  await submit(dialog);
  await dialog.waitFor({ state: 'hidden' });
  await state(owner, '不予共享').waitFor();
  const card = owner.locator('.ant-card', { has: owner.locator('.ant-card-head-title', { hasText: '书面说明（不予共享）' }) });
  await card.getByText(/《中华人民共和国数据安全法》第三十八条/).waitFor();
  await accessible(t, owner, 'written explanation filed');
  await screenshots(owner, 'written-explanation');

  const { fileName, text } = await downloadedText(owner, card.getByRole('button', { name: '下载PDF' }));
  t.match(fileName, /\.pdf$/, 'the explanation downloads as a PDF');
  t.match(text, request.number, 'the PDF carries the request number');
  t.match(text, '《中华人民共和国数据安全法》第三十八条', 'and the legal basis');
  t.match(text, '结算明细含个人健康信息', 'and the reasons');

  // Printing the section: the print button marks it alone, and the print stylesheet shows nothing else.
  interface InPage {
    print: () => void;
    printed?: string;
    document: { querySelector(selector: string): { textContent: string | null } | null };
  }
  await owner.evaluate(() => {
    const w = globalThis as unknown as InPage;
    w.print = () => void (w.printed = w.document.querySelector('.print-target')?.textContent ?? '');
  });
  await card.getByRole('button', { name: /打\s*印/ }).click();
  t.match(
    await owner.evaluate(() => (globalThis as unknown as InPage).printed),
    /书面说明（不予共享）.*第三十八条/s,
    'the button prints the section',
  );
  await card.evaluate((card) => {
    interface Node {
      parentElement: Node;
      classList: { add(name: string): void };
      ownerDocument: { body: Node };
    }
    const element = card as unknown as Node;
    element.parentElement.classList.add('print-target');
    element.ownerDocument.body.classList.add('printing-section');
  });
  // Chromium's PDF maps some glyphs to CJK radicals (⼈ for 人): compared in NFKC, on words without them.
  const printed = (await pdfText(await owner.pdf({ format: 'A4' }))).normalize('NFKC').replace(/\s+/g, '');
  t.match(printed, request.number, 'the printed page has the explanation: its number');
  t.match(printed, '数据安全法》第三十八条', 'its legal basis');
  t.notMatch(printed, '办理过程', 'and nothing else of the page');
});
