/**
 * One workflow per request (id `request-<request id>`): it opens the track's first step, keeps a
 * timer on the step's SLA clock (reminder at 00:00 on the deadline date, breach and level-1
 * supervision at the deadline, level 2 after the policy's period), and takes people's actions
 * as updates with validators. Orchestration only: every change is an activity.
 */
import {
  ActivityFailure,
  ApplicationFailure,
  condition,
  continueAsNew,
  defineQuery,
  defineUpdate,
  getExternalWorkflowHandle,
  ParentClosePolicy,
  patched,
  proxyActivities,
  setHandler,
  sleep,
  startChild,
  workflowInfo,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { Activities } from '../src/server/activities.js';
import type { RequestView } from '../src/requests/activities.js';
import { isOpen, nextState, type RequestAction } from '../src/requests/rules/lifecycle.js';
import { reminderAt, reminderDue } from '../src/sla/rules/clock.js';
import { refusalProblems } from '../src/requests/rules/refusal.js';
import type { RequestUpdateName, RequestUpdates, UpdateActor } from '../src/requests/workflow-contract.js';
import { slaDeadlineChanged } from './sla.js';

// Each step is one short transaction; a worker that dies mid-step is noticed after this long and
// the step retried (its key makes the retry record nothing twice).
const act = proxyActivities<Activities>({
  startToCloseTimeout: '15 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', backoffCoefficient: 2 },
});

export const requestView = defineQuery<RequestView | null>('view');
const update = <K extends RequestUpdateName>(name: K) => defineUpdate<RequestView, [RequestUpdates[K]]>(name);
export const requestUpdates = {
  approve: update('approve'),
  refuse: update('refuse'),
  askSupplement: update('askSupplement'),
  answerSupplement: update('answerSupplement'),
  withdraw: update('withdraw'),
  confirmDelivery: update('confirmDelivery'),
  requestExtension: update('requestExtension'),
  decideExtension: update('decideExtension'),
};

/** The lifecycle action behind each update (extensions keep the state: checked separately). */
const ACTIONS: Record<RequestUpdateName, RequestAction | null> = {
  approve: 'approve',
  refuse: 'refuse',
  askSupplement: 'ask_supplement',
  answerSupplement: 'answer_supplement',
  withdraw: 'withdraw',
  confirmDelivery: 'confirm_delivery',
  requestExtension: null,
  decideExtension: null,
};

const reject = (code: string, message: string, status = 409): never => {
  throw ApplicationFailure.create({ type: code, message, nonRetryable: true, details: [{ status, details: null }] });
};

