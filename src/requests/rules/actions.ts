/**
 * People's actions on a filed request, each declared once (pure): its name, who may take it (the
 * party, the roles and the CASL action the route authorizes), the lifecycle transition it makes,
 * when it is offered and what its arguments must satisfy. The HTTP handlers, the workflow's
 * update validators, `availableActions` and the step that carries it out are all derived from
 * this table, so an action that is not allowed is refused before the workflow accepts it.
 */
import { Action } from '../../identity/rules/abilities.js';
import type { Role } from '../../identity/rules/roles.js';
import { nextState, type Party, type RequestAction } from './lifecycle.js';
import type { LegalCitation } from '../../legal-basis/rules/register.js';
import { noApplicationBasisProblem, refusalProblems, type WrittenExplanation } from './refusal.js';
import type { RequestView } from './view.js';

/** The arguments of each action, as its step receives them. */
export interface ActionArgs {
  /** A narrowing of a 免申即享 request is a partial refusal: it carries the register entry it rests on. */
  approve: {
    fields?: string[] | undefined;
    usageMonths?: number | undefined;
    note?: string | undefined;
    legalBasis?: LegalCitation | undefined;
  };
  refuse: { explanation: WrittenExplanation };
  ask_supplement: { question: string };
  /** The answer, and what it amends of the request (the pre-check runs again on the amended request). */
  answer_supplement: {
    answer: string;
    purpose?: string | undefined;
    legalBasis?: string | undefined;
    securityCommitmentAccepted?: true | undefined;
  };
  withdraw: { reason: string };
  confirm_delivery: { method: 'interface' | 'batch'; reference: string; methodChangeReason?: string | undefined };
  request_extension: { days: number; reason: string };
  decide_extension: { approved: boolean; reason: string };
  /** A party's position in the coordination (三方协调), with files it attached to the request. */
  record_position: { position: string; attachmentIds?: string[] | undefined };
  schedule_meeting: {
    startsAt: string;
    place?: string | undefined;
    link?: string | undefined;
    participants: string[];
    agenda?: string | undefined;
  };
  record_minutes: { meetingId: string; minutes: string; attendees?: string[] | undefined };
  /** The coordination's outcome: share, possibly fewer fields, a shorter period and conditions agreed. */
  agree_to_share: {
    fields?: string[] | undefined;
    usageMonths?: number | undefined;
    conditions?: string | undefined;
    note?: string | undefined;
    legalBasis?: LegalCitation | undefined;
  };
  /** The coordination's outcome: not to share; the owner then files the written explanation. */
  decide_not_to_share: { reasons: string; legalBasis?: LegalCitation | undefined };
  /** The data has reached the center (归集): the catalogue's aggregation history gains the period. */
  confirm_aggregation: { reference: string; note?: string | undefined };
  file_explanation: { explanation: WrittenExplanation };
  dispute: { reasons: string };
  uphold_refusal: { reasons: string };
  order_sharing: { reasons: string };
}
export type ActionName = keyof ActionArgs;

/** The person acting, as the API authenticated and authorized them. */
export interface ActionActor {
  userId: string;
  departmentId: string;
  role: Role;
  party: Exclude<Party, 'system'>;
  httpRequestId: string | null;
}

export type ActionInput<K extends ActionName = ActionName> = ActionArgs[K] & { actor: ActionActor };

/** Why an action cannot be taken: the API answers with this status and code. */
export interface Problem {
  status: 409 | 422;
  code: string;
  message: string;
  details?: Record<string, unknown>;
}

/** A party that may take an action: with which roles, and what its CASL ability must allow on the request. */
export interface Taker {
  party: Exclude<Party, 'system'>;
  roles: readonly Role[];
  ability: Action;
}

interface Declaration<K extends ActionName> {
  /** The OpenAPI operation that takes it. */
  operationId: string;
  /** Who may take it (most actions belong to one party; a coordination position, to each of three). */
  by: readonly Taker[];
  /** The lifecycle action (the state it leads to); null for actions that keep the state. */
  transition: RequestAction | null;
  /** Whether it is offered now to this party, whatever its arguments (a reason when not). */
  offered?: (view: RequestView, now: number, party: ActionActor['party']) => Problem | null;
  /** What is wrong with these arguments here. */
  check?: (view: RequestView, args: ActionArgs[K], now: number) => Problem | null;
}

