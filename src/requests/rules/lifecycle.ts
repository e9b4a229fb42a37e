/**
 * The request lifecycle (DESIGN.md, request lifecycle), pure: which party may take which action
 * in which state, and where it leads. The workflow asks this before it changes anything; the
 * database stores the result.
 */
import type { Track } from './policy.js';

export const REQUEST_STATES = [
  'draft',
  'submitted',
  'routed',
  'provisioning',
  'granted',
  'owner_review',
  'approved',
  'refused',
  'coordination',
  'agreed_to_share',
  'awaiting_owner_delivery',
  'not_to_share',
  'explanation_due',
  'disputed',
  'awaiting_supplement',
  'withdrawn',
  'lapsed',
] as const;
export type RequestState = (typeof REQUEST_STATES)[number];

/**
 * Who acts: the requesting department, the owner department, the center, the competent authority
 * (公共数据主管部门, deciding disputes) or the platform itself.
 */
export type Party = 'requester' | 'owner' | 'center' | 'authority' | 'system';

export const REQUEST_ACTIONS = [
  'route',
  'open_review',
  'open_coordination',
  'start_provisioning',
  'approve',
  'refuse',
  'ask_supplement',
  'answer_supplement',
  'lapse',
  'withdraw',
  'confirm_delivery',
  'agree_to_share',
  'decide_not_to_share',
  'await_owner_delivery',
  'confirm_aggregation',
  'ask_explanation',
  'file_explanation',
  'dispute',
  'uphold_refusal',
  'order_sharing',
] as const;
export type RequestAction = (typeof REQUEST_ACTIONS)[number];

interface Rule {
  from: readonly RequestState[];
  /** `previous`: back to the state the request left (after a supplement). */
  to: RequestState | 'previous';
  by: readonly Party[];
  tracks?: readonly Track[];
}

const RULES: Record<RequestAction, readonly Rule[]> = {
  route: [{ from: ['submitted'], to: 'routed', by: ['system'] }],
  open_review: [{ from: ['routed'], to: 'owner_review', by: ['system'], tracks: [5] }],
  open_coordination: [{ from: ['routed'], to: 'coordination', by: ['system'], tracks: [15] }],
  start_provisioning: [
    { from: ['routed'], to: 'provisioning', by: ['system'], tracks: [1] },
    { from: ['approved'], to: 'provisioning', by: ['system'], tracks: [5, 15] },
    // Agreed data the center already holds (catalogued not shareable, but aggregated) needs no delivery.
    { from: ['agreed_to_share'], to: 'provisioning', by: ['system'], tracks: [15] },
  ],
  approve: [{ from: ['owner_review'], to: 'approved', by: ['owner'], tracks: [5] }],
  refuse: [{ from: ['owner_review'], to: 'refused', by: ['owner'], tracks: [5] }],
  ask_supplement: [
    { from: ['owner_review'], to: 'awaiting_supplement', by: ['owner'], tracks: [5] },
    { from: ['coordination'], to: 'awaiting_supplement', by: ['owner', 'center'], tracks: [15] },
  ],
  answer_supplement: [{ from: ['awaiting_supplement'], to: 'previous', by: ['requester'] }],
  lapse: [{ from: ['awaiting_supplement'], to: 'lapsed', by: ['system'] }],
  withdraw: [
    { from: ['submitted', 'routed', 'owner_review', 'awaiting_supplement', 'coordination'], to: 'withdrawn', by: ['requester'] },
    // Track 1 has no decision: the requester may withdraw until the data is delivered.
    { from: ['provisioning'], to: 'withdrawn', by: ['requester'], tracks: [1] },
  ],
  confirm_delivery: [{ from: ['provisioning'], to: 'granted', by: ['center'] }],
  // Track 15: the center records the coordination's outcome (三方协调).
  agree_to_share: [{ from: ['coordination'], to: 'agreed_to_share', by: ['center'], tracks: [15] }],
  decide_not_to_share: [{ from: ['coordination'], to: 'not_to_share', by: ['center'], tracks: [15] }],
  // Data the center does not hold yet is delivered or aggregated (归集) by the owner, and confirmed by the center.
  await_owner_delivery: [{ from: ['agreed_to_share', 'approved'], to: 'awaiting_owner_delivery', by: ['system'], tracks: [15] }],
  confirm_aggregation: [{ from: ['awaiting_owner_delivery'], to: 'provisioning', by: ['center'], tracks: [15] }],
  ask_explanation: [{ from: ['not_to_share'], to: 'explanation_due', by: ['system'], tracks: [15] }],
  file_explanation: [{ from: ['explanation_due'], to: 'refused', by: ['owner'], tracks: [15] }],
  // A refusal may be contested (争议); the competent authority's supervisor decides.
  dispute: [{ from: ['refused'], to: 'disputed', by: ['requester', 'center'], tracks: [5, 15] }],
  uphold_refusal: [{ from: ['disputed'], to: 'refused', by: ['authority'] }],
  order_sharing: [{ from: ['disputed'], to: 'approved', by: ['authority'] }],
};

