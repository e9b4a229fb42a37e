/**
 * A refusal is a written explanation (书面说明): legal basis, the catalogued conditions the
 * request fails, reasons and alternatives; immutable once filed (pure rules).
 */
import type { ConditionCheck, ConditionKey } from '../../catalogue/rules/conditions.js';
import { citationText, type LegalCitation } from '../../legal-basis/rules/register.js';

export interface WrittenExplanation {
  /** Resolved by the API from the register (or the catalogue) before the rules see it. */
  legalBasis: LegalCitation;
  /** The catalogued conditions the request fails (track 5). */
  citedConditions: ConditionKey[];
  reasons: string;
  alternatives: string;
}

export interface RefusalContext {
  track: 1 | 5 | 15;
  /** The pre-check of the request against the conditions of the routed dataset version. */
  checks: readonly ConditionCheck[];
  /** The scenario's kind; a 免申即享 refusal needs a law that prohibits the sharing. */
  scenarioKind: string | null;
  ownerMayRefuse: boolean;
  /** The refusing department: an entry its own people curated is not the register's word against it. */
  ownerDepartmentId?: string | undefined;
}

/**
 * Why a basis cannot ground refusing (all or part of) a 免申即享 request, or null: only an entry
 * the register marks as explicitly prohibiting, in force, curated by someone outside the refusing
 * department (the 免申即享 work plan: needs are refused only where the law explicitly prohibits).
 */
export function noApplicationBasisProblem(basis: LegalCitation | undefined, ownerDepartmentId: string | undefined): string | null {
  if (!basis || basis.source !== 'register' || !basis.prohibitsSharing)
    return `legalBasisId: a 免申即享 request is refused only under a law, regulation or policy document the legal-basis register marks as explicitly prohibiting the sharing${basis ? `; ${citationText(basis)} is not marked so` : ''}`;
  if (ownerDepartmentId && basis.curatedByDepartmentId === ownerDepartmentId)
    return `legalBasisId: ${citationText(basis)} was entered in the register by your own department; a 免申即享 refusal rests on the register's word, not the refusing department's`;
  return null;
}

/**
 * Every reason the explanation cannot stand. A track-5 refusal cites only conditions that were
 * catalogued and that the request fails (or that needed a person's judgement): no condition may
 * be invented after the fact.
 */
export function refusalProblems(explanation: WrittenExplanation, context: RefusalContext): string[] {
  const problems: string[] = [];
  if (!context.ownerMayRefuse) problems.push('this request cannot be refused: the data is unconditionally shared and only awaits delivery');
  const basis = explanation.legalBasis;
  if (basis.source === 'register' && !basis.inForce)
    problems.push(`legalBasisId: ${citationText(basis)} is no longer in force (the register marks it repealed)`);
  if (!explanation.reasons.trim()) problems.push('reasons: a refusal states its reasons');
  if (!explanation.alternatives.trim()) problems.push('alternatives: a refusal states what the requester can do instead (or 无)');
  if (context.track === 5) {
    if (explanation.citedConditions.length === 0)
      problems.push('citedConditions: a track-5 refusal cites a catalogued condition the request fails');
    for (const condition of explanation.citedConditions) {
      const check = context.checks.find((c) => c.condition === condition);
      if (!check) problems.push(`citedConditions: "${condition}" is not a catalogued condition of this dataset version`);
      else if (check.result === 'pass') problems.push(`citedConditions: the request meets "${condition}" (${check.reason})`);
    }
  }
  // The register's word, never the refuser's: a catalogued basis is the owner's own and does not count.
  const prohibition = context.scenarioKind === 'no_application' ? noApplicationBasisProblem(basis, context.ownerDepartmentId) : null;
  if (prohibition) problems.push(prohibition);
  return problems;
}

/** Readable request numbers: GX-2026-000123 (per year, gapless). */
export function requestNumber(year: number, sequence: number): string {
  return `GX-${year}-${String(sequence).padStart(6, '0')}`;
}
