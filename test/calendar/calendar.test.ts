import { and, eq, sql } from 'drizzle-orm';
import t from 'tap';
import { publishedSchedulesFromPackage } from '../../src/calendar/chinese-days-source.js';
import { importPublishedSchedules, loadCalendar, publishYears } from '../../src/calendar/service.js';
import { auditEntries, calendarDays, calendarOrdinals, calendarYears } from '../../src/platform/db/schema.js';
import { statutoryHolidays } from '../../src/calendar/rules/statutory-holidays.js';
import { startTestApp } from '../helpers/app.js';
import { openMigratedFreshDatabase } from '../helpers/db.js';
import { bearer, createTestWorld } from '../helpers/identity.js';

// Publishing changes the calendar every test file reads, so these tests run on a database of their own.
const { handle } = await openMigratedFreshDatabase(t, 3);
const db = handle.db;
const system = { actor: { kind: 'system', role: 'script' } as const, at: new Date() };
const packageYears = [...publishedSchedulesFromPackage().keys()].sort((a, b) => a - b);
const firstUnpublishedYear = packageYears[packageYears.length - 1]! + 1;

t.test('the published schedules are imported from the pinned package once, into one version', async (t) => {
  t.same(await importPublishedSchedules(db, system), packageYears);
  t.same(await importPublishedSchedules(db, system), [], 'a second import finds nothing to do');
  const calendar = await loadCalendar(db);
  t.equal(calendar.version, 1);
  t.equal((await db.select().from(calendarYears)).length, packageYears.length);
  t.equal(
    await db.$count(auditEntries, eq(auditEntries.action, 'calendar.year_published')),
    packageYears.length,
    'one audit entry per year',
  );
});

t.test('SQL holds the same working-day ordinals, so dashboards can count working days in a query', async (t) => {
  const calendar = await loadCalendar(db);
  for (const date of ['2026-02-13', '2026-02-14', '2026-02-24', '2026-10-13', `${firstUnpublishedYear}-06-30`]) {
    const [row] = await db.select().from(calendarOrdinals).where(eq(calendarOrdinals.date, date));
    t.equal(row!.ordinal, calendar.ordinal(date), date);
    t.equal(row!.working, calendar.isWorkingDay(date));
    t.equal(row!.provisional, date.startsWith(String(firstUnpublishedYear)));
  }
  // Working days after Sat 3 Oct 2026 through Tue 13 Oct: the track-5 example, computed in SQL.
  const result = await db.execute(
    sql`select (select ordinal from calendar_ordinals where date = '2026-10-13') - (select ordinal from calendar_ordinals where date = '2026-10-03') as n`,
  );
  const rows = (Array.isArray(result) ? result : (result as { rows: { n: number }[] }).rows) as { n: number }[];
  t.equal(Number(rows[0]!.n), 5);
});

t.test('a correction makes a new version, moves the arithmetic, rewrites the ordinals and is audited with the changed dates', async (t) => {
  const before = await loadCalendar(db);
  t.equal(before.addWorkingDays(new Date('2026-03-06T10:00:00+08:00'), 1).date, '2026-03-09');
  const days = [...publishedSchedulesFromPackage().get(2026)!, { date: '2026-03-09', kind: 'holiday' as const, name: '临时调整' }];
  const result = await publishYears(db, [{ year: 2026, notice: '国务院办公厅关于2026年部分节假日安排的补充通知', source: 'api', days }], {
    ...system,
    requestId: 'req-cal-1',
  });
  t.equal(result.version, before.version + 1);
  t.same(result.changedDates, ['2026-03-09']);
  const after = await loadCalendar(db);
  t.equal(after.version, result.version, 'the cached calendar follows the new version');
  t.equal(after.addWorkingDays(new Date('2026-03-06T10:00:00+08:00'), 1).date, '2026-03-10');
  const [ordinal] = await db.select().from(calendarOrdinals).where(eq(calendarOrdinals.date, '2026-03-10'));
  t.equal(ordinal!.ordinal, after.ordinal('2026-03-10'));
  t.equal(ordinal!.version, result.version);
  const [entry] = await db
    .select()
    .from(auditEntries)
    .where(and(eq(auditEntries.action, 'calendar.year_corrected'), eq(auditEntries.requestId, 'req-cal-1')));
  t.match(entry, { subjectType: 'CalendarYear', subjectId: '2026', after: { version: result.version, changedDates: ['2026-03-09'] } });
  t.match((entry!.before as { version: number }).version, before.version);
});

