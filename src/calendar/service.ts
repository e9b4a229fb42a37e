import { asc, desc, eq, inArray, sql } from 'drizzle-orm';
import { appendAudit, type AuditActor } from '../audit/index.js';
import { auditActor, type RequestContext } from '../identity/index.js';
import { Action, Subject } from '../identity/rules/abilities.js';
import { PublishedVersions } from '../platform/db/published-versions.js';
import type { Db, Tx } from '../platform/db/client.js';
import { calendarDays, calendarOrdinals, calendarVersions, calendarYears } from '../platform/db/schema.js';
import { missingStatutoryHolidays, provisionalSchedule } from './rules/statutory-holidays.js';
import { WorkingDayCalendar, type DayException } from './rules/working-days.js';
import { ForbiddenError, RuleViolationError } from '../platform/errors.js';
import type { JsonBody, JsonRequest, QueryParams } from '../platform/http/contract.js';
import { CHINESE_DAYS_PACKAGE, noticeFor, publishedSchedulesFromPackage } from './chinese-days-source.js';

/** The span the calendar (and its SQL ordinals) covers. */
export const CALENDAR_FIRST_YEAR = 2004;
export const CALENDAR_LAST_YEAR = 2060;

/** Arbitrary constant naming the lock that serializes calendar changes. */
const CALENDAR_LOCK = 1_515_001;

/** Built calendars, once per stored version. */
const calendars = new PublishedVersions<WorkingDayCalendar>();

export async function currentCalendarVersion(db: Db | Tx): Promise<number> {
  const [row] = await db
    .select({ version: calendarVersions.version })
    .from(calendarVersions)
    .orderBy(desc(calendarVersions.version))
    .limit(1);
  return row?.version ?? 0;
}

/** The calendar as PostgreSQL holds it now, built once per stored version. */
export async function loadCalendar(db: Db | Tx): Promise<WorkingDayCalendar> {
  const [stamp] = await db
    .select({ version: calendarVersions.version, createdAt: calendarVersions.createdAt })
    .from(calendarVersions)
    .orderBy(desc(calendarVersions.version))
    .limit(1);
  const version = stamp?.version ?? 0;
  const key = PublishedVersions.key(version, stamp?.createdAt);
  const cached = calendars.get(key);
  if (cached) return cached;
  const days = await db.select().from(calendarDays).orderBy(asc(calendarDays.date));
  const years = await db.select({ year: calendarYears.year }).from(calendarYears);
  const published = new Map<number, DayException[]>(years.map((y) => [y.year, []]));
  for (const d of days) published.get(d.year)?.push({ date: d.date, kind: d.kind, name: d.name });
  const calendar = new WorkingDayCalendar({
    published,
    provisional: provisionalSchedule,
    version,
    firstYear: CALENDAR_FIRST_YEAR,
    lastYear: CALENDAR_LAST_YEAR,
  });
  return calendars.set(key, calendar);
}

export interface YearSchedule {
  year: number;
  notice: string;
  source: string;
  days: DayException[];
}

function checkSchedule(schedule: YearSchedule): void {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const d of schedule.days) {
    const parsed = new Date(`${d.date}T00:00:00Z`);
    if (Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 10) !== d.date) problems.push(`${d.date}: not a date`);
    else if (Math.abs(Number(d.date.slice(0, 4)) - schedule.year) > 1)
      problems.push(`${d.date}: a ${schedule.year} notice arranges days of ${schedule.year} and its neighbouring years only`);
    else if (Number(d.date.slice(0, 4)) < CALENDAR_FIRST_YEAR || Number(d.date.slice(0, 4)) > CALENDAR_LAST_YEAR)
      problems.push(`${d.date}: outside the calendar (${CALENDAR_FIRST_YEAR}–${CALENDAR_LAST_YEAR})`);
    else if (seen.has(d.date)) problems.push(`${d.date}: listed twice`);
    else {
      const weekday = parsed.getUTCDay();
      if (d.kind === 'makeup_workday' && weekday !== 0 && weekday !== 6)
        problems.push(`${d.date}: a make-up working day must be a Saturday or Sunday`);
    }
    seen.add(d.date);
  }
  if (schedule.year < CALENDAR_FIRST_YEAR || schedule.year > CALENDAR_LAST_YEAR)
    problems.push(`the calendar covers ${CALENDAR_FIRST_YEAR}–${CALENDAR_LAST_YEAR}`);
  if (!schedule.days.some((d) => d.kind === 'holiday')) problems.push('a published schedule names its holidays');
  // The notice arranges the breaks around the statutory holidays; it cannot drop one (全国年节及纪念日放假办法).
  for (const missing of missingStatutoryHolidays(schedule.year, schedule.days))
    problems.push(`${missing.date}: the statutory holiday ${missing.name} is missing (it must be listed as a holiday)`);
  if (problems.length) throw new RuleViolationError('invalid_calendar_year', problems.join('; '), { problems });
}

