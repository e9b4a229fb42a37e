/**
 * One workflow per request (id `request-<request id>`), built on the case engine: it opens the
 * track's step, takes people's actions as updates (each declared once in
 * src/requests/rules/actions.ts, refused by the validator before anything is recorded), and
 * keeps the timed steps — the clocked step's reminder, breach and supervision, and the lapse of
 * an unanswered supplement. Orchestration only: every change is an activity.
 */
import {
  condition,
  continueAsNew,
  patched,
  getExternalWorkflowHandle,
  ParentClosePolicy,
  proxyActivities,
  setHandler,
  sleep,
  startChild,
  workflowInfo,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { Activities } from '../src/server/activities.js';
import { ACTION_NAMES, actionProblem, type ActionInput, type ActionName } from '../src/requests/rules/actions.js';
import { isOpen } from '../src/requests/rules/lifecycle.js';
import { clocksOf, type RequestView } from '../src/requests/rules/view.js';
import { dueEvents, expired, nextWake } from '../src/sla/rules/step.js';
import { clockChanged } from './case-api.js';
import { CaseEngine, refusal } from './case.js';
import { grantWorkflow } from './grant.js';
import { grantWorkflowId } from './grant-api.js';
import { objectionWorkflow } from './objection.js';
import { objectionWorkflowId } from './objection-api.js';
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
    isOpen: (view) => isOpen(view.state) || Boolean(view.disputeWindow),
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

/** Starts a grant's workflow unless it runs (or ran) already, and records that it did. */
async function startGrantWorkflow(grantId: string): Promise<void> {
  try {
    await startChild(grantWorkflow, {
      workflowId: grantWorkflowId(grantId),
      args: [{ grantId }],
      parentClosePolicy: ParentClosePolicy.ABANDON,
    });
  } catch (error) {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
  }
  await act.markGrantWorkflowStarted({ grantId, at: new Date().toISOString() });
}

/** Starts an objection's workflow unless it runs (or ran) already, and records that it did. */
async function startObjectionWorkflow(objectionId: string): Promise<void> {
  try {
    await startChild(objectionWorkflow, {
      workflowId: objectionWorkflowId(objectionId),
      args: [{ objectionId }],
      parentClosePolicy: ParentClosePolicy.ABANDON,
    });
  } catch (error) {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
  }
  await act.markObjectionWorkflowStarted({ objectionId, at: new Date().toISOString() });
}

/**
 * Repairs the gaps between PostgreSQL and Temporal that an unreachable Temporal can leave. A
 * request committed meanwhile has no workflow: the reconciler starts it (the id is the request's,
 * so a workflow is never started twice). A clock the clock service moved meanwhile was never
 * announced to its workflow: the reconciler sends the announcement it owes.
 */
export async function requestReconcilerWorkflow(input: { intervalMs: number; graceMs: number }): Promise<never> {
  for (let round = 0; round < 500 && workflowInfo().historyLength < 10_000; round++) {
    const ids = await act.listUnstartedRequests({ filedBefore: new Date(Date.now() - input.graceMs).toISOString(), limit: 100 });
    for (const requestId of ids) {
      try {
        await startChild(requestWorkflow, {
          workflowId: `request-${requestId}`,
          args: [{ requestId }],
          parentClosePolicy: ParentClosePolicy.ABANDON,
        });
      } catch (error) {
        if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
      }
      await act.markRequestWorkflowStarted({ requestId, at: new Date().toISOString() });
    }
    const owed = await act.listUnannouncedClocks({ changedBefore: new Date(Date.now() - input.graceMs).toISOString(), limit: 100 });
    for (const clock of owed) {
      try {
        await getExternalWorkflowHandle(clock.workflowId).signal(clockChanged, { clockId: clock.clockId, version: clock.version });
      } catch {
        // Closed since: nothing left to follow.
      }
    }
    if (owed.length) await act.markClocksAnnounced({ clocks: owed.map(({ clockId, version }) => ({ clockId, version })) });
    // Grants issued while Temporal was unreachable, or before grants had workflows.
    const grants = patched('grant-reconciler')
      ? await act.listUnstartedGrants({ issuedBefore: new Date(Date.now() - input.graceMs).toISOString(), limit: 100 })
      : [];
    for (const grantId of grants) await startGrantWorkflow(grantId);
    // Objections raised while Temporal was unreachable: never a lost objection.
    const raised = patched('objection-reconciler')
      ? await act.listUnstartedObjections({ raisedBefore: new Date(Date.now() - input.graceMs).toISOString(), limit: 100 })
      : [];
    for (const objectionId of raised) await startObjectionWorkflow(objectionId);
    if (ids.length < 100 && owed.length < 100 && grants.length < 100 && raised.length < 100) await sleep(input.intervalMs);
  }
  return continueAsNew<typeof requestReconcilerWorkflow>(input);
}
