/**
 * The precomputed calendar's deadlines against a reference written here: a day-by-day walk over
 * the calendar's source (published schedules, then the provisional rule), formatting and reading
 * dates with Date itself. Every expected value comes from the walk; the calendar under test is
 * asked nothing but the deadline. Random inputs are seeded, so a failure reproduces.
 */
import fc from 'fast-check';
import t from 'tap';
import { publishedSchedulesFromPackage } from '../../../src/calendar/chinese-days-source.js';
import { provisionalSchedule } from '../../../src/calendar/rules/statutory-holidays.js';
import {
  WorkingDayCalendar,
  type CalendarSource,
  type DayException,
  type DayKind,
  type Deadline,
} from '../../../src/calendar/rules/working-days.js';

const DAY_MS = 86_400_000;
const SHANGHAI_MS = 8 * 3_600_000;
const SEED = 20_180_718;

const isoDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);
/** 00:00 Asia/Shanghai of a YYYY-MM-DD date, as epoch ms. */
const shanghaiMidnight = (date: string) => Date.parse(`${date}T00:00:00+08:00`);

interface Reference {
  /** The deadline by walking day after day from the event's Shanghai date; null past the span. */
  addWorkingDays(event: Date, n: number): Deadline | null;
}

/** The reference walk over a calendar source: years apply in order, a later list's word on a date standing. */
function reference(source: CalendarSource): Reference {
  const firstYear = source.firstYear ?? 2004;
  const lastYear = source.lastYear ?? 2060;
  const kinds = new Map<string, DayKind>();
  for (let year = firstYear; year <= lastYear; year++)
    for (const d of source.published.get(year) ?? source.provisional(year)) kinds.set(d.date, d.kind);
  const working = (date: string) => {
    const kind = kinds.get(date);
    if (kind) return kind === 'makeup_workday';
    const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
    return weekday !== 0 && weekday !== 6;
  };
  const unpublished = (date: string) => !source.published.has(Number(date.slice(0, 4)));
  return {
    addWorkingDays(event, n) {
      let day = Date.parse(`${isoDate(event.getTime() + SHANGHAI_MS)}T00:00:00Z`);
      let provisional = unpublished(isoDate(day));
      for (let left = n; left > 0;) {
        day += DAY_MS;
        const date = isoDate(day);
        if (Number(date.slice(0, 4)) > lastYear) return null;
        if (unpublished(date)) provisional = true;
        if (working(date)) left--;
      }
      const date = isoDate(day);
      return { at: new Date(Date.parse(`${date}T23:59:59.999+08:00`)), date, provisional };
    },
  };
}

/** What differs between the calendar's deadline and the reference's, or null when they agree. */
function disagreement(calendar: WorkingDayCalendar, ref: Reference, event: Date, n: number): string | null {
  const expected = ref.addWorkingDays(event, n);
  const input = `${event.toISOString()} + ${n}`;
  if (expected === null) {
    try {
      const got = calendar.addWorkingDays(event, n);
      return `${input}: expected "beyond the span", got ${got.date}`;
    } catch (error) {
      return error instanceof RangeError && /is beyond/.test(error.message) ? null : `${input}: ${String(error)}`;
    }
  }
  const got = calendar.addWorkingDays(event, n);
  if (got.date !== expected.date || got.at.getTime() !== expected.at.getTime() || got.provisional !== expected.provisional)
    return `${input}: got ${JSON.stringify(got)}, expected ${JSON.stringify(expected)}`;
  return null;
}

const agrees = (calendar: WorkingDayCalendar, ref: Reference) => (event: Date, n: number) => {
  const problem = disagreement(calendar, ref, event, n);
  if (problem) throw new Error(problem);
};

// The calendars compared: the package's schedules as the platform starts (v1); a correction that
// publishes the first unpublished year with a make-up working day of its own (v2); one that
// withdraws the last published year, whose predecessor's notice arranges a day of it (v3); and a
// gap, an unpublished year between published ones (v4: a step begun on its last day is provisional).
const published = publishedSchedulesFromPackage();
const lastPublished = Math.max(...published.keys());
const next = lastPublished + 1;
const firstSaturday = (year: number, month: number) => {
  let ms = Date.UTC(year, month - 1, 1);
  while (new Date(ms).getUTCDay() !== 6) ms += DAY_MS;
  return isoDate(ms);
};
const nextYearSchedule: DayException[] = [
  ...provisionalSchedule(next),
  { date: firstSaturday(next, 2), kind: 'makeup_workday', name: '春节（调休上班）' },
  { date: firstSaturday(next, 9), kind: 'makeup_workday', name: '国庆节（调休上班）' },
];
const withdrawn = new Map([...published].filter(([year]) => year !== lastPublished));
withdrawn.set(lastPublished - 1, [
  ...published.get(lastPublished - 1)!,
  { date: firstSaturday(lastPublished, 1), kind: 'makeup_workday', name: '元旦（调休上班）' },
]);
const GAP_YEAR = 2015;
const sources: Record<string, CalendarSource> = {
  v1: { published, provisional: provisionalSchedule, version: 1 },
  v2: { published: new Map([...published, [next, nextYearSchedule]]), provisional: provisionalSchedule, version: 2 },
  v3: { published: withdrawn, provisional: provisionalSchedule, version: 3 },
  v4: { published: new Map([...published].filter(([year]) => year !== GAP_YEAR)), provisional: provisionalSchedule, version: 4 },
};

