import t from 'tap';
import { publishedSchedulesFromPackage } from '../../../src/calendar/chinese-days-source.js';
import { provisionalSchedule } from '../../../src/calendar/rules/statutory-holidays.js';
import { WorkingDayCalendar } from '../../../src/calendar/rules/working-days.js';
import { expiryReminderAt, grantNumber, grantValidity, lastDayOf } from '../../../src/grants/rules/validity.js';

const calendar = new WorkingDayCalendar({ published: publishedSchedulesFromPackage(), provisional: provisionalSchedule, version: 1 });
/** An instant given as Asia/Shanghai wall time. */
const sh = (local: string) => new Date(`${local}+08:00`);

t.test('a usage period of N months ends on the corresponding day, or the month’s last day (民法典 arts. 201–203)', async (t) => {
  t.equal(lastDayOf(sh('2026-12-02T10:00:00'), 6), '2027-06-02');
  t.equal(lastDayOf(sh('2026-01-31T10:00:00'), 1), '2026-02-28', 'February has no 31st');
  t.equal(lastDayOf(sh('2027-08-31T10:00:00'), 6), '2028-02-29', 'a leap year');
  t.equal(lastDayOf(sh('2026-11-15T10:00:00'), 12), '2027-11-15');
  t.equal(lastDayOf(sh('2026-12-31T23:30:00'), 1), '2027-01-31', 'the Shanghai date counts, not UTC’s');
  t.equal(lastDayOf(new Date('2026-12-31T16:30:00Z'), 1), '2027-02-01', '00:30 on 1 January in Shanghai');
  t.throws(() => lastDayOf(new Date(), 0), RangeError);
});

t.test('the grant ends at the end of its last day in Shanghai', async (t) => {
  const v = grantValidity(sh('2026-12-02T10:00:00'), 6);
  t.equal(v.validTo.toISOString(), '2027-06-02T15:59:59.999Z');
  t.equal(v.validFrom.toISOString(), '2026-12-02T02:00:00.000Z');
});

t.test('the reminder: 00:00 of the day that leaves the set working days through the last day', async (t) => {
  // Last day Fri 16 Oct 2026: working days back are 16, 15, 14, 13, 12 Oct, Sat 10 Oct (make-up),
  // Fri 9, Thu 8 Oct, then Wed 30 Sep: 1–7 Oct is the National Day holiday.
  const v = { validFrom: sh('2026-04-16T09:00:00'), validTo: sh('2026-10-16T23:59:59.999'), lastDay: '2026-10-16' };
  t.equal(expiryReminderAt(calendar, v, 1).toISOString(), sh('2026-10-15T00:00:00').toISOString(), 'one left: Thursday');
  t.equal(expiryReminderAt(calendar, v, 5).toISOString(), sh('2026-10-11T00:00:00').toISOString(), 'five left: Sunday 11th');
  t.equal(expiryReminderAt(calendar, v, 6).toISOString(), sh('2026-10-09T00:00:00').toISOString(), 'six: counts the make-up Saturday');
  t.equal(
    expiryReminderAt(calendar, v, 8).toISOString(),
    sh('2026-10-07T00:00:00').toISOString(),
    'eight: Thu 8 Oct is the first working day after the holiday',
  );
  t.equal(expiryReminderAt(calendar, v, 9).toISOString(), sh('2026-09-29T00:00:00').toISOString(), 'nine: across the holiday');
  const short = { validFrom: sh('2026-10-14T09:00:00'), validTo: v.validTo, lastDay: v.lastDay };
  t.equal(expiryReminderAt(calendar, short, 10).toISOString(), short.validFrom.toISOString(), 'a shorter grant: at once');
  t.throws(() => expiryReminderAt(calendar, v, 0), RangeError);
});

t.test('readable numbers', async (t) => {
  t.equal(grantNumber(2026, 45), 'SQ-2026-000045');
});
