/**
 * The SLA dashboard with a year of city-scale history: p50/p99 of every dashboard endpoint through
 * the API (HTTP inject, authenticated, contract-checked routes), for a month and for the year,
 * next to the same figure computed by a plain scan of the view `request_fact_source` instead of
 * the maintained `request_facts` table (what the maintained aggregate buys). The history is
 * generated straight into PostgreSQL first (bench/dashboard-data.ts). Needs DATABASE_URL (a
 * superuser: the load disables the facts' triggers) and TEMPORAL_ADDRESS; ./scripts/bench starts
 * throwaway servers.
 *
 * BENCH_REQUESTS (default 1,000,000) sets the history's size, BENCH_RUNS (200) the API runs per
 * case, BENCH_SCAN_RUNS (5) the timed scans per figure, BENCH_CASE_SECONDS (30) the time a case
 * may spend on its runs before it stops short (printed: a slow case's percentiles then come from
 * fewer runs; its miss is never hidden). BENCH_REUSE=1 measures the history an earlier run left in
 * the database (given by DATABASE_URL) instead of generating one; BENCH_CASES (a regular
 * expression over "endpoint period") measures only the cases it matches.
 */
import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { cpus, loadavg } from 'node:os';
import { existingHistory, generateDashboardHistory, type HistoryReport } from './dashboard-data.js';
import { StepFigures } from '../src/dashboard/open-steps.js';
import { dashboardFigures, rowsOf, type Scope } from '../src/dashboard/queries.js';
import { findUserByUsername } from '../src/identity/service.js';
import { createTokenService } from '../src/identity/tokens.js';
import { systemClock } from '../src/platform/clock.js';
import { loadConfig } from '../src/platform/config.js';
import { openDatabase } from '../src/platform/db/client.js';
import { migrateForSettings } from '../src/platform/db/migrate.js';
import { connectTemporal } from '../src/platform/temporal/connection.js';
import { buildApp } from '../src/server/app.js';

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 1_000_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 200);
const SCAN_RUNS = Number(process.env.BENCH_SCAN_RUNS ?? 5);
const FACT_RUNS = 50;
const GOAL_MS = 200;
/** Seconds of timed runs per case before a slow case stops short of its runs (see `time`). */
const CASE_BUDGET = Number(process.env.BENCH_CASE_SECONDS ?? 30);

const config = loadConfig({ ...process.env, TOKEN_SIGNING_KEYS: `bench:${randomBytes(32).toString('base64')}`, LOG_LEVEL: 'silent' });
const database = await openDatabase(config.database);
await migrateForSettings(config.database, database);
const db = database.db;

const reused = process.env.BENCH_REUSE === '1' ? await existingHistory(db) : null;
if (!reused) console.log(`generating ${REQUESTS.toLocaleString('en-US')} requests over the year before now …`);
const history = reused ?? (await generateDashboardHistory(db, { requests: REQUESTS, log: (line) => console.log(line) }));
printHistory(history);

const temporal = connectTemporal(config.temporal);
const app = await buildApp({ config, database, temporal, clock: systemClock, version: 'bench' });
await app.ready();
const tokens = createTokenService(config.tokens);
const operator = await findUserByUsername(db, 'dsc.operator');
if (!operator) throw new Error('the identity seed creates dsc.operator (center_operator)');
const centerToken = (await tokens.issue({ userId: operator.id }, new Date())).token;
const departmentToken = (await tokens.issue({ userId: history.busiestDepartment.userId }, new Date())).token;

// The periods: the last whole month, and the 365 days up to today (Asia/Shanghai).
const today = shanghaiDate(history.now);
const monthStart = `${previousMonth(today)}-01`;
const monthEnd = addDays(`${today.slice(0, 7)}-01`, -1);
const periods = {
  month: { from: monthStart, to: monthEnd, label: `month ${monthStart.slice(0, 7)}` },
  year: { from: addDays(today, -364), to: today, label: `year to ${today}` },
};
const busiest = history.busiestDepartment.id;

