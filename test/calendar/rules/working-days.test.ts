import fc from 'fast-check';
import { spawnSync } from 'node:child_process';
import t from 'tap';
import { childEnv } from '../../helpers/env.js';
import { publishedSchedulesFromPackage } from '../../../src/calendar/chinese-days-source.js';
import { missingStatutoryHolidays, provisionalSchedule, statutoryHolidays } from '../../../src/calendar/rules/statutory-holidays.js';
import { endOfShanghaiDay, WorkingDayCalendar } from '../../../src/calendar/rules/working-days.js';

const published = publishedSchedulesFromPackage();
const calendar = new WorkingDayCalendar({ published, provisional: provisionalSchedule, version: 1 });
// Derived from the pinned data, so a newer package cannot silently change what "unpublished" means.
const firstUnpublishedYear = Math.max(...published.keys()) + 1;

/** An instant given as Asia/Shanghai wall time. */
const sh = (local: string) => new Date(`${local}+08:00`);
const deadlineDate = (event: string, n: number) => calendar.addWorkingDays(sh(event), n).date;

// The official schedules (国办发明电〔2024〕12号 for 2025; the 2026 notice), stated here independently
// of the imported data: every holiday block and every make-up working day.
const schedules = {
  2025: {
    holidays: ['01-01', '01-28/02-04', '04-04/04-06', '05-01/05-05', '05-31/06-02', '10-01/10-08'],
    makeup: ['01-26', '02-08', '04-27', '09-28', '10-11'],
  },
  2026: {
    holidays: ['01-01/01-03', '02-15/02-23', '04-04/04-06', '05-01/05-05', '06-19/06-21', '09-25/09-27', '10-01/10-07'],
    makeup: ['01-04', '02-14', '02-28', '05-09', '09-20', '10-10'],
  },
};

function expand(year: number, spec: string): string[] {
  const [from, to = from] = spec.split('/');
  const out: string[] = [];
  for (let d = Date.parse(`${year}-${from}T00:00:00Z`); d <= Date.parse(`${year}-${to}T00:00:00Z`); d += 86_400_000)
    out.push(new Date(d).toISOString().slice(0, 10));
  return out;
}

t.test('every day of 2025 and 2026 is classified as the official schedule says', async (t) => {
  for (const [yearText, schedule] of Object.entries(schedules)) {
    const year = Number(yearText);
    const holidays = new Set(schedule.holidays.flatMap((s) => expand(year, s)));
    const makeup = new Set(schedule.makeup.map((s) => `${year}-${s}`));
    let mismatches = 0;
    for (const day of calendar.days(`${year}-01-01`, `${year}-12-31`)) {
      const weekday = new Date(`${day.date}T00:00:00Z`).getUTCDay();
      const expected = makeup.has(day.date) || (!holidays.has(day.date) && weekday !== 0 && weekday !== 6);
      if (day.working !== expected) {
        mismatches++;
        t.fail(`${day.date} working=${day.working}, expected ${expected}`);
      }
      t.equal(day.provisional, false);
    }
    t.equal(mismatches, 0, `${year}: all ${expected(year)} days agree`);
    for (const d of makeup) t.equal(calendar.exceptionOn(d)?.kind, 'makeup_workday', `${d} is a make-up working day`);
  }
  function expected(year: number) {
    return year % 4 === 0 ? 366 : 365;
  }
});

t.test('the worked examples of DESIGN.md', async (t) => {
  t.equal(
    deadlineDate('2026-10-03T10:00:00', 5),
    '2026-10-13',
    'track 5 filed on a holiday Saturday: day 1 = Thu 8 Oct, make-up Sat 10 Oct counts',
  );
  t.equal(deadlineDate('2026-02-13T23:30:00', 1), '2026-02-14', 'track 1 filed Fri 13 Feb 23:30: the make-up Saturday');
  t.equal(
    deadlineDate('2026-02-14T00:30:00', 1),
    '2026-02-24',
    'filed on the make-up Saturday: the next working day after the Spring Festival',
  );
  const filed = sh('2026-03-09T09:00:00');
  const deadline = calendar.addWorkingDays(filed, 1);
  t.equal(deadline.date, '2026-03-10');
  t.equal(calendar.remainingWorkingDays(filed, deadline.at), 1, 'remaining 1 on the filing day');
  t.equal(calendar.remainingWorkingDays(sh('2026-03-10T08:00:00'), deadline.at), 0, 'due today');
  t.equal(calendar.remainingWorkingDays(sh('2026-03-12T08:00:00'), deadline.at), -2, 'overdue by two working days');
});

