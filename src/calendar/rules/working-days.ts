/**
 * Working-day arithmetic (工作日) in Asia/Shanghai — pure, no I/O.
 *
 * A working day is Monday–Friday unless the year's State Council schedule makes it a holiday,
 * plus any weekend day the schedule makes a make-up working day (调休上班). A year without a
 * published schedule uses its statutory holidays only and is *provisional*.
 *
 * The calendar is precomputed once over a fixed span of years, indexed by day number (days since
 * the span's first day): a working flag per day, a running count of working days (the *ordinal*),
 * the day of each ordinal and each day's date string. So `isWorkingDay`, `remainingWorkingDays`,
 * `workingDaysBetween` and `addWorkingDays` are O(1), and a deadline is found without formatting
 * or parsing a date.
 */
import { shanghaiDate } from './shanghai-time.js';

export type DayKind = 'holiday' | 'makeup_workday';

export interface DayException {
  /** YYYY-MM-DD */
  date: string;
  kind: DayKind;
  /** e.g. 春节 */
  name: string;
}

export interface CalendarSource {
  /** Published schedules: every exceptional date of each published year. */
  published: ReadonlyMap<number, readonly DayException[]>;
  /** Statutory holidays of an unpublished year (see statutory-holidays.ts). */
  provisional: (year: number) => readonly DayException[];
  version: number;
  firstYear?: number;
  lastYear?: number;
}

export interface Deadline {
  /** End of the deadline day: 23:59:59.999 Asia/Shanghai. */
  at: Date;
  /** The deadline's Shanghai date, YYYY-MM-DD. */
  date: string;
  /** True when any day counted lies in a year whose schedule is unpublished. */
  provisional: boolean;
}

const DAY_MS = 86_400_000;
const SHANGHAI_OFFSET_MS = 8 * 3_600_000;

export class WorkingDayCalendar {
  readonly version: number;
  readonly firstYear: number;
  readonly lastYear: number;
  private readonly base: number;
  private readonly working: Uint8Array;
  /** ordinals[i] = working days in [first day, day i], inclusive. */
  private readonly ordinals: Int32Array;
  /** dayOfOrdinal[k] = the day number of the k-th working day of the span (k ≥ 1). */
  private readonly dayOfOrdinal: Int32Array;
  /** dates[i] = day i as YYYY-MM-DD (shared by every calendar of the same span). */
  private readonly dates: readonly string[];
  /** unpublishedThrough[i] = days in [first day, day i] of years without a published schedule. */
  private readonly unpublishedThrough: Int32Array;
  private readonly exceptions = new Map<string, DayException>();
  private readonly publishedYears: ReadonlySet<number>;

  constructor(source: CalendarSource) {
    this.version = source.version;
    this.firstYear = source.firstYear ?? 2004;
    this.lastYear = source.lastYear ?? 2060;
    this.publishedYears = new Set(source.published.keys());
    this.base = Date.UTC(this.firstYear, 0, 1);
    const days = Math.round((Date.UTC(this.lastYear + 1, 0, 1) - this.base) / DAY_MS);
    this.working = new Uint8Array(days);
    this.ordinals = new Int32Array(days);
    this.unpublishedThrough = new Int32Array(days);
    this.dates = datesOfSpan(this.firstYear, this.lastYear);

    for (let i = 0; i < days; i++) {
      const weekday = new Date(this.base + i * DAY_MS).getUTCDay();
      this.working[i] = weekday === 0 || weekday === 6 ? 0 : 1;
    }
    for (let year = this.firstYear; year <= this.lastYear; year++) {
      const list = source.published.get(year) ?? source.provisional(year);
      for (const exception of list) {
        // A notice may arrange a day of the neighbouring year (the 2012 notice's make-up Saturday
        // 31 Dec 2011); years apply in order, so a later notice's word on a date stands.
        const index = this.indexOfOrNull(exception.date);
        if (index === null) continue;
        this.working[index] = exception.kind === 'makeup_workday' ? 1 : 0;
        this.exceptions.set(exception.date, exception);
      }
    }
    let count = 0;
    let unpublished = 0;
    for (let i = 0; i < days; i++) {
      count += this.working[i]!;
      this.ordinals[i] = count;
      if (!this.publishedYears.has(new Date(this.base + i * DAY_MS).getUTCFullYear())) unpublished++;
      this.unpublishedThrough[i] = unpublished;
    }
    this.dayOfOrdinal = new Int32Array(count + 1);
    for (let i = 0; i < days; i++) if (this.working[i] === 1) this.dayOfOrdinal[this.ordinals[i]!] = i;
  }

  /** The day's index in the precomputed span; throws outside it. */
  private indexOf(date: string): number {
    const index = Math.round((Date.parse(`${date}T00:00:00Z`) - this.base) / DAY_MS);
    if (!Number.isInteger(index) || index < 0 || index >= this.working.length) {
      throw new RangeError(`${date} is outside the working-day calendar (${this.firstYear}–${this.lastYear})`);
    }
    return index;
  }

  private indexOfOrNull(date: string): number | null {
    const index = Math.round((Date.parse(`${date}T00:00:00Z`) - this.base) / DAY_MS);
    return Number.isInteger(index) && index >= 0 && index < this.working.length ? index : null;
  }

