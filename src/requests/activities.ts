import type { Db } from '../platform/db/client.js';
import { failpoint } from '../platform/failpoints.js';
import type { TimedEvent } from '../sla/rules/step.js';
import { viewRequest } from './case.js';
import type { ActionInput, ActionName } from './rules/actions.js';
import type { RequestView } from './rules/view.js';
import * as steps from './steps.js';

/** The activity people's actions run (every declared action): a failure that is no one's input ends the action, not the workflow. */
export const PERSON_STEPS: ReadonlySet<string> = new Set(['takeRequestAction']);

interface Keyed {
  requestId: string;
  stepKey: string;
  /** Workflow time of the step (ISO 8601). */
  at: string;
}

/**
 * A request's steps for its workflow. Each commits one transaction keyed by `stepKey`; the
 * failpoint after the commit lets a test kill the worker exactly there and prove the retry
 * records nothing twice.
 */
export function createRequestActivities(deps: { db: Db }) {
  const { db } = deps;
  const committed = async <T>(name: string, run: Promise<T>): Promise<T> => {
    const result = await run;
    failpoint(`request.${name}.committed`);
    return result;
  };
  return {
    async readRequest(input: { requestId: string }): Promise<RequestView> {
      return viewRequest(db, input.requestId);
    },
    async beginRequest(input: { requestId: string; at: string }): Promise<RequestView> {
      return committed('begin', steps.beginRequest(db, input.requestId, new Date(input.at)));
    },
    async takeRequestAction(input: Keyed & { name: ActionName; input: ActionInput }): Promise<RequestView> {
      return committed(input.name, steps.takeAction(db, { ...input, at: new Date(input.at) }));
    },
    async runRequestClockEvent(input: Keyed & { clockId: string; event: TimedEvent }): Promise<RequestView> {
      return committed(input.event, steps.clockEvent(db, { ...input, at: new Date(input.at) }));
    },
    async lapseRequest(input: Keyed): Promise<RequestView> {
      return committed('lapse', steps.lapseRequest(db, { ...input, at: new Date(input.at) }));
    },
    async closeDisputeWindow(input: Keyed): Promise<RequestView> {
      return committed('dispute_window_closed', steps.closeDisputeWindow(db, { ...input, at: new Date(input.at) }));
    },
  };
}
