/**
 * The dashboard's figures against a hand-computed fixture: five requests filed on a plain Monday
 * in their own database, moved through the real workflows on a time-skipping Temporal server
 * (delivered, refused with an explanation, extended, approved late in the week, one left to
 * breach), read through the HTTP API on day 3 at 10:00. Every expected number below is worked out
 * from the SLA rules by hand (DESIGN.md: day 1 is the first working day after filing), never
 * read from the implementation; the maintained facts must equal the plain scan of the view.
 */
import { sql } from 'drizzle-orm';
import t, { type Test } from 'tap';
import { importPublishedSchedules } from '../../src/calendar/index.js';
import { citeLegalBasis } from '../../src/legal-basis/index.js';
import { dashboardFigures, rowsOf } from '../../src/dashboard/queries.js';
import { dashboardRollupWorkflow } from '../../workflows/dashboard.js';
import { refreshDashboardRollups } from '../../src/dashboard/rollups.js';
import { startRequestWorkflow, updateRequest } from '../../src/requests/workflow-client.js';
import { openMigratedFreshDatabase } from '../helpers/db.js';
import { csvRows, workbookRows } from '../helpers/files.js';
import { pdfText } from '../helpers/pdf-text.js';
import { bearer, createTestDepartment } from '../helpers/identity.js';
import { createRequestWorld, draftFor, fileAs, requestWithClock, skipToPlainMonday, updateActor, waitFor } from '../helpers/requests.js';
import { startTimeSkipping } from '../helpers/time-skipping.js';

const { handle } = await openMigratedFreshDatabase(t, 5);
await importPublishedSchedules(handle.db, { actor: { kind: 'system', role: 'script' }, at: new Date() });
const { env, db, settings, now, skipHours, harness } = await startTimeSkipping(t, { database: handle, app: true });
const world = await createRequestWorld(db);
const owner = () => updateActor(world, world.policeReviewer, 'owner');
const district = await createTestDepartment(db, { level: 'district', name: '测试区人民政府' });
const center = () => updateActor(world, world.centerOperator, 'center');

const { day } = await skipToPlainMonday(env, db, 2);
const file = async (datasetId: string, fields: string[], waitState: string) => {
  const filed = await fileAs(db, world, world.marketRequester, draftFor(datasetId, { fields }), await now());
  await startRequestWorkflow(env.client, settings, filed.id);
  await waitFor(
    async () => ((await requestWithClock(db, filed.id)).state === waitState ? true : undefined),
    `${filed.number} ${waitState}`,
  );
  return filed;
};
const deliver = (id: string) =>
  updateRequest(env.client, id, 'confirm_delivery', { actor: center(), method: 'interface', reference: `API-${id.slice(0, 8)}` });

// Day 0 (Monday 10:00): five filings by the market bureau from the police's catalogue.
const a = await file(world.unconditional.id, ['姓名', '性别'], 'provisioning'); // track 1, delivered at once
const b = await file(world.unconditional.id, ['姓名'], 'provisioning'); // track 1, never delivered: late after day 1
const c = await file(world.conditional.id, ['姓名', '公民身份号码'], 'owner_review'); // track 5, approved on day 2
const d = await file(world.conditional.id, ['姓名', '婚姻状况'], 'owner_review'); // track 5, refused on day 0
const e = await file(world.conditional.id, ['姓名'], 'owner_review'); // track 5, extended by 2, approved on day 3
await deliver(a.id);
await updateRequest(env.client, d.id, 'refuse', {
  actor: owner(),
  explanation: {
    legalBasis: await citeLegalBasis(db, world.legalBases.permissive),
    citedConditions: ['restrictedFields'],
    reasons: '婚姻状况为限制共享字段',
    alternatives: '删除婚姻状况后重新申请',
  },
});
await updateRequest(env.client, e.id, 'request_extension', { actor: owner(), days: 2, reason: '需法制部门审核' });
await updateRequest(env.client, e.id, 'decide_extension', { actor: center(), approved: true, reason: '同意' });
// Day 2: b's deadline (end of day 1) has passed — breached, charged to the center; c approved and delivered.
await skipHours(48);
await waitFor(async () => ((await requestWithClock(db, b.id)).overdue ? true : undefined), 'b breached');
await updateRequest(env.client, c.id, 'approve', { actor: owner() });
await deliver(c.id);
// Day 3: e approved (its deadline: day 7 + 2 extension days = day 9), waiting for the center's delivery.
await skipHours(24);
await updateRequest(env.client, e.id, 'approve', { actor: owner() });
const asOf = await now();
t.equal(asOf.toISOString().slice(0, 10) <= day(3), true, 'read on day 3');

