import t from 'tap';
import { startTestApp } from '../helpers/app.js';
import { openMigratedFreshDatabase } from '../helpers/db.js';
import { bearer, createTestWorld } from '../helpers/identity.js';

// Issue #12, item 10: a newcomer searches the catalogue by the code printed next to a dataset.
// A database of its own, so the demo's codes (AMR-FR-001 …) are this file's alone.
const { handle } = await openMigratedFreshDatabase(t, 4);
const harness = await startTestApp({ database: handle });
t.teardown(harness.close);
const { app, config } = harness;
const world = await createTestWorld(handle.db);

const content = (name: string, description: string) => ({
  name,
  description,
  libraryKind: 'department',
  updateFrequency: '每日',
  sourceSystem: '业务系统',
  fields: [{ name: '统一社会信用代码', type: 'string', description: '', sensitivity: 'public' }],
  sharingType: 'unconditional',
});

const catalogued: [code: string, name: string, description: string][] = [
  ['AMR-FR-001', '法人基本信息', '企业及其他市场主体登记注册信息'],
  ['AMR-XK-002', '食品经营许可证信息', '食品经营许可电子证照'],
  ['AMRX-003', '广告监测信息', '广告监测记录'],
  // AMR inside the code but not at its start.
  ['PSB-AMR-004', '人口基本信息', '本市户籍及常住人口的基本身份信息'],
  // AMR as a word of the description only.
  ['HRSS-SB-001', '社保缴纳记录', '参保单位名称取自 AMR 登记系统'],
  ['TAX-XY-001', '纳税信用等级', '纳税人年度纳税信用评价结果'],
];
t.before(async () => {
  const headers = await bearer(config, world.marketAdmin);
  for (const [code, name, description] of catalogued) {
    const created = await app.inject({
      method: 'POST',
      url: '/api/v1/datasets',
      headers,
      payload: { code, content: content(name, description) },
    });
    if (created.statusCode !== 201) throw new Error(created.body);
    const id = created.json<{ dataset: { id: string } }>().dataset.id;
    await app.inject({ method: 'POST', url: `/api/v1/datasets/${id}/lifecycle`, headers, payload: { to: 'published' } });
  }
});

const search = async (query: string) => {
  const res = await app.inject({ method: 'GET', url: `/api/v1/datasets?${query}`, headers: await bearer(config, world.policeRequester) });
  if (res.statusCode !== 200) throw new Error(res.body);
  return res.json<{ items: { code: string }[]; nextCursor: string | null }>();
};
const codes = async (q: string) => (await search(`q=${encodeURIComponent(q)}`)).items.map((d) => d.code).sort();

t.test('a dataset code, or its beginning, finds the dataset in any case', async (t) => {
  t.same(await codes('amr-fr'), ['AMR-FR-001'], 'q=amr-fr finds AMR-FR-001');
  t.same(await codes('AMR-FR-001'), ['AMR-FR-001'], 'the whole code');
  t.same(await codes('Amr-Xk'), ['AMR-XK-002'], 'mixed case');
  t.same(await codes('ａｍｒ－ｆｒ'), ['AMR-FR-001'], 'full-width forms, as a Chinese input method types them');
  t.same(await codes(' amr-fr '), ['AMR-FR-001'], 'surrounding spaces');
});

t.test('q=AMR finds every dataset whose code starts with AMR, and still what mentions AMR', async (t) => {
  const found = await codes('AMR');
  for (const code of ['AMR-FR-001', 'AMR-XK-002', 'AMRX-003']) t.ok(found.includes(code), `${code} starts with AMR`);
  t.ok(found.includes('HRSS-SB-001'), 'the description names AMR: matched by its words as before');
  t.notOk(found.includes('PSB-AMR-004'), 'AMR inside a code is no prefix of it');
  t.notOk(found.includes('TAX-XY-001'));
  t.same(await codes('amr'), found, 'lower case alike');
});

t.test('names and descriptions are searched as before; a code prefix combines with filters and pages', async (t) => {
  t.same(await codes('纳税'), ['TAX-XY-001']);
  t.same(await codes('食品 许可'), ['AMR-XK-002']);
  t.same(await codes('XY'), [], 'a code infix that is no word of the entry matches nothing');
  t.same(await codes('登记系统 AMR'), ['HRSS-SB-001'], 'several words: all must match, no code test');
  const paged: string[] = [];
  let cursor: string | null = null;
  do {
    const page = await search(`q=AMR&sort=code&limit=1${cursor ? `&cursor=${cursor}` : ''}`);
    paged.push(...page.items.map((d) => d.code));
    cursor = page.nextCursor;
  } while (cursor && paged.length < 10);
  t.same([...paged].sort(), await codes('AMR'), 'cursor pages in code order neither skip nor repeat');
  t.same((await search(`q=amr&ownerDepartmentId=${world.police.id}`)).items, [], 'filters still apply');
});