// Inputs: any instant of the span; instants within two seconds of a Shanghai midnight; instants
// near an exceptional day (holidays, make-up days) and near the provisional boundaries.
const SPAN_FROM = shanghaiMidnight('2004-01-01');
const SPAN_TO = shanghaiMidnight('2061-01-01') - 1;
const anyInstant = fc.integer({ min: SPAN_FROM, max: SPAN_TO });
const nearMidnight = fc
  .tuple(fc.integer({ min: 1, max: Math.floor((SPAN_TO - SPAN_FROM) / DAY_MS) }), fc.integer({ min: -2_000, max: 2_000 }))
  .map(([day, delta]) => SPAN_FROM + day * DAY_MS + delta);
const exceptionDates = [...published.values()].flat().map((d) => d.date);
const nearException = fc
  .tuple(fc.constantFrom(...exceptionDates), fc.integer({ min: -20, max: 3 }), fc.integer({ min: 0, max: DAY_MS - 1 }))
  .map(([date, days, ms]) => shanghaiMidnight(date) + days * DAY_MS + ms);
const nearBoundary = fc.oneof(
  fc.integer({ min: shanghaiMidnight(`${lastPublished - 1}-10-01`), max: shanghaiMidnight(`${next + 1}-03-01`) }),
  fc.integer({ min: shanghaiMidnight(`${GAP_YEAR}-11-01`), max: shanghaiMidnight(`${GAP_YEAR + 1}-02-01`) }),
);
const eventArb = fc
  .oneof(anyInstant, nearMidnight, nearException, nearBoundary)
  .filter((ms) => ms >= SPAN_FROM && ms <= SPAN_TO)
  .map((ms) => new Date(ms));
const lengthArb = fc.oneof(fc.constantFrom(1, 3, 5, 10, 15), fc.integer({ min: 1, max: 40 }), fc.integer({ min: 41, max: 400 }));

for (const [name, source] of Object.entries(sources)) {
  const calendar = new WorkingDayCalendar(source);
  const ref = reference(source);

  t.test(`${name}: deadlines agree with the day-by-day reference on random events and lengths`, async (t) => {
    const check = agrees(calendar, ref);
    fc.assert(
      fc.property(eventArb, lengthArb, (event, n) => check(event, n)),
      { seed: SEED, numRuns: 6_000 },
    );
    t.pass('6,000 random deadlines identical (date, instant, provisional flag)');
  });
}

t.test('events on every holiday and make-up day, and on weekends, at the edges of the Shanghai day', async (t) => {
  for (const [name, source] of Object.entries(sources)) {
    const calendar = new WorkingDayCalendar(source);
    const ref = reference(source);
    const days = new Set([...source.published.values()].flat().map((d) => d.date));
    for (const d of provisionalSchedule(next)) days.add(d.date);
    // Every Saturday and Sunday of a year with make-up days and of the first provisional year.
    for (const year of [2013, next])
      for (let ms = Date.UTC(year, 0, 1); ms < Date.UTC(year + 1, 0, 1); ms += DAY_MS)
        if ([0, 6].includes(new Date(ms).getUTCDay())) days.add(isoDate(ms));
    const problems: string[] = [];
    for (const date of days) {
      const midnight = shanghaiMidnight(date);
      if (midnight < SPAN_FROM || midnight > SPAN_TO) continue;
      for (const at of [midnight - 1, midnight, midnight + 1, midnight + 12 * 3_600_000, midnight + DAY_MS - 1])
        for (const n of [1, 2, 5, 15]) {
          if (at < SPAN_FROM) continue;
          const problem = disagreement(calendar, ref, new Date(at), n);
          if (problem) problems.push(problem);
        }
    }
    t.same(problems.slice(0, 10), [], `${name}: ${days.size} days × 5 instants × 4 lengths agree`);
  }
});

t.test('the first and last instants of the span; one working day is the least a step lasts', async (t) => {
  const calendar = new WorkingDayCalendar(sources.v1!);
  const ref = reference(sources.v1!);
  for (const [event, n] of [
    [SPAN_FROM, 1],
    [SPAN_FROM, 250],
    [shanghaiMidnight('2060-12-20'), 1],
    [SPAN_TO, 1],
  ] as const)
    t.equal(disagreement(calendar, ref, new Date(event), n), null, `${new Date(event).toISOString()} + ${n}`);
  t.throws(() => calendar.addWorkingDays(new Date(SPAN_FROM - 1), 1), /outside the working-day calendar/, 'the instant before the span');
  // n = 0 is not a step: it is refused, not answered (the reference has no answer to compare with).
  for (const n of [0, -1, 1.5, Number.NaN]) t.throws(() => calendar.addWorkingDays(new Date(SPAN_FROM), n), RangeError, `n = ${n}`);
});

t.test('every day of the span carries its own date, leap days included', async (t) => {
  const spans = [
    { from: 2004, to: 2060, source: sources.v1! },
    // 2100 is not a leap year (a century), 2096 and 2104 are: weekends only, no schedules.
    { from: 2096, to: 2104, source: { published: new Map(), provisional: () => [], version: 1, firstYear: 2096, lastYear: 2104 } },
  ];
  for (const { from, to, source } of spans) {
    const calendar = new WorkingDayCalendar(source);
    const dates = [...calendar.days(`${from}-01-01`, `${to}-12-31`)].map((d) => d.date);
    const expected: string[] = [];
    for (let ms = Date.UTC(from, 0, 1); ms < Date.UTC(to + 1, 0, 1); ms += DAY_MS) expected.push(isoDate(ms));
    t.same(dates, expected, `${from}–${to}: ${expected.length} days`);
    const ref = reference(source);
    const check = agrees(calendar, ref);
    const instant = fc.integer({ min: Date.UTC(from, 0, 1), max: Date.UTC(to, 11, 1) }).map((ms) => new Date(ms));
    fc.assert(
      fc.property(instant, fc.integer({ min: 1, max: 30 }), (event, n) => check(event, n)),
      { seed: SEED, numRuns: 500 },
    );
  }
});