export async function requestWorkflow(input: { requestId: string }): Promise<RequestView> {
  const { requestId } = input;
  let view: RequestView | null = null;
  let seq = 0;
  let poke = 0;
  let busy = false;
  const reminded = new Set<string>();
  let levelTwoAt: number | null = null;
  /** The clock service moved a deadline: the request records it before anything else. */
  let deadlineMoved = false;

  const now = () => new Date().toISOString();
  const key = (name: string) => `${name}#${++seq}`;
  const setView = (next: RequestView) => {
    view = next;
    poke++;
  };

  /** One step at a time: a person's action and a timer's step never interleave. */
  async function exclusive<T>(fn: () => Promise<T>): Promise<T> {
    await condition(() => !busy);
    busy = true;
    try {
      return await fn();
    } finally {
      busy = false;
    }
  }

  /** The validator's rules, asked again once the step holds the lock (the state may have moved). */
  function check(name: RequestUpdateName, args: RequestUpdates[RequestUpdateName]): void {
    const current = view;
    if (!current) return reject('request_starting', 'The request is still being opened; try again in a moment');
    const actor: UpdateActor = args.actor;
    const ownDepartment = { requester: current.requesterDepartmentId, owner: current.ownerDepartmentId, center: null }[actor.party];
    if (ownDepartment !== null && ownDepartment !== actor.departmentId)
      reject('not_your_step', `Your department is not the ${actor.party} of this request`);
    const action = ACTIONS[name];
    if (action) {
      const result = nextState(current, action, actor.party);
      if (!result.ok) reject(result.code, result.message);
    }
    if (name === 'refuse') {
      const problems = refusalProblems((args as RequestUpdates['refuse']).explanation, {
        track: current.track,
        checks: current.checks,
        scenarioKind: current.scenarioKind,
        ownerMayRefuse: current.ownerMayRefuse,
      });
      if (problems.length) reject('invalid_refusal', problems.join('; '), 422);
    }
    if (name === 'requestExtension') {
      if (actor.party !== 'owner' && actor.party !== 'center')
        reject('not_your_step', 'The owner (or the center in coordination) asks for an extension');
      if (current.state !== 'owner_review' && current.state !== 'coordination')
        reject('invalid_state', `An extension is asked while the decision is open, not in state ${current.state}`);
      if (current.extension !== 'none') reject('extension_already_requested', 'This step has already had its one extension request');
    }
    if (name === 'decideExtension') {
      if (actor.party !== 'center') reject('not_your_step', 'The center decides extensions');
      if (current.extension !== 'pending') reject('no_pending_extension', 'There is no extension request to decide');
    }
  }

  /** Runs the step's activity; a business-rule failure of the activity becomes the update's failure. */
  async function run(fn: () => Promise<RequestView>): Promise<RequestView> {
    try {
      const next = await fn();
      setView(next);
      return next;
    } catch (error) {
      if (error instanceof ActivityFailure && error.cause instanceof ApplicationFailure) throw error.cause;
      throw error;
    }
  }

  const handlers: { [K in RequestUpdateName]: (args: RequestUpdates[K], stepKey: string, at: string) => Promise<RequestView> } = {
    approve: (a, stepKey, at) => act.approveRequest({ requestId, stepKey, at, ...a }),
    refuse: (a, stepKey, at) => act.refuseRequest({ requestId, stepKey, at, ...a }),
    askSupplement: (a, stepKey, at) => act.askSupplement({ requestId, stepKey, at, ...a }),
    answerSupplement: (a, stepKey, at) => act.answerSupplement({ requestId, stepKey, at, ...a }),
    withdraw: (a, stepKey, at) => act.withdrawRequest({ requestId, stepKey, at, ...a }),
    confirmDelivery: (a, stepKey, at) => act.confirmDelivery({ requestId, stepKey, at, ...a }),
    requestExtension: (a, stepKey, at) => act.requestExtension({ requestId, stepKey, at, ...a }),
    decideExtension: (a, stepKey, at) => act.decideExtension({ requestId, stepKey, at, ...a }),
  };
  const register = <K extends RequestUpdateName>(name: K) =>
    setHandler(
      requestUpdates[name] as ReturnType<typeof update<K>>,
      (args: RequestUpdates[K]) =>
        exclusive(async () => {
          await condition(() => view !== null);
          check(name, args);
          return run(() => handlers[name](args, key(name), now()));
        }),
      { validator: (args: RequestUpdates[K]) => (view ? check(name, args) : undefined) },
    );
  for (const name of Object.keys(requestUpdates) as RequestUpdateName[]) register(name);
  setHandler(requestView, () => view);
  setHandler(slaDeadlineChanged, ({ clockId, deadline }) => {
    if (!view) return;
    if (clockId === view.clockId) {
      deadlineMoved = true;
      setView({ ...view, deadline });
    } else if (view.supplement && clockId === view.supplement.clockId) {
      // Added after the first release: a moved supplement due date is recorded on the request too.
      if (patched('record-supplement-deadline-move')) deadlineMoved = true;
      setView({ ...view, supplement: { ...view.supplement, due: deadline } });
    }
  });

  setView(await act.beginRequest({ requestId, at: now() }));

  /**
   * When level 2 falls due. Added later: the view carries it (so a breach recorded outside the
   * breach step, e.g. by a late supplement pause, escalates too); older histories kept it here.
   */
  const levelTwoDue = (v: RequestView): number | null =>
    v.levelTwoAt && patched('level-two-from-view') ? Date.parse(v.levelTwoAt) : levelTwoAt;

  /** The next instant something is due, or null when only people can move the request. */
  function nextWake(v: RequestView): number | null {
    const due: number[] = [];
    if (v.state === 'awaiting_supplement' && v.supplement) due.push(Date.parse(v.supplement.due) + 1);
    if (v.clockState === 'running' && v.deadline) {
      const deadline = Date.parse(v.deadline);
      if (!reminded.has(v.deadline)) due.push(reminderAt(deadline));
      if (!v.overdue) due.push(deadline + 1);
    }
    const levelTwo = v.overdue && v.supervisionLevel < 2 ? levelTwoDue(v) : null;
    if (levelTwo !== null) due.push(levelTwo);
    return due.length ? Math.min(...due) : null;
  }

  /** Timed steps record the instant they were due, not the moment the timer was handled. */
  async function runDueSteps(): Promise<void> {
    const v = view!;
    const t = Date.now();
    const iso = (ms: number) => new Date(ms).toISOString();
    if (v.state === 'awaiting_supplement' && v.supplement && t > Date.parse(v.supplement.due)) {
      await run(() => act.lapseRequest({ requestId, stepKey: key('lapse'), at: iso(Date.parse(v.supplement!.due) + 1) }));
      return;
    }
    if (v.clockState === 'running' && v.deadline) {
      const deadline = Date.parse(v.deadline);
      if (!reminded.has(v.deadline) && t >= reminderAt(deadline)) {
        reminded.add(v.deadline);
        if (reminderDue(deadline, t))
          await run(() => act.remindDeadline({ requestId, stepKey: key('remind'), at: iso(reminderAt(deadline)) }));
      }
      if (!v.overdue && t > deadline) {
        const breached = await act.recordBreach({ requestId, stepKey: key('breach'), at: iso(deadline + 1) });
        levelTwoAt = breached.levelTwoAt ? Date.parse(breached.levelTwoAt) : null;
        setView(breached);
      }
    }
    const after = view!;
    const levelTwo = isOpen(after.state) && after.overdue && after.supervisionLevel < 2 ? levelTwoDue(after) : null;
    if (levelTwo !== null && Date.now() >= levelTwo) {
      const due = levelTwo;
      await run(() => act.escalateLevelTwo({ requestId, stepKey: key('level_two'), at: iso(due) }));
    }
  }

  while (isOpen(view!.state)) {
    const seen = poke;
    const wake = nextWake(view!);
    const moved = () => poke !== seen || !isOpen(view!.state);
    let woken = true;
    if (wake === null) await condition(moved);
    else woken = await condition(moved, Math.max(wake - Date.now(), 1));
    if (!isOpen(view!.state)) break;
    if (deadlineMoved) {
      deadlineMoved = false;
      await exclusive(() => run(() => act.recordDeadlineMoved({ requestId, stepKey: key('deadline_moved'), at: now() })));
    }
    if (!woken || (wake !== null && Date.now() >= wake)) await exclusive(runDueSteps);
  }
  // Let an update that is still answering finish before the workflow completes.
  await condition(() => !busy);
  return view!;
}

