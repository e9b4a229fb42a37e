/**
 * Grants at city scale: the exchange's check (p99 goal 10 ms through the API, service-key
 * authenticated, its usage record group-committed before it answers) at 1,000 active grants on one
 * dataset, and the per-grant usage view over 10,000,000 usage records (the daily counts), next to
 * the same figures from a plain scan of the records. The history comes from bench/dashboard-data.ts
 * (requests and their grants); the benchmark then puts 1,000 active grants on one dataset and
 * generates the usage records straight into PostgreSQL. Needs DATABASE_URL (a superuser) and
 * TEMPORAL_ADDRESS; ./scripts/bench starts throwaway servers.
 *
 * BENCH_REQUESTS (default 20,000) sizes the history, BENCH_USAGE (10,000,000) the usage records,
 * BENCH_RUNS (2,000) the check runs, BENCH_VIEW_RUNS (200) the usage-view runs.
 */
import { createHash, randomBytes } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { sql } from 'drizzle-orm';
import { generateDashboardHistory } from './dashboard-data.js';
import { findUserByUsername } from '../src/identity/service.js';
import { createTokenService } from '../src/identity/tokens.js';
import { systemClock } from '../src/platform/clock.js';
import { loadConfig } from '../src/platform/config.js';
import { openDatabase } from '../src/platform/db/client.js';
import { migrateForSettings } from '../src/platform/db/migrate.js';
import { connectTemporal } from '../src/platform/temporal/connection.js';
import { buildApp } from '../src/server/app.js';

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 20_000);
const USAGE = Number(process.env.BENCH_USAGE ?? 10_000_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 2_000);
const VIEW_RUNS = Number(process.env.BENCH_VIEW_RUNS ?? 200);
const GRANTS = 1_000;
const CHECK_GOAL_MS = 10;

const config = loadConfig({ ...process.env, TOKEN_SIGNING_KEYS: `bench:${randomBytes(32).toString('base64')}`, LOG_LEVEL: 'silent' });
const database = await openDatabase(config.database);
await migrateForSettings(config.database, database);
const db = database.db;
const rows = async <T extends Record<string, unknown>>(query: ReturnType<typeof sql>): Promise<T[]> => {
  const result = await db.execute<T>(query);
  return (result as { rows: T[] }).rows;
};
const clock = () => performance.now();

console.log(`generating ${REQUESTS.toLocaleString('en-US')} requests and their grants …`);
await generateDashboardHistory(db, { requests: REQUESTS });

// 1,000 active grants on the dataset holding the most, valid now, numbered as the platform numbers them.
let t0 = clock();
const [target] = await rows<{ id: string }>(sql`select dataset_id as id from grants group by 1 order by count(*) desc limit 1`);
await db.execute(sql`
  with picked as (select id from grants order by created_at desc limit ${GRANTS})
  update grants set dataset_id = ${target!.id}, state = 'active', valid_from = now() - interval '300 days', valid_to = now() + interval '90 days'
  where id in (select id from picked)`);
await db.execute(sql`
  with numbered as (select id, row_number() over (order by created_at, id) as n from grants)
  update grants g set number = 'SQ-2099-' || lpad(numbered.n::text, 6, '0') from numbered where numbered.id = g.id`);
const holders = await rows<{ id: string; department: string }>(
  sql`select id, requester_department_id as department from grants where dataset_id = ${target!.id} and state = 'active' order by id`,
);
// A department that holds nothing on it (every fixture department may hold a grant there).
const outsiders = await rows<{ id: string }>(
  sql`insert into departments (code, name, level, created_at, updated_at) values (${`BENCH-${Date.now()}`}, '基准测试无授权部门', 'city', now(), now()) returning id`,
);
console.log(
  `${holders.length} active grants on one dataset, ${new Set(holders.map((h) => h.department)).size} holder departments (${((clock() - t0) / 1000).toFixed(1)} s)`,
);

