/**
 * One workflow per objection (id `objection-<objection id>`), built on the case engine: it takes
 * people's actions as updates (declared once in src/objections/rules/actions.ts, refused by the
 * validator before anything is recorded) and keeps the timed steps — every clocked step's
 * reminder, breach and supervision (the center's steps and each source department's task), and
 * the contest window, reminded on its last day, which archives the dossier when it runs out. Orchestration only: every
 * change is an activity.
 */
import { condition, patched, proxyActivities, setHandler } from '@temporalio/workflow';
import type { Activities } from '../src/server/activities.js';
import {
  OBJECTION_ACTION_NAMES,
  objectionActionProblem,
  type ObjectionActionInput,
  type ObjectionActionName,
} from '../src/objections/rules/actions.js';
import { isOpenObjection } from '../src/objections/rules/lifecycle.js';
import { contestWindowOf, followedClocks, supervisedClocks, type ObjectionView } from '../src/objections/rules/view.js';
import { dueEvents, expired, nextWake } from '../src/sla/rules/step.js';
import { CaseEngine, refusal } from './case.js';
import { objectionUpdates, objectionView } from './objection-api.js';

const act = proxyActivities<Activities>({
  startToCloseTimeout: '15 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', backoffCoefficient: 2 },
});

export async function objectionWorkflow(input: { objectionId: string }): Promise<ObjectionView> {
  const { objectionId } = input;
  const engine = new CaseEngine<ObjectionView>({
    isOpen: (view) => isOpenObjection(view.state),
    supervised: supervisedClocks,
    followed: followedClocks,
    reload: () => act.readObjection({ objectionId }),
  });
  const now = () => new Date().toISOString();

  function check(name: ObjectionActionName, args: ObjectionActionInput): void {
    const view = engine.view;
    if (!view)
      return refusal({ status: 409, code: 'objection_starting', message: 'The objection is still being opened; try again in a moment' });
    const problem = objectionActionProblem(name, view, args, Date.now());
    if (problem) refusal(problem);
  }

  for (const name of OBJECTION_ACTION_NAMES) {
    setHandler(
      objectionUpdates[name],
      (args: ObjectionActionInput) =>
        engine.exclusive(async () => {
          await condition(() => engine.view !== null);
          check(name, args);
          return engine.run(() => act.takeObjectionAction({ objectionId, name, input: args, stepKey: engine.key(name), at: now() }));
        }),
      { validator: (args: ObjectionActionInput) => (engine.view ? check(name, args) : undefined) },
    );
  }
  setHandler(objectionView, () => engine.view);

  engine.set(await act.readObjection({ objectionId }));
  return engine.runUntilClosed({
    onClockEvent: async (clock, event, at) => {
      await engine.run(() =>
        act.runObjectionClockEvent({
          objectionId,
          clockId: clock.clockId,
          event,
          stepKey: engine.key(event),
          at: new Date(at).toISOString(),
        }),
      );
    },
    // The contest window (复核申请期) reminds the objector at 00:00 on its last day and archives the
    // dossier the moment it runs out.
    ownWake: (view) => {
      const window = contestWindowOf(view);
      if (!window) return null;
      const reminder = patched('contest-window-reminder') ? nextWake(window, Date.now(), false) : null;
      return Math.min(reminder ?? Infinity, Date.parse(window.deadline) + 1);
    },
    runOwn: async (view, at) => {
      const window = contestWindowOf(view);
      if (!window) return false;
      const [reminder] = !expired(window, at) && patched('contest-window-reminder') ? dueEvents(window, at, false) : [];
      if (reminder) {
        const remindAt = new Date(reminder.at).toISOString();
        await engine.run(() =>
          act.runObjectionClockEvent({
            objectionId,
            clockId: window.clockId,
            event: 'remind',
            stepKey: engine.key('remind'),
            at: remindAt,
          }),
        );
        return true;
      }
      if (!expired(window, at)) return false;
      const due = new Date(Date.parse(window.deadline) + 1).toISOString();
      await engine.run(() => act.closeObjectionContestWindow({ objectionId, stepKey: engine.key('contest_window_closed'), at: due }));
      return true;
    },
  });
}
