/**
 * A request's clocked steps are opened here: the track's first step at filing (so the filing
 * answer carries its deadline) — opened again, idempotently, by the workflow's first step if
 * filing could not — and later steps under the request's policy.
 */
import { Subject } from '../identity/rules/abilities.js';
import type { Tx } from '../platform/db/client.js';
import * as sla from '../sla/index.js';
import { clockMeta, type StepActor } from './case.js';
import type { RequestRow } from './filing.js';
import { policyAt } from './policy.js';
import type { Party, RequestAction } from './rules/lifecycle.js';
import { trackDays, type PolicyProfile, type Track } from './rules/policy.js';

export const requestWorkflowId = (requestId: string) => `request-${requestId}`;

/** The party a track's clock is charged to while its first step is open, and that step. */
export const FIRST_STEP: Record<Track, { party: Party; action: RequestAction }> = {
  1: { party: 'center', action: 'start_provisioning' },
  5: { party: 'owner', action: 'open_review' },
  15: { party: 'center', action: 'open_coordination' },
};

/** Opens a clocked step of the request under its policy (reply, level-2 and grace periods included). */
export async function openStep(
  tx: Tx,
  row: RequestRow,
  step: { name: string; party: Party; workingDays?: number; at: Date },
  actor: StepActor | null,
  /** The request's policy version when the caller has it already (filing just read it). */
  known?: PolicyProfile,
) {
  const policy = known ?? (await policyAt(tx, row.policyName!, row.policyVersion!));
  return sla.startSlaClock(
    tx,
    {
      subjectType: Subject.Request,
      subjectId: row.id,
      step: step.name,
      chargedParty: step.party,
      workflowId: requestWorkflowId(row.id),
      policyProfile: policy.name,
      policyVersion: policy.version,
      workingDays: step.workingDays ?? trackDays(policy.settings, row.track as Track),
      escalation: {
        replyDays: policy.settings.supervisionReplyDays,
        levelTwoAfterDays: policy.settings.levelTwoAfterDays,
        handoverGraceDays: policy.settings.handoverGraceDays,
      },
      at: step.at,
    },
    clockMeta(actor),
  );
}

/** The track's first step, counting from filing; the same clock however often it is opened. */
export function openFirstStep(tx: Tx, row: RequestRow, actor: StepActor | null, policy?: PolicyProfile) {
  return openStep(tx, row, { name: `track${row.track}`, party: FIRST_STEP[row.track as Track].party, at: row.filedAt! }, actor, policy);
}
