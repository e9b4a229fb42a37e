/**
 * What the API and a request's workflow say to each other: update names and their arguments.
 * Plain types and names only, so both the API (client) and the workflow bundle import it.
 */
import type { WrittenExplanation } from './rules/refusal.js';
import type { Party } from './rules/lifecycle.js';

/** The person acting, as the API authenticated and authorized them. */
export interface UpdateActor {
  userId: string;
  departmentId: string;
  role: string;
  party: Exclude<Party, 'system'>;
  httpRequestId: string | null;
}

export interface RequestUpdates {
  approve: { actor: UpdateActor; fields?: string[]; usageMonths?: number; note?: string };
  refuse: { actor: UpdateActor; explanation: WrittenExplanation };
  askSupplement: { actor: UpdateActor; question: string };
  answerSupplement: { actor: UpdateActor; answer: string };
  withdraw: { actor: UpdateActor; reason: string };
  confirmDelivery: { actor: UpdateActor; method: 'interface' | 'batch'; reference: string };
  requestExtension: { actor: UpdateActor; days: number; reason: string };
  decideExtension: { actor: UpdateActor; approved: boolean; reason: string };
}

export type RequestUpdateName = keyof RequestUpdates;

export const REQUEST_WORKFLOW = 'requestWorkflow';
export const REQUEST_VIEW_QUERY = 'view';
