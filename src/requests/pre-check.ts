/**
 * The condition pre-check of a request (预审): its own answers — fields, scenario, purpose, legal
 * basis, usage period, commitments — against the sharing conditions of the dataset version it was
 * routed on. Run at filing and again whenever the requester's answers change (a supplement
 * answer), so what a refusal may cite is what fails at decision time.
 */
import { and, eq } from 'drizzle-orm';
import { evaluateConditions, type ConditionCheck, type SharingConditions } from '../catalogue/rules/conditions.js';
import type { DEPARTMENT_LEVELS } from '../catalogue/rules/conditions.js';
import type { Db, Tx } from '../platform/db/client.js';
import { commitmentTexts, datasetVersions, departments } from '../platform/db/schema.js';
import type { RequestRow } from './filing.js';

/** What the checks read besides the request: the requester department and whether its accepted 告知承诺 holds the security commitment. */
export interface CheckContext {
  requester: { code: string; level: (typeof DEPARTMENT_LEVELS)[number] };
  /** The accepted notification-commitment version contains the security commitment (安全承诺). */
  commitmentCoversSecurity: boolean;
}

export function conditionChecks(conditions: SharingConditions | null, row: RequestRow, context: CheckContext): ConditionCheck[] {
  if (!conditions) return [];
  return evaluateConditions(conditions, {
    requester: { departmentCode: context.requester.code, level: context.requester.level },
    fields: row.fields,
    scenarioId: row.scenarioId,
    purpose: row.purpose,
    legalBasis: row.legalBasis,
    usageMonths: row.usageMonths,
    securityCommitmentAccepted: row.securityCommitmentAccepted || context.commitmentCoversSecurity,
  });
}

/** Whether a commitment version holds the security commitment (unknown versions do not). */
export async function commitmentCoversSecurity(db: Db | Tx, version: number | null): Promise<boolean> {
  if (version === null) return false;
  const [row] = await db
    .select({ covers: commitmentTexts.includesSecurityCommitment })
    .from(commitmentTexts)
    .where(eq(commitmentTexts.version, version));
  return row?.covers ?? false;
}

/** The pre-check of a filed request as it stands now, against its routed dataset version. */
export async function recheckConditions(tx: Tx, row: RequestRow, datasetVersion: number): Promise<ConditionCheck[]> {
  const [version] = await tx
    .select({ sharingType: datasetVersions.sharingType, conditions: datasetVersions.conditions })
    .from(datasetVersions)
    .where(and(eq(datasetVersions.datasetId, row.datasetId), eq(datasetVersions.version, datasetVersion)));
  const [requester] = await tx
    .select({ code: departments.code, level: departments.level })
    .from(departments)
    .where(eq(departments.id, row.requesterDepartmentId));
  const conditions = version?.sharingType === 'conditional' ? (version.conditions as SharingConditions | null) : null;
  return conditionChecks(conditions, row, {
    requester: requester!,
    commitmentCoversSecurity: await commitmentCoversSecurity(tx, row.commitmentVersion),
  });
}