const period = `from=${day(0)}&to=${day(3)}`;
const get = async (path: string, user = world.centerOperator) => {
  const response = await harness.app.inject({
    method: 'GET',
    url: `/api/v1/dashboard/${path}`,
    headers: await bearer(harness.config, user, asOf),
  });
  return {
    status: response.statusCode,
    body: String(response.headers['content-type']).includes('json') ? response.json() : response.body,
    headers: response.headers,
  };
};

const overviewChecks = async (t: Test) => {
  const { status, body } = await get(`overview?${period}`);
  t.equal(status, 200);
  t.same(body.totals, { filed: 5, decided: 4, open: 2, overdueNow: 1 }, 'a, c, d, e decided; b and e open; b late');
  t.same(body.byTrackAndState, [
    { track: 1, state: 'granted', count: 1 },
    { track: 1, state: 'provisioning', count: 1 },
    { track: 5, state: 'granted', count: 1 },
    { track: 5, state: 'provisioning', count: 1 },
    { track: 5, state: 'refused', count: 1 },
  ]);
  t.same(body.onTime, [
    { track: 1, met: 1, breached: 1, openBreached: 1, pending: 0, rate: 0.5 },
    { track: 5, met: 2, breached: 0, openBreached: 0, pending: 1, rate: 1 },
    { track: 15, met: 0, breached: 0, openBreached: 0, pending: 0, rate: null },
  ]);
  const trackFive = await get(`overview?${period}&track=5`);
  t.same(trackFive.body.totals, { filed: 3, decided: 3, open: 1, overdueNow: 0 }, 'the track filter');
};
t.test('overview: by track and state, on time per track', overviewChecks);

const leagueChecks = async (t: Test) => {
  const { body } = await get(`departments?${period}`);
  t.equal(body.rows.length, 1, 'only the police own requested data');
  t.same(body.rows[0], {
    department: { id: world.police.id, code: world.police.code, name: world.police.name },
    filed: 5,
    met: 3,
    breached: 1,
    decided: 4,
    onTimeRate: 0.75,
    // Working days to decide: a 0, d 0, c 2 (Tue, Wed), e 3 → mean 1.25; nearest-rank p90 of [0,0,2,3] is 3.
    averageDaysToDecide: 1.25,
    p90DaysToDecide: 3,
    overdueNow: 0,
    refusals: 1,
    refusalsExplained: 1,
    supplementsAsked: 0,
    extensionsAsked: 1,
    extensionsApproved: 1,
    breachesCharged: 0,
    disputesLost: 0,
  });
};
t.test('league table: the owner department', leagueChecks);

t.test('open items: b overdue, charged to the center, with its age and lateness', async (t) => {
  const { body } = await get('open-items');
  t.same(body.counts, { due_today: 0, due_next_working_day: 0, overdue: 1 }, "e's deadline (day 9) is 4 working days away");
  t.match(body.items, [
    {
      requestId: b.id,
      step: 'track1',
      chargedParty: 'center',
      chargedDepartment: { id: world.center.id },
      deadlineDate: day(1),
      bucket: 'overdue',
      ageWorkingDays: 3,
      lateWorkingDays: 2,
      supervisionLevel: 1,
    },
  ]);
  t.equal(body.items.length, 1);
  t.same((await get('open-items?bucket=due_today')).body.items, []);
});

const trendChecks = async (t: Test) => {
  const trends = (await get(`trends?${period}`)).body.weeks;
  t.same(trends, [{ weekStart: day(0), filed: 5, decided: 4, met: 3, breached: 1, onTimeRate: 0.75 }]);
};

const partiesChecks = async (t: Test) => {
  const parties = (await get(`parties?${period}`)).body.rows;
  t.same(parties, [
    { party: 'center', step: 'provisioning', handled: 2, breached: 1, openNow: 2, overdueNow: 1, averageWorkingDays: 0 },
    { party: 'center', step: 'coordination', handled: 0, breached: 0, openNow: 0, overdueNow: 0, averageWorkingDays: null },
    { party: 'center', step: 'extension_decisions', handled: 1, breached: 0, openNow: 0, overdueNow: 0, averageWorkingDays: 0 },
    { party: 'authority', step: 'dispute_decisions', handled: 0, breached: 0, openNow: 0, overdueNow: 0, averageWorkingDays: null },
  ]);
};

