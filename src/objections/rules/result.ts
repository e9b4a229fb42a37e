/** The objection's result from its verification tasks (pure): corrected if all are, confirmed accurate if all are, else partially corrected. */
import type { ObjectionResult } from './lifecycle.js';

export type TaskOutcome = 'corrected' | 'confirmed_accurate';

/** Null while a task of the round is undecided. */
export function objectionResult(outcomes: readonly (TaskOutcome | null)[]): ObjectionResult | null {
  if (outcomes.length === 0 || outcomes.some((o) => o === null)) return null;
  if (outcomes.every((o) => o === 'corrected')) return 'corrected';
  if (outcomes.every((o) => o === 'confirmed_accurate')) return 'confirmed_accurate';
  return 'partially_corrected';
}
