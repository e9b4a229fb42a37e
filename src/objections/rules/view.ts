/**
 * An objection as its workflow sees it (pure): the state, and the clocked steps open now — the
 * center's or the objector's step (`clock`: accept, trace, feedback, the contest's decision; the
 * contest window, which expires rather than breaches) and the current round's verification tasks,
 * each with its own clock. Read from PostgreSQL in one place (src/objections/case.ts).
 */
import type { ClockedStep } from '../../sla/rules/step.js';
import type { ObjectionState } from './lifecycle.js';

export interface TaskView {
  id: string;
  round: number;
  departmentId: string;
  decided: boolean;
  clock: ClockedStep;
}

export interface ObjectionView {
  id: string;
  number: string;
  state: ObjectionState;
  fused: boolean;
  contested: boolean;
  round: number;
  objectorDepartmentId: string;
  ownerDepartmentId: string;
  /** The open step of the center or the objector; null when the open steps are the tasks' (or none). */
  clock: ClockedStep | null;
  /** The current round's tasks. */
  tasks: TaskView[];
  /** The longest extension a verification task may have (the policy's cap on the verify step). */
  extensionCapDays: number;
}

/** The contest window (复核申请期) expires rather than breaches: nobody is late when the objector does not contest. */
export const contestWindowOf = (view: ObjectionView): ClockedStep | null =>
  view.state === 'feedback_given' && view.clock?.state === 'running' ? view.clock : null;

/** The clocks the engine reminds, breaches and supervises: the center's step and the open tasks. */
export function supervisedClocks(view: ObjectionView): ClockedStep[] {
  const own = view.clock && view.state !== 'feedback_given' && view.clock.state !== 'stopped' ? [view.clock] : [];
  return [...own, ...view.tasks.filter((t) => !t.decided && t.clock.state !== 'stopped').map((t) => t.clock)];
}

/** Every clock the workflow follows (a moved deadline is announced for any of them). */
export const followedClocks = (view: ObjectionView): ClockedStep[] => [
  ...(view.clock ? [view.clock] : []),
  ...view.tasks.map((t) => t.clock),
];
