/**
 * The SLA clock of one timed step (pure). Every timed step of requests, grants and objections
 * runs one: started with N working days, paused for a supplement (补正) and resumed with the
 * remaining days carried over, extended once (延期), breached at its deadline, stopped when the
 * step ends, and recomputed when the calendar or the policy changes (DESIGN.md, the SLA clock).
 *
 * The current deadline is always `addWorkingDays(basisAt, basisDays + extensionDays)`: the
 * basis is the start (or the last resume) and its working days, so a recomputation with a
 * corrected calendar needs nothing else (a paused clock recounts R from it).
 */
import type { Deadline, WorkingDayCalendar } from '../../calendar/rules/working-days.js';
import { RuleViolationError, ConflictError } from '../../platform/errors.js';

export type ClockState = 'running' | 'paused' | 'stopped';
export type ClockOutcome = 'met' | 'breached';

export interface Extension {
  requestedAt: Date;
  days: number;
  reason: string;
  decision: 'pending' | 'approved' | 'rejected';
  decidedAt: Date | null;
  /** The party whose step it was when asked (only that party asks): the dashboard counts it. */
  party?: string;
}

export interface Clock {
  state: ClockState;
  workingDays: number;
  basisAt: Date;
  basisDays: number;
  extensionDays: number;
  deadline: Deadline;
  calendarVersion: number;
  pausedAt: Date | null;
  /** R: whole working days left when paused. */
  remainingAtPause: number | null;
  breachedAt: Date | null;
  outcome: ClockOutcome | null;
  stoppedAt: Date | null;
  extension: Extension | null;
}

function deadlineOf(calendar: WorkingDayCalendar, clock: Pick<Clock, 'basisAt' | 'basisDays' | 'extensionDays'>): Deadline {
  return calendar.addWorkingDays(clock.basisAt, clock.basisDays + clock.extensionDays);
}

function requireState(clock: Clock, states: ClockState[], action: string): void {
  if (!states.includes(clock.state)) throw new ConflictError('clock_state', `Cannot ${action} a ${clock.state} clock`);
}

export function startClock(calendar: WorkingDayCalendar, at: Date, workingDays: number): Clock {
  const basis = { basisAt: at, basisDays: workingDays, extensionDays: 0 };
  return {
    state: 'running',
    workingDays,
    ...basis,
    deadline: deadlineOf(calendar, basis),
    calendarVersion: calendar.version,
    pausedAt: null,
    remainingAtPause: null,
    breachedAt: null,
    outcome: null,
    stoppedAt: null,
    extension: null,
  };
}

/**
 * Pausing records R, the whole working days left after the pause's date. A pause after the
 * deadline first records the breach the timer had not yet recorded: a paused clock never
 * breaches, so the breach would otherwise be lost.
 */
export function pauseClock(calendar: WorkingDayCalendar, clock: Clock, at: Date): Clock {
  requireState(clock, ['running'], 'pause');
  const checked = breachClock(clock, at, new Date(clock.deadline.at.getTime() + 1));
  return { ...checked, state: 'paused', pausedAt: at, remainingAtPause: Math.max(calendar.remainingWorkingDays(at, clock.deadline.at), 0) };
}

/**
 * The new deadline is the end of day max(R, 1) counted from the resume date: a pause on the
 * deadline date still leaves one working day after resuming.
 */
export function resumeClock(calendar: WorkingDayCalendar, clock: Clock, at: Date): Clock {
  requireState(clock, ['paused'], 'resume');
  const basis = { basisAt: at, basisDays: Math.max(clock.remainingAtPause ?? 0, 1), extensionDays: 0 };
  return {
    ...clock,
    ...basis,
    state: 'running',
    pausedAt: null,
    remainingAtPause: null,
    deadline: deadlineOf(calendar, basis),
    calendarVersion: calendar.version,
  };
}

/** Once per step, before the deadline, at most `cap` working days (default: the step's own length). */
export function requestExtension(clock: Clock, at: Date, days: number, reason: string, cap = clock.workingDays): Clock {
  requireState(clock, ['running', 'paused'], 'extend');
  if (clock.extension) throw new ConflictError('extension_already_requested', 'This step has already had its one extension request');
  if (clock.breachedAt || (clock.state === 'running' && at > clock.deadline.at))
    throw new RuleViolationError('extension_after_deadline', 'An extension must be asked for before the deadline');
  if (!Number.isInteger(days) || days < 1 || days > cap)
    throw new RuleViolationError('extension_too_long', `An extension is 1 to ${cap} working days`);
  if (!reason.trim()) throw new RuleViolationError('extension_reason_required', 'An extension request states its reason');
  return { ...clock, extension: { requestedAt: at, days, reason, decision: 'pending', decidedAt: null } };
}

/**
 * The center's decision. An approval moves the deadline by the extension's working days; one
 * that comes after a breach supersedes it (the breach stays in the history, `overdue` clears)
 * unless the extended deadline has passed too.
 */