// The exchange's service client, registered as the center administrator would (only the hash kept).
const secret = randomBytes(32).toString('base64url');
const [client] = await rows<{ id: string }>(sql`
  insert into service_clients (name, key_hash, created_at) values (${`bench-gateway-${Date.now()}`}, ${createHash('sha256').update(secret).digest('hex')}, now())
  returning id`);
const serviceKey = `gxs_${client!.id}.${secret}`;

// 10 M usage records over the last year: one grant in ten draws a tenth of them (a busy one).
t0 = clock();
await db.execute(sql`select ensure_grant_usage_partitions((now() - interval '13 months')::date, 15)`);
await db.execute(sql`drop table if exists bench_holders`);
await db.execute(sql`create unlogged table bench_holders as
  select row_number() over (order by id) - 1 as i, id, requester_department_id as department, dataset_id as dataset
  from grants where dataset_id = ${target!.id} and state = 'active'`);
const CHUNK = 1_000_000;
for (let done = 0; done < USAGE; done += CHUNK) {
  const n = Math.min(CHUNK, USAGE - done);
  await db.execute(sql`
    insert into grant_usage (checked_at, client_id, grant_id, department_id, dataset_id, fields, allowed, reason, fields_outside)
    select now() - random() * interval '365 days', ${client!.id}::uuid, h.id, h.department, h.dataset,
           case when s % 7 = 0 then array['姓名', '户籍地址'] else array['姓名'] end,
           s % 7 <> 0, case when s % 7 = 0 then 'fields_outside_grant' end,
           case when s % 7 = 0 then array['户籍地址'] else '{}' end
    from generate_series(${done + 1}::bigint, ${done + n}::bigint) s
    join bench_holders h on h.i = case when s % 10 = 0 then 0 else s % ${holders.length}::int end`);
  console.log(`  ${(done + n).toLocaleString('en-US')} usage records (${((clock() - t0) / 1000).toFixed(0)} s)`);
}
await db.execute(sql`
  insert into grant_usage_daily (day, grant_id, department_id, dataset_id, allowed, reason, checks)
  select (checked_at at time zone 'Asia/Shanghai')::date, grant_id, department_id, dataset_id, allowed, coalesce(reason, ''), count(*)
  from grant_usage group by 1, 2, 3, 4, 5, 6
  on conflict on constraint grant_usage_daily_key do update set checks = grant_usage_daily.checks + excluded.checks`);
await db.execute(sql`
  insert into grant_usage_field_daily (day, grant_id, department_id, dataset_id, field, allowed, uses)
  select (checked_at at time zone 'Asia/Shanghai')::date, grant_id, department_id, dataset_id, f, allowed, count(*)
  from grant_usage, unnest(fields) f group by 1, 2, 3, 4, 5, 6
  on conflict on constraint grant_usage_field_daily_key do update set uses = grant_usage_field_daily.uses + excluded.uses`);
await db.execute(sql`analyze`);
const [size] = await rows<{ records: string; bytes: string }>(
  sql`select (select count(*) from grant_usage) as records, pg_total_relation_size('grant_usage_default') + coalesce((select sum(pg_total_relation_size(inhrelid)) from pg_inherits where inhparent = 'grant_usage'::regclass), 0) as bytes`,
);
console.log(
  `usage: ${Number(size!.records).toLocaleString('en-US')} records, ${(Number(size!.bytes) / 2 ** 30).toFixed(2)} GB, generated in ${((clock() - t0) / 1000).toFixed(0)} s`,
);

const temporal = connectTemporal(config.temporal);
const app = await buildApp({ config, database, temporal, clock: systemClock, version: 'bench' });
await app.ready();
const operator = await findUserByUsername(db, 'dsc.operator');
if (!operator) throw new Error('the identity seed creates dsc.operator (center_operator)');
const token = (await createTokenService(config.tokens).issue({ userId: operator.id }, new Date())).token;