/**
 * Repairs the gaps between PostgreSQL and Temporal that an unreachable Temporal can leave. A
 * request committed meanwhile has no workflow: one reconciler per task queue starts those (the
 * id is the request's, so a workflow is never started twice) and marks them started. A deadline
 * moved meanwhile never reached its workflow: the reconciler signals it again.
 */
export async function requestReconcilerWorkflow(input: { intervalMs: number; graceMs: number }): Promise<never> {
  for (let round = 0; round < 500; round++) {
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
    if (patched('resignal-lagging-deadlines')) {
      const lagging = await act.listLaggingDeadlines({ settledBefore: new Date(Date.now() - input.graceMs).toISOString(), limit: 100 });
      for (const { workflowId, clockId, deadline } of lagging) {
        try {
          await getExternalWorkflowHandle(workflowId).signal(slaDeadlineChanged, { clockId, deadline });
        } catch {
          // Closed since: nothing left to move.
        }
      }
    }
    if (ids.length < 100) await sleep(input.intervalMs);
    // Added later: requests whose workflow failed lag for good and are signalled every round, so
    // the history is capped by size as well as by rounds.
    if (workflowInfo().historyLength > 10_000 && patched('reconciler-history-cap')) break;
  }
  return continueAsNew<typeof requestReconcilerWorkflow>(input);
}
