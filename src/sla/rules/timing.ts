/**
 * Where a clocked step stands at an instant, in working days (pure): what lists, details and the
 * dashboard show beside the deadline — days left, due today, or late by how many working days.
 */
import type { WorkingDayCalendar } from '../../calendar/rules/working-days.js';

export interface StepTiming {
  /**
   * Working days left after today through the deadline date: 0 on the deadline date; a paused
   * step keeps what it had at the pause; 0 once late; null once the step is over.
   */
  workingDaysRemaining: number | null;
  /** Running, not yet late, and today is the deadline date. */
  dueToday: boolean;
  /**
   * Once the step is overdue: working days since the deadline date (0 on the rest days right
   * after it, and while a breach stands with the step's new deadline still ahead); a paused step
   * keeps what it was at the pause. Null while it is not overdue.
   */
  overdueWorkingDays: number | null;
}

export interface TimedClock {
  state: 'running' | 'paused' | 'stopped';
  deadlineAt: Date;
  remainingAtPause: number | null;
  pausedAt: Date | null;
  /** 'breached' while a breach stands (see isOverdue). */
  outcome: 'met' | 'breached' | null;
}

export function stepTiming(calendar: Pick<WorkingDayCalendar, 'remainingWorkingDays'>, clock: TimedClock, now: Date): StepTiming {
  if (clock.state === 'stopped') return { workingDaysRemaining: null, dueToday: false, overdueWorkingDays: null };
  const overdue = clock.outcome === 'breached';
  const late = (at: Date) => Math.max(0, -calendar.remainingWorkingDays(at, clock.deadlineAt));
  if (clock.state === 'paused')
    return {
      workingDaysRemaining: clock.remainingAtPause,
      dueToday: false,
      overdueWorkingDays: overdue ? late(clock.pausedAt ?? now) : null,
    };
  const remaining = calendar.remainingWorkingDays(now, clock.deadlineAt);
  if (now > clock.deadlineAt) return { workingDaysRemaining: 0, dueToday: false, overdueWorkingDays: late(now) };
  if (overdue) return { workingDaysRemaining: remaining, dueToday: false, overdueWorkingDays: 0 };
  return { workingDaysRemaining: remaining, dueToday: remaining === 0, overdueWorkingDays: null };
}