const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;

/**
 * Latencies of `runs` sequential calls after `warmUp` calls. A case far over the goal would take
 * hours at 200 runs: once `budget` seconds are spent (and at least `minRuns` ran) it stops, and
 * the table says how many runs its percentiles come from.
 */
async function time(
  fn: () => Promise<unknown>,
  { runs, warmUp, budget, minRuns }: { runs: number; warmUp: number; budget: number; minRuns: number },
): Promise<number[]> {
  for (let i = 0; i < warmUp; i++) await fn();
  const out: number[] = [];
  const started = performance.now();
  for (let i = 0; i < runs; i++) {
    if (out.length >= minRuns && performance.now() - started > budget * 1000) break;
    const t0 = performance.now();
    await fn();
    out.push(performance.now() - t0);
  }
  return out;
}

interface Case {
  endpoint: string;
  period: string;
  url: string;
  token: string;
  /** The same figure from the query module, over the facts and over the plain scan. */
  figure?: (source: 'facts' | 'scan') => Promise<unknown>;
  /** Measured while the last days are marked stale (see below). */
  stale?: boolean;
}

const scopeOf = (
  period: { from: string; to: string },
  narrowed: Partial<Pick<Scope, 'departmentId' | 'districtId' | 'track'>> = {},
): Scope => ({
  from: period.from,
  to: period.to,
  departmentId: null,
  districtId: null,
  track: null,
  ...narrowed,
  today,
  now: history.now,
});
const figures = { facts: dashboardFigures(db, 'facts'), scan: dashboardFigures(db, 'scan') };

const steps = new StepFigures(db);
/** The center's and the authority's steps done in the period by a plain scan of the step view (what `request_step_days` saves). */
const stepsByScan = (period: { from: string; to: string }) =>
  db.execute(sql`select v.step, sum(v.handled)::int as handled, sum(v.breached)::int as breached,
      (sum(v.working_days)::numeric / nullif(sum(v.handled), 0))::float8 as average
    from request_step_day_source v where v.day between ${period.from}::date and ${period.to}::date group by v.step`);
// The district with the most requests' owners (a district filter), for the filtered cases.
const [{ id: district } = { id: '' }] = rowsOf<{ id: string }>(
  await db.execute(sql`select owner_district_id as id from request_facts where owner_district_id is not null
    group by 1 order by count(*) desc limit 1`),
);