/** States in which nothing is pending. A refusal may still be disputed within its window (`DISPUTABLE_STATES`). */
export const TERMINAL_STATES: readonly RequestState[] = ['granted', 'refused', 'withdrawn', 'lapsed'];
export const DISPUTABLE_STATES: readonly RequestState[] = ['refused'];

export interface RequestPosition {
  state: RequestState;
  track: Track;
  /** The state a supplement request left, to return to when it is answered. */
  stateBeforeSupplement: RequestState | null;
}

export type TransitionResult = { ok: true; to: RequestState } | { ok: false; code: 'invalid_state' | 'not_your_step'; message: string };

/** Where the action leads from here, or why it cannot be taken. */
export function nextState(position: RequestPosition, action: RequestAction, party: Party): TransitionResult {
  const rules = RULES[action].filter((r) => r.from.includes(position.state) && (!r.tracks || r.tracks.includes(position.track)));
  if (!rules.length)
    return {
      ok: false,
      code: 'invalid_state',
      message: `A track-${position.track} request in state ${position.state} cannot be ${describe(action)}`,
    };
  const rule = rules.find((r) => r.by.includes(party));
  if (!rule)
    return { ok: false, code: 'not_your_step', message: `Only the ${rules[0]!.by.join(' or ')} may ${action.replace(/_/g, ' ')} now` };
  if (rule.to !== 'previous') return { ok: true, to: rule.to };
  if (!position.stateBeforeSupplement)
    return { ok: false, code: 'invalid_state', message: 'The request does not remember the state its supplement left' };
  return { ok: true, to: position.stateBeforeSupplement };
}

/** Actions the party may take now (what the UI offers). */
export function availableActions(position: RequestPosition, party: Party): RequestAction[] {
  return REQUEST_ACTIONS.filter((a) => nextState(position, a, party).ok);
}

/** Whether an owner (or coordination) decision has been made: withdrawal and supplements end there. */
export function isDecided(state: RequestState): boolean {
  return [
    'approved',
    'refused',
    'agreed_to_share',
    'not_to_share',
    'explanation_due',
    'awaiting_owner_delivery',
    'granted',
    'disputed',
  ].includes(state);
}

export function isOpen(state: RequestState): boolean {
  return state !== 'draft' && !TERMINAL_STATES.includes(state);
}

/** The party whose step is open in a state: a breach at the deadline is charged to it. */
export function responsibleParty(state: RequestState): Party | null {
  switch (state) {
    case 'owner_review':
    case 'awaiting_owner_delivery':
    case 'explanation_due':
      return 'owner';
    case 'provisioning':
    case 'coordination':
    case 'routed':
    case 'submitted':
    case 'approved':
    case 'agreed_to_share':
    case 'not_to_share':
      return 'center';
    case 'awaiting_supplement':
      return 'requester';
    case 'disputed':
      return 'authority';
    default:
      return null;
  }
}

/**
 * The party working on the request: the one whose step is open, or, while a supplement is
 * awaited, the one whose step it paused. When a request closes without a decision, that party
 * is told (the center stops provisioning or coordinating).
 */
export function workingParty(state: RequestState, stateBeforeSupplement: RequestState | null): Party | null {
  return responsibleParty(state === 'awaiting_supplement' && stateBeforeSupplement ? stateBeforeSupplement : state);
}

function describe(action: RequestAction): string {
  const words: Record<RequestAction, string> = {
    route: 'routed',
    open_review: 'put to owner review',
    open_coordination: 'put to coordination',
    start_provisioning: 'provisioned',
    approve: 'approved',
    refuse: 'refused',
    ask_supplement: 'sent back for a supplement',
    answer_supplement: 'supplemented',
    lapse: 'lapsed',
    withdraw: 'withdrawn',
    confirm_delivery: 'marked delivered',
    agree_to_share: 'agreed to be shared',
    decide_not_to_share: 'decided not to be shared',
    await_owner_delivery: 'sent to the owner for delivery',
    confirm_aggregation: 'confirmed aggregated',
    ask_explanation: 'sent to the owner for a written explanation',
    file_explanation: 'explained',
    dispute: 'disputed',
    uphold_refusal: 'upheld as refused',
    order_sharing: 'ordered to be shared',
  };
  return words[action];
}