t.test('publishing the first unpublished year ends its provisional status', async (t) => {
  const y = firstUnpublishedYear;
  const before = await loadCalendar(db);
  t.equal(before.addWorkingDays(new Date(`${y}-03-01T10:00:00+08:00`), 1).provisional, true);
  // Until then the year owes a working day off for each statutory holiday on a weekend (art. 6).
  if (y === 2027)
    for (const date of ['2027-02-09', '2027-02-10', '2027-05-03', '2027-05-04', '2027-10-04', '2027-10-05'])
      t.equal(before.isWorkingDay(date), false, `${date}: substitute day off while 2027 is provisional`);
  // A notice that lists the statutory holidays only (no substitute days, no make-up days).
  const result = await publishYears(
    db,
    [{ year: y, notice: `国务院办公厅关于${y}年部分节假日安排的通知`, source: 'api', days: statutoryHolidays(y) }],
    system,
  );
  const after = await loadCalendar(db);
  t.equal(after.addWorkingDays(new Date(`${y}-03-01T10:00:00+08:00`), 1).provisional, false);
  if (y === 2027)
    t.same(
      result.changedDates,
      ['2027-02-09', '2027-02-10', '2027-05-03', '2027-05-04', '2027-10-04', '2027-10-05'],
      'the substitute days the notice did not keep became working days',
    );
  else t.ok(result.changedDates.length > 0);
});

t.test('a year published without one of its statutory holidays is refused, naming each missing day', async (t) => {
  const y = firstUnpublishedYear + 1;
  const version = (await loadCalendar(db)).version;
  const statutory = statutoryHolidays(y);
  const spring = statutory.filter((d) => d.name.startsWith('春节'));
  t.equal(spring.length, 4, '除夕 to 初三');
  const withoutSpring = statutory.filter((d) => !d.name.startsWith('春节'));
  await t.rejects(publishYears(db, [{ year: y, notice: '通知', source: 'api', days: withoutSpring }], system), {
    code: 'invalid_calendar_year',
    details: { problems: spring.map((d) => new RegExp(`^${d.date}: the statutory holiday 春节`)) },
  });
  t.equal((await loadCalendar(db)).version, version, 'nothing changed');
});

t.test("a notice's day in the neighbouring year is accepted and counted; the later publication's word on a date stands", async (t) => {
  // A 2028 notice giving Friday 31 December 2027 off for 元旦, with the Saturday before worked.
  const y = firstUnpublishedYear + 1;
  const eve = `${y - 1}-12-31`;
  const before = await loadCalendar(db);
  const workingBefore = before.isWorkingDay(eve);
  const days = [
    ...statutoryHolidays(y),
    { date: eve, kind: 'holiday' as const, name: '元旦' },
    { date: `${y - 1}-12-25`, kind: 'makeup_workday' as const, name: '元旦' },
  ];
  await publishYears(db, [{ year: y, notice: `国务院办公厅关于${y}年部分节假日安排的通知`, source: 'api', days }], system);
  const after = await loadCalendar(db);
  if (y === 2028) t.equal(workingBefore, true, 'Friday 31 December 2027 was a working day');
  t.equal(after.isWorkingDay(eve), false, "the neighbouring year's day counts as the notice says");
  t.equal(after.isWorkingDay(`${y - 1}-12-25`), true);

  // The 2012 notice's make-up Saturday 31 December 2011, which the package files under 2011.
  t.equal(after.isWorkingDay('2011-12-31'), true);
  const notice2012 = [...publishedSchedulesFromPackage().get(2012)!, { date: '2011-12-31', kind: 'makeup_workday' as const, name: '元旦' }];
  await publishYears(db, [{ year: 2012, notice: '国务院办公厅关于2012年部分节假日安排的通知', source: 'api', days: notice2012 }], system);
  const [row] = await db.select().from(calendarDays).where(eq(calendarDays.date, '2011-12-31'));
  t.match(row, { year: 2012, kind: 'makeup_workday' }, 'now held by the notice that arranged it');
  t.equal((await loadCalendar(db)).isWorkingDay('2011-12-31'), true);
  // Outside the calendar's span a neighbouring day is refused, not a 500.
  await t.rejects(
    publishYears(
      db,
      [
        {
          year: 2004,
          notice: '通知',
          source: 'api',
          days: [...publishedSchedulesFromPackage().get(2004)!, { date: '2003-12-27', kind: 'makeup_workday', name: '元旦' }],
        },
      ],
      system,
    ),
    { code: 'invalid_calendar_year', message: /2003-12-27: outside the calendar/ },
  );
});