const conflict = (code: string, message: string): Problem => ({ status: 409, code, message });
const invalid = (code: string, message: string, details?: Record<string, unknown>): Problem => ({
  status: 422,
  code,
  message,
  ...(details ? { details } : {}),
});

/** The states whose step a party may ask to extend: the decision, and the owner's delivery or explanation on track 15. */
const EXTENDABLE_STATES: readonly RequestView['state'][] = ['owner_review', 'coordination', 'awaiting_owner_delivery', 'explanation_due'];

/** An extension is asked while a step is open, once per clock, before the deadline, by the party whose step it is. */
function extensionOffered(view: RequestView, now: number, party: ActionActor['party']): Problem | null {
  if (!EXTENDABLE_STATES.includes(view.state))
    return conflict('invalid_state', `An extension is asked while a party's step is open, not in state ${view.state}`);
  if (!view.clock) return conflict('invalid_state', 'The request has no running clock');
  // Coordination runs on the center's clock: the owner may not extend another party's step.
  if (view.clock.chargedParty !== party)
    return conflict('not_your_step', `The step is the ${view.clock.chargedParty}'s: only it asks to extend it`);
  if (view.clock.extension !== 'none')
    return conflict('extension_already_requested', 'This step has already had its one extension request');
  if (view.clock.overdue || (view.clock.state === 'running' && now > Date.parse(view.clock.deadline)))
    return invalid('extension_after_deadline', 'An extension must be asked for before the deadline');
  return null;
}

/**
 * An approval (or an agreement to share) may narrow the fields and shorten the period, never
 * widen them; narrowing a 免申即享 request refuses part of it and rests on a prohibiting entry.
 */
function narrowingProblem(view: RequestView, args: ActionArgs['approve']): Problem | null {
  const outside = (args.fields ?? []).filter((f) => !view.fields.includes(f));
  if (outside.length) return invalid('fields_not_requested', `An approval may narrow the fields, not add ${outside.join(', ')}`);
  if (args.usageMonths !== undefined && view.usageMonths !== null && args.usageMonths > view.usageMonths)
    return invalid('usage_period_not_requested', 'An approval may shorten the usage period, not lengthen it');
  const narrows =
    (args.fields !== undefined && view.fields.some((f) => !args.fields!.includes(f))) ||
    (args.usageMonths !== undefined && view.usageMonths !== null && args.usageMonths < view.usageMonths);
  const prohibition =
    narrows && view.scenarioKind === 'no_application' ? noApplicationBasisProblem(args.legalBasis, view.ownerDepartmentId) : null;
  if (prohibition) return invalid('invalid_partial_refusal', `Narrowing a 免申即享 request refuses part of it: ${prohibition}`);
  return null;
}

const CENTER: Taker = { party: 'center', roles: ['center_operator'], ability: Action.coordinate };
const OWNER: Taker = { party: 'owner', roles: ['reviewer'], ability: Action.decide };
const REQUESTER: Taker = { party: 'requester', roles: ['requester'], ability: Action.update };
const AUTHORITY: Taker = { party: 'authority', roles: ['supervisor'], ability: Action.adjudicate };

const reasonsGiven = (reasons: string, what: string): Problem | null =>
  reasons.trim() ? null : invalid('reasons_required', `${what} states its reasons`);