t.test("the center's and the authority's steps; supervision; trends", async (t) => {
  await partiesChecks(t);
  const supervision = (await get(`supervision?${period}`)).body;
  t.same(
    supervision.totals,
    { openLevel1: 1, openLevel2: 0, repliesGiven: 0, repliesOverdue: 0 },
    'b at level 1; its reply is due on day 5',
  );
  t.same(
    supervision.rows.map((r: { department: { id: string } }) => r.department.id),
    [world.center.id],
  );
  const level1 = async (query: string) => (await get(`supervision?${period}&${query}`)).body.totals.openLevel1;
  t.equal(await level1(`districtId=${district.id}`), 0, 'the center is in no district');
  t.equal(await level1(`departmentId=${world.police.id}`), 0, 'the police are charged with nothing');
  t.same(
    (await get(`overview?${period}&districtId=${district.id}`)).body.totals,
    { filed: 0, decided: 0, open: 0, overdueNow: 0 },
    'no owner in the district',
  );
  t.same((await get(`open-items?districtId=${district.id}`)).body.counts, { due_today: 0, due_next_working_day: 0, overdue: 0 });
  await trendChecks(t);
});

t.test("drill-down: the police's items, by outcome", async (t) => {
  const all = (await get(`items?${period}&departmentId=${world.police.id}`)).body.items;
  t.same(all.map((i: { requestId: string }) => i.requestId).sort(), [a.id, b.id, c.id, d.id, e.id].sort());
  const breached = (await get(`items?${period}&departmentId=${world.police.id}&outcome=breached`)).body.items;
  t.match(breached, [{ requestId: b.id, outcome: 'breached', overdueNow: true, daysToDecide: null, deadlineDate: day(1) }]);
  const pending = (await get(`items?${period}&outcome=pending`)).body.items;
  t.match(pending, [{ requestId: e.id, daysToDecide: 3, decidedDate: day(3), deadlineDate: day(9) }]);
  const paged = await get(`items?${period}&limit=2`);
  t.equal(paged.body.items.length, 2);
  const rest = await get(`items?${period}&limit=2&cursor=${paged.body.nextCursor}`);
  t.equal(rest.body.items.length, 2, 'the next page');
  t.notOk(
    rest.body.items.some((i: { requestId: string }) => paged.body.items.some((p: { requestId: string }) => p.requestId === i.requestId)),
  );
});

t.test('a department sees its own figures only', async (t) => {
  const own = await get(`overview?${period}`, world.marketRequester);
  t.equal(own.body.scope.departmentId, world.market.id, 'scoped to its department by default');
  t.equal(own.body.totals.filed, 5, 'the market bureau requested all five');
  t.same((await get(`departments?${period}`, world.marketRequester)).body.rows, [], 'it owns none of them: no row');
  t.same((await get(`departments?${period}`, world.policeReviewer)).body.rows.length, 1, 'the police see their own row');
  t.match(await get(`overview?${period}&departmentId=${world.police.id}`, world.marketRequester), {
    status: 403,
    body: { code: 'dashboard_scope' },
  });
  t.match(await get(`parties?${period}`, world.policeReviewer), { status: 403, body: { code: 'dashboard_scope' } });
  t.equal((await get(`departments?${period}`, world.supervisor)).body.rows.length, 1, 'the competent authority sees the city');
  t.equal((await get(`departments?${period}`, world.centerAuditor)).body.rows.length, 1, 'auditors see the city');
});

t.test('bad periods are 422', async (t) => {
  t.match(await get(`overview?from=${day(3)}&to=${day(0)}`), { status: 422, body: { code: 'invalid_period' } });
  t.match(await get('overview?from=2025-01-01&to=2026-06-30'), { status: 422, body: { code: 'period_too_long' } });
});