t.test('the deadline is the end of day n in Shanghai, and the event date is the Shanghai date', async (t) => {
  const d = calendar.addWorkingDays(sh('2026-03-09T12:00:00'), 1);
  t.equal(d.at.toISOString(), '2026-03-10T15:59:59.999Z', '23:59:59.999 +08:00');
  t.same(d.at, endOfShanghaiDay('2026-03-10'));
  // 23:59 and 00:00 Shanghai time given as UTC instants.
  t.equal(calendar.addWorkingDays(new Date('2026-03-09T15:59:00Z'), 1).date, '2026-03-10', 'Mon 23:59 Shanghai is still Monday');
  t.equal(calendar.addWorkingDays(new Date('2026-03-09T16:00:00Z'), 1).date, '2026-03-11', 'Tue 00:00 Shanghai (Mon 16:00 UTC) is Tuesday');
  t.equal(calendar.addWorkingDays(new Date('2026-10-08T15:59:59.999Z'), 1).date, '2026-10-09');
  t.equal(calendar.addWorkingDays(new Date('2026-10-08T16:00:00Z'), 1).date, '2026-10-10', 'filed Fri 9 Oct 00:00: the make-up Saturday');
});

t.test('events on holidays, make-up days and across holiday blocks and year ends', async (t) => {
  t.equal(deadlineDate('2025-01-01T09:00:00', 1), '2025-01-02', 'New Year holiday');
  t.equal(deadlineDate('2025-01-26T09:00:00', 1), '2025-01-27', 'filed on the make-up Sunday');
  t.equal(deadlineDate('2025-01-27T09:00:00', 1), '2025-02-05', 'across the whole Spring Festival block');
  t.equal(deadlineDate('2025-02-07T09:00:00', 1), '2025-02-08', 'Friday before a make-up Saturday');
  t.equal(deadlineDate('2025-09-30T09:00:00', 5), '2025-10-14', 'across National Day: 9, 10, 11 (make-up Sat), 13, 14');
  t.equal(deadlineDate('2025-12-31T09:00:00', 1), '2026-01-04', 'year end: over the 2026 New Year block to the make-up Sunday 4 Jan');
  t.equal(deadlineDate('2025-12-31T09:00:00', 2), '2026-01-05');
  t.equal(deadlineDate('2025-12-30T09:00:00', 2), '2026-01-04', 'the make-up Sunday 4 Jan 2026 is day 2');
  t.equal(
    deadlineDate('2026-12-30T09:00:00', 15).slice(0, 4),
    String(firstUnpublishedYear),
    'a 15-day step crosses into the unpublished year',
  );
});

t.test('a span into the first unpublished year is provisional, with its statutory holidays and no make-up days', async (t) => {
  const y = firstUnpublishedYear;
  const spanning = calendar.addWorkingDays(sh(`${y - 1}-12-30T09:00:00`), 3);
  t.equal(spanning.provisional, true);
  t.equal(calendar.addWorkingDays(sh(`${y - 1}-06-01T09:00:00`), 3).provisional, false, 'within a published year: not provisional');
  t.equal(calendar.isWorkingDay(`${y}-01-01`), false, '元旦');
  t.equal(calendar.isWorkingDay(`${y}-05-02`), false, '劳动节 day 2');
  t.equal(calendar.isWorkingDay(`${y}-10-03`), false, '国庆 day 3');
  const holidays = statutoryHolidays(y);
  t.equal(holidays.length, 13, '元旦 1 + 春节 4 + 清明 1 + 劳动 2 + 端午 1 + 中秋 1 + 国庆 3');
  for (const h of holidays) t.equal(calendar.isWorkingDay(h.date), false, `${h.date} ${h.name}`);
  const weekends = [...calendar.days(`${y}-01-01`, `${y}-12-31`)].filter((d) =>
    [0, 6].includes(new Date(`${d.date}T00:00:00Z`).getUTCDay()),
  );
  t.ok(
    weekends.every((d) => !d.working),
    'no make-up working days in a provisional year',
  );
  // The statutory rule reproduces the published data where the law applies (2026's 除夕 is 16 Feb).
  t.ok(
    statutoryHolidays(2026).every((h) => !calendar.isWorkingDay(h.date)),
    'every statutory holiday of 2026 is a holiday in the published schedule',
  );
});

