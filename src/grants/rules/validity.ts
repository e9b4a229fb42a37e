/**
 * A grant's validity, pure. The usage period counts like a civil-law period (民法典 arts. 201–203):
 * the delivery day is not counted; N months end on the corresponding day of the N-th month after
 * it, or on that month's last day when it has none; the grant ends at the end (23:59:59.999 Asia/
 * Shanghai) of that last day. The expiry reminder falls `reminderDays` working days before the last
 * day, at 00:00 of that day (as a clock's reminder does), or at once for a shorter grant.
 */
import { shanghaiDate } from '../../calendar/rules/shanghai-time.js';
import { endOfShanghaiDay, startOfShanghaiDay, type WorkingDayCalendar } from '../../calendar/rules/working-days.js';

const DAY_MS = 86_400_000;

/** A civil date `days` later (or earlier). */
export const addDays = (date: string, days: number) => new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);

/** The last day of a period of `months` months after `from`'s Shanghai date. */
export function lastDayOf(from: Date, months: number): string {
  if (!Number.isInteger(months) || months < 1) throw new RangeError(`a usage period is a whole number of months, not ${months}`);
  const [y, m, d] = shanghaiDate(from).split('-').map(Number) as [number, number, number];
  const monthIndex = m - 1 + months;
  const year = y + Math.floor(monthIndex / 12);
  const month = monthIndex % 12;
  const daysInMonth = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return new Date(Date.UTC(year, month, Math.min(d, daysInMonth))).toISOString().slice(0, 10);
}

export interface GrantValidity {
  validFrom: Date;
  /** The end of the last day (Asia/Shanghai). */
  validTo: Date;
  lastDay: string;
}

/** The last day (Asia/Shanghai) of a validity that ends at `validTo`, the end of that day. */
export const lastDayOfValidity = (validTo: Date): string => shanghaiDate(validTo);

export function grantValidity(deliveredAt: Date, usageMonths: number): GrantValidity {
  const lastDay = lastDayOf(deliveredAt, usageMonths);
  return { validFrom: deliveredAt, validTo: endOfShanghaiDay(lastDay), lastDay };
}

/**
 * When the holder is reminded: 00:00 of the working day that leaves `reminderDays` working days
 * through the last day (so "10 working days left" on it), never before the grant starts.
 */
export function expiryReminderAt(calendar: WorkingDayCalendar, validity: GrantValidity, reminderDays: number): Date {
  if (!Number.isInteger(reminderDays) || reminderDays < 1)
    throw new RangeError(`a reminder comes at least one working day ahead, not ${reminderDays}`);
  let date = validity.lastDay;
  const start = shanghaiDate(validity.validFrom);
  // Walk back to the working day whose remaining working days through the last day are `reminderDays`.
  for (let left = 0; date > start;) {
    const before = addDays(date, -1);
    if (calendar.isWorkingDay(date)) left++;
    if (left === reminderDays) return startOfShanghaiDay(before) > validity.validFrom ? startOfShanghaiDay(before) : validity.validFrom;
    date = before;
  }
  return validity.validFrom;
}

/** Readable grant numbers: SQ-2026-000045 (per year, gapless). */
export function grantNumber(year: number, sequence: number): string {
  return `SQ-${year}-${String(sequence).padStart(6, '0')}`;
}