// The tables as worked out from the story (day 3): the same rows in the XLSX and the CSV, with their Chinese headers.
type Value = string | number | null;
const expectedTables = (): Record<string, { header: string; rows: Value[][] }> => ({
  states: {
    header: '通道',
    rows: [
      [1, 'granted', 1],
      [1, 'provisioning', 1],
      [5, 'granted', 1],
      [5, 'provisioning', 1],
      [5, 'refused', 1],
    ],
  },
  on_time: {
    header: '通道',
    rows: [
      [1, 1, 1, 1, 0, 50],
      [5, 2, 0, 0, 1, 100],
      [15, 0, 0, 0, 0, null],
    ],
  },
  departments: { header: '部门代码', rows: [[world.police.code, world.police.name, 5, 3, 1, 4, 75, 1.25, 3, 0, 1, 1, 0, 1, 1, 0, 0]] },
  open_items: {
    header: '申请编号',
    rows: [[b.number, 1, 'track1', '已超期', '市大数据中心', world.center.name, day(1), 3, 2, 1]],
  },
  parties: {
    header: '责任方',
    rows: [
      ['市大数据中心', '数据提供', 2, 1, 2, 1, 0],
      ['市大数据中心', '三方协调', 0, 0, 0, 0, null],
      ['市大数据中心', '延期审核', 1, 0, 0, 0, 0],
      ['公共数据主管部门', '争议裁决', 0, 0, 0, 0, null],
    ],
  },
  supervision: { header: '部门代码', rows: [[world.center.code, world.center.name, 1, 0, 0, 0]] },
  trends: { header: '周一', rows: [[day(0), 5, 4, 3, 1, 75]] },
});
/** A value as the CSV reads it back: digits are numbers there. */
const asCsv = (rows: Value[][]) => rows.map((r) => r.map((v) => (typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : v)));
const download = async (query: string, user = world.centerOperator) => {
  const response = await harness.app.inject({
    method: 'GET',
    url: `/api/v1/dashboard/${query}`,
    headers: await bearer(harness.config, user, asOf),
  });
  return { status: response.statusCode, headers: response.headers, file: response.rawPayload };
};

t.test('exports: every table as XLSX and CSV, cell for cell', async (t) => {
  for (const [table, expected] of Object.entries(expectedTables())) {
    const xlsx = await download(`export?table=${table}&${period}`);
    t.equal(xlsx.status, 200, `${table}.xlsx`);
    t.match(xlsx.headers['content-type'], /spreadsheetml/);
    t.equal(xlsx.headers['x-row-count'], String(expected.rows.length));
    const [sheet, ...others] = Object.values(await workbookRows(xlsx.file));
    t.equal(others.length, 0, `${table}: one sheet`);
    t.equal(sheet![0]![0], expected.header, `${table}: its header`);
    t.same(sheet!.slice(1), expected.rows, `${table}: its rows`);
    const csv = await download(`export?table=${table}&format=csv&${period}`);
    t.match(csv.headers['content-type'], /text\/csv/);
    t.equal(csv.file.subarray(0, 3).toString('hex'), 'efbbbf', 'UTF-8 with a BOM');
    const lines = csvRows(csv.file.toString('utf8'));
    t.equal(lines[0]![0], expected.header);
    t.same(lines.slice(1), asCsv(expected.rows), `${table}.csv: the same rows`);
  }
  // The drill-down: every request, and narrowed as the page narrows it.
  const items = await workbookRows((await download(`export?table=items&${period}`)).file);
  const rows = Object.values(items)[0]!.slice(1);
  t.same(rows.map((r) => r[0]).sort(), [a, b, c, d, e].map((r) => r.number).sort(), 'items: the five requests');
  const late = Object.values(
    await workbookRows((await download(`export?table=items&${period}&departmentId=${world.police.id}&outcome=breached`)).file),
  )[0]!;
  t.same(
    late.slice(1).map((r) => [r[0], r[1], r[2], r[3], r[4], r[6], r[7], r[8], r[9]]),
    [[b.number, 1, 'provisioning', world.police.name, world.market.name, null, null, '超期', day(1)]],
    'items narrowed by outcome: b, undecided and late, due on day 1',
  );
  t.equal((await download(`export?table=items&${period}&state=refused&format=csv`)).headers['x-row-count'], '1', 'by state: d');
  t.equal((await download(`export?table=open_items&bucket=due_today`)).headers['x-row-count'], '0', 'open items by bucket');
  t.match(await download(`export?table=items&${period}&departmentId=${world.police.id}`, world.marketRequester), { status: 403 });
});

