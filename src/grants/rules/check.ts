/**
 * The exchange's question (交换前校验), pure: may department D receive fields F of dataset X for
 * scenario S at instant t? Yes with the grant that allows it, or no with why — the most useful
 * reason among the department's grants on that dataset and scenario.
 */
import { isUsable, type GrantState } from './lifecycle.js';

export interface CheckedGrant {
  id: string;
  number: string;
  requesterDepartmentId: string;
  datasetId: string;
  scenarioId: string | null;
  fields: readonly string[];
  state: GrantState;
  validFrom: Date;
  validTo: Date;
}

export interface UseAsked {
  departmentId: string;
  datasetId: string;
  fields: readonly string[];
  /** The scenario the data is used for; null for a request filed without one. */
  scenarioId: string | null;
  at: Date;
}

export const DENIAL_REASONS = ['no_grant', 'fields_outside_grant', 'not_yet_valid', 'suspended', 'expired', 'revoked'] as const;
export type DenialReason = (typeof DENIAL_REASONS)[number];

export type CheckOutcome =
  { allowed: true; grant: CheckedGrant } | { allowed: false; reason: DenialReason; grant: CheckedGrant | null; fieldsOutside: string[] };

/** Why this grant does not cover the use asked, or null when it does. */
function denialOf(grant: CheckedGrant, asked: UseAsked): { reason: DenialReason; fieldsOutside: string[] } | null {
  if (grant.state === 'revoked') return { reason: 'revoked', fieldsOutside: [] };
  if (grant.state === 'expired' || asked.at > grant.validTo) return { reason: 'expired', fieldsOutside: [] };
  if (grant.state === 'suspended') return { reason: 'suspended', fieldsOutside: [] };
  if (asked.at < grant.validFrom) return { reason: 'not_yet_valid', fieldsOutside: [] };
  if (!isUsable(grant.state)) return { reason: 'no_grant', fieldsOutside: [] };
  const outside = asked.fields.filter((f) => !grant.fields.includes(f));
  return outside.length ? { reason: 'fields_outside_grant', fieldsOutside: outside } : null;
}

/** The closer a denial is to a use that would be allowed, the more it tells the exchange. */
const RANK: Record<DenialReason, number> = {
  fields_outside_grant: 0,
  not_yet_valid: 1,
  suspended: 2,
  expired: 3,
  revoked: 4,
  no_grant: 5,
};

/**
 * Decides on the department's grants (any others are ignored). Allowed under the usable grant that
 * lasts longest (a renewal, when both cover the use); denied with the most telling reason, the
 * latest-ending grant breaking ties.
 */
export function checkUse(grants: readonly CheckedGrant[], asked: UseAsked): CheckOutcome {
  const candidates = grants
    .filter((g) => g.requesterDepartmentId === asked.departmentId && g.datasetId === asked.datasetId && g.scenarioId === asked.scenarioId)
    .sort((a, b) => b.validTo.getTime() - a.validTo.getTime() || a.number.localeCompare(b.number));
  let best: { grant: CheckedGrant; reason: DenialReason; fieldsOutside: string[] } | null = null;
  for (const grant of candidates) {
    const denial = denialOf(grant, asked);
    if (!denial) return { allowed: true, grant };
    if (!best || RANK[denial.reason] < RANK[best.reason]) best = { grant, ...denial };
  }
  return best ? { allowed: false, ...best } : { allowed: false, reason: 'no_grant', grant: null, fieldsOutside: [] };
}
