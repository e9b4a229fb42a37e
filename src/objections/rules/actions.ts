/**
 * People's actions on an objection (pure), each declared once: the party that takes it, the
 * lifecycle transition it makes (null: the step keeps the state, e.g. one task of several
 * verified), and what its arguments must satisfy now. The workflow's validator and its step ask
 * `objectionActionProblem`; the API offers what it allows (`availableObjectionActions`).
 */
import { expired } from '../../sla/rules/step.js';
import { nextObjectionState, type ObjectionParty, type ObjectionTransition } from './lifecycle.js';
import type { TaskOutcome } from './result.js';
import { contestWindowOf, type ObjectionView } from './view.js';

/** The arguments of each action, as its step receives them. */
export interface ObjectionActionArgs {
  accept: { note?: string | undefined };
  reject: { reason: string };
  /** The center confirms the trace the lineage gives, keeping the origins it names (dataset codes; all when omitted). */
  trace: { origins?: string[] | undefined; note?: string | undefined };
  verify: {
    taskId: string;
    outcome: TaskOutcome;
    valueBefore?: string | undefined;
    valueAfter?: string | undefined;
    correctionReference?: string | undefined;
    explanation?: string | undefined;
  };
  request_extension: { taskId: string; days: number; reason: string };
  decide_extension: { taskId: string; approved: boolean; reason: string };
  give_feedback: { feedback: string };
  contest: { reasons: string };
  /** The objector accepts the result: no contest, the dossier is archived at once. */
  accept_result: { note?: string | undefined };
  decide_contest: { sustained: boolean; reasons: string };
}
export type ObjectionActionName = keyof ObjectionActionArgs;

/** Each action: the party that takes it, its lifecycle transition, and its operation in the contract. */
export const OBJECTION_ACTIONS: Record<
  ObjectionActionName,
  { party: Exclude<ObjectionParty, 'system' | 'owner'>; transition: ObjectionTransition | null; operationId: string }
> = {
  accept: { party: 'center', transition: 'accept', operationId: 'acceptObjection' },
  reject: { party: 'center', transition: 'reject', operationId: 'rejectObjection' },
  trace: { party: 'center', transition: 'trace', operationId: 'traceObjection' },
  verify: { party: 'verifier', transition: null, operationId: 'verifyObjectionTask' },
  request_extension: { party: 'verifier', transition: null, operationId: 'requestObjectionTaskExtension' },
  decide_extension: { party: 'center', transition: null, operationId: 'decideObjectionTaskExtension' },
  give_feedback: { party: 'center', transition: 'give_feedback', operationId: 'giveObjectionFeedback' },
  contest: { party: 'objector', transition: 'contest', operationId: 'contestObjection' },
  accept_result: { party: 'objector', transition: 'accept_result', operationId: 'acceptObjectionResult' },
  decide_contest: { party: 'center', transition: 'decide_contest', operationId: 'decideObjectionContest' },
};
export const OBJECTION_ACTION_NAMES = Object.keys(OBJECTION_ACTIONS) as ObjectionActionName[];

/** The person acting, as the API authenticated and authorized them. */
export interface ObjectionActor {
  userId: string;
  departmentId: string;
  role: string;
  party: Exclude<ObjectionParty, 'system'>;
  httpRequestId?: string | null;
}

export type ObjectionActionInput<K extends ObjectionActionName = ObjectionActionName> = ObjectionActionArgs[K] & { actor: ObjectionActor };

export interface ObjectionProblem {
  status: 403 | 404 | 409 | 422;
  code: string;
  message: string;
}

const blank = (s: string | undefined) => !s || !s.trim();

function taskProblem(view: ObjectionView, input: { taskId: string; actor: ObjectionActor }, name: string): ObjectionProblem | null {
  const task = view.tasks.find((t) => t.id === input.taskId);
  if (!task) return { status: 404, code: 'objection_task_not_found', message: 'No open verification task with that id in this round' };
  if (input.actor.party === 'verifier' && task.departmentId !== input.actor.departmentId)
    return { status: 403, code: 'not_your_task', message: `Only the department the task is assigned to may ${name} it` };
  if (task.decided) return { status: 409, code: 'task_decided', message: 'The verification task has been decided' };
  return null;
}

