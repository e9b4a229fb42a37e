import type { Db } from '../platform/db/client.js';
import { failpoint } from '../platform/failpoints.js';
import type { TimedEvent } from '../sla/rules/step.js';
import { viewObjection } from './case.js';
import type { ObjectionActionInput, ObjectionActionName } from './rules/actions.js';
import type { ObjectionView } from './rules/view.js';
import { takeObjectionAction } from './steps.js';
import { closeContestWindow, objectionClockEvent } from './timed-steps.js';

/** The activity people's actions on an objection run: a failure that is no one's input ends the action, not the workflow. */
export const OBJECTION_PERSON_STEPS: readonly string[] = ['takeObjectionAction'];

interface Keyed {
  objectionId: string;
  stepKey: string;
  /** Workflow time of the step (ISO 8601). */
  at: string;
}

/** An objection's steps for its workflow, each one transaction keyed by `stepKey`. */
export function createObjectionActivities(deps: { db: Db }) {
  const { db } = deps;
  const committed = async <T>(name: string, run: Promise<T>): Promise<T> => {
    const result = await run;
    // A test kills the worker here: the step committed, the workflow has not heard of it.
    failpoint(`objection.${name}.committed`);
    return result;
  };
  return {
    async readObjection(input: { objectionId: string }): Promise<ObjectionView> {
      return viewObjection(db, input.objectionId);
    },
    async takeObjectionAction(input: Keyed & { name: ObjectionActionName; input: ObjectionActionInput }): Promise<ObjectionView> {
      return committed(input.name, takeObjectionAction(db, { ...input, at: new Date(input.at) }));
    },
    async runObjectionClockEvent(input: Keyed & { clockId: string; event: TimedEvent }): Promise<ObjectionView> {
      return committed(input.event, objectionClockEvent(db, { ...input, at: new Date(input.at) }));
    },
    async closeObjectionContestWindow(input: Keyed): Promise<ObjectionView> {
      return committed('contest_window_closed', closeContestWindow(db, { ...input, at: new Date(input.at) }));
    },
  };
}
