/**
 * Sharing conditions (共享条件) and their pre-check (pure). The owner department sets
 * machine-checkable conditions when cataloguing a conditionally shared dataset; a request is
 * checked against them before the reviewer decides, and a refusal must cite a condition that
 * failed here — no condition may be invented later.
 */
export const DEPARTMENT_LEVELS = ['city', 'district', 'street'] as const;

export interface SharingConditions {
  /** Only these requester departments (codes) qualify. */
  requesterDepartments?: string[];
  /** Only requesters of these levels qualify. */
  requesterLevels?: (typeof DEPARTMENT_LEVELS)[number][];
  /** The request must be for one of these scenarios (ids on the scenario list)… */
  allowedScenarios?: string[];
  /** …or state one of these purposes (reviewed by a person: wording differs). */
  allowedPurposes?: string[];
  /** Fields that are not shared under these conditions. */
  restrictedFields?: string[];
  /** The request must cite its legal basis. */
  legalBasisRequired?: boolean;
  /** Longest usage period granted, in months. */
  maxUsageMonths?: number;
  /** The requester must accept the security commitment (安全承诺). */
  securityCommitmentRequired?: boolean;
}

export type ConditionKey = keyof SharingConditions;
export type CheckResult = 'pass' | 'fail' | 'needs_review';

export interface ConditionCheck {
  condition: ConditionKey;
  result: CheckResult;
  reason: string;
}

export interface DraftRequest {
  requester: { departmentCode: string; level: (typeof DEPARTMENT_LEVELS)[number] };
  fields: string[];
  scenarioId?: string | null;
  purpose?: string | null;
  legalBasis?: string | null;
  usageMonths?: number | null;
  securityCommitmentAccepted?: boolean;
}

export interface ConditionProblem {
  /** The condition at fault; absent when the set as a whole is. */
  condition?: ConditionKey;
  problem: string;
}

/** Problems with the conditions themselves, checked when the owner catalogues them. */
export function conditionProblems(conditions: SharingConditions, knownFields: readonly string[]): ConditionProblem[] {
  const problems: ConditionProblem[] = [];
  const set = Object.entries(conditions).filter(([, v]) => v !== undefined && v !== false && !(Array.isArray(v) && v.length === 0));
  if (set.length === 0) problems.push({ problem: 'a conditionally shared dataset states at least one condition' });
  for (const field of conditions.restrictedFields ?? []) {
    if (!knownFields.includes(field))
      problems.push({ condition: 'restrictedFields', problem: `restricted field "${field}" is not a field of the dataset` });
  }
  if (
    conditions.maxUsageMonths !== undefined &&
    (!Number.isInteger(conditions.maxUsageMonths) || conditions.maxUsageMonths < 1 || conditions.maxUsageMonths > 120)
  ) {
    problems.push({ condition: 'maxUsageMonths', problem: 'the maximum usage period is 1 to 120 months' });
  }
  for (const level of conditions.requesterLevels ?? []) {
    if (!(DEPARTMENT_LEVELS as readonly string[]).includes(level))
      problems.push({ condition: 'requesterLevels', problem: `unknown department level "${level}"` });
  }
  return problems;
}

/**
 * Checks a draft request against every stated condition: pass, fail (a refusal may cite it) or
 * needs_review (a person must judge, e.g. a described purpose). Conditions not stated are not
 * listed.
 */
export function evaluateConditions(conditions: SharingConditions, draft: DraftRequest): ConditionCheck[] {
  const checks: ConditionCheck[] = [];
  const check = (condition: ConditionKey, result: CheckResult, reason: string) => checks.push({ condition, result, reason });

  if (conditions.requesterDepartments?.length) {
    const ok = conditions.requesterDepartments.includes(draft.requester.departmentCode);
    check(
      'requesterDepartments',
      ok ? 'pass' : 'fail',
      ok ? `${draft.requester.departmentCode} is a qualifying department` : `only ${conditions.requesterDepartments.join(', ')} qualify`,
    );
  }
  if (conditions.requesterLevels?.length) {
    const ok = conditions.requesterLevels.includes(draft.requester.level);
    check(
      'requesterLevels',
      ok ? 'pass' : 'fail',
      ok ? `${draft.requester.level}-level requesters qualify` : `only ${conditions.requesterLevels.join(', ')}-level requesters qualify`,
    );
  }
  const scenarios = conditions.allowedScenarios ?? [];
  const purposes = conditions.allowedPurposes ?? [];
  if (scenarios.length || purposes.length) {
    const purpose = draft.purpose?.trim();
    if (draft.scenarioId && scenarios.includes(draft.scenarioId)) {
      check('allowedScenarios', 'pass', 'the request is for an allowed scenario');
    } else if (purpose && purposes.length) {
      check('allowedPurposes', 'needs_review', `the reviewer judges whether "${purpose}" is one of: ${purposes.join('; ')}`);
    } else {
      check(
        scenarios.length ? 'allowedScenarios' : 'allowedPurposes',
        'fail',
        scenarios.length ? 'the request is not for a scenario the conditions allow' : 'the request states no purpose to judge',
      );
    }
  }
  if (conditions.restrictedFields?.length) {
    const asked = draft.fields.filter((f) => conditions.restrictedFields!.includes(f));
    check(
      'restrictedFields',
      asked.length ? 'fail' : 'pass',
      asked.length ? `restricted fields requested: ${asked.join(', ')}` : 'no restricted field requested',
    );
  }
  if (conditions.legalBasisRequired) {
    const ok = Boolean(draft.legalBasis?.trim());
    check(
      'legalBasisRequired',
      ok ? 'needs_review' : 'fail',
      ok ? 'the reviewer checks the cited legal basis' : 'the conditions require a legal basis and none is cited',
    );
  }
  if (conditions.maxUsageMonths !== undefined) {
    const months = draft.usageMonths;
    const ok = months !== undefined && months !== null && months <= conditions.maxUsageMonths;
    check(
      'maxUsageMonths',
      ok ? 'pass' : 'fail',
      ok
        ? `${months} months is within ${conditions.maxUsageMonths}`
        : `usage is limited to ${conditions.maxUsageMonths} months${months ? `, ${months} asked` : ', no period given'}`,
    );
  }
  if (conditions.securityCommitmentRequired) {
    const ok = draft.securityCommitmentAccepted === true;
    check(
      'securityCommitmentRequired',
      ok ? 'pass' : 'fail',
      ok ? 'the security commitment is accepted' : 'the security commitment must be accepted',
    );
  }
  return checks;
}

/**
 * The pre-check's answer for a dataset of a sharing type: data catalogued not shareable is never
 * a plain pass — a three-party coordination decides (track 15), so a person must judge.
 */
export function preCheckResult(
  sharingType: 'conditional' | 'unconditional' | 'not_shareable',
  checks: readonly ConditionCheck[],
): CheckResult {
  return sharingType === 'not_shareable' ? 'needs_review' : overallResult(checks);
}

/** The overall pre-check: fail if any condition fails, needs_review if any needs a person. */
export function overallResult(checks: readonly ConditionCheck[]): CheckResult {
  if (checks.some((c) => c.result === 'fail')) return 'fail';
  if (checks.some((c) => c.result === 'needs_review')) return 'needs_review';
  return 'pass';
}