const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;
async function time(runs: number, fn: (i: number) => Promise<unknown>): Promise<number[]> {
  for (let i = 0; i < 20; i++) await fn(i);
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = clock();
    await fn(i);
    out.push(clock() - start);
  }
  return out;
}
const results: Array<{ name: string; ms: number[]; goal?: number }> = [];
const check = (body: object) => async () => {
  const res = await app.inject({ method: 'POST', url: '/api/v1/exchange/checks', headers: { 'x-service-key': serviceKey }, payload: body });
  if (res.statusCode !== 200) throw new Error(`check answered ${res.statusCode}: ${res.body}`);
};
const holder = (i: number) => holders[(i * 7919) % holders.length]!;
results.push({
  name: 'check, allowed (a holder of one of 1,000 grants)',
  ms: await time(RUNS, (i) => check({ departmentId: holder(i).department, datasetId: target!.id, fields: ['姓名'] })()),
  goal: CHECK_GOAL_MS,
});
results.push({
  name: 'check, denied (a field outside the grant)',
  ms: await time(RUNS, (i) => check({ departmentId: holder(i).department, datasetId: target!.id, fields: ['姓名', '婚姻状况'] })()),
  goal: CHECK_GOAL_MS,
});
results.push({
  name: 'check, denied (no grant)',
  ms: await time(RUNS, (i) => check({ departmentId: outsiders[i % outsiders.length]!.id, datasetId: target!.id, fields: ['姓名'] })()),
  goal: CHECK_GOAL_MS,
});
const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
const yearAgo = new Date(Date.now() + 8 * 3600_000 - 364 * 86_400_000).toISOString().slice(0, 10);
const view = (grantId: string) => async () => {
  const res = await app.inject({
    method: 'GET',
    url: `/api/v1/grants/${grantId}/usage?from=${yearAgo}&to=${today}`,
    headers: { authorization: `Bearer ${token}` },
  });
  if (res.statusCode !== 200) throw new Error(`usage answered ${res.statusCode}: ${res.body}`);
};
const busy = await rows<{ id: string }>(sql`select id from bench_holders where i = 0`);
results.push({ name: 'usage view, the busiest grant (~1.1 M records), a year', ms: await time(VIEW_RUNS, view(busy[0]!.id)) });
results.push({ name: 'usage view, any grant (~9 k records), a year', ms: await time(VIEW_RUNS, (i) => view(holder(i).id)()) });
// The same figures by a plain scan of the records (what the daily counts buy).
const scan = (grantId: string) => async () =>
  db.execute(sql`
    select (checked_at at time zone 'Asia/Shanghai')::date, allowed, reason, count(*) from grant_usage
    where grant_id = ${grantId} and checked_at >= now() - interval '365 days' group by 1, 2, 3`);
results.push({ name: 'scan of the records, the busiest grant', ms: await time(10, scan(busy[0]!.id)) });
results.push({ name: 'scan of the records, any grant', ms: await time(50, (i) => scan(holder(i).id)()) });

console.log(
  `\n${cpus().length} CPUs, load ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
console.log('case'.padEnd(58) + 'runs'.padStart(6) + 'p50 ms'.padStart(9) + 'p99 ms'.padStart(9) + '  goal');
for (const r of results) {
  const p99 = percentile(r.ms, 99);
  const verdict = r.goal ? (p99 < r.goal ? `< ${r.goal} ms: met` : `< ${r.goal} ms: MISSED`) : '';
  console.log(
    r.name.padEnd(58) +
      String(r.ms.length).padStart(6) +
      percentile(r.ms, 50).toFixed(2).padStart(9) +
      p99.toFixed(2).padStart(9) +
      `  ${verdict}`,
  );
}
const p50 = (i: number) => percentile(results[i]!.ms, 50);
console.log(
  `\nthe daily counts against the scan of the records (p50): the busiest grant ${(p50(5) / p50(3)).toFixed(1)}×, any grant ${(p50(6) / p50(4)).toFixed(1)}×`,
);
await app.close();
await temporal.close();
await database.close();
