/**
 * The person's actions on a grant (pure), declared once: the owner or the center suspends,
 * resumes or revokes it, always with a reason. The workflow's validator and its step ask
 * `grantActionProblem`; the API offers what it allows (`availableActions`).
 */
import { GRANT_RULES, nextGrantState, type GrantAction, type GrantParty } from './lifecycle.js';
import type { GrantView } from './view.js';

export const GRANT_PERSON_ACTIONS = ['suspend', 'resume', 'revoke'] as const satisfies readonly GrantAction[];
export type GrantPersonAction = (typeof GRANT_PERSON_ACTIONS)[number];

/** Who takes a person's step on a grant (the API resolved the party from the caller's roles). */
export interface GrantActor {
  userId: string;
  departmentId: string;
  role: string;
  party: GrantParty;
  httpRequestId?: string | null;
}

export interface GrantActionInput {
  actor: GrantActor;
  reason: string;
}

export interface GrantProblem {
  status: 403 | 409 | 422;
  code: string;
  message: string;
}

/** Why the action may not be taken now, or null. */
export function grantActionProblem(name: GrantPersonAction, view: GrantView, input: GrantActionInput, now: number): GrantProblem | null {
  const rule = GRANT_RULES[name];
  if (!rule.parties.includes(input.actor.party))
    return { status: 403, code: 'grant_action_forbidden', message: `Only the data's owner or the center may ${name} a grant` };
  if (rule.reasonRequired && !input.reason.trim())
    return { status: 422, code: 'reason_required', message: `A reason is required to ${name} a grant` };
  const reminded = view.reminded || Date.parse(view.reminderAt) <= now;
  if (!nextGrantState(view.state, name, input.actor.party, reminded))
    return { status: 409, code: 'grant_state_conflict', message: `A grant that is ${view.state} cannot be ${name}d` };
  return null;
}

/** The actions a party may take on the grant now (for the console's buttons). */
export const availableGrantActions = (view: GrantView, party: GrantParty | null): GrantPersonAction[] =>
  party
    ? GRANT_PERSON_ACTIONS.filter((name) => GRANT_RULES[name].parties.includes(party) && nextGrantState(view.state, name, party) !== null)
    : [];