t.test('a malformed schedule is refused with every problem named, and changes nothing', async (t) => {
  const version = (await loadCalendar(db)).version;
  await t.rejects(
    publishYears(
      db,
      [
        {
          year: 2026,
          notice: 'x',
          source: 'api',
          days: [
            { date: '2026-03-11', kind: 'makeup_workday', name: '周三调休？' },
            { date: '2024-12-31', kind: 'holiday', name: '错年' },
            { date: '2026-02-30', kind: 'holiday', name: '无此日' },
            { date: '2026-05-01', kind: 'holiday', name: '劳动节' },
            { date: '2026-05-01', kind: 'holiday', name: '劳动节' },
          ],
        },
      ],
      system,
    ),
    {
      code: 'invalid_calendar_year',
      message:
        /2026-03-11: a make-up working day must be a Saturday or Sunday.*2024-12-31: a 2026 notice arranges days of 2026 and its neighbouring years only.*2026-02-30: not a date.*2026-05-01: listed twice.*2026-01-01: the statutory holiday 元旦 is missing/,
    },
  );
  t.equal((await loadCalendar(db)).version, version);
});

t.test('the calendar API: ranges, deadlines, years; only the center administrator publishes', async (t) => {
  const harness = await startTestApp({ database: handle });
  t.teardown(harness.close);
  const world = await createTestWorld(db);
  const as = async (user: Parameters<typeof bearer>[1]) => bearer(harness.config, user);

  const range = await harness.app.inject({
    method: 'GET',
    url: '/api/v1/calendar/days?from=2026-02-13&to=2026-02-16',
    headers: await as(world.policeRequester),
  });
  t.equal(range.statusCode, 200);
  t.match(range.json().days, [
    { date: '2026-02-13', working: true, kind: null },
    { date: '2026-02-14', working: true, kind: 'makeup_workday', name: '春节' },
    { date: '2026-02-15', working: false, kind: 'holiday', name: '春节' },
    { date: '2026-02-16', working: false, kind: 'holiday' },
  ]);
  const tooLong = await harness.app.inject({
    method: 'GET',
    url: '/api/v1/calendar/days?from=2026-01-01&to=2027-12-31',
    headers: await as(world.policeRequester),
  });
  t.equal(tooLong.statusCode, 422, 'each date is well-formed; their range breaks a rule');
  t.equal(tooLong.json().code, 'invalid_date_range');
  // The contract declares the calendar's span (2004–2060): a date outside it fails validation.
  const outside = await harness.app.inject({
    method: 'GET',
    url: '/api/v1/calendar/days?from=1999-01-01&to=1999-01-02',
    headers: await as(world.policeRequester),
  });
  t.equal(outside.statusCode, 400);
  t.equal(outside.json().code, 'validation_failed');
  // A deadline that would fall beyond the span is the caller's too, and said so.
  const beyond = await harness.app.inject({
    method: 'POST',
    url: '/api/v1/calendar/deadlines',
    headers: await as(world.policeRequester),
    payload: { from: '2060-12-20T02:00:00Z', workingDays: 30 },
  });
  t.equal(beyond.statusCode, 422);
  t.equal(beyond.json().code, 'outside_calendar');

  const deadline = await harness.app.inject({
    method: 'POST',
    url: '/api/v1/calendar/deadlines',
    headers: await as(world.policeRequester),
    payload: { from: '2026-10-03T02:00:00Z', workingDays: 5 },
  });
  t.equal(deadline.statusCode, 200);
  t.match(deadline.json(), { deadline: '2026-10-13T15:59:59.999Z', deadlineDate: '2026-10-13', provisional: false });
  t.equal(
    (
      await harness.app.inject({
        method: 'POST',
        url: '/api/v1/calendar/deadlines',
        headers: await as(world.policeRequester),
        payload: { from: '2026-10-03T02:00:00Z', workingDays: 0 },
      })
    ).statusCode,
    400,
  );

  const years = await harness.app.inject({ method: 'GET', url: '/api/v1/calendar/years', headers: await as(world.policeRequester) });
  t.ok(years.json().years.some((y: { year: number; source: string }) => y.year === 2025 && y.source === 'chinese-days@1.5.7'));

  const body = { notice: '国务院办公厅关于2026年部分节假日安排的通知', days: publishedSchedulesFromPackage().get(2026)! };
  t.equal(
    (await harness.app.inject({ method: 'PUT', url: '/api/v1/calendar/years/2026', headers: await as(world.policeAdmin), payload: body }))
      .statusCode,
    403,
  );
  t.equal(
    (await harness.app.inject({ method: 'PUT', url: '/api/v1/calendar/years/2026', headers: await as(world.centerAuditor), payload: body }))
      .statusCode,
    403,
  );
  const published = await harness.app.inject({
    method: 'PUT',
    url: '/api/v1/calendar/years/2026',
    headers: await as(world.centerAdmin),
    payload: body,
  });
  t.equal(published.statusCode, 200);
  t.same(published.json().changedDates, ['2026-03-09'], 'restoring the official schedule undoes the earlier correction');
});
