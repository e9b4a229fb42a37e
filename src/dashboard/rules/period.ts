/**
 * The dashboard's period (Asia/Shanghai calendar dates, both ends inclusive) and its weeks. A
 * period is the cohort of requests filed in it; at most a year, so one answer stays bounded.
 */
import { RuleViolationError } from '../../platform/errors.js';

export const MAX_PERIOD_DAYS = 366;

export interface Period {
  from: string;
  to: string;
}

const DAY_MS = 86_400_000;
const dayNumber = (date: string) => Date.parse(`${date}T00:00:00Z`) / DAY_MS;
const dateOf = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10);

/** The period asked for, the current month to date when a bound is left out. */
export function resolvePeriod(asked: { from?: string | undefined; to?: string | undefined }, today: string): Period {
  const from = asked.from ?? `${today.slice(0, 7)}-01`;
  const to = asked.to ?? (asked.from && asked.from > today ? asked.from : today);
  if (to < from) throw new RuleViolationError('invalid_period', `The period ends (${to}) before it starts (${from})`);
  const days = dayNumber(to) - dayNumber(from) + 1;
  if (days > MAX_PERIOD_DAYS)
    throw new RuleViolationError('period_too_long', `A period is at most ${MAX_PERIOD_DAYS} days; this one has ${days}`, { days });
  return { from, to };
}

/** A calendar month YYYY-MM as a period. */
export function monthPeriod(month: string): Period {
  const [year, mon] = month.split('-').map(Number) as [number, number];
  const last = new Date(Date.UTC(year, mon, 0)).getUTCDate();
  return { from: `${month}-01`, to: `${month}-${String(last).padStart(2, '0')}` };
}

/** The Monday starting the week of a date. */
export function weekStart(date: string): string {
  const day = dayNumber(date);
  const weekday = (new Date(day * DAY_MS).getUTCDay() + 6) % 7; // Monday 0 … Sunday 6
  return dateOf(day - weekday);
}

/** The Mondays of every week touching the period, in order. */
export function weeksOf(period: Period): string[] {
  const weeks: string[] = [];
  for (let day = dayNumber(weekStart(period.from)); day <= dayNumber(period.to); day += 7) weeks.push(dateOf(day));
  return weeks;
}
