/**
 * An objection's timed steps, run by its workflow: the clocked steps' reminder, breach and
 * supervision (the center's steps and each task's), and the contest window's end, which archives
 * the dossier. Nothing is recorded when the clock says the step is not due.
 */
import type { Db } from '../platform/db/client.js';
import * as sla from '../sla/index.js';
import type { TimedEvent } from '../sla/rules/step.js';
import { clockMeta, currentTasks, runObjectionStep, stepSubject } from './case.js';
import { archive, archiveNotices } from './steps.js';

/** The contest window ran out uncontested: the mark is revoked and the dossier archived. */
export async function closeContestWindow(db: Db, input: { objectionId: string; stepKey: string; at: Date }) {
  return runObjectionStep(db, input.objectionId, input.stepKey, input.at, {
    transition: 'close_contest_window',
    kind: 'archived',
    actor: null,
    apply: async (tx, row) => {
      const clock = row.clockId ? await sla.getClock(tx, row.clockId) : undefined;
      // A correction may have moved the window since the workflow looked: the clock decides.
      if (!clock || clock.state === 'stopped' || clock.deadlineAt >= input.at) return false;
      return archive(tx, row, input.at, null);
    },
    notify: (tx, row) => archiveNotices(tx, row, input.at),
  });
}

const TIMED_KINDS: Record<TimedEvent, string> = { remind: 'reminded', breach: 'deadline_breached', level_two: 'escalated_level_two' };

/** A timed event of one of the objection's clocked steps (its own or a task's). Nothing is recorded when it is not due. */
export async function objectionClockEvent(
  db: Db,
  input: { objectionId: string; clockId: string; event: TimedEvent; stepKey: string; at: Date },
) {
  return runObjectionStep(db, input.objectionId, input.stepKey, input.at, {
    transition: null,
    kind: TIMED_KINDS[input.event],
    actor: null,
    details: { clockId: input.clockId },
    apply: async (tx, row) => {
      const subject = stepSubject(row, await currentTasks(tx, row));
      if (input.event === 'remind') return (await sla.remindStep(tx, subject, input.clockId, input.at)) ? undefined : false;
      if (input.event === 'breach')
        return (await sla.breachStep(tx, subject, input.clockId, input.at, clockMeta(null))) ? undefined : false;
      return (await sla.escalateStep(tx, subject, input.clockId, input.at)) ? undefined : false;
    },
  });
}