export const ACTIONS: { readonly [K in ActionName]: Declaration<K> } = {
  approve: {
    operationId: 'approveRequest',
    by: [OWNER],
    transition: 'approve',
    check: narrowingProblem,
  },
  refuse: {
    operationId: 'refuseRequest',
    by: [OWNER],
    transition: 'refuse',
    check: (view, args) => {
      const problems = refusalProblems(args.explanation, view);
      return problems.length ? invalid('invalid_refusal', problems.join('; '), { problems }) : null;
    },
  },
  ask_supplement: {
    operationId: 'askRequestSupplement',
    by: [OWNER],
    transition: 'ask_supplement',
  },
  answer_supplement: {
    operationId: 'answerRequestSupplement',
    by: [REQUESTER],
    transition: 'answer_supplement',
    // The lapse may not have been recorded yet (a worker was down): the limit holds all the same.
    offered: (view, now) =>
      view.supplement && now > Date.parse(view.supplement.clock.deadline)
        ? conflict('supplement_lapsed', `The supplement was due by ${view.supplement.clock.deadlineDate}; the request lapses`)
        : null,
  },
  withdraw: {
    operationId: 'withdrawRequest',
    by: [REQUESTER],
    transition: 'withdraw',
  },
  confirm_delivery: {
    operationId: 'confirmRequestDelivery',
    by: [CENTER],
    transition: 'confirm_delivery',
    // The requester asked for a method; delivering by another is a change it is told the reason for.
    check: (view, args) =>
      view.deliveryMethod !== undefined && args.method !== view.deliveryMethod && !args.methodChangeReason?.trim()
        ? invalid(
            'delivery_method_change_reason_required',
            `The request asked for delivery by ${view.deliveryMethod}; delivering by ${args.method} needs methodChangeReason`,
          )
        : null,
  },
  request_extension: {
    operationId: 'requestRequestExtension',
    by: [OWNER],
    transition: null,
    offered: extensionOffered,
    check: (view, args) => {
      if (!Number.isInteger(args.days) || args.days < 1 || args.days > view.extensionCapDays)
        return invalid('extension_too_long', `An extension is 1 to ${view.extensionCapDays} working days`);
      if (!args.reason.trim()) return invalid('extension_reason_required', 'An extension request states its reason');
      return null;
    },
  },
  decide_extension: {
    operationId: 'decideRequestExtension',
    by: [CENTER],
    transition: null,
    offered: (view) =>
      view.clock?.extension === 'pending' ? null : conflict('no_pending_extension', 'There is no extension request to decide'),
  },
  record_position: {
    operationId: 'recordCoordinationPosition',
    by: [REQUESTER, OWNER, CENTER],
    transition: null,
    offered: (view) =>
      view.state === 'coordination'
        ? null
        : conflict('invalid_state', `Positions are recorded during coordination, not in state ${view.state}`),
    check: (_view, args) => (args.position.trim() ? null : invalid('position_required', 'A position states what the party holds')),
  },
  schedule_meeting: {
    operationId: 'scheduleCoordinationMeeting',
    by: [CENTER],
    transition: null,
    offered: (view) =>
      view.state === 'coordination'
        ? null
        : conflict('invalid_state', `Meetings are scheduled during coordination, not in state ${view.state}`),
    check: (_view, args) => {
      if (!args.place?.trim() && !args.link?.trim()) return invalid('meeting_place_required', 'A meeting has a place or a link');
      if (!args.participants.some((p) => p.trim())) return invalid('meeting_participants_required', 'A meeting names its participants');
      return null;
    },
  },
  record_minutes: {
    operationId: 'recordCoordinationMinutes',
    by: [CENTER],
    transition: null,
    // Minutes may follow the outcome (the meeting that reached it), but not the request's end.
    offered: (view) =>
      ['coordination', 'agreed_to_share', 'not_to_share', 'explanation_due', 'awaiting_owner_delivery', 'awaiting_supplement'].includes(
        view.state,
      ) && view.track === 15
        ? null
        : conflict('invalid_state', `Minutes are recorded while the coordination is open, not in state ${view.state}`),
    check: (_view, args) => (args.minutes.trim() ? null : invalid('minutes_required', 'Minutes record what the meeting said')),
  },
  agree_to_share: {
    operationId: 'agreeToShareRequest',
    by: [CENTER],
    transition: 'agree_to_share',
    check: narrowingProblem,
  },
  decide_not_to_share: {
    operationId: 'decideNotToShareRequest',
    by: [CENTER],
    transition: 'decide_not_to_share',
    // Unconditional data merely not aggregated yet: coordination only schedules its delivery.
    offered: (view) =>
      view.ownerMayRefuse
        ? null
        : invalid(
            'sharing_not_refusable',
            'The data is unconditionally shared and only awaits aggregation: the coordination schedules its delivery, it cannot decide not to share',
          ),
    check: (view, args) => {
      const prohibition =
        view.scenarioKind === 'no_application' ? noApplicationBasisProblem(args.legalBasis, view.ownerDepartmentId) : null;
      if (prohibition)
        return invalid('invalid_refusal', `Not sharing with a 免申即享 scenario: ${prohibition}`, { problems: [prohibition] });
      return reasonsGiven(args.reasons, 'A decision not to share');
    },
  },
  confirm_aggregation: {
    operationId: 'confirmRequestAggregation',
    by: [CENTER],
    transition: 'confirm_aggregation',
    check: (_view, args) =>
      args.reference.trim() ? null : invalid('aggregation_reference_required', 'A confirmation names the delivery or aggregation batch'),
  },
  file_explanation: {
    operationId: 'fileRequestExplanation',
    by: [OWNER],
    transition: 'file_explanation',
    check: (view, args) => {
      const problems = refusalProblems(args.explanation, view);
      return problems.length ? invalid('invalid_refusal', problems.join('; '), { problems }) : null;
    },
  },
  dispute: {
    operationId: 'disputeRequestRefusal',
    by: [REQUESTER, CENTER],
    transition: 'dispute',
    offered: (view, now) => {
      const window = view.disputeWindow;
      if (!window || window.state !== 'running' || now > Date.parse(window.deadline))
        return conflict('dispute_window_closed', 'A refusal is disputed within the policy’s window after it, once');
      return null;
    },
    check: (_view, args) => reasonsGiven(args.reasons, 'A dispute'),
  },
  uphold_refusal: {
    operationId: 'upholdRequestRefusal',
    by: [AUTHORITY],
    transition: 'uphold_refusal',
    check: (_view, args) => reasonsGiven(args.reasons, 'A dispute decision'),
  },
  order_sharing: {
    operationId: 'orderRequestSharing',
    by: [AUTHORITY],
    transition: 'order_sharing',
    check: (_view, args) => reasonsGiven(args.reasons, 'A dispute decision'),
  },
};