export interface PublishResult {
  version: number;
  /** Dates whose working status changed, for recomputing open clocks. */
  changedDates: string[];
  calendar: WorkingDayCalendar;
}

/**
 * Publishes or corrects years in one new calendar version: each year's exceptional dates
 * replaced, the SQL ordinals rewritten once, and one audit entry per year naming the dates whose
 * working status changed.
 */
export async function publishYears(
  db: Db,
  requested: YearSchedule[],
  meta: { actor: AuditActor; requestId?: string; at: Date },
  options: { onlyUnpublished?: boolean } = {},
): Promise<PublishResult> {
  requested.forEach(checkSchedule);
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${CALENDAR_LOCK})`);
    const before = await loadCalendar(tx);
    // Decided under the lock, so processes importing at the same start-up import once.
    const schedules = options.onlyUnpublished ? requested.filter((s) => !before.isPublishedYear(s.year)) : requested;
    if (schedules.length === 0) return { version: before.version, changedDates: [], calendar: before };
    const version = before.version + 1;
    const summary = schedules.map((s) => `${before.isPublishedYear(s.year) ? 'corrected' : 'published'} ${s.year}`).join(', ');
    await tx.insert(calendarVersions).values({ version, createdAt: meta.at, summary });
    const previous = new Map<number, string[]>();
    for (const schedule of schedules) {
      previous.set(
        schedule.year,
        (await tx.select().from(calendarDays).where(eq(calendarDays.year, schedule.year))).map((d) => `${d.date} ${d.kind} ${d.name}`),
      );
      await tx.delete(calendarDays).where(eq(calendarDays.year, schedule.year));
      // A day of a neighbouring year that another year's schedule held (the package files each
      // date under its own year) is arranged by this, the later, publication: its word stands.
      const takenOver = await tx
        .delete(calendarDays)
        .where(
          inArray(
            calendarDays.date,
            schedule.days.map((d) => d.date),
          ),
        )
        .returning({ date: calendarDays.date, year: calendarDays.year, kind: calendarDays.kind });
      for (const d of takenOver) previous.get(schedule.year)!.push(`${d.date} ${d.kind} (from the ${d.year} schedule)`);
      await tx.insert(calendarDays).values(schedule.days.map((d) => ({ ...d, year: schedule.year, notice: schedule.notice, version })));
      await tx
        .insert(calendarYears)
        .values({ year: schedule.year, notice: schedule.notice, source: schedule.source, version, publishedAt: meta.at })
        .onConflictDoUpdate({
          target: calendarYears.year,
          set: { notice: schedule.notice, source: schedule.source, version, publishedAt: meta.at },
        });
    }
    const after = await loadCalendar(tx);
    await writeOrdinals(tx, after);
    const changedDates: string[] = [];
    for (const schedule of schedules) {
      const dates = [`${schedule.year}-01-01`, `${schedule.year}-12-31`, ...schedule.days.map((d) => d.date)].sort();
      const changed = [...after.days(dates[0]!, dates.at(-1)!)].filter((d) => d.working !== before.isWorkingDay(d.date)).map((d) => d.date);
      changedDates.push(...changed);
      await appendAudit(tx, {
        actor: meta.actor,
        action: before.isPublishedYear(schedule.year) ? 'calendar.year_corrected' : 'calendar.year_published',
        subjectType: 'CalendarYear',
        subjectId: String(schedule.year),
        before: { version: before.version, published: before.isPublishedYear(schedule.year), days: previous.get(schedule.year) },
        after: { version, notice: schedule.notice, source: schedule.source, changedDates: changed },
        requestId: meta.requestId ?? null,
        at: meta.at,
      });
    }
    return { version, changedDates, calendar: after };
  });
}

/** What follows a calendar change: the open deadlines recomputed (the SLA capability's business, handed in); how many moved. */
export type CalendarFollower = (meta: { actor: AuditActor; requestId?: string; at: Date }) => Promise<number>;

/** Publishes or corrects one year, then, after the commit, has the open deadlines follow. */
export async function publishYearAndFollow(
  db: Db,
  schedule: YearSchedule,
  meta: { actor: AuditActor; requestId?: string; at: Date },
  follow: CalendarFollower,
) {
  const result = await publishYears(db, [schedule], meta);
  return { version: result.version, changedDates: result.changedDates, movedClocks: await follow(meta) };
}

async function writeOrdinals(tx: Tx, calendar: WorkingDayCalendar): Promise<void> {
  await tx.delete(calendarOrdinals);
  let batch: (typeof calendarOrdinals.$inferInsert)[] = [];
  for (const day of calendar.days(`${CALENDAR_FIRST_YEAR}-01-01`, `${CALENDAR_LAST_YEAR}-12-31`)) {
    batch.push({ date: day.date, working: day.working, ordinal: day.ordinal, provisional: day.provisional, version: calendar.version });
    if (batch.length === 2000) {
      await tx.insert(calendarOrdinals).values(batch);
      batch = [];
    }
  }
  if (batch.length) await tx.insert(calendarOrdinals).values(batch);
}

/**
 * Imports every schedule of the pinned `chinese-days` package that PostgreSQL does not hold yet
 * (idempotent; run at start and by `npm run import-calendar`). Years already published — possibly
 * corrected by the center — are left alone.
 */
export async function importPublishedSchedules(db: Db, meta: { actor: AuditActor; at: Date }): Promise<number[]> {
  const before = await currentCalendarVersion(db);
  const schedules = [...publishedSchedulesFromPackage()]
    .filter(([year]) => year >= CALENDAR_FIRST_YEAR && year <= CALENDAR_LAST_YEAR)
    .sort(([a], [b]) => a - b)
    .map(([year, days]) => ({ year, notice: noticeFor(year), source: CHINESE_DAYS_PACKAGE, days }));
  const result = await publishYears(db, schedules, meta, { onlyUnpublished: true });
  if (result.version === before) return [];
  return (await db.select({ year: calendarYears.year }).from(calendarYears).where(eq(calendarYears.version, result.version)))
    .map((y) => y.year)
    .sort((a, b) => a - b);
}

const MAX_RANGE_DAYS = 400;

/**
 * A deadline beyond the calendar's span is the caller's mistake, not a server error: each value
 * is well-formed (the contract bounds the dates), their combination breaks a rule (422).
 */
function withinCalendar<T>(compute: () => T): T {
  try {
    return compute();
  } catch (error) {
    if (error instanceof RangeError) throw new RuleViolationError('outside_calendar', error.message);
    throw error;
  }
}

export interface CalendarServiceDeps {
  db: Db;
  followCalendar: CalendarFollower;
}

/** The calendar's use cases, one call per HTTP operation: reading days and years, publishing a year, computing a deadline. */
export class CalendarService {
  constructor(private readonly deps: CalendarServiceDeps) {}

  async days({ from, to }: QueryParams<'listCalendarDays'>): Promise<JsonBody<'listCalendarDays', 200>> {
    const span = (Date.parse(to) - Date.parse(from)) / 86_400_000;
    if (span < 0 || span >= MAX_RANGE_DAYS)
      throw new RuleViolationError('invalid_date_range', `from must not be after to, and the range is at most ${MAX_RANGE_DAYS} days`);
    const calendar = await loadCalendar(this.deps.db);
    const days = withinCalendar(() => [...calendar.days(from, to)]);
    return {
      version: calendar.version,
      days: days.map((d) => ({
        date: d.date,
        working: d.working,
        ordinal: d.ordinal,
        provisional: d.provisional,
        kind: d.exception?.kind ?? null,
        name: d.exception?.name ?? null,
      })),
    };
  }

  async years(): Promise<JsonBody<'listCalendarYears', 200>> {
    const calendar = await loadCalendar(this.deps.db);
    const years = await this.deps.db.select().from(calendarYears).orderBy(asc(calendarYears.year));
    return { version: calendar.version, years: years.map((y) => ({ ...y, publishedAt: y.publishedAt.toISOString() })) };
  }

  async publishYear(
    ctx: RequestContext,
    year: number,
    body: JsonRequest<'publishCalendarYear'>,
  ): Promise<JsonBody<'publishCalendarYear', 200>> {
    if (!ctx.actor.ability.can(Action.update, Subject.Calendar))
      throw new ForbiddenError('forbidden', 'Only the center administrator publishes the calendar');
    const meta = { actor: auditActor(ctx.actor, 'center_admin'), requestId: ctx.requestId, at: ctx.now };
    const result = await publishYearAndFollow(
      this.deps.db,
      { year, notice: body.notice, source: 'api', days: body.days },
      meta,
      this.deps.followCalendar,
    );
    return { version: result.version, changedDates: result.changedDates, movedClocks: result.movedClocks };
  }

  async deadline(ctx: RequestContext, { from, workingDays }: JsonRequest<'computeDeadline'>): Promise<JsonBody<'computeDeadline', 200>> {
    const calendar = await loadCalendar(this.deps.db);
    return withinCalendar(() => {
      const deadline = calendar.addWorkingDays(new Date(from), workingDays);
      return {
        deadline: deadline.at.toISOString(),
        deadlineDate: deadline.date,
        provisional: deadline.provisional,
        calendarVersion: calendar.version,
        remainingWorkingDays: calendar.remainingWorkingDays(ctx.now, deadline.at),
      };
    });
  }
}