t.test('the monthly evaluation', async (t) => {
  const month = day(0).slice(0, 7);
  const { body } = await get(`evaluation?month=${month}`);
  t.match(body, { month, city: { filed: 5, decided: 4, met: 3, breached: 1, onTimeRate: 0.75 } });
  t.equal(body.departments[0].p90DaysToDecide, 3);
  t.equal(body.parties.length, 4);
  const own = (await get(`evaluation?month=${month}`, world.marketRequester)).body;
  t.same([own.departments, own.parties], [[], []], "a department: the city's totals and its own row (the market owns none)");
  const police = (await get(`evaluation?month=${month}`, world.policeReviewer)).body;
  t.match(police, { city: { filed: 5 }, parties: [] });
  t.same(
    police.departments.map((r: { department: { id: string }; filed: number }) => [r.department.id, r.filed]),
    [[world.police.id, 5]],
    'the police: their own row',
  );
  t.match(await get(`evaluation?month=${month}&departmentId=${world.police.id}`, world.marketRequester), {
    status: 403,
    body: { code: 'dashboard_scope' },
  });
  t.match(await get(`open-items?departmentId=${world.police.id}`, world.marketRequester), {
    status: 403,
    body: { code: 'dashboard_scope' },
  });
  t.match(await get(`supervision?${period}&departmentId=${world.center.id}`, world.policeReviewer), { status: 403 });
  // The workbook: every table of the report, worked out from the story.
  const tables = expectedTables();
  const workbook = await workbookRows((await download(`evaluation?month=${month}&format=xlsx`)).file);
  t.same(Object.keys(workbook), ['全市', '按时率', '数据责任部门排名', '中心与主管部门', '督办']);
  t.same(workbook['全市']!.slice(1), [[month, 5, 4, 3, 1, 75]]);
  t.same(workbook['按时率']!.slice(1), tables.on_time!.rows);
  t.same(workbook['数据责任部门排名']!.slice(1), tables.departments!.rows);
  t.same(workbook['中心与主管部门']!.slice(1), tables.parties!.rows);
  t.same(workbook['督办'], [
    ['一级督办中', '二级督办中', '已答复', '答复逾期'],
    [1, 0, 0, 0],
  ]);
  const policeBook = await workbookRows((await download(`evaluation?month=${month}&format=xlsx`, world.policeReviewer)).file);
  t.same(Object.keys(policeBook), ['全市', '按时率', '数据责任部门排名', '督办'], "a department's workbook: no center's steps");
  t.same(policeBook['数据责任部门排名']!.slice(1), tables.departments!.rows);
  const pdf = await harness.app.inject({
    method: 'GET',
    url: `/api/v1/dashboard/evaluation?month=${month}&format=pdf`,
    headers: await bearer(harness.config, world.centerOperator, asOf),
  });
  t.equal(pdf.statusCode, 200);
  t.match(pdf.headers['content-type'], /application\/pdf/);
  // The league as a table: the police's row reads filed 5, 75.0 %, mean 1.25, p90 3, 1 refusal with its explanation.
  const text = (await pdfText(pdf.rawPayload)).replace(/\s+/g, ' ');
  t.match(text, /数据责任部门/);
  t.match(text, new RegExp(`1 ${world.police.name} 5 75\\.0% 1\\.25 3 0 1（1） 0 1/1 0 0`));
  t.match(text, /市大数据中心 数据提供 2 /, "the center's steps as a table");
});

t.test('the maintained facts equal the plain scan of the view', async (t) => {
  const diff = await db.execute(sql`
    (select * from request_facts except select * from request_fact_source)
    union all (select * from request_fact_source except select * from request_facts)`);
  t.equal((diff as { rows: unknown[] }).rows.length, 0, 'row for row, column for column');
  const scope = { from: day(0), to: day(3), departmentId: null, districtId: null, track: null, today: day(3), now: asOf };
  const facts = dashboardFigures(db, 'facts');
  const scan = dashboardFigures(db, 'scan');
  t.same(await scan.overview(scope), await facts.overview(scope));
  t.same(await scan.departments(scope), await facts.departments(scope));
  t.same(await scan.trends(scope), await facts.trends(scope));
  t.same(await scan.items(scope, {}, { limit: 10 }), await facts.items(scope, {}, { limit: 10 }));
  // Narrowed: a department (the owner, the requester), a track, a district.
  for (const narrowed of [
    { departmentId: world.police.id },
    { departmentId: world.market.id },
    { track: 5 as const },
    { districtId: district.id },
  ]) {
    const s = { ...scope, ...narrowed };
    const what = JSON.stringify(narrowed);
    t.same(await scan.overview(s), await facts.overview(s), `overview ${what}`);
    t.same(await scan.departments(s), await facts.departments(s), `league ${what}`);
    t.same(await scan.trends(s), await facts.trends(s), `trends ${what}`);
  }
});