  /** The index of an instant's Asia/Shanghai date, without going through strings. */
  private indexOfInstant(instant: Date): number {
    const index = Math.floor((instant.getTime() + SHANGHAI_OFFSET_MS - this.base) / DAY_MS);
    if (!(index >= 0 && index < this.working.length)) {
      throw new RangeError(`${instant.toISOString()} is outside the working-day calendar (${this.firstYear}–${this.lastYear})`);
    }
    return index;
  }

  private dateAt(index: number): string {
    return this.dates[index]!;
  }

  isWorkingDay(date: string): boolean {
    return this.working[this.indexOf(date)] === 1;
  }

  /** The holiday or make-up day on that date, if it is one. */
  exceptionOn(date: string): DayException | undefined {
    return this.exceptions.get(date);
  }

  isPublishedYear(year: number): boolean {
    return this.publishedYears.has(year);
  }

  /** Working days from the span's start through `date`, inclusive: SQL stores the same number. */
  ordinal(date: string): number {
    return this.ordinals[this.indexOf(date)]!;
  }

  /**
   * Day 1 is the first working day after the event's Shanghai date, whatever that date is; the
   * deadline is the end of day n.
   */
  addWorkingDays(event: Date, n: number): Deadline {
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`a step lasts at least one working day, not ${n}`);
    const eventIndex = this.indexOfInstant(event);
    // Day n is the working day whose ordinal is the event day's plus n: it lies after the event day.
    const target = this.ordinals[eventIndex]! + n;
    if (target >= this.dayOfOrdinal.length)
      throw new RangeError(`a deadline ${n} working days after ${shanghaiDate(event)} is beyond ${this.lastYear}`);
    const index = this.dayOfOrdinal[target]!;
    return {
      at: new Date(this.base + (index + 1) * DAY_MS - 1 - SHANGHAI_OFFSET_MS),
      date: this.dates[index]!,
      // Provisional when any day from the event's date to the deadline lies in an unpublished year.
      provisional: this.unpublishedThrough[index]! - (eventIndex > 0 ? this.unpublishedThrough[eventIndex - 1]! : 0) > 0,
    };
  }

  /**
   * Whole working days left after t's date through the deadline date: 0 on the deadline date
   * ("due today"); negative once overdue, by the working days since the deadline.
   */
  remainingWorkingDays(t: Date, deadline: Date): number {
    return this.ordinals[this.indexOfInstant(deadline)]! - this.ordinals[this.indexOfInstant(t)]!;
  }

  /** Working days d with date(from) < d ≤ date(to); negative when `to` is earlier. */
  workingDaysBetween(from: Date, to: Date): number {
    return this.ordinals[this.indexOfInstant(to)]! - this.ordinals[this.indexOfInstant(from)]!;
  }

  /** Whether any year from `fromDate` to `toDate` (inclusive) has no published schedule. */
  spansUnpublished(fromDate: string, toDate: string): boolean {
    for (let year = Number(fromDate.slice(0, 4)); year <= Number(toDate.slice(0, 4)); year++) {
      if (!this.publishedYears.has(year)) return true;
    }
    return false;
  }

  /** Every day of a date range with its working flag, ordinal and exception (for the API). */
  *days(
    fromDate: string,
    toDate: string,
  ): Generator<{ date: string; working: boolean; ordinal: number; provisional: boolean; exception?: DayException }> {
    for (let i = this.indexOf(fromDate); i <= this.indexOf(toDate); i++) {
      const date = this.dateAt(i);
      const exception = this.exceptions.get(date);
      yield {
        date,
        working: this.working[i] === 1,
        ordinal: this.ordinals[i]!,
        provisional: !this.publishedYears.has(Number(date.slice(0, 4))),
        ...(exception ? { exception } : {}),
      };
    }
  }
}

/** Each span's date strings, built once per process: calendars of a span differ in schedule, not in dates. */
const spanDates = new Map<string, readonly string[]>();

/** Every day of the years firstYear–lastYear as YYYY-MM-DD (as toISOString gives it), in order, without a Date per day. */
function datesOfSpan(firstYear: number, lastYear: number): readonly string[] {
  const key = `${firstYear}-${lastYear}`;
  let dates = spanDates.get(key);
  if (!dates) {
    const out: string[] = [];
    const pad = (k: number) => (k < 10 ? `0${k}` : `${k}`);
    for (let year = firstYear; year <= lastYear; year++) {
      const yyyy = String(year).padStart(4, '0');
      const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
      for (let month = 1; month <= 12; month++) {
        const length = month === 2 ? (leap ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31;
        for (let day = 1; day <= length; day++) out.push(`${yyyy}-${pad(month)}-${pad(day)}`);
      }
    }
    dates = out;
    spanDates.set(key, dates);
  }
  return dates;
}

/** 23:59:59.999 Asia/Shanghai on that date, as an instant. */
export function endOfShanghaiDay(date: string): Date {
  return new Date(Date.parse(`${date}T00:00:00Z`) + DAY_MS - 1 - SHANGHAI_OFFSET_MS);
}

/** 00:00 Asia/Shanghai on that date, as an instant (e.g. the "due today" reminder). */
export function startOfShanghaiDay(date: string): Date {
  return new Date(Date.parse(`${date}T00:00:00Z`) - SHANGHAI_OFFSET_MS);
}