const cases: Case[] = [];
for (const [name, period] of Object.entries(periods)) {
  const q = `from=${period.from}&to=${period.to}`;
  cases.push(
    {
      endpoint: 'getDashboardOverview',
      period: name,
      url: `/api/v1/dashboard/overview?${q}`,
      token: centerToken,
      figure: (s) => figures[s].overview(scopeOf(period)),
    },
    {
      endpoint: 'getDashboardDepartments',
      period: name,
      url: `/api/v1/dashboard/departments?${q}`,
      token: centerToken,
      figure: (s) => figures[s].departments(scopeOf(period)),
    },
    {
      endpoint: 'listDashboardItems (first page)',
      period: name,
      url: `/api/v1/dashboard/items?${q}&limit=50`,
      token: centerToken,
      figure: (s) => figures[s].items(scopeOf(period), { side: 'owner' }, { limit: 51 }),
    },
    {
      endpoint: 'listDashboardItems (departmentId)',
      period: name,
      url: `/api/v1/dashboard/items?${q}&departmentId=${busiest}&limit=50`,
      token: centerToken,
      figure: (s) => figures[s].items(scopeOf(period, { departmentId: busiest }), { side: 'owner' }, { limit: 51 }),
    },
    {
      endpoint: 'getDashboardParties',
      period: name,
      url: `/api/v1/dashboard/parties?${q}`,
      token: centerToken,
      figure: (s) => (s === 'facts' ? steps.parties(scopeOf(period)) : stepsByScan(period)),
    },
    {
      endpoint: 'getDashboardTrends',
      period: name,
      url: `/api/v1/dashboard/trends?${q}`,
      token: centerToken,
      figure: (s) => figures[s].trends(scopeOf(period)),
    },
    {
      endpoint: 'exportDashboardTable (departments, xlsx)',
      period: name,
      url: `/api/v1/dashboard/export?table=departments&format=xlsx&${q}`,
      token: centerToken,
    },
  );
}
cases.push(
  { endpoint: 'listDashboardOpenItems', period: 'now', url: '/api/v1/dashboard/open-items?limit=50', token: centerToken },
  { endpoint: 'getDashboardSupervision', period: 'now', url: '/api/v1/dashboard/supervision', token: centerToken },
  {
    endpoint: 'getMonthlyEvaluation (json)',
    period: 'month',
    url: `/api/v1/dashboard/evaluation?month=${monthStart.slice(0, 7)}&format=json`,
    token: centerToken,
  },
  {
    endpoint: `department user: overview (${history.busiestDepartment.code})`,
    period: 'month',
    url: `/api/v1/dashboard/overview?from=${periods.month.from}&to=${periods.month.to}`,
    token: departmentToken,
    figure: (s) => figures[s].overview(scopeOf(periods.month, { departmentId: busiest })),
  },
  {
    endpoint: `department user: overview (${history.busiestDepartment.code})`,
    period: 'year',
    url: `/api/v1/dashboard/overview?from=${periods.year.from}&to=${periods.year.to}`,
    token: departmentToken,
    figure: (s) => figures[s].overview(scopeOf(periods.year, { departmentId: busiest })),
  },
  {
    endpoint: `department user: items (${history.busiestDepartment.code})`,
    period: 'month',
    url: `/api/v1/dashboard/items?from=${periods.month.from}&to=${periods.month.to}&limit=50`,
    token: departmentToken,
  },
  {
    endpoint: `department user: open items (${history.busiestDepartment.code})`,
    period: 'now',
    url: '/api/v1/dashboard/open-items?limit=50',
    token: departmentToken,
  },
);

// Every table's export in both formats, the evaluation's files, the filters, a department's other figures.
const yearQ = `from=${periods.year.from}&to=${periods.year.to}`;
const monthQ = `month=${monthStart.slice(0, 7)}`;
for (const table of ['states', 'on_time', 'departments', 'open_items', 'items', 'parties', 'supervision', 'trends'])
  for (const format of ['xlsx', 'csv'])
    if (table !== 'departments' || format !== 'xlsx')
      cases.push({
        endpoint: `exportDashboardTable (${table}, ${format})`,
        period: 'year',
        url: `/api/v1/dashboard/export?table=${table}&format=${format}&${yearQ}`,
        token: centerToken,
      });