export const ACTION_NAMES = Object.keys(ACTIONS) as ActionName[];

/** Whether the party's department is the one this request names for it (the center is one department). */
function ownStep(view: RequestView, actor: Pick<ActionActor, 'party' | 'departmentId'>): Problem | null {
  const department = { requester: view.requesterDepartmentId, owner: view.ownerDepartmentId, center: null, authority: null }[actor.party];
  return department !== null && department !== actor.departmentId
    ? conflict('not_your_step', `Your department is not the ${actor.party} of this request`)
    : null;
}

/** Whether the action is open to this party now, before looking at its arguments. */
function openTo<K extends ActionName>(name: K, view: RequestView, party: ActionActor['party'], now: number): Problem | null {
  const declared = ACTIONS[name] as Declaration<K>;
  if (!declared.by.some((taker) => taker.party === party))
    return conflict('not_your_step', `Only the ${declared.by.map((t) => t.party).join(' or ')} may ${name.replace(/_/g, ' ')}`);
  if (declared.transition) {
    const result = nextState(view, declared.transition, party);
    if (!result.ok) return conflict(result.code, result.message);
  }
  return declared.offered?.(view, now, party) ?? null;
}

/** Every reason the actor cannot take the action with these arguments now (the first one), or null. */
export function actionProblem<K extends ActionName>(name: K, view: RequestView, input: ActionInput<K>, now: number): Problem | null {
  const declared = ACTIONS[name] as Declaration<K>;
  return ownStep(view, input.actor) ?? openTo(name, view, input.actor.party, now) ?? declared.check?.(view, input, now) ?? null;
}

/** The actions the party may take now (what the console offers). */
export function availableActions(view: RequestView, party: ActionActor['party'], now: number): ActionName[] {
  return ACTION_NAMES.filter((name) => openTo(name, view, party, now) === null);
}

/** The action an OpenAPI operation takes, if it is one. */
export function actionOfOperation(operationId: string): ActionName | undefined {
  return ACTION_NAMES.find((name) => ACTIONS[name].operationId === operationId);
}
