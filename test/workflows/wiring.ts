/**
 * Test-only workflow proving the Temporal wiring: an update with a validator, a durable timer
 * that the time-skipping server skips, and an activity that receives its instant from the
 * workflow (workflow time), as every platform activity does.
 */
import { condition, defineQuery, defineUpdate, proxyActivities, setHandler } from '@temporalio/workflow';
import type { WiringActivities } from './wiring-activities.js';

const { stampOutcome } = proxyActivities<WiringActivities>({ startToCloseTimeout: '10 seconds' });

export interface Decision {
  by: string;
  decidedAt: number;
}

export const decide = defineUpdate<Decision, [{ by: string }]>('decide');
export const decisionQuery = defineQuery<Decision | undefined>('decision');

export type WiringOutcome =
  { outcome: 'decided'; decision: Decision; stamped: string } | { outcome: 'timed_out'; at: number; stamped: string };

export async function wiringWorkflow(input: { waitMs: number }): Promise<WiringOutcome> {
  let decision: Decision | undefined;
  setHandler(
    decide,
    ({ by }) => {
      decision = { by, decidedAt: Date.now() };
      return decision;
    },
    {
      validator: ({ by }) => {
        if (!by.startsWith('reviewer:')) throw new Error(`only a reviewer may decide, not "${by}"`);
        if (decision) throw new Error('already decided');
      },
    },
  );
  setHandler(decisionQuery, () => decision);

  const decided = await condition(() => decision !== undefined, input.waitMs);
  if (decided && decision) {
    return { outcome: 'decided', decision, stamped: await stampOutcome('decided', decision.decidedAt) };
  }
  const at = Date.now();
  return { outcome: 'timed_out', at, stamped: await stampOutcome('timed_out', at) };
}
