/**
 * A filed request as its workflow and its rules see it (pure): where it stands, what was asked,
 * what routing found, and its clocked steps as the clock service has them. Built by one query
 * (`viewRequest`); the deadline lives on the clock, never here.
 */
import type { ConditionCheck } from '../../catalogue/rules/conditions.js';
import type { ClockedStep } from '../../sla/rules/step.js';
import { isOpen, type RequestState } from './lifecycle.js';
import type { Track } from './policy.js';

export interface RequestView {
  id: string;
  number: string;
  state: RequestState;
  track: Track;
  stateBeforeSupplement: RequestState | null;
  requesterDepartmentId: string;
  ownerDepartmentId: string;
  /** What was asked: an approval may narrow these, never widen them. */
  fields: string[];
  usageMonths: number | null;
  /** How the requester asked to receive the data (接口 · 批量交换); absent from views recorded before it was (workflow histories). */
  deliveryMethod?: 'interface' | 'batch' | undefined;
  /** The pre-check against the routed dataset version's conditions (a refusal cites these). */
  checks: ConditionCheck[];
  ownerMayRefuse: boolean;
  scenarioKind: string | null;
  /** The longest extension the policy allows for the track's step. */
  extensionCapDays: number;
  /** The track's step (charged to the center, the owner …); null before it opens. */
  clock: ClockedStep | null;
  /** An open supplement (补正) and the clock the requester answers within. */
  supplement: { id: string; clock: ClockedStep } | null;
  /**
   * After a refusal, the window within which it may be disputed (争议); null when none is open.
   * Absent from views recorded before disputes existed (workflow histories): no window.
   */
  disputeWindow?: ClockedStep | null | undefined;
}

/** Whether the request's workflow keeps it: open, or refused with its dispute window (争议) running. */
/** An open supplement (补正): asked, neither answered nor lapsed (a request has at most one). */
export const isSupplementOpen = (s: { answeredAt: Date | null; lapsedAt: Date | null }): boolean =>
  s.answeredAt === null && s.lapsedAt === null;

export const isCaseOpen = (view: RequestView): boolean => isOpen(view.state) || Boolean(view.disputeWindow);

/** The clocks of the view, by id (a clock-change signal names one). */
export function clocksOf(view: RequestView): ClockedStep[] {
  return [view.clock, view.supplement?.clock, view.disputeWindow].filter((c): c is ClockedStep => c !== null && c !== undefined);
}