const narrowedCase = (endpoint: string, path: string, narrowed: Partial<Scope>, figure?: Case['figure']): Case => ({
  endpoint,
  period: 'year',
  url: `/api/v1/dashboard/${path}?${yearQ}&${Object.entries(narrowed)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join('&')}`,
  token: centerToken,
  ...(figure ? { figure } : {}),
});
cases.push(
  { endpoint: 'getMonthlyEvaluation (pdf)', period: 'month', url: `/api/v1/dashboard/evaluation?${monthQ}&format=pdf`, token: centerToken },
  {
    endpoint: 'getMonthlyEvaluation (xlsx)',
    period: 'month',
    url: `/api/v1/dashboard/evaluation?${monthQ}&format=xlsx`,
    token: centerToken,
  },
  narrowedCase('getDashboardOverview (districtId)', 'overview', { districtId: district }, (s) =>
    figures[s].overview(scopeOf(periods.year, { districtId: district })),
  ),
  narrowedCase('getDashboardDepartments (track 15)', 'departments', { track: 15 }, (s) =>
    figures[s].departments(scopeOf(periods.year, { track: 15 })),
  ),
  narrowedCase('getDashboardTrends (districtId, track 5)', 'trends', { districtId: district, track: 5 }, (s) =>
    figures[s].trends(scopeOf(periods.year, { districtId: district, track: 5 })),
  ),
  narrowedCase('getDashboardSupervision', 'supervision', {}),
  narrowedCase('getDashboardSupervision (districtId)', 'supervision', { districtId: district }),
  {
    endpoint: 'listDashboardOpenItems (overdue)',
    period: 'now',
    url: '/api/v1/dashboard/open-items?bucket=overdue&limit=50',
    token: centerToken,
  },
  {
    endpoint: `department user: league (${history.busiestDepartment.code})`,
    period: 'year',
    url: `/api/v1/dashboard/departments?${yearQ}`,
    token: departmentToken,
    figure: (s) => figures[s].departments(scopeOf(periods.year, { departmentId: busiest })),
  },
  {
    endpoint: `department user: trends (${history.busiestDepartment.code})`,
    period: 'year',
    url: `/api/v1/dashboard/trends?${yearQ}`,
    token: departmentToken,
    figure: (s) => figures[s].trends(scopeOf(periods.year, { departmentId: busiest })),
  },
  {
    endpoint: `department user: supervision (${history.busiestDepartment.code})`,
    period: 'year',
    url: `/api/v1/dashboard/supervision?${yearQ}`,
    token: departmentToken,
  },
  {
    endpoint: `department user: evaluation (${history.busiestDepartment.code})`,
    period: 'month',
    url: `/api/v1/dashboard/evaluation?${monthQ}`,
    token: departmentToken,
  },
);

// The same figures while the last three days are stale — in production, the steps of the last
// seconds the refresher has not folded in yet: the facts (and the steps' view) answer for them.
const STALE_DAYS = 3;
for (const c of cases.filter((c) => c.period === 'year' && /^getDashboard(Overview|Departments|Parties)$/.test(c.endpoint)))
  cases.push({ ...c, endpoint: `${c.endpoint} [${STALE_DAYS} days stale]`, stale: true, figure: undefined });
async function markLastDaysStale(): Promise<void> {
  await db.execute(sql`
    insert into request_fact_stale_days (day, kind)
    select (${today}::date - n), k from generate_series(0, ${STALE_DAYS - 1}) n cross join unnest(array['filed', 'decided', 'step']) k`);
}

const only = process.env.BENCH_CASES ? new RegExp(process.env.BENCH_CASES) : null;
if (only) cases.splice(0, cases.length, ...cases.filter((c) => only.test(`${c.endpoint} ${c.period}`)));

console.log(`\nperiods: month ${periods.month.from} … ${periods.month.to}; year ${periods.year.from} … ${periods.year.to}`);
console.log(
  `API: ${RUNS} runs per case after 5 warm-up runs (app.inject, sequential); query module: facts ${FACT_RUNS} runs after 3 ` +
    `warm-up runs, scan ${SCAN_RUNS} runs (no warm-up). A slow case stops short once its runs took ${CASE_BUDGET} s ` +
    `(facts ${CASE_BUDGET / 2} s, scan ${2 * CASE_BUDGET} s; at least 20 API, 5 facts, 2 scan runs): the last column gives ` +
    `the runs each percentile comes from.\n`,
);
// Other processes on the machine inflate every figure: say how busy it was.
const load = () =>
  `load average ${loadavg()
    .map((x) => x.toFixed(1))
    .join(' / ')} on ${cpus().length} CPUs`;
