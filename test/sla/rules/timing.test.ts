/**
 * Where a step stands in working days (lists, details, dashboard): days left, due today, late by
 * how many working days — across a weekend and the 2026 National Day holiday (1–7 October off, as
 * the State Council published it and the calendar package the platform imports has it).
 */
import t from 'tap';
import { publishedSchedulesFromPackage } from '../../../src/calendar/chinese-days-source.js';
import { provisionalSchedule } from '../../../src/calendar/rules/statutory-holidays.js';
import { endOfShanghaiDay, WorkingDayCalendar } from '../../../src/calendar/rules/working-days.js';
import { stepTiming } from '../../../src/sla/rules/timing.js';

const calendar = new WorkingDayCalendar({ published: publishedSchedulesFromPackage(), provisional: provisionalSchedule, version: 1 });
const sh = (local: string) => new Date(`${local}+08:00`);
const running = (deadlineDate: string, outcome: 'breached' | null = null) => ({
  state: 'running' as const,
  deadlineAt: endOfShanghaiDay(deadlineDate),
  remainingAtPause: null,
  pausedAt: null,
  outcome,
});

t.test('a running step: working days left through the deadline date, 0 and due on the day itself', async (t) => {
  // Deadline Friday 4 Dec 2026.
  t.same(stepTiming(calendar, running('2026-12-04'), sh('2026-11-30T10:00:00')), {
    workingDaysRemaining: 4,
    dueToday: false,
    overdueWorkingDays: null,
  });
  t.same(stepTiming(calendar, running('2026-12-04'), sh('2026-12-04T00:00:00')), {
    workingDaysRemaining: 0,
    dueToday: true,
    overdueWorkingDays: null,
  });
  t.same(stepTiming(calendar, running('2026-12-04'), sh('2026-12-04T23:59:59')), {
    workingDaysRemaining: 0,
    dueToday: true,
    overdueWorkingDays: null,
  });
});

t.test('late: counted in working days since the deadline date; the weekend right after counts none', async (t) => {
  t.same(stepTiming(calendar, running('2026-12-04'), sh('2026-12-05T09:00:00')), {
    workingDaysRemaining: 0,
    dueToday: false,
    overdueWorkingDays: 0,
  });
  t.same(stepTiming(calendar, running('2026-12-04'), sh('2026-12-07T09:00:00')), {
    workingDaysRemaining: 0,
    dueToday: false,
    overdueWorkingDays: 1,
  });
  t.same(stepTiming(calendar, running('2026-12-04'), sh('2026-12-11T09:00:00')), {
    workingDaysRemaining: 0,
    dueToday: false,
    overdueWorkingDays: 5,
  });
});

t.test('a breach that stands with the deadline ahead again (resumed after a late pause) is never due today', async (t) => {
  t.same(stepTiming(calendar, running('2026-12-04', 'breached'), sh('2026-12-04T09:00:00')), {
    workingDaysRemaining: 0,
    dueToday: false,
    overdueWorkingDays: 0,
  });
});

t.test('holidays are not working days: a deadline after the National Day week', async (t) => {
  // 2026: 1–7 October off; the first working day after is Thursday 8 October.
  const remaining = stepTiming(calendar, running('2026-10-09'), sh('2026-09-30T10:00:00')).workingDaysRemaining;
  t.equal(remaining, 2, 'Thursday 8 and Friday 9 October');
  t.equal(calendar.isWorkingDay('2026-10-05'), false);
});

t.test('a paused step keeps what it had at the pause; a stopped one counts nothing', async (t) => {
  const paused = {
    state: 'paused' as const,
    deadlineAt: endOfShanghaiDay('2026-12-04'),
    remainingAtPause: 3,
    pausedAt: sh('2026-12-01T10:00:00'),
    outcome: null,
  };
  t.same(stepTiming(calendar, paused, sh('2026-12-20T10:00:00')), { workingDaysRemaining: 3, dueToday: false, overdueWorkingDays: null });
  // Paused two working days after a Friday deadline (Tuesday 8 Dec): late by 2 at the pause, whenever read.
  const pausedLate = { ...paused, remainingAtPause: 0, pausedAt: sh('2026-12-08T10:00:00'), outcome: 'breached' as const };
  t.same(stepTiming(calendar, pausedLate, sh('2026-12-20T10:00:00')), { workingDaysRemaining: 0, dueToday: false, overdueWorkingDays: 2 });
  const stopped = {
    state: 'stopped' as const,
    deadlineAt: endOfShanghaiDay('2026-12-04'),
    remainingAtPause: null,
    pausedAt: null,
    outcome: 'met' as const,
  };
  t.same(stepTiming(calendar, stopped, sh('2026-12-20T10:00:00')), {
    workingDaysRemaining: null,
    dueToday: false,
    overdueWorkingDays: null,
  });
});
