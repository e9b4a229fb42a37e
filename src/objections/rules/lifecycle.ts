/**
 * The objection's lifecycle (异议核实与处理, pure): its states, who moves it, and where each
 * action leads. DESIGN's `marked` is not a state of its own here: acceptance sets the mark (异议标注)
 * in the same step, so an accepted objection is marked from its first instant; the mark is revoked
 * in the step that archives the dossier.
 *
 *   submitted ─accept→ tracing (fused data) | verifying
 *   submitted ─reject→ rejected_out_of_scope (final)
 *   tracing ─trace→ verifying (one verification task per source department)
 *   verifying ─conclude (system, when every task is decided)→ corrected | confirmed_accurate | partially_corrected
 *   result ─give_feedback→ feedback_given (archived at once when the objector has contested already)
 *   feedback_given ─contest (once, within the window)→ contested
 *   feedback_given ─accept_result (the objector accepts the result)→ archived
 *   feedback_given ─close_contest_window (system)→ archived
 *   contested ─decide_contest: not sustained→ archived; sustained→ verifying (a second round)
 */
export const OBJECTION_STATES = [
  'submitted',
  'rejected_out_of_scope',
  'tracing',
  'verifying',
  'corrected',
  'confirmed_accurate',
  'partially_corrected',
  'feedback_given',
  'contested',
  'archived',
] as const;
export type ObjectionState = (typeof OBJECTION_STATES)[number];

export const RESULT_STATES = ['corrected', 'confirmed_accurate', 'partially_corrected'] as const;
export type ObjectionResult = (typeof RESULT_STATES)[number];
export const FINAL_OBJECTION_STATES: readonly ObjectionState[] = ['rejected_out_of_scope', 'archived'];

export const isResult = (state: ObjectionState): state is ObjectionResult => (RESULT_STATES as readonly string[]).includes(state);
export const isOpenObjection = (state: ObjectionState) => !FINAL_OBJECTION_STATES.includes(state);

/** The parties of an objection: the department that raised it, the data's owner, the center, a source department verifying. */
export type ObjectionParty = 'objector' | 'owner' | 'center' | 'verifier' | 'system';

/** The engine's party for one verification task: each task is clocked, charged and supervised on its own. */
export const taskParty = (taskId: string): string => `verifier:${taskId}`;

/** The objection's party behind a party the engine charged (a task's party is the verifier). */
export const partyOfCharge = (charged: string): string => (charged.startsWith('verifier:') ? 'verifier' : charged);

export type ObjectionTransition =
  'accept' | 'reject' | 'trace' | 'conclude' | 'give_feedback' | 'contest' | 'accept_result' | 'close_contest_window' | 'decide_contest';

interface Edge {
  from: readonly ObjectionState[];
  by: ObjectionParty;
}

const EDGES: Record<ObjectionTransition, Edge> = {
  accept: { from: ['submitted'], by: 'center' },
  reject: { from: ['submitted'], by: 'center' },
  trace: { from: ['tracing'], by: 'center' },
  conclude: { from: ['verifying'], by: 'system' },
  give_feedback: { from: RESULT_STATES, by: 'center' },
  contest: { from: ['feedback_given'], by: 'objector' },
  accept_result: { from: ['feedback_given'], by: 'objector' },
  close_contest_window: { from: ['feedback_given'], by: 'system' },
  decide_contest: { from: ['contested'], by: 'center' },
};

/** What decides where a transition leads, besides the state. */
export interface Position {
  state: ObjectionState;
  /** The disputed data is fused (融合数据): acceptance leads to tracing. */
  fused: boolean;
  /** The objector has contested once already. */
  contested: boolean;
}

export type Outcome =
  { ok: true; to: ObjectionState } | { ok: false; code: 'objection_state_conflict' | 'objection_wrong_party'; message: string };

/**
 * Where a transition leads from a position, or why it cannot be taken. `detail` carries the
 * transitions whose target depends on their content: the verification result (`conclude`) and
 * whether a contest is sustained (`decide_contest`).
 */
export function nextObjectionState(
  position: Position,
  transition: ObjectionTransition,
  party: ObjectionParty,
  detail: { result?: ObjectionResult; sustained?: boolean } = {},
): Outcome {
  const edge = EDGES[transition];
  if (!edge.from.includes(position.state))
    return {
      ok: false,
      code: 'objection_state_conflict',
      message: `An objection in state ${position.state} cannot ${transition.replaceAll('_', ' ')}`,
    };
  if (edge.by !== party)
    return { ok: false, code: 'objection_wrong_party', message: `Only the ${edge.by} may ${transition.replaceAll('_', ' ')} an objection` };
  switch (transition) {
    case 'accept':
      return { ok: true, to: position.fused ? 'tracing' : 'verifying' };
    case 'reject':
      return { ok: true, to: 'rejected_out_of_scope' };
    case 'trace':
      return { ok: true, to: 'verifying' };
    case 'conclude':
      if (!detail.result) throw new Error('conclude needs the verification result');
      return { ok: true, to: detail.result };
    case 'give_feedback':
      return { ok: true, to: position.contested ? 'archived' : 'feedback_given' };
    case 'contest':
      if (position.contested)
        return {
          ok: false,
          code: 'objection_state_conflict',
          message: 'An objection is contested once; the center has decided the contest',
        };
      return { ok: true, to: 'contested' };
    case 'accept_result':
    case 'close_contest_window':
      return { ok: true, to: 'archived' };
    case 'decide_contest':
      return { ok: true, to: detail.sustained ? 'verifying' : 'archived' };
  }
}

/** Who the open step waits for (the party its clock is charged to), or null when none does. */
export function waitingParty(state: ObjectionState): ObjectionParty | null {
  switch (state) {
    case 'submitted':
    case 'tracing':
    case 'corrected':
    case 'confirmed_accurate':
    case 'partially_corrected':
    case 'contested':
      return 'center';
    case 'verifying':
      return 'verifier';
    case 'feedback_given':
      return 'objector';
    default:
      return null;
  }
}
