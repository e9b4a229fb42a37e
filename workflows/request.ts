/**
 * One workflow per request (id `request-<request id>`), built on the case engine: it opens the
 * track's step, takes people's actions as updates (each declared once in
 * src/requests/rules/actions.ts, refused by the validator before anything is recorded), and
 * keeps the timed steps — the clocked step's reminder, breach and supervision, and the lapse of
 * an unanswered supplement. Orchestration only: every change is an activity.
 */
import { condition, patched, proxyActivities, setHandler } from '@temporalio/workflow';
import type { Activities } from '../src/server/activities.js';
import { ACTION_NAMES, actionProblem, type ActionInput, type ActionName } from '../src/requests/rules/actions.js';
import { clocksOf, isCaseOpen, type RequestView } from '../src/requests/rules/view.js';
import { dueEvents, expired, nextWake } from '../src/sla/rules/step.js';
import { CaseEngine, refusal } from './case.js';
import { requestUpdates, requestView } from './request-api.js';

// Each step is one short transaction; a worker that dies mid-step is noticed after this long and
// the step retried (its key makes the retry record nothing twice).
const act = proxyActivities<Activities>({
  startToCloseTimeout: '15 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', backoffCoefficient: 2 },
});

export async function requestWorkflow(input: { requestId: string }): Promise<RequestView> {
  const { requestId } = input;
  const engine = new CaseEngine<RequestView>({
    // A refusal stays open to a dispute (争议) while its window runs.
    isOpen: isCaseOpen,
    supervised: (view) => (view.clock ? [view.clock] : []),
    followed: clocksOf,
    reload: () => act.readRequest({ requestId }),
  });
  const now = () => new Date().toISOString();

  /** The declared rules, asked by the validator and again once the step holds the lock (the state may have moved). */
  function check<K extends ActionName>(name: K, args: ActionInput<K>): void {
    const view = engine.view;
    if (!view)
      return refusal({ status: 409, code: 'request_starting', message: 'The request is still being opened; try again in a moment' });
    const problem = actionProblem(name, view, args, Date.now());
    if (problem) refusal(problem);
  }

  for (const name of ACTION_NAMES) {
    setHandler(
      requestUpdates[name],
      (args: ActionInput) =>
        engine.exclusive(async () => {
          await condition(() => engine.view !== null);
          check(name, args);
          return engine.run(() => act.takeRequestAction({ requestId, name, input: args, stepKey: engine.key(name), at: now() }));
        }),
      { validator: (args: ActionInput) => (engine.view ? check(name, args) : undefined) },
    );
  }
  setHandler(requestView, () => engine.view);

  engine.set(await act.beginRequest({ requestId, at: now() }));
  return engine.runUntilClosed({
    onClockEvent: async (clock, event, at) => {
      await engine.run(() =>
        act.runRequestClockEvent({ requestId, clockId: clock.clockId, event, stepKey: engine.key(event), at: new Date(at).toISOString() }),
      );
    },
    // An unanswered supplement is reminded at 00:00 on its due date and lapses the request the
    // moment its clock runs out.
    ownWake: (view) => {
      if (view.disputeWindow) return Date.parse(view.disputeWindow.deadline) + 1;
      const clock = view.supplement?.clock;
      if (!clock || clock.state !== 'running') return null;
      const reminder = patched('supplement-reminder') ? nextWake(clock, Date.now(), false) : null;
      return Math.min(reminder ?? Infinity, Date.parse(clock.deadline) + 1);
    },
    runOwn: async (view, now) => {
      if (view.disputeWindow && expired(view.disputeWindow, now)) {
        const at = new Date(Date.parse(view.disputeWindow.deadline) + 1).toISOString();
        await engine.run(() => act.closeDisputeWindow({ requestId, stepKey: engine.key('dispute_window_closed'), at }));
        return true;
      }
      const clock = view.supplement?.clock;
      const [reminder] = clock && patched('supplement-reminder') ? dueEvents(clock, now, false) : [];
      if (clock && reminder) {
        const at = new Date(reminder.at).toISOString();
        await engine.run(() =>
          act.runRequestClockEvent({ requestId, clockId: clock.clockId, event: 'remind', stepKey: engine.key('remind'), at }),
        );
        return true;
      }
      if (!view.supplement || !expired(view.supplement.clock, now)) return false;
      const due = Date.parse(view.supplement.clock.deadline) + 1;
      await engine.run(() => act.lapseRequest({ requestId, stepKey: engine.key('lapse'), at: new Date(due).toISOString() }));
      return true;
    },
  });
}
