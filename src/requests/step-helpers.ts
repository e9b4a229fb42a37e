/**
 * What several of a request's steps share: who is told (the parties, the center, the competent
 * authority), stopping every open clock when a request closes, and the dispute window a refusal
 * opens.
 */
import { eq } from 'drizzle-orm';
import type { Tx } from '../platform/db/client.js';
import { requestSupplements, writtenExplanations } from '../platform/db/schema.js';
import * as sla from '../sla/index.js';
import { clockMeta, stepSubject, type Notice, type StepActor } from './case.js';
import type { RequestRow } from './filing.js';
import { openStep } from './open-step.js';
import { policyAt } from './policy.js';
import { workingParty, type RequestState } from './rules/lifecycle.js';
import type { WrittenExplanation } from './rules/refusal.js';

export const METHOD_LABELS = { interface: '接口', batch: '批量交换' } as const;

export const both = (row: RequestRow, title: string, body: string): Notice[] => [
  { departmentId: row.requesterDepartmentId, title, body },
  { departmentId: row.ownerDepartmentId, title, body },
];

export const toCenter = async (tx: Tx, title: string, body: string): Promise<Notice[]> => {
  const center = await sla.centerDepartment(tx);
  return center ? [{ departmentId: center, title, body }] : [];
};

/** The requester, the owner and the center: a coordination's three parties. */
export const toParties = async (tx: Tx, row: RequestRow, title: string, body: string): Promise<Notice[]> => [
  ...both(row, title, body),
  ...(await toCenter(tx, title, body)),
];

export const toAuthority = async (tx: Tx, title: string, body: string): Promise<Notice[]> => {
  const authority = await sla.authorityDepartment(tx);
  return authority ? [{ departmentId: authority, title, body }] : [];
};

/** When a request closes without a decision while the center works on it (provisioning, coordination), the center is told. */
export async function toCenterIfItsWork(tx: Tx, row: RequestRow, what: string): Promise<Notice[]> {
  if (workingParty(row.state as RequestState, row.stateBeforeSupplement as RequestState | null) !== 'center') return [];
  return toCenter(tx, `申请 ${row.number} ${what}`, '该申请已终止，无需继续供数或协调');
}

/**
 * Stops every clock of the request still open: its step's (lateness not yet recorded is charged
 * first) and an open supplement's (which expires rather than breaches).
 */
export async function stopOpenClocks(tx: Tx, row: RequestRow, at: Date, actor: StepActor | null): Promise<void> {
  const main = row.clockId ? await sla.getClock(tx, row.clockId) : undefined;
  if (main && main.state !== 'stopped') await sla.stopStep(tx, stepSubject(row), main.id, at, clockMeta(actor));
  const supplements = await tx.select().from(requestSupplements).where(eq(requestSupplements.requestId, row.id));
  for (const clockId of supplements.map((s) => s.clockId)) {
    const clock = clockId ? await sla.getClock(tx, clockId) : undefined;
    if (clock && clock.state !== 'stopped') await sla.stopSlaClock(tx, clock.id, at, clockMeta(actor));
  }
}

/**
 * A refusal opens the window within which the requester or the center may dispute it (争议): a
 * clock of the policy's `disputeWindowDays` that expires rather than breaches (nobody is late).
 */
export async function openDisputeWindow(tx: Tx, row: RequestRow, at: Date, actor: StepActor | null) {
  const policy = await policyAt(tx, row.policyName!, row.policyVersion!);
  return openStep(tx, row, { name: 'dispute_window', party: 'requester', workingDays: policy.settings.disputeWindowDays, at }, actor);
}

/** The written explanation (书面说明) of a refusal, as filed: immutable. */
export async function recordExplanation(tx: Tx, row: RequestRow, explanation: WrittenExplanation, actor: StepActor, at: Date) {
  const basis = explanation.legalBasis;
  await tx.insert(writtenExplanations).values({
    requestId: row.id,
    legalBasis: basis,
    legalBasisId: basis.source === 'register' ? basis.entryId : null,
    legalBasisVersion: basis.source === 'register' ? basis.version : null,
    citedConditions: explanation.citedConditions,
    reasons: explanation.reasons,
    alternatives: explanation.alternatives,
    authorUserId: actor.userId,
    departmentId: actor.departmentId,
    filedAt: at,
  });
}