export function decideExtension(calendar: WorkingDayCalendar, clock: Clock, at: Date, approved: boolean): Clock {
  if (!clock.extension || clock.extension.decision !== 'pending')
    throw new ConflictError('no_pending_extension', 'There is no extension request to decide');
  const extension = { ...clock.extension, decision: approved ? ('approved' as const) : ('rejected' as const), decidedAt: at };
  if (!approved || clock.state === 'stopped') return { ...clock, extension };
  const extended = { ...clock, extension, extensionDays: extension.days };
  // Paused, the clock's time stands still at the pause: the extended deadline is counted from the
  // basis as on a running clock, R is recounted from the pause to it, and a breach is superseded
  // only if the extended deadline lies after the pause (time did not run on while paused).
  if (clock.state === 'paused') {
    const deadline = deadlineOf(calendar, extended);
    const pausedAt = clock.pausedAt!;
    const remainingAtPause = Math.max(calendar.remainingWorkingDays(pausedAt, deadline.at), 0);
    const late = deadline.at < pausedAt;
    return {
      ...extended,
      deadline,
      calendarVersion: calendar.version,
      remainingAtPause,
      ...lateness(clock, late, clock.breachedAt ?? pausedAt),
    };
  }
  const deadline = deadlineOf(calendar, extended);
  const stillBreached = deadline.at < at;
  return {
    ...extended,
    deadline,
    calendarVersion: calendar.version,
    breachedAt: stillBreached ? (clock.breachedAt ?? at) : null,
    outcome: stillBreached ? 'breached' : null,
  };
}

/** Called when the deadline passes with the step still open; `breachedAt` defaults to `at`. */
export function breachClock(clock: Clock, at: Date, breachedAt: Date = at): Clock {
  if (clock.state !== 'running' || clock.breachedAt || at <= clock.deadline.at) return clock;
  return { ...clock, breachedAt, outcome: 'breached' };
}

/** The step ended: met if on time, otherwise the breach stands. */
export function stopClock(clock: Clock, at: Date): Clock {
  requireState(clock, ['running', 'paused'], 'stop');
  const late = clock.breachedAt !== null || (clock.state === 'running' && at > clock.deadline.at);
  return {
    ...clock,
    state: 'stopped',
    stoppedAt: at,
    outcome: late ? 'breached' : 'met',
    breachedAt: late ? (clock.breachedAt ?? at) : null,
  };
}

/**
 * After a calendar change: the same basis under the new calendar. A recomputed deadline already
 * in the past breaches at once; one that a correction moves back into the future clears an
 * earlier breach, as a policy change does (`changeStepLength`). A paused clock recounts R from
 * its pause instant to the recomputed deadline (and was late at the pause only if that deadline
 * had passed by then). Days counted in segments before an earlier resume are not recounted: the
 * resume fixed them into its basis.
 */
export function recomputeClock(calendar: WorkingDayCalendar, clock: Clock, now: Date): Clock {
  if (clock.state === 'stopped') return clock;
  const recomputed = { ...clock, calendarVersion: calendar.version };
  if (clock.state === 'paused') {
    const deadline = deadlineOf(calendar, recomputed);
    const pausedAt = clock.pausedAt!;
    const lateAtPause = deadline.at < pausedAt;
    return {
      ...recomputed,
      deadline,
      remainingAtPause: Math.max(calendar.remainingWorkingDays(pausedAt, deadline.at), 0),
      ...lateness(clock, lateAtPause, new Date(deadline.at.getTime() + 1)),
    };
  }
  const deadline = deadlineOf(calendar, recomputed);
  return { ...recomputed, deadline, ...lateness(clock, deadline.at < now, now) };
}

/**
 * After a policy change that the center applies to open steps: the step now has `workingDays`.
 * The difference is added to what is left (the basis of a running clock, R of a paused one, never
 * below one day); a deadline that moves into the past breaches at once. A step already breached
 * stays breached unless the new deadline lies ahead.
 */
export function changeStepLength(calendar: WorkingDayCalendar, clock: Clock, workingDays: number, now: Date): Clock {
  if (clock.state === 'stopped' || workingDays === clock.workingDays) return clock;
  const delta = workingDays - clock.workingDays;
  // Paused: R takes the difference, and so does the basis, which a later recount reads R from.
  if (clock.state === 'paused')
    return {
      ...clock,
      workingDays,
      basisDays: Math.max(clock.basisDays + delta, 1),
      remainingAtPause: Math.max((clock.remainingAtPause ?? 0) + delta, 1),
    };
  const changed = { ...clock, workingDays, basisDays: Math.max(clock.basisDays + delta, 1) };
  const deadline = deadlineOf(calendar, changed);
  return { ...changed, deadline, calendarVersion: calendar.version, ...lateness(clock, deadline.at < now, now) };
}

/**
 * Breach fields after a deadline moved: a breach of an earlier segment (before the last resume)
 * stands whatever happens to the current deadline; the current segment is breached exactly when
 * its new deadline has passed (`at` dates a breach not yet recorded).
 */
function lateness(clock: Clock, late: boolean, at: Date): Pick<Clock, 'breachedAt' | 'outcome'> {
  if (clock.breachedAt && clock.breachedAt < clock.basisAt) return { breachedAt: clock.breachedAt, outcome: 'breached' };
  return late ? { breachedAt: clock.breachedAt ?? at, outcome: 'breached' } : { breachedAt: null, outcome: null };
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** The reminder falls at 00:00 (Asia/Shanghai) on the deadline date: a deadline ends its day. */
export function reminderAt(deadlineMs: number): number {
  return deadlineMs + 1 - DAY_MS;
}

/** Whether a reminder for this deadline is due at this instant: on the deadline date, before it passes. */
export function reminderDue(deadlineMs: number, atMs: number): boolean {
  return atMs >= reminderAt(deadlineMs) && atMs <= deadlineMs;
}

/** Whether the clock is overdue now: breached and not superseded. */
export function isOverdue(clock: Clock): boolean {
  return clock.outcome === 'breached';
}