t.test('a provisional year owes a working day off for each statutory holiday on a weekend (art. 6)', async (t) => {
  // 2027: 春节 初一–初二 (6–7 Feb), 劳动节 (1–2 May) and 国庆 2–3 Oct fall on Saturday and Sunday.
  const substitutes = provisionalSchedule(2027).filter((d) => d.name.endsWith('（补休）'));
  t.same(
    substitutes.map((d) => [d.date, d.name]),
    [
      ['2027-02-09', '春节（补休）'], // after 初三 (Monday 8 Feb), itself a holiday
      ['2027-02-10', '春节（补休）'],
      ['2027-05-03', '劳动节（补休）'],
      ['2027-05-04', '劳动节（补休）'],
      ['2027-10-04', '国庆节（补休）'],
      ['2027-10-05', '国庆节（补休）'],
    ],
  );
  // 2028: 国庆 day 1 is a Sunday, and 中秋 falls on its third day (Tuesday 3 Oct): each is owed a weekday.
  t.same(
    provisionalSchedule(2028)
      .filter((d) => d.date.startsWith('2028-10') && d.name.endsWith('（补休）'))
      .map((d) => [d.date, d.name]),
    [
      ['2028-10-04', '国庆节（补休）'],
      ['2028-10-05', '国庆节（补休）'],
    ],
  );
  const y2027 = new WorkingDayCalendar({ published, provisional: provisionalSchedule, version: 1 });
  if (!y2027.isPublishedYear(2027)) {
    for (const [date] of substitutes.map((d) => [d.date])) t.equal(y2027.isWorkingDay(date!), false, `${date} off`);
    // Filed Friday 5 Feb 2027 (除夕): 8 (初三) and 9–10 (补休) are off; day 1 is Thursday 11 Feb.
    t.equal(y2027.addWorkingDays(sh('2027-02-05T10:00:00'), 1).date, '2027-02-11');
  }
});

t.test('the statutory holidays follow the regulation in force each year', async (t) => {
  const count = (year: number) => statutoryHolidays(year).length;
  t.equal(count(2007), 10, '1999 text: 元旦 1 + 春节 3 + 劳动节 3 + 国庆 3; no 清明, 端午, 中秋');
  t.equal(count(2012), 11, '2007 revision: 春节 除夕–初二, 劳动节 1 day, 清明 端午 中秋 added');
  t.ok(statutoryHolidays(2012).some((d) => d.date === '2012-01-22' && d.name === '春节（除夕）'));
  t.equal(count(2019), 11, '2013 revision: 春节 初一–初三');
  t.notOk(statutoryHolidays(2019).some((d) => d.name === '春节（除夕）'));
  t.equal(count(2020), 10, '2020: 中秋 fell on 1 October — one day off, named for both');
  t.match(
    statutoryHolidays(2028).find((d) => d.date === '2028-10-03'),
    { name: '中秋节、国庆节' },
  );
  t.equal(count(2025), 13, '2024 revision: 除夕 again, 劳动节 2 days');
  for (const [year, days] of published)
    t.same(
      missingStatutoryHolidays(year, days).map((d) => d.date),
      [],
      `${year}: the published schedule lists every statutory holiday`,
    );
});

t.test('bad input is refused', async (t) => {
  t.throws(() => calendar.addWorkingDays(sh('2026-03-09T09:00:00'), 0), RangeError);
  t.throws(() => calendar.addWorkingDays(sh('2026-03-09T09:00:00'), 1.5), RangeError);
  t.throws(() => calendar.isWorkingDay('1999-01-01'), /outside the working-day calendar/);
  t.throws(() => calendar.addWorkingDays(sh('2060-12-30T09:00:00'), 30), /beyond 2060/);
});

