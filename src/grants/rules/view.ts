/**
 * A grant as its workflow sees it, and when its timed steps fall due (pure): the expiry
 * reminder (到期提醒) before the end, then the expiry at the end of the last day. A suspended
 * grant gets no reminder (nothing to use until resumed) but still ends on its date.
 */
import { FINAL_GRANT_STATES, type GrantState } from './lifecycle.js';

export interface GrantView {
  id: string;
  number: string;
  state: GrantState;
  requesterDepartmentId: string;
  ownerDepartmentId: string;
  /** The end of the usage period's last day (ISO 8601). */
  validTo: string;
  /** When the holder is reminded (00:00 Shanghai of the day leaving the policy's working days). */
  reminderAt: string;
  /** Whether the reminder was sent (resumption returns a reminded grant to `expiring`). */
  reminded: boolean;
}

export type GrantTimedEvent = 'remind' | 'expire';

export const isGrantOpen = (view: GrantView): boolean => !FINAL_GRANT_STATES.includes(view.state);

/** The instant the grant has ended (the millisecond after its last one). */
export const endOf = (view: GrantView): number => Date.parse(view.validTo) + 1;

/** The next instant something is due, or null for a closed grant. */
export function grantWake(view: GrantView): number | null {
  if (!isGrantOpen(view)) return null;
  const end = endOf(view);
  if (view.state === 'active' && !view.reminded) return Math.min(Date.parse(view.reminderAt), end);
  return end;
}

/** What is due at `now` and the instant it fell due, or null. Expiry wins over a reminder owed. */
export function dueGrantEvent(view: GrantView, now: number): { event: GrantTimedEvent; at: number } | null {
  if (!isGrantOpen(view)) return null;
  if (now >= endOf(view)) return { event: 'expire', at: endOf(view) };
  const reminderAt = Date.parse(view.reminderAt);
  if (view.state === 'active' && !view.reminded && now >= reminderAt) return { event: 'remind', at: reminderAt };
  return null;
}