console.log(`before the cases: ${load()}`);
const header = [
  'endpoint'.padEnd(44),
  'period'.padEnd(6),
  'API p50'.padStart(9),
  'API p99'.padStart(9),
  ' p99<200ms',
  'facts p50'.padStart(10),
  'scan p50'.padStart(10),
  'scan/facts'.padStart(11),
  '  runs API facts/scan',
].join(' ');
console.log(header);
console.log('-'.repeat(header.length));
const misses: string[] = [];
const ms = (x: number) => (x >= 10_000 ? `${(x / 1000).toFixed(1)}s` : `${x.toFixed(1)}ms`);
let marked = false;
for (const c of cases) {
  if (c.stale && !marked) {
    await markLastDaysStale();
    marked = true;
  }
  const api = await time(
    async () => {
      const res = await app.inject({ method: 'GET', url: c.url, headers: { authorization: `Bearer ${c.token}` } });
      if (res.statusCode !== 200) throw new Error(`${c.endpoint} ${c.url}: ${res.statusCode} ${res.body.slice(0, 300)}`);
    },
    { runs: RUNS, warmUp: 5, budget: CASE_BUDGET, minRuns: 20 },
  );
  const p50 = percentile(api, 50);
  const p99 = percentile(api, 99);
  const met = p99 < GOAL_MS;
  if (!met) misses.push(`${c.endpoint} (${c.period}): p99 ${ms(p99)}`);
  let runsCell = String(api.length);
  let factsCell = '—';
  let scanCell = '—';
  let ratioCell = '—';
  if (c.figure) {
    const facts = await time(() => c.figure!('facts'), { runs: FACT_RUNS, warmUp: 3, budget: CASE_BUDGET / 2, minRuns: 5 });
    const scan = await time(() => c.figure!('scan'), { runs: SCAN_RUNS, warmUp: 0, budget: 2 * CASE_BUDGET, minRuns: 2 });
    runsCell += ` ${facts.length}/${scan.length}`;
    factsCell = ms(percentile(facts, 50));
    scanCell = ms(percentile(scan, 50));
    ratioCell = `${(percentile(scan, 50) / percentile(facts, 50)).toFixed(0)}x`;
  }
  console.log(
    [
      c.endpoint.padEnd(44),
      c.period.padEnd(6),
      ms(p50).padStart(9),
      ms(p99).padStart(9),
      (met ? 'met' : 'MISSED').padStart(10),
      factsCell.padStart(10),
      scanCell.padStart(10),
      ratioCell.padStart(11),
      `  ${runsCell}`,
    ].join(' '),
  );
}
console.log(`after the cases: ${load()}`);
// Folded back in, as the refresher would: the history stays reusable (BENCH_REUSE=1).
await db.execute(sql`select refresh_request_fact_rollups()`);
console.log(
  misses.length
    ? `\nGOAL MISSED (p99 < ${GOAL_MS} ms) by ${misses.length} of ${cases.length} cases:\n  ${misses.join('\n  ')}`
    : `\nall ${cases.length} cases met the goal (p99 < ${GOAL_MS} ms)`,
);

await app.close();
await temporal.close();
await database.close();

function printHistory(h: HistoryReport): void {
  console.log(`\ngenerated in ${h.seconds.toFixed(1)} s (history ends ${h.now.toISOString()}):`);
  for (const p of h.phases) console.log(`  ${p.phase.padEnd(58)} ${p.seconds.toFixed(1).padStart(7)} s`);
  console.log('rows per table:');
  for (const [table, n] of Object.entries(h.rows)) console.log(`  ${table.padEnd(24)} ${n.toLocaleString('en-US').padStart(12)}`);
  console.log('requests by track and state:');
  for (const track of [1, 5, 15]) {
    const line = h.states
      .filter((s) => s.track === track)
      .map((s) => `${s.state} ${s.count.toLocaleString('en-US')}`)
      .join(', ');
    console.log(`  track ${String(track).padEnd(3)} ${line}`);
  }
  console.log(`database size: ${mb(h.databaseBytes)}; request_facts (with indexes): ${mb(h.factsBytes)}`);
}

function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(0)} MB`;
}

/** The Asia/Shanghai calendar date of an instant (UTC+8 all year). */
function shanghaiDate(at: Date): string {
  return new Date(at.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
}

function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** YYYY-MM of the month before the date's. */
function previousMonth(date: string): string {
  return addDays(`${date.slice(0, 7)}-01`, -1).slice(0, 7);
}
