/**
 * The exchange's check (交换前校验): may department D receive fields F of dataset X for scenario S
 * now? The decision comes from the department's grants on the dataset (src/grants/rules/check.ts);
 * the answer waits for its usage record to commit (./usage-records.ts).
 */
import { and, asc, eq, inArray, isNull } from 'drizzle-orm';
import type { ServiceClient } from '../identity/index.js';
import type { Db } from '../platform/db/client.js';
import { dataMarks, datasets, departments, grants, objections } from '../platform/db/schema.js';
import { RuleViolationError } from '../platform/errors.js';
import type { JsonBody, JsonRequest } from '../platform/http/contract.js';
import { checkUse, type CheckedGrant } from './rules/check.js';
import type { GrantState } from './rules/lifecycle.js';
import type { UsageRecorder } from './usage-records.js';

type CheckAnswer = JsonBody<'checkExchangeUse', 200>;

/** The open objection marks (异议标注) on the asked fields: the receiver learns which records are being verified. */
async function openMarksOn(db: Db, datasetId: string, fields: string[]): Promise<CheckAnswer['marks']> {
  const rows = await db
    .select({ recordKey: dataMarks.recordKey, field: dataMarks.field, objectionNumber: objections.number, markedAt: dataMarks.setAt })
    .from(dataMarks)
    .innerJoin(objections, eq(objections.id, dataMarks.objectionId))
    .where(and(eq(dataMarks.datasetId, datasetId), isNull(dataMarks.revokedAt), inArray(dataMarks.field, fields)))
    .orderBy(asc(dataMarks.setAt), asc(dataMarks.id))
    .limit(100);
  return rows.map((r) => ({ ...r, markedAt: r.markedAt.toISOString() }));
}

/** The department's grants on the dataset (an index read: a department holds few grants per dataset). */
async function grantsOf(db: Db, departmentId: string, datasetId: string): Promise<CheckedGrant[]> {
  const rows = await db
    .select({
      id: grants.id,
      number: grants.number,
      requesterDepartmentId: grants.requesterDepartmentId,
      datasetId: grants.datasetId,
      scenarioId: grants.scenarioId,
      fields: grants.fields,
      state: grants.state,
      validFrom: grants.validFrom,
      validTo: grants.validTo,
    })
    .from(grants)
    .where(and(eq(grants.requesterDepartmentId, departmentId), eq(grants.datasetId, datasetId)));
  return rows.map((r) => ({ ...r, state: r.state as GrantState, validTo: r.validTo! }));
}

/** A check about a department or dataset that does not exist is the caller's mistake, not a use of data. */
async function mustExist(db: Db, departmentId: string, datasetId: string): Promise<void> {
  const [department] = await db.select({ id: departments.id }).from(departments).where(eq(departments.id, departmentId));
  const [dataset] = await db.select({ id: datasets.id }).from(datasets).where(eq(datasets.id, datasetId));
  const found = { department: Boolean(department), dataset: Boolean(dataset) };
  if (!found.department) throw new RuleViolationError('unknown_department', 'departmentId: no department with that id');
  if (!found.dataset) throw new RuleViolationError('unknown_dataset', 'datasetId: no dataset with that id');
}

export async function checkUseForExchange(
  db: Db,
  recorder: UsageRecorder,
  client: ServiceClient,
  input: JsonRequest<'checkExchangeUse'>,
  at: Date,
  httpRequestId: string | null,
): Promise<CheckAnswer> {
  const asked = {
    departmentId: input.departmentId,
    datasetId: input.datasetId,
    fields: input.fields,
    scenarioId: input.scenarioId ?? null,
    at,
  };
  const held = await grantsOf(db, input.departmentId, input.datasetId);
  if (!held.length) await mustExist(db, input.departmentId, input.datasetId);
  const outcome = checkUse(held, asked);
  await recorder.record({
    clientId: client.id,
    at,
    departmentId: input.departmentId,
    datasetId: input.datasetId,
    scenarioId: asked.scenarioId,
    fields: input.fields,
    outcome,
    httpRequestId,
  });
  const grant = outcome.grant;
  return {
    allowed: outcome.allowed,
    grant: grant ? { id: grant.id, number: grant.number, state: grant.state, validTo: grant.validTo.toISOString() } : null,
    reason: outcome.allowed ? null : outcome.reason,
    fieldsOutside: outcome.allowed ? [] : outcome.fieldsOutside,
    marks: outcome.allowed ? await openMarksOn(db, input.datasetId, input.fields) : [],
    checkedAt: at.toISOString(),
  };
}