t.test('the day rollups, refreshed, equal their views and give the same figures', async (t) => {
  const staleDays = async () =>
    Number(rowsOf<{ n: string }>(await db.execute(sql`select count(*) as n from request_fact_stale_days`))[0]!.n);
  t.ok((await staleDays()) > 0, "the fixture's days are stale until the refresher's first round");
  const refresher = await env.client.workflow.start(dashboardRollupWorkflow, {
    taskQueue: settings.taskQueue,
    workflowId: `dashboard-rollups-${day(0)}`,
    args: [{ intervalMs: 60_000 }],
  });
  t.teardown(() => refresher.terminate());
  await waitFor(async () => ((await staleDays()) === 0 ? true : undefined), 'the refresher to fold the stale days in');
  t.equal(await refreshDashboardRollups(db), 0, 'nothing left to fold in');
  for (const [table, view] of [
    ['request_fact_days', 'request_fact_day_source'],
    ['request_fact_day_spans', 'request_fact_span_source'],
    ['request_fact_decision_days', 'request_fact_decision_source'],
  ] as const) {
    const diff = await db.execute(
      sql.raw(`(select * from ${table} except select * from ${view}) union all (select * from ${view} except select * from ${table})`),
    );
    t.equal((diff as { rows: unknown[] }).rows.length, 0, `${table} equals ${view}`);
  }
  await t.test('overview from the rollups', overviewChecks);
  await t.test('league table from the rollups', leagueChecks);
  await t.test('trends from the rollups', trendChecks);
  await t.test("the center's and the authority's steps from the rollups", partiesChecks);
});

t.test('a change after the refresh marks its days stale, and the figures stay exact before the next one', async (t) => {
  await deliver(b.id);
  await waitFor(async () => ((await requestWithClock(db, b.id)).state === 'granted' ? true : undefined), 'b delivered late');
  const stale = await db.execute(sql`select distinct kind, day::text from request_fact_stale_days order by 1, 2`);
  t.same((stale as { rows: unknown[] }).rows, [
    { kind: 'decided', day: day(3) },
    { kind: 'filed', day: day(0) },
    { kind: 'step', day: day(3) },
  ]);
  // b is now decided (late): five of five decided, none open on track 1, one late on track 1.
  const { body } = await get(`overview?${period}`);
  t.same(body.totals, { filed: 5, decided: 5, open: 1, overdueNow: 0 });
  t.same(body.onTime[0], { track: 1, met: 1, breached: 1, openBreached: 0, pending: 0, rate: 0.5 });
  t.same((await get(`trends?${period}`)).body.weeks, [{ weekStart: day(0), filed: 5, decided: 5, met: 3, breached: 1, onTimeRate: 0.75 }]);
  const scope = { from: day(0), to: day(3), departmentId: null, districtId: null, track: null, today: day(3), now: asOf };
  const facts = dashboardFigures(db, 'facts');
  const scan = dashboardFigures(db, 'scan');
  t.same(await facts.departments(scope), await scan.departments(scope), 'the league, before the refresh');
  const steps = await get(`parties?${period}`);
  t.equal(await refreshDashboardRollups(db), 3, 'the filing day, the decision day, the provisioning day');
  t.same(await facts.overview(scope), await scan.overview(scope), 'and after it');
  t.same(await facts.departments(scope), await scan.departments(scope));
  t.same(await facts.trends(scope), await scan.trends(scope));
  // A department's figures read its own data from the rollups and what it asked of others from the facts.
  for (const departmentId of [world.police.id, world.market.id]) {
    const own = { ...scope, departmentId };
    t.same(await facts.overview(own), await scan.overview(own), 'a department, from the rollups: overview');
    t.same(await facts.departments(own), await scan.departments(own), 'league');
    t.same(await facts.trends(own), await scan.trends(own), 'trends');
  }
  // b's late delivery is the center's third provisioning, on day 3: (0 + 0 + 3) / 3 working days.
  const provisioning = { party: 'center', step: 'provisioning', handled: 3, breached: 1, openNow: 1, overdueNow: 0, averageWorkingDays: 1 };
  t.match(steps.body.rows[0], provisioning, 'the steps, before the refresh');
  t.match((await get(`parties?${period}`)).body.rows[0], provisioning, 'and after it');
});