// Property tests over random events and lengths, checked against a naive day-by-day count.
const instantArb = fc
  .integer({ min: Date.parse('2004-01-02T00:00:00Z'), max: Date.parse('2058-12-31T00:00:00Z') })
  .map((ms) => new Date(ms));
const naiveAdd = (event: Date, n: number) => {
  let d = Date.parse(`${new Date(event.getTime() + 8 * 3_600_000).toISOString().slice(0, 10)}T00:00:00Z`);
  let left = n;
  for (;;) {
    d += 86_400_000;
    const date = new Date(d).toISOString().slice(0, 10);
    if (calendar.isWorkingDay(date) && --left === 0) return date;
  }
};

t.test('property: agrees with a naive day-by-day count; lands on a working day; between() inverts add()', async () => {
  fc.assert(
    fc.property(instantArb, fc.integer({ min: 1, max: 40 }), (event, n) => {
      const deadline = calendar.addWorkingDays(event, n);
      return (
        deadline.date === naiveAdd(event, n) &&
        calendar.isWorkingDay(deadline.date) &&
        calendar.workingDaysBetween(event, deadline.at) === n
      );
    }),
    { numRuns: 2000 },
  );
});

t.test('property: monotonic in the event and in n', async () => {
  fc.assert(
    fc.property(instantArb, fc.integer({ min: 0, max: 20 * 86_400_000 }), fc.integer({ min: 1, max: 30 }), (event, later, n) => {
      const a = calendar.addWorkingDays(event, n).at.getTime();
      return (
        calendar.addWorkingDays(new Date(event.getTime() + later), n).at.getTime() >= a &&
        calendar.addWorkingDays(event, n + 1).at.getTime() > a
      );
    }),
    { numRuns: 1000 },
  );
});

t.test('property: a pause and resume carrying R over never shortens the working days granted', async () => {
  fc.assert(
    fc.property(
      instantArb,
      fc.integer({ min: 1, max: 15 }),
      fc.integer({ min: 0, max: 30 * 86_400_000 }),
      fc.integer({ min: 0, max: 60 * 86_400_000 }),
      (start, n, untilPause, pauseLength) => {
        const deadline = calendar.addWorkingDays(start, n);
        const pausedAt = new Date(Math.min(start.getTime() + untilPause, deadline.at.getTime()));
        const remaining = calendar.remainingWorkingDays(pausedAt, deadline.at);
        const resumedAt = new Date(pausedAt.getTime() + pauseLength);
        const resumed = calendar.addWorkingDays(resumedAt, Math.max(remaining, 1));
        const usedBeforePause = calendar.workingDaysBetween(start, pausedAt);
        const grantedAfter = calendar.workingDaysBetween(resumedAt, resumed.at);
        return usedBeforePause + grantedAfter >= n && resumed.at >= deadline.at;
      },
    ),
    { numRuns: 1000 },
  );
});

t.test('provisional holidays do not depend on the host time zone', async (t) => {
  // Each zone in a process of its own: a process computes a year once.
  const module = new URL('../../../src/calendar/rules/statutory-holidays.ts', import.meta.url).pathname;
  const script = `import { statutoryHolidays } from ${JSON.stringify(module)}; const tz = process.env.TZ; console.log(JSON.stringify({ dates: statutoryHolidays(2027).map((d) => d.date), tz: process.env.TZ === tz }));`;
  const expected = [
    '2027-01-01',
    '2027-02-05',
    '2027-02-06',
    '2027-02-07',
    '2027-02-08',
    '2027-04-05',
    '2027-05-01',
    '2027-05-02',
    '2027-06-09',
    '2027-09-15',
    '2027-10-01',
    '2027-10-02',
    '2027-10-03',
  ];
  for (const zone of ['UTC', 'America/Los_Angeles', 'Pacific/Kiritimati']) {
    const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      env: childEnv({ TZ: zone }),
      encoding: 'utf8',
    });
    t.equal(run.status, 0, run.stderr);
    t.same(JSON.parse(run.stdout), { dates: expected, tz: true }, `computed in ${zone}, and the host zone left as it was`);
  }
});
