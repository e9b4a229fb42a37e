/**
 * The administration pages in a real browser against the real platform seeded with the demo
 * data: the center administrator publishes a calendar year (refused first for a missing
 * statutory holiday, with nothing typed lost), others read it; the competent authority's
 * supervisor curates the legal-basis register; the directory, webhooks and their deliveries, the
 * audit ledger's verification and the policy profiles. axe-core checks each page; screenshots
 * at 1280 and 768 px go to web/screenshots/ (git-ignored).
 */
import { readFile } from 'node:fs/promises';
import { sql } from 'drizzle-orm';
import t from 'tap';
import type { Page } from 'playwright-core';
import { accessible, screenshots, settled, startConsole } from '../helpers/browser.js';

t.setTimeout(900_000);
const { platform, session, signIn } = await startConsole(t, new URL('../../.tap/web-admin/', import.meta.url).pathname);

/** Picks an option of an Ant Design select (the control labelled `label`, the last when several). */
async function choose(page: Page, label: string, option: string, scope: Page | ReturnType<Page['locator']> = page) {
  await scope.getByLabel(label, { exact: true }).last().click();
  await page.locator(`.ant-select-dropdown:visible .ant-select-item-option[title="${option}"]`).click();
  // The choice shows in the control; a dropdown still open (a click taken by a closing date
  // picker) closes as the focus leaves the select (Tab closes no dialog, unlike Escape or a click outside).
  await scope.locator(`.ant-select-content[title="${option}"]`).last().waitFor();
  if (await page.locator('.ant-select-dropdown:visible').count()) await page.keyboard.press('Tab');
  await page.locator('.ant-select-dropdown:visible').first().waitFor({ state: 'hidden' });
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

  // Lines pasted from the notice join the list; a line without a date is reported, not guessed.
  await editor.getByLabel('粘贴日期清单').fill('2027-10-09 国庆节 上班\n国庆节 上班');
  await editor.getByRole('button', { name: '解析并加入' }).click();
  await editor.getByText('第 2 行：没有可识别的日期（如 2027-01-01）').waitFor();
  t.ok(await editor.getByRole('button', { name: '删除 2027-10-09' }).isVisible(), 'the pasted day is a row');

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
  t.ok(await table.getByRole('row', { name: /2027-10-09.*国庆节.*调休上班/ }).isVisible(), 'the pasted make-up day is listed');
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

t.test('the supervisor adds a legal basis, revises it, and a concurrent revision is caught with nothing lost', async (t) => {
  const page = await session();
  await signIn(page, '陈刚（数据局督办）');
  await page.goto(`${platform.url}/legal-bases`);
  await page
    .getByRole('link', { name: /《中华人民共和国数据安全法》/ })
    .first()
    .waitFor();
  await accessible(t, page, 'legal-basis register');
  await screenshots(page, 'legal-bases');

  await page.getByRole('button', { name: '新增法律依据' }).click();
  const dialog = page.getByRole('dialog');
  await choose(page, '文件类别', '地方性法规', dialog);
  await dialog.getByLabel('文件名称').fill('上海市数据条例');
  await dialog.getByLabel('条文内容').fill('公共数据以共享为原则、不共享为例外。');
  await dialog.getByRole('button', { name: /保\s*存/ }).click();
  await dialog.getByText('文件名称须以书名号《》括起').waitFor();
  await dialog.getByText('除整体引用的政策文件外，须写明条款').waitFor();
  await dialog.getByLabel('文件名称').fill('《上海市数据条例》');
  await dialog.getByLabel('条款').fill('第三十九条');
  await dialog.getByLabel('来源说明').fill('摘自上海市人民代表大会常务委员会公告');
  await dialog.getByRole('button', { name: /保\s*存/ }).click();
  await page.getByRole('heading', { name: '《上海市数据条例》第三十九条' }).waitFor();
  await page.getByText('全部版本（1）').waitFor();
  const entryUrl = page.url();

  await page.getByRole('button', { name: /修\s*订/ }).click();
  await dialog.getByLabel('条文内容').fill('公共数据以共享为原则、不共享为例外，无条件共享的公共数据应当无条件提供。');
  await dialog.getByLabel('修订理由').fill('补全条文');
  await dialog.getByRole('button', { name: '保存修订' }).click();
  await dialog.waitFor({ state: 'hidden' });
  await page.getByText('全部版本（2）').waitFor();
  t.ok(await page.getByRole('row', { name: /第 2 版.*补全条文/ }).isVisible(), 'the revision and its reason are listed');

  // The supervisor starts another revision; meanwhile the center administrator revises the entry.
  await page.getByRole('button', { name: /修\s*订/ }).click();
  await dialog.getByLabel('文号').fill('上海市人民代表大会常务委员会公告第94号');
  await dialog.getByLabel('修订理由').fill('补充文号');
  const other = await session();
  await signIn(other, '王敏（中心管理员）');
  await other.goto(entryUrl);
  await other.getByRole('button', { name: /修\s*订/ }).click();
  await other.getByRole('dialog').getByLabel('条款').fill('第三十九条第一款');
  await other.getByRole('dialog').getByLabel('修订理由').fill('引用至款');
  await other.getByRole('dialog').getByRole('button', { name: '保存修订' }).click();
  await other.getByText('全部版本（3）').waitFor();

  await dialog.getByRole('button', { name: '保存修订' }).click();
  const conflict = dialog.getByRole('alert').filter({ hasText: '该条目已被他人修改' });
  await conflict.waitFor();
  t.match(await conflict.innerText(), /该条目已被他人修改/, 'the stale version is reported');
  await dialog.getByText(/他人已将此条目修订为第 3 版.*引用至款/).waitFor();
  t.equal(await dialog.getByLabel('文号').inputValue(), '上海市人民代表大会常务委员会公告第94号', 'the number typed is kept');
  t.equal(await dialog.getByLabel('修订理由').inputValue(), '补充文号', 'the reason typed is kept');
  await accessible(t, page, 'legal-basis revision conflict');
  await screenshots(page, 'legal-basis-conflict');
  await dialog.getByLabel('条款').fill('第三十九条第一款');
  await dialog.getByRole('button', { name: '以第 3 版为基础继续修订' }).click();
  await dialog.getByRole('button', { name: '保存修订' }).click();
  await dialog.waitFor({ state: 'hidden' });
  await page.getByText('全部版本（4）').waitFor();
  await page.getByRole('heading', { name: '《上海市数据条例》第三十九条第一款' }).waitFor();
  t.ok(await page.getByText('上海市人民代表大会常务委员会公告第94号').first().isVisible(), 'the current text has the number');
  await accessible(t, page, 'legal-basis detail');
  await screenshots(page, 'legal-basis');

  await page.goto(`${platform.url}/legal-bases?q=数据条例&kind=local_regulation`);
  await page.getByRole('link', { name: '《上海市数据条例》第三十九条第一款' }).waitFor();
  t.equal(await page.locator('.ant-table-row').count(), 1, 'the search finds the entry alone');
});

t.test('the center administrator creates a user; a taken username is refused with nothing lost', async (t) => {
  const page = await session();
  await signIn(page, '王敏（中心管理员）');
  await page.goto(`${platform.url}/admin/directory`);
  await page.getByRole('cell', { name: 'dsc.admin' }).waitFor();
  await accessible(t, page, 'directory');
  await screenshots(page, 'directory');

  await page.getByRole('button', { name: '新建用户' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('用户名').fill('psb.requester');
  await dialog.getByLabel('姓名').fill('钱进（公安局申请）');
  await dialog.getByLabel('所属部门').fill('上海市公安局');
  await page.locator('.ant-select-dropdown:visible .ant-select-item-option[title="上海市公安局"]').click();
  await dialog.getByRole('checkbox', { name: '申请人' }).check();
  await dialog.getByRole('button', { name: /保\s*存/ }).click();
  await dialog.getByRole('alert').waitFor();
  t.match(await dialog.getByRole('alert').innerText(), /该用户名已被使用/, 'the API refuses the taken username, in Chinese');
  t.equal(await dialog.getByLabel('姓名').inputValue(), '钱进（公安局申请）', 'the name typed is kept');
  t.ok(await dialog.getByRole('checkbox', { name: '申请人' }).isChecked(), 'the role chosen is kept');
  await dialog.getByLabel('用户名').fill('psb.qianjin');
  await dialog.getByRole('button', { name: /保\s*存/ }).click();
  await dialog.waitFor({ state: 'hidden' });
  await page.getByRole('row', { name: /psb\.qianjin.*钱进（公安局申请）.*上海市公安局.*申请人.*在用/ }).waitFor();
  await page.getByRole('button', { name: '修改 钱进（公安局申请）' }).click();
  await dialog.getByRole('checkbox', { name: '审核人' }).waitFor();
  await settled(page);
  await dialog.getByRole('checkbox', { name: '审核人' }).check();
  await dialog.getByLabel('变更原因').fill('兼任本局审核');
  await dialog.getByRole('button', { name: /保\s*存/ }).click();
  await dialog.waitFor({ state: 'hidden' });
  await page.getByRole('row', { name: /psb\.qianjin.*申请人\s*审核人/ }).waitFor();

  await page.getByRole('tab', { name: /部\s*门/ }).click();
  await page.waitForURL(/tab=departments/);
  await page.getByRole('row', { name: /SH-DSC\s*上海市大数据中心.*市级.*市大数据中心/ }).waitFor();
  await page.getByRole('button', { name: '新建部门' }).click();
  const deptDialog = page.getByRole('dialog');
  await deptDialog.getByLabel('部门编码').fill('sh-arch');
  await deptDialog.getByLabel('部门名称').fill('上海市档案局');
  await deptDialog.getByRole('button', { name: /保\s*存/ }).click();
  await deptDialog.getByText('编码为 2 至 40 位大写字母、数字或连字符').waitFor();
  await deptDialog.getByLabel('部门编码').fill('SH-ARCH');
  await deptDialog.getByRole('button', { name: /保\s*存/ }).click();
  await deptDialog.waitFor({ state: 'hidden' });
  await page.getByRole('row', { name: /SH-ARCH\s*上海市档案局/ }).waitFor();
  await page.getByRole('button', { name: '修改 上海市档案局' }).click();
  await deptDialog.getByLabel('英文名称').fill('Shanghai Municipal Archives Bureau');
  await deptDialog.getByRole('button', { name: /保\s*存/ }).click();
  await deptDialog.waitFor({ state: 'hidden' });
  await page.getByRole('row', { name: /SH-ARCH\s*上海市档案局\s*Shanghai Municipal Archives Bureau/ }).waitFor();
  await accessible(t, page, 'departments');
  await screenshots(page, 'departments');
});

t.test("a department administrator subscribes a webhook, adds a user, and reads the webhook's deliveries", async (t) => {
  const page = await session();
  await signIn(page, '郑磊（公安局管理员）');
  await page.goto(`${platform.url}/admin/webhooks`);
  await page.getByText('暂无订阅').waitFor();
  await page.getByRole('button', { name: '新建订阅' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('接收地址').fill('http://example.com/hooks');
  await dialog.getByRole('button', { name: /创\s*建/ }).click();
  await dialog.getByText('须使用 https（仅本机测试地址可用 http）').waitFor();
  await dialog.getByLabel('接收地址').fill('http://127.0.0.1:65500/gongxiang');
  await dialog.getByRole('button', { name: /创\s*建/ }).click();
  await dialog.getByText('签名密钥只显示这一次').waitFor();
  t.match(await dialog.innerText(), /whsec_[A-Za-z0-9_-]{20,}/, 'the secret is shown once');
  await dialog.getByRole('button', { name: '我已保存密钥' }).click();
  await page.getByRole('row', { name: /http:\/\/127\.0\.0\.1:65500\/gongxiang.*上海市公安局.*启用/ }).waitFor();

  // A new user of the department is a message of its inbox: the webhook is sent it (and fails: nothing listens).
  await page.goto(`${platform.url}/admin/directory`);
  await page.getByRole('cell', { name: 'psb.admin' }).waitFor();
  t.equal(await page.getByRole('cell', { name: 'dsc.admin' }).count(), 0, "a department administrator sees only the department's users");
  await page.getByRole('button', { name: '新建用户' }).click();
  const userDialog = page.getByRole('dialog');
  t.ok(await userDialog.getByLabel('所属部门').isDisabled(), 'the department is their own');
  t.equal(await userDialog.getByRole('checkbox', { name: '审计员' }).count(), 0, 'center roles are not offered');
  await userDialog.getByLabel('用户名').fill('psb.reviewer2');
  await userDialog.getByLabel('姓名').fill('李娜（公安局审核）');
  await userDialog.getByRole('checkbox', { name: '审核人' }).check();
  await userDialog.getByRole('button', { name: /保\s*存/ }).click();
  await userDialog.waitFor({ state: 'hidden' });
  await page.getByRole('row', { name: /psb\.reviewer2.*李娜/ }).waitFor();

  await page.goto(`${platform.url}/admin/webhooks`);
  const deliveries = page.locator('.ant-card').filter({ hasText: '投递记录' });
  await deliveries.getByRole('row', { name: /127\.0\.0\.1:65500\/gongxiang/ }).waitFor({ timeout: 60_000 });
  await choose(page, '投递状态', '投递中', deliveries);
  await page.waitForURL(/status=pending/);
  // Nothing listens there: the attempts fail and are retried, each with its error.
  await deliveries
    .getByRole('row', { name: /127\.0\.0\.1:65500\/gongxiang\s*投递中\s*[1-8]\s*—\s*connect ECONNREFUSED/ })
    .waitFor({ timeout: 60_000 });
  await accessible(t, page, 'webhooks');
  await screenshots(page, 'webhooks');

  await page.getByRole('button', { name: '停用 http://127.0.0.1:65500/gongxiang' }).click();
  await page
    .getByRole('tooltip')
    .getByRole('button', { name: /停\s*用/ })
    .click();
  await page.getByRole('row', { name: /http:\/\/127\.0\.0\.1:65500\/gongxiang.*已停用/ }).waitFor();
});

t.test('the auditor verifies the ledger and finds the calendar publication in it', async (t) => {
  const page = await session();
  await signIn(page, '赵静（中心审计）');
  await page.goto(`${platform.url}/admin/audit`);
  await page.getByRole('button', { name: '校验审计链' }).click();
  await page.getByText(/^审计链完整：已校验 \d+ 条记录$/).waitFor();
  t.match(await page.getByText(/链头摘要/).innerText(), /\d+ 条链，链头摘要 [0-9a-f]{64}/, 'the head digest');
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '保存链头' }).click()]);
  t.match(download.suggestedFilename(), /^审计链头-[0-9a-f]{12}\.json$/);
  const saved = await download.path();
  const kept = JSON.parse(await readFile(saved, 'utf8')) as { head: { chains: { chain: number; seq: number; hash: string }[] } };
  t.ok(kept.head.chains.length > 0, 'the saved head lists the chains’ ends');
  await page.locator('input[type=file][accept*="json"]').setInputFiles(saved);
  await page.getByText('已与保存的链头比对：各链的末尾记录均完好。').waitFor();
  await choose(page, '对象类型', '年度节假日安排');
  await page.waitForURL(/subjectType=CalendarYear/);
  await page.getByRole('row', { name: /王敏（中心管理员）.*公布年度节假日安排.*2027/ }).waitFor();
  await accessible(t, page, 'audit');
  await screenshots(page, 'audit');
});

t.test('the center administrator reads the policy profiles and writes a new version', async (t) => {
  const page = await session();
  await signIn(page, '王敏（中心管理员）');
  await page.goto(`${platform.url}/admin/policies`);
  await page.getByText('shanghai-1515（现行第 2 版）').waitFor();
  t.ok(await page.getByRole('row', { name: /5个工作日通道办理时限\s*5 个工作日/ }).isVisible(), 'the track-5 limit');
  t.ok(
    await page.getByRole('row', { name: /授权到期前提醒\s*25 个工作日/ }).isVisible(),
    'the demo’s second version: reminders 25 days ahead',
  );
  await page.getByText(/告知承诺（现行第 \d+ 版）/).waitFor();
  await accessible(t, page, 'policies');
  await screenshots(page, 'policies');

  await page.getByRole('button', { name: '为 shanghai-1515 新建版本' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('1个工作日通道办理时限（工作日）').fill('6');
  await dialog.getByLabel('补正答复期限（工作日）').fill('12');
  await dialog.getByLabel('修订说明').fill('补正答复期限延长至 12 个工作日');
  await dialog.getByRole('button', { name: /保\s*存/ }).click();
  await dialog.getByText('须满足 1 通道 ≤ 5 通道 ≤ 15 通道').first().waitFor();
  await dialog.getByLabel('1个工作日通道办理时限（工作日）').fill('1');
  await dialog.getByRole('button', { name: /保\s*存/ }).click();
  await dialog.waitFor({ state: 'hidden' });
  await page.getByText('shanghai-1515（现行第 3 版）').waitFor();
  t.ok(await page.getByRole('row', { name: /补正答复期限\s*12 个工作日/ }).isVisible(), 'the new limit is current');

  await page.getByRole('button', { name: '发布新版本' }).click();
  await dialog.getByLabel('承诺文本').fill('短');
  await dialog.getByRole('button', { name: /发\s*布/ }).click();
  await dialog.getByText('承诺文本至少 10 字').waitFor();
  await dialog
    .getByLabel('承诺文本')
    .fill('本部门承诺：所申请的公共数据仅用于申请所述用途，落实数据安全管理责任，期满删除数据，违者依法承担责任。');
  await dialog.getByRole('checkbox', { name: /本文本包含数据安全承诺/ }).uncheck();
  await dialog.getByRole('button', { name: /发\s*布/ }).click();
  await dialog.waitFor({ state: 'hidden' });
  await page.getByText('告知承诺（现行第 2 版）').waitFor();
  t.ok(await page.getByText('不含数据安全承诺', { exact: true }).isVisible(), 'the new text, without the security commitment');
});

t.test('the center operator sees the reconciler repair a request whose workflow was ended, and the auditor reads the run', async (t) => {
  // Made on purpose: an open demo request's workflow ended behind the platform's back.
  const result: unknown = await platform.database.db.execute(
    sql`select id, number from requests where workflow_started_at is not null and state in ('owner_review', 'coordination') order by number limit 1`,
  );
  const [open] = (result as { rows: { id: string; number: string }[] }).rows;
  t.ok(open, 'an open demo request to break');
  await platform.temporal.client.workflow.getHandle(`request-${open!.id}`).terminate('test: ended behind the platform’s back');

  const page = await session();
  await signIn(page, '李强（中心运营）');
  await page.goto(`${platform.url}/admin/reconciliation`);
  await page.getByRole('heading', { name: '流程对账' }).waitFor();
  await page.getByRole('button', { name: '立即对账' }).click();
  await page.getByText('已发起对账，完成后结果显示在下方').waitFor();
  const run = page.getByRole('row', { name: /流程已结束而案件未办结 1/ });
  await run.waitFor({ timeout: 60_000 });
  await run.getByRole('button', { name: /展开行|Expand row/ }).click();
  const repaired = page.getByRole('row', { name: new RegExp(`^共享申请\\s*${open!.id}\\s*流程已结束而案件未办结\\s*启动流程\\s*已修复`) });
  await repaired.waitFor();
  t.equal(
    await repaired.getByRole('link', { name: open!.id }).getAttribute('href'),
    `/requests/${open!.id}`,
    'the case links to its request',
  );
  const described = await platform.temporal.client.workflow.getHandle(`request-${open!.id}`).describe();
  t.equal(described.status.name, 'RUNNING', 'the request’s workflow runs again');
  await accessible(t, page, 'reconciliation');
  await screenshots(page, 'reconciliation');

  // The switch shows the runs that found nothing too; the auditor reads, and cannot start a run.
  await page.getByLabel('显示未发现差异的对账').click();
  await page.waitForURL(/all=1/);
  const auditor = await session();
  await signIn(auditor, '赵静（中心审计）');
  await auditor.goto(`${platform.url}/admin/reconciliation`);
  await auditor
    .getByRole('row', { name: /流程已结束而案件未办结 1/ })
    .first()
    .waitFor();
  t.equal(await auditor.getByRole('button', { name: '立即对账' }).count(), 0, 'no run button for the auditor');
});
