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
  /** Breached and not superseded (by an approved extension or a correction). */
  overdue: boolean;
  supervisionLevel: number;
  /** When level-2 supervision falls due (level 1 issued + the policy's period), while at level 1. */
  levelTwoAt: string | null;
  /** The deadline the due-today reminder was sent (or passed) for. */
  remindedFor: string | null;
  extension: 'none' | 'pending' | 'decided';
}

/** The timed events due at `now`, in the order they are to run. */
export function dueEvents(step: ClockedStep, now: number): TimedEvent[] {
  if (step.state === 'stopped') return [];
  const deadline = Date.parse(step.deadline);
  const due: TimedEvent[] = [];
  const running = step.state === 'running';
  if (running && step.remindedFor !== step.deadline && now >= reminderAt(deadline) && now <= deadline) due.push('remind');
  if (running && step.supervisionLevel === 0 && (step.overdue || now > deadline)) due.push('breach');
  // Level 2 follows a level-1 breach whatever the step does since (paused for a supplement, say).
  if (step.overdue && step.supervisionLevel === 1 && step.levelTwoAt !== null && now >= Date.parse(step.levelTwoAt)) due.push('level_two');
  return due;
}

/** The next instant a timed event falls due after `now`, or null when only people can move the step. */
export function nextWake(step: ClockedStep, now: number): number | null {
  if (step.state === 'stopped') return null;
  const deadline = Date.parse(step.deadline);
  const wakes: number[] = [];
  const running = step.state === 'running';
  if (running && step.remindedFor !== step.deadline && now <= deadline) wakes.push(Math.max(reminderAt(deadline), now));
  if (running && step.supervisionLevel === 0) wakes.push(step.overdue ? now : Math.max(deadline + 1, now));
  if (step.overdue && step.supervisionLevel === 1 && step.levelTwoAt !== null) wakes.push(Math.max(Date.parse(step.levelTwoAt), now));
  return wakes.length ? Math.min(...wakes) : null;
}

/** Whether an expiring step (e.g. a supplement the requester must answer) has run out at `now`. */
export function expired(step: ClockedStep, now: number): boolean {
  return step.state === 'running' && now > Date.parse(step.deadline);
}

/** When the due-today reminder of a step falls due, if it is still to be sent (for steps that expire rather than breach). */
export function reminderWake(step: ClockedStep, now: number): number | null {
  if (step.state !== 'running' || step.remindedFor === step.deadline) return null;
  const deadline = Date.parse(step.deadline);
  return now <= deadline ? Math.max(reminderAt(deadline), now) : null;
}
