/**
 * Usage supervision (安全监管), pure: which checks are attempts outside a grant, and the one
 * supervision notice each kind of attempt raises per grant (or, without a grant, per department
 * and dataset) and Asia/Shanghai day — so a misbehaving client flooding the exchange raises one
 * notice a day, not thousands.
 */
import { shanghaiDate } from '../../calendar/rules/shanghai-time.js';
import type { CheckOutcome, DenialReason } from './check.js';

export interface FlaggedAttempt {
  /** One notice per key: the grant (or the department and dataset without one) and the day. */
  key: string;
  reason: DenialReason;
  grantId: string | null;
  day: string;
}

/** The attempt a denied check is, or null for an allowed one. */
export function flaggedAttempt(outcome: CheckOutcome, asked: { departmentId: string; datasetId: string; at: Date }): FlaggedAttempt | null {
  if (outcome.allowed) return null;
  const day = shanghaiDate(asked.at);
  const grantId = outcome.grant?.id ?? null;
  const subject = grantId ? `grant:${grantId}` : `department:${asked.departmentId}:dataset:${asked.datasetId}`;
  return { key: `${subject}:${day}`, reason: outcome.reason, grantId, day };
}
