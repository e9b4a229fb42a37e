/**
 * One workflow per grant (id `grant-<grant id>`), built on the case engine: it reminds the holder
 * before the end (the policy's working days), expires the grant at the end of its last day, and
 * takes the owner's or the center's suspension, resumption and revocation as updates, refused by
 * the validator before anything is recorded. Orchestration only: every change is an activity.
 */
import { condition, proxyActivities, setHandler } from '@temporalio/workflow';
import type { Activities } from '../src/server/activities.js';
import { GRANT_PERSON_ACTIONS, grantActionProblem, type GrantActionInput, type GrantPersonAction } from '../src/grants/rules/actions.js';
import { dueGrantEvent, grantWake, isGrantOpen, type GrantView } from '../src/grants/rules/view.js';
import { CaseEngine, refusal } from './case.js';
import { grantUpdates, grantView } from './grant-api.js';

const act = proxyActivities<Activities>({
  startToCloseTimeout: '15 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', backoffCoefficient: 2 },
});

export async function grantWorkflow(input: { grantId: string }): Promise<GrantView> {
  const { grantId } = input;
  const engine = new CaseEngine<GrantView>({
    isOpen: isGrantOpen,
    // A grant has no person's deadline to supervise: its own timed steps are below.
    supervised: () => [],
    followed: () => [],
    reload: () => act.readGrant({ grantId }),
  });
  const now = () => new Date().toISOString();

  function check(name: GrantPersonAction, args: GrantActionInput): void {
    const view = engine.view;
    if (!view) return refusal({ status: 409, code: 'grant_starting', message: 'The grant is still being opened; try again in a moment' });
    const problem = grantActionProblem(name, view, args, Date.now());
    if (problem) refusal(problem);
  }

  for (const name of GRANT_PERSON_ACTIONS) {
    setHandler(
      grantUpdates[name],
      (args: GrantActionInput) =>
        engine.exclusive(async () => {
          await condition(() => engine.view !== null);
          check(name, args);
          return engine.run(() => act.takeGrantAction({ grantId, name, input: args, stepKey: engine.key(name), at: now() }));
        }),
      { validator: (args: GrantActionInput) => (engine.view ? check(name, args) : undefined) },
    );
  }
  setHandler(grantView, () => engine.view);

  engine.set(await act.readGrant({ grantId }));
  return engine.runUntilClosed({
    onClockEvent: () => Promise.resolve(),
    ownWake: grantWake,
    runOwn: async (view, at) => {
      const due = dueGrantEvent(view, at);
      if (!due) return false;
      await engine.run(() =>
        act.runGrantTimedEvent({ grantId, event: due.event, stepKey: engine.key(due.event), at: new Date(due.at).toISOString() }),
      );
      return true;
    },
  });
}
