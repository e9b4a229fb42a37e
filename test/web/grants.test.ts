/**
 * Grants in the console, in a real browser against the real platform seeded with the demo data
 * (the public-security bureau holds a grant on the human-resources bureau's social-insurance data,
 * used 18 times by the exchange, once beyond it; the market regulator's one-month grant on employment
 * records is in its reminder window): the owner sees who holds its data, how it was used, and
 * suspends the grant with a reason; the market regulator renews its expiring grant — a draft request
 * prefilled from it; the center reads the monthly usage report and the supervision notices.
 */
import { and, eq } from 'drizzle-orm';
import t from 'tap';
import { datasets, grants } from '../../src/platform/db/schema.js';
import { accessible, screenshots, startConsole } from '../helpers/browser.js';

t.setTimeout(600_000);
const { platform, session, signIn } = await startConsole(t, new URL('../../.tap/web-grants/', import.meta.url).pathname);
const db = platform.database.db;
const [grant] = await db
  .select({ id: grants.id, number: grants.number })
  .from(grants)
  .innerJoin(datasets, eq(datasets.id, grants.datasetId))
  .where(and(eq(datasets.code, 'HRSS-SB-001'), eq(grants.state, 'active')));
if (!grant) throw new Error('the demo has no grant on HRSS-SB-001');
/** The demo's one-month grant, once its workflow has sent the reminder (at once: 25 working days ahead). */
async function expiringGrant() {
  for (let i = 0; i < 100; i++) {
    const [row] = await db
      .select({ id: grants.id, number: grants.number, state: grants.state, validFrom: grants.validFrom, validTo: grants.validTo })
      .from(grants)
      .innerJoin(datasets, eq(datasets.id, grants.datasetId))
      .where(eq(datasets.code, 'HRSS-JY-002'));
    if (row?.state === 'expiring') return row;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error('the demo grant on HRSS-JY-002 was not reminded');
}

t.test('the owner sees who holds its data and suspends a grant', async (t) => {
  const page = await session();
  await signIn(page, '秦川（人社局审核）');
  await page.getByRole('menuitem', { name: '数据授权' }).click();
  await page.getByRole('tab', { name: '本部门数据的授权' }).click();
  const row = page.getByRole('row', { name: new RegExp(grant.number) });
  await row.waitFor();
  t.match(await row.innerText(), /上海市公安局/, 'the holder');
  t.match(await row.innerText(), /姓名、公民身份号码、缴费月份/, 'the fields it holds');
  await accessible(t, page, 'grants on my data');
  await screenshots(page, 'grants-owned');

  await row.getByRole('link', { name: grant.number }).click();
  await page.getByRole('heading', { name: new RegExp(`授权 ${grant.number}`) }).waitFor();
  await page.getByText('校验 18 次：通过 17 次，拒绝 1 次').waitFor();
  t.ok(await page.getByText(/超出授权字段 1 次/).isVisible(), 'the attempt beyond the grant, by its reason');
  await page.getByRole('button', { name: '暂停授权' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByRole('button', { name: /确\s*认/ }).click();
  await dialog.getByText('请填写理由').waitFor();
  await dialog.getByLabel('理由').fill('发现接口调用超出授权字段，暂停核查');
  await dialog.getByRole('button', { name: /确\s*认/ }).click();
  await dialog.waitFor({ state: 'hidden' });
  await page.getByRole('heading', { name: /已暂停/ }).waitFor();
  t.ok(await page.getByText('理由：发现接口调用超出授权字段，暂停核查').isVisible(), 'the reason in the history');
  t.ok(await page.getByRole('button', { name: '恢复授权' }).isVisible(), 'it may be resumed');
  await accessible(t, page, 'a suspended grant');
  await screenshots(page, 'grant-suspended');
});

t.test('the holder renews an expiring grant: a draft prefilled from it', async (t) => {
  const expiring = await expiringGrant();
  const page = await session();
  await signIn(page, '冯洁（市场监管局申请）');
  await page.goto(`${platform.url}/grants`);
  await page.getByRole('tab', { name: '本部门持有的授权', selected: true }).waitFor();
  const row = page.getByRole('row', { name: new RegExp(expiring.number) });
  t.match(await row.innerText(), /即将到期/, 'listed as expiring');
  await row.getByRole('link', { name: expiring.number }).click();
  await page.getByRole('heading', { name: new RegExp(`授权 ${expiring.number}`) }).waitFor();
  t.ok(await page.getByText(/如需继续使用，请申请续期/).isVisible(), 'the page asks for a renewal');
  // Instants read as everywhere in the console: Shanghai time, to the minute.
  const inShanghai = (ms: number) => new Date(ms + 8 * 3_600_000).toISOString();
  const from = inShanghai(expiring.validFrom.getTime());
  const lastDay = inShanghai(expiring.validTo!.getTime() - 1).slice(0, 10);
  t.ok(await page.getByText(`${from.slice(0, 10)} ${from.slice(11, 16)} 至 ${lastDay}`).isVisible(), 'the validity period');
  t.notOk(await page.getByRole('button', { name: '暂停授权' }).isVisible(), 'the holder does not suspend');
  await accessible(t, page, 'an expiring grant');
  await screenshots(page, 'grant-expiring');
  await page.getByRole('button', { name: '申请续期' }).click();
  await page.waitForURL(/\/requests\/[0-9a-f-]{36}$/);
  await page.getByText('草稿', { exact: true }).first().waitFor();
  t.ok(await page.getByText('姓名、公民身份号码、就业状态').first().isVisible(), 'the fields of the grant');
  await accessible(t, page, 'the renewal draft');
  await screenshots(page, 'grant-renewal-draft');
  await page.goto(`${platform.url}/grants/${expiring.id}`);
  await page.getByRole('link', { name: '续期申请办理中' }).waitFor();
  t.notOk(await page.getByRole('button', { name: '申请续期' }).isVisible(), 'one renewal at a time');
});

t.test('the center lists every grant and reads the monthly usage report', async (t) => {
  const page = await session();
  await signIn(page, '李强（中心运营）');
  await page.goto(`${platform.url}/grants`);
  await page.getByRole('tab', { name: '全部授权', selected: true }).waitFor();
  await page.getByRole('link', { name: grant.number }).waitFor();
  await accessible(t, page, 'all grants');
  await page.getByRole('link', { name: '使用情况月报' }).click();
  await page.getByRole('heading', { name: '授权使用情况月报' }).waitFor();
  await page.getByText('按需求部门').waitFor();
  const hrss = page.getByRole('row', { name: /上海市人力资源和社会保障局/ }).first();
  // allInnerTexts does not wait: the heading renders before the report's rows arrive.
  await hrss.waitFor();
  t.same(
    await hrss.getByRole('cell').allInnerTexts(),
    ['上海市人力资源和社会保障局', '0', '0', '0', '0', '1'],
    'the human-resources bureau: no grant used this month, and one attempt without a grant',
  );
  t.ok(await page.getByRole('button', { name: /导出 XLSX/ }).isVisible(), 'the report downloads as XLSX');
  await accessible(t, page, 'the monthly usage report');
  await screenshots(page, 'grant-usage-report');

  await page.goto(`${platform.url}/grants`);
  await page.getByRole('link', { name: '安全监管提示' }).click();
  await page.getByRole('heading', { name: '安全监管提示' }).waitFor();
  const beyond = page.getByRole('row', { name: /超出授权字段（缴费基数）/ });
  await beyond.waitFor();
  t.match(await beyond.innerText(), /上海市公安局[\s\S]*社保缴纳记录[\s\S]*上海市人力资源和社会保障局/, 'who, on whose data');
  t.ok(await beyond.getByRole('link', { name: grant.number }).isVisible(), 'the grant it was outside');
  const without = page.getByRole('row', { name: /无授权/ });
  t.match(
    await without.innerText(),
    /上海市人力资源和社会保障局[\s\S]*PSB-RK-001[\s\S]*\t无\t1/,
    'an attempt without a grant, once that day',
  );
  await accessible(t, page, 'supervision notices');
  await screenshots(page, 'grant-use-flags');
});
