/**
 * Catalogue search with 100,000 datasets: p50/p99 of search and filtered-list requests through
 * the API (HTTP inject, authenticated, contract-checked routes) next to the same query run
 * directly in PostgreSQL, plus EXPLAIN of the search. Needs DATABASE_URL and TEMPORAL_ADDRESS
 * (./scripts/bench starts throwaway servers). Prints the ratio API / SQL.
 */
import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { datasetSearchQuery, searchDatasets } from '../src/catalogue/service.js';
import { systemClock } from '../src/platform/clock.js';
import { loadConfig } from '../src/platform/config.js';
import { createTokenService } from '../src/identity/tokens.js';
import { openDatabase } from '../src/platform/db/client.js';
import { migrateForSettings } from '../src/platform/db/migrate.js';
import { datasets } from '../src/platform/db/schema.js';
import { documentLexemes } from '../src/catalogue/rules/search-terms.js';
import { buildApp } from '../src/server/app.js';
import { toActor } from '../src/identity/actor.js';
import { createDepartmentAs, createUserAs } from '../src/identity/service.js';
import { connectTemporal } from '../src/platform/temporal/connection.js';

const TOTAL = Number(process.env.BENCH_DATASETS ?? 100_000);
const RUNS = 200;
const config = loadConfig({ ...process.env, TOKEN_SIGNING_KEYS: `bench:${randomBytes(32).toString('base64')}`, LOG_LEVEL: 'silent' });
const database = await openDatabase(config.database);
await migrateForSettings(config.database, database);
const db = database.db;
const seed = { actor: { kind: 'system', role: 'script' } as const, now: new Date() };
const tag = randomBytes(3).toString('hex').toUpperCase();
const owner = await createDepartmentAs(db, { code: `BENCH-${tag}`, name: `基准测试部门${tag}`, level: 'city' }, seed);
const reader = await createUserAs(
  db,
  { username: `bench.${tag.toLowerCase()}`, displayName: '基准', departmentId: owner.id, roles: ['requester'] },
  seed,
);

// 100,000 published entries with realistic Chinese names built from common catalogue words.
const subjects = [
  '人口',
  '法人',
  '社保',
  '医保',
  '户籍',
  '婚姻',
  '不动产',
  '纳税',
  '学籍',
  '公积金',
  '车辆',
  '驾驶证',
  '营业执照',
  '低保',
  '就业',
  '养老',
  '残疾人',
  '出生',
  '死亡',
  '房屋',
];
const kinds = ['基本信息', '登记信息', '缴纳记录', '变更记录', '核验结果', '许可证信息', '统计数据', '明细'];
const fieldsPool = ['姓名', '公民身份号码', '统一社会信用代码', '地址', '日期', '金额', '状态', '编号'];
const sharing = ['unconditional', 'conditional', 'not_shareable'] as const;
const started = performance.now();
for (let offset = 0; offset < TOTAL; offset += 2000) {
  const rows = Array.from({ length: Math.min(2000, TOTAL - offset) }, (_, k) => {
    const i = offset + k;
    const name = `${subjects[i % subjects.length]}${kinds[(i >> 3) % kinds.length]}${i}`;
    return {
      code: `B${tag}-${i}`,
      ownerDepartmentId: owner.id,
      lifecycle: 'published' as const,
      currentVersion: 1,
      aggregated: i % 3 === 0,
      name,
      sharingType: sharing[i % 3]!,
      libraryKind: ['basic', 'thematic', 'special', 'department'][i % 4]!,
      searchLexemes: documentLexemes(name, `${name}的说明`, fieldsPool[i % fieldsPool.length]),
      createdAt: seed.now,
      updatedAt: seed.now,
    };
  });
  await db.insert(datasets).values(rows);
}
await db.execute(sql`analyze datasets`);
console.log(`inserted ${TOTAL.toLocaleString('en-US')} datasets in ${((performance.now() - started) / 1000).toFixed(1)} s`);

const temporal = connectTemporal(config.temporal);
const app = await buildApp({ config, database, temporal, clock: systemClock, version: 'bench' });
await app.ready();
const { token } = await createTokenService(config.tokens).issue({ userId: reader.id }, new Date());
const ctx = { db, actor: toActor(reader, owner), requestId: 'bench', now: new Date() };

const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;
async function time(fn: () => Promise<unknown>): Promise<number[]> {
  for (let i = 0; i < 10; i++) await fn();
  const out: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    await fn();
    out.push(performance.now() - t0);
  }
  return out;
}

const cases = [
  {
    name: 'search "社保" (5 % of rows)',
    url: `/api/v1/datasets?q=${encodeURIComponent('社保')}&limit=50`,
    search: { q: '社保', limit: 51 },
  },
  {
    name: 'search "信息" (37 % of rows)',
    url: `/api/v1/datasets?q=${encodeURIComponent('信息')}&limit=50`,
    search: { q: '信息', limit: 51 },
  },
  {
    name: 'search "户籍 登记"',
    url: `/api/v1/datasets?q=${encodeURIComponent('户籍 登记')}&limit=50`,
    search: { q: '户籍 登记', limit: 51 },
  },
  {
    name: 'filter conditional+aggregated',
    url: '/api/v1/datasets?sharingType=conditional&aggregated=true&limit=50',
    search: { sharingType: 'conditional' as const, aggregated: true, limit: 51 },
  },
];
console.log('case                              API p50   API p99   SQL p50   SQL p99   ratio p50');
for (const c of cases) {
  const api = await time(async () => {
    const res = await app.inject({ method: 'GET', url: c.url, headers: { authorization: `Bearer ${token}` } });
    if (res.statusCode !== 200) throw new Error(res.body);
  });
  const direct = await time(() => searchDatasets(ctx, c.search));
  const p = (xs: number[], q: number) => `${percentile(xs, q).toFixed(2).padStart(6)}ms`;
  console.log(
    `${c.name.padEnd(32)} ${p(api, 50)} ${p(api, 99)} ${p(direct, 50)} ${p(direct, 99)}   ${(percentile(api, 50) / percentile(direct, 50)).toFixed(2)}x`,
  );
}
const plan = await db.execute(sql`explain analyze ${datasetSearchQuery(ctx, { q: '社保', limit: 51 })}`);
const lines = ((plan as { rows: { 'QUERY PLAN': string }[] }).rows ?? []).map((r) => r['QUERY PLAN']);
console.log('\nEXPLAIN ANALYZE (search "社保"):\n' + lines.join('\n'));
await app.close();
await temporal.close();
// BENCH_KEEP_DATA=1 keeps the rows for looking at plans by hand afterwards.
if (!process.env.BENCH_KEEP_DATA) await db.execute(sql`delete from datasets where owner_department_id = ${owner.id}`);
await database.close();