t.test('a cohort of pending requests only: zeros, never nulls, from every source', async (t) => {
  // Filed on day 3 and left with the owner: no outcome yet.
  await file(world.conditional.id, ['姓名'], 'owner_review');
  const scope = { from: day(3), to: day(3), departmentId: null, districtId: null, track: null, today: day(3), now: asOf };
  const expected = { filed: 1, met: 0, breached: 0, decided: 0, average_days: null, p90_days: null, refusals: 0 };
  for (const source of ['facts', 'scan'] as const)
    for (const departmentId of [null, world.police.id]) {
      const [row] = await dashboardFigures(db, source).departments({ ...scope, departmentId });
      t.match(row, expected, `${source}, ${departmentId ? 'the department' : 'the city'}`);
    }
  const { body } = await get(`departments?from=${day(3)}&to=${day(3)}`);
  t.match(body.rows[0], { filed: 1, met: 0, breached: 0, decided: 0, onTimeRate: null }, 'through the API and its contract');
  t.same((await get(`overview?from=${day(3)}&to=${day(3)}`)).body.onTime[1], {
    track: 5,
    met: 0,
    breached: 0,
    openBreached: 0,
    pending: 1,
    rate: null,
  });
});

t.test('a dispute lost by the owner, an extension refused; items due today and the next working day; a reply overdue', async (t) => {
  const requester = updateActor(world, world.marketRequester, 'requester');
  const authority = updateActor(world, world.supervisor, 'authority');
  // Day 3: the market disputes d's refusal (day 0, its window still open) and the authority orders sharing the same day.
  await updateRequest(env.client, d.id, 'dispute', { actor: requester, reasons: '登记核验确需婚姻状况' });
  await updateRequest(env.client, d.id, 'order_sharing', { actor: authority, reasons: '符合共享原则，应予共享' });
  // f: track 1, filed on day 3 — its one working day is day 4.
  const f = await file(world.unconditional.id, ['姓名'], 'provisioning');
  // h: track 5, filed on day 3; the owner asks for an extension, the center refuses it.
  const h = await file(world.conditional.id, ['姓名'], 'owner_review');
  await updateRequest(env.client, h.id, 'request_extension', { actor: owner(), days: 2, reason: '需法制部门审核' });
  await updateRequest(env.client, h.id, 'decide_extension', { actor: center(), approved: false, reason: '理由不充分' });
  const read = async (path: string) =>
    (
      await harness.app.inject({
        method: 'GET',
        url: `/api/v1/dashboard/${path}`,
        headers: await bearer(harness.config, world.centerOperator, await now()),
      })
    ).json();
  t.match(
    (await read(`departments?${period}`)).rows[0],
    { department: { id: world.police.id }, disputesLost: 1, extensionsAsked: 2, extensionsApproved: 1 },
    "d's refusal overturned; e's extension approved, h's refused",
  );
  t.match((await read(`parties?${period}`)).rows[2], { step: 'extension_decisions', handled: 2, breached: 0 });
  t.match((await read(`parties?${period}`)).rows[3], {
    party: 'authority',
    step: 'dispute_decisions',
    handled: 1,
    breached: 0,
    averageWorkingDays: 0,
  });
  const dayThree = await read('open-items');
  t.same(dayThree.counts, { due_today: 0, due_next_working_day: 1, overdue: 0 }, 'f is due on day 4');
  t.match((await read('open-items?bucket=due_next_working_day')).items, [
    { requestId: f.id, deadlineDate: day(4), ageWorkingDays: 0, lateWorkingDays: 0, chargedParty: 'center' },
  ]);
  await skipHours(24);
  t.same((await read('open-items')).counts, { due_today: 1, due_next_working_day: 0, overdue: 0 }, 'day 4: f is due today');
  t.match((await read('open-items?bucket=due_today')).items, [
    { requestId: f.id, deadlineDate: day(4), ageWorkingDays: 1, lateWorkingDays: 0 },
  ]);
  // b's level-1 notice was issued as Wednesday (day 2) began; its reply was due by the end of the third
  // working day after (Thu, Fri, Mon: day 7) and never came. Day 8 (Tuesday): overdue.
  await skipHours(96);
  t.match((await read(`supervision?${period}`)).totals, { repliesGiven: 0, repliesOverdue: 1 }, "b's notice: a reply overdue");
});