function argumentProblem<K extends ObjectionActionName>(
  name: K,
  view: ObjectionView,
  input: ObjectionActionInput,
  now: number,
): ObjectionProblem | null {
  const args = input as unknown as Record<string, unknown>;
  switch (name) {
    case 'reject':
      return blank(args.reason as string)
        ? { status: 422, code: 'reason_required', message: 'reason: why the objection is out of scope' }
        : null;
    case 'verify': {
      const v = input as ObjectionActionInput<'verify'>;
      const problem = taskProblem(view, v, 'verify');
      if (problem) return problem;
      if (v.outcome === 'corrected' && (blank(v.valueAfter) || blank(v.correctionReference)))
        return { status: 422, code: 'correction_incomplete', message: 'A correction states the value after it and its reference' };
      if (v.outcome === 'confirmed_accurate' && blank(v.explanation))
        return { status: 422, code: 'explanation_required', message: 'Confirming the data accurate needs an explanation' };
      return null;
    }
    case 'request_extension': {
      const r = input as ObjectionActionInput<'request_extension'>;
      const problem = taskProblem(view, r, 'extend');
      if (problem) return problem;
      const clock = view.tasks.find((t) => t.id === r.taskId)!.clock;
      if (clock.extension !== 'none') return { status: 409, code: 'extension_already_requested', message: 'A task is extended once' };
      if (now > Date.parse(clock.deadline))
        return { status: 409, code: 'extension_too_late', message: 'An extension is asked before the deadline' };
      if (!Number.isInteger(r.days) || r.days < 1 || r.days > view.extensionCapDays)
        return { status: 422, code: 'extension_over_cap', message: `days: 1 to ${view.extensionCapDays} working days` };
      return blank(r.reason) ? { status: 422, code: 'reason_required', message: 'reason: why the task needs longer' } : null;
    }
    case 'decide_extension': {
      const d = input as ObjectionActionInput<'decide_extension'>;
      const task = view.tasks.find((t) => t.id === d.taskId);
      if (!task) return { status: 404, code: 'objection_task_not_found', message: 'No open verification task with that id in this round' };
      if (task.clock.extension !== 'pending')
        return { status: 409, code: 'no_pending_extension', message: 'The task has no extension waiting for a decision' };
      return blank(d.reason) ? { status: 422, code: 'reason_required', message: 'reason: the grounds of the decision' } : null;
    }
    case 'give_feedback':
      return blank(args.feedback as string)
        ? { status: 422, code: 'feedback_required', message: 'feedback: what the objector is told' }
        : null;
    case 'contest': {
      const window = contestWindowOf(view);
      if (view.state === 'feedback_given' && !view.contested && (!window || expired(window, now)))
        return { status: 409, code: 'contest_window_closed', message: 'The time to contest the result has run out' };
      return blank(args.reasons as string)
        ? { status: 422, code: 'reasons_required', message: 'reasons: why the result is contested' }
        : null;
    }
    case 'decide_contest':
      return blank(args.reasons as string)
        ? { status: 422, code: 'reasons_required', message: 'reasons: the grounds of the decision' }
        : null;
    default:
      return null;
  }
}

/** Why the action cannot be taken now, or null. */
export function objectionActionProblem<K extends ObjectionActionName>(
  name: K,
  view: ObjectionView,
  input: ObjectionActionInput,
  now: number,
): ObjectionProblem | null {
  const declared = OBJECTION_ACTIONS[name];
  if (declared.party !== input.actor.party)
    return { status: 403, code: 'objection_action_forbidden', message: `Only the ${declared.party} may ${name.replaceAll('_', ' ')}` };
  const position = { state: view.state, fused: view.fused, contested: view.contested };
  if (declared.transition) {
    const outcome = nextObjectionState(position, declared.transition, declared.party, { sustained: false });
    if (!outcome.ok) return { status: 409, code: outcome.code, message: outcome.message };
  } else if (view.state !== 'verifying') {
    return { status: 409, code: 'objection_state_conflict', message: `An objection in state ${view.state} has no open verification task` };
  }
  return argumentProblem(name, view, input, now);
}

/** The actions a party may take now (for the console's buttons). */
export function availableObjectionActions(
  view: ObjectionView,
  parties: readonly ObjectionActor['party'][],
  departmentId: string,
  now: number,
): ObjectionActionName[] {
  return OBJECTION_ACTION_NAMES.filter((name) => {
    const declared = OBJECTION_ACTIONS[name];
    if (!parties.includes(declared.party)) return false;
    if (declared.transition)
      return (
        nextObjectionState({ state: view.state, fused: view.fused, contested: view.contested }, declared.transition, declared.party, {})
          .ok &&
        (name !== 'contest' || Boolean(contestWindowOf(view) && !expired(contestWindowOf(view)!, now)))
      );
    if (view.state !== 'verifying') return false;
    if (name === 'decide_extension') return view.tasks.some((t) => t.clock.extension === 'pending');
    const mine = view.tasks.filter((t) => t.departmentId === departmentId && !t.decided);
    return name === 'verify' ? mine.length > 0 : mine.some((t) => t.clock.extension === 'none' && now <= Date.parse(t.clock.deadline));
  });
}
