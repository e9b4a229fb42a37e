/**
 * A clocked step as a case's workflow sees it (pure): one SLA clock with what the engine has done
 * on it — the reminder sent for its current deadline, the breach and the supervision (督办) level
 * it started, when level 2 falls due. The clock service stores all of it on the clock, so a
 * workflow keeps no memory of its own: after a restart or a moved deadline it reads the step
 * again and knows which timed event comes next.
 */
import { reminderAt } from './clock.js';

export type StepState = 'running' | 'paused' | 'stopped';
export type TimedEvent = 'remind' | 'breach' | 'level_two';

export interface ClockedStep {
  clockId: string;
  /** Bumped on every change of the clock; a workflow told of a newer version reads the step again. */
  version: number;
  state: StepState;
  /** The end of the deadline date (ISO 8601); the step is late from the next millisecond. */
  deadline: string;
  deadlineDate: string;
  /** The party the step is charged to now: a breach at the deadline is theirs. */
  chargedParty: string;
  /** Set when the party received the step already overdue: while it stays overdue, it is charged only after this instant. */
  graceUntil?: string | null | undefined;
  /** Breached and not superseded (by an approved extension or a correction). */
  overdue: boolean;
  supervisionLevel: number;
  /** When level-2 supervision falls due (level 1 issued + the policy's period), while at level 1. */
  levelTwoAt: string | null;
  /** The deadline the due-today reminder was sent (or passed) for. */
  remindedFor: string | null;
  extension: 'none' | 'pending' | 'decided';
}

/** A timed event of the step and the instant it falls due (what a step records as its time). */
export interface ScheduledEvent {
  event: TimedEvent;
  at: number;
}

/**
 * The step's timed events still to run, in the order they are to run, each at the instant it
 * falls due: the due-today reminder (00:00 on the deadline date; moot once the deadline passed),
 * the breach (just after the deadline; at once if a correction already breached it) and level 2
 * (which follows a level-1 breach whatever the step does since, paused for a supplement say).
 * The reminder is left out with `supervised: false` for steps that expire instead of breaching.
 */
export function schedule(step: ClockedStep, now: number, supervised = true): ScheduledEvent[] {
  if (step.state === 'stopped') return [];
  const deadline = Date.parse(step.deadline);
  const running = step.state === 'running';
  const events: ScheduledEvent[] = [];
  if (running && step.remindedFor !== step.deadline && now <= deadline) events.push({ event: 'remind', at: reminderAt(deadline) });
  if (!supervised) return events;
  // A party that received the step overdue is charged after its grace; otherwise at the deadline
  // (at once if a correction already breached it).
  if (running && step.supervisionLevel === 0)
    events.push({
      event: 'breach',
      at: step.graceUntil && step.overdue ? Date.parse(step.graceUntil) + 1 : step.overdue ? Math.min(deadline + 1, now) : deadline + 1,
    });
  if (step.overdue && step.supervisionLevel === 1 && step.levelTwoAt !== null)
    events.push({ event: 'level_two', at: Date.parse(step.levelTwoAt) });
  return events;
}

/** The timed events due at `now`, in the order they are to run. */
export function dueEvents(step: ClockedStep, now: number, supervised = true): ScheduledEvent[] {
  return schedule(step, now, supervised).filter((e) => e.at <= now);
}

/** The next instant a timed event falls due (now, if one is due already), or null when only people can move the step. */
export function nextWake(step: ClockedStep, now: number, supervised = true): number | null {
  const events = schedule(step, now, supervised);
  return events.length ? Math.max(Math.min(...events.map((e) => e.at)), now) : null;
}

/** Whether an expiring step (e.g. a supplement the requester must answer) has run out at `now`. */
export function expired(step: ClockedStep, now: number): boolean {
  return step.state === 'running' && now > Date.parse(step.deadline);
}
