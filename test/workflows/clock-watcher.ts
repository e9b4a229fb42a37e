/** Test-only workflow: runs one SLA clock to its deadline, following deadline moves. */
import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { SlaActivities } from '../../src/sla/activities.js';
import { trackDeadline } from '../../workflows/sla.js';

const sla = proxyActivities<SlaActivities>({ startToCloseTimeout: '30 seconds' });

export async function clockWatcherWorkflow(input: { subjectId: string; workingDays: number }) {
  const clock = await sla.startSlaClock({
    subjectType: 'Probe',
    subjectId: input.subjectId,
    step: 'review',
    chargedParty: 'owner',
    workflowId: workflowInfo().workflowId,
    policyProfile: 'shanghai-1515',
    policyVersion: 1,
    workingDays: input.workingDays,
    at: new Date().toISOString(),
  });
  const tracker = trackDeadline(clock.id, clock.deadline);
  const outcome = await tracker.wait(() => false);
  const breached = await sla.breachSlaClock(clock.id, new Date().toISOString());
  return {
    clockId: clock.id,
    outcome,
    firstDeadline: clock.deadline,
    finalDeadline: new Date(tracker.deadline).toISOString(),
    breachedAt: new Date().toISOString(),
    clockOutcome: breached.outcome,
  };
}
