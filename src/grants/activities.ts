import type { Db } from '../platform/db/client.js';
import { failpoint } from '../platform/failpoints.js';
import { viewGrant } from './case.js';
import type { GrantView, GrantTimedEvent } from './rules/view.js';
import type { GrantActionInput, GrantPersonAction } from './rules/actions.js';
import { runGrantTimedEvent, takeGrantAction } from './steps.js';

/** The activity people's actions on a grant run: a failure that is no one's input ends the action, not the workflow. */
export const GRANT_PERSON_STEPS: readonly string[] = ['takeGrantAction'];

interface Keyed {
  grantId: string;
  stepKey: string;
  /** Workflow time of the step (ISO 8601). */
  at: string;
}

/** A grant's steps for its workflow, each one transaction keyed by `stepKey`. */
export function createGrantActivities(deps: { db: Db }) {
  const { db } = deps;
  const committed = async <T>(name: string, run: Promise<T>): Promise<T> => {
    const result = await run;
    failpoint(`grant.${name}.committed`);
    return result;
  };
  return {
    async readGrant(input: { grantId: string }): Promise<GrantView> {
      return viewGrant(db, input.grantId);
    },
    async runGrantTimedEvent(input: Keyed & { event: GrantTimedEvent }): Promise<GrantView> {
      return committed(input.event, runGrantTimedEvent(db, { ...input, at: new Date(input.at) }));
    },
    async takeGrantAction(input: Keyed & { name: GrantPersonAction; input: GrantActionInput }): Promise<GrantView> {
      return committed(input.name, takeGrantAction(db, { ...input, at: new Date(input.at) }));
    },
  };
}
