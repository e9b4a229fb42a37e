import type { Db } from '../platform/db/client.js';
import type { WrittenExplanation } from './rules/refusal.js';
import { failpoint } from '../platform/failpoints.js';
import { markWorkflowStarted } from './filing.js';
import * as steps from './steps.js';
import type { UpdateActor } from './workflow-contract.js';

export type RequestView = steps.RequestView;

/** The steps people's actions (workflow updates) run: a failure that is no one's input ends the action, not the workflow. */
export const PERSON_STEPS: ReadonlySet<string> = new Set([
  'approveRequest',
  'refuseRequest',
  'askSupplement',
  'answerSupplement',
  'withdrawRequest',
  'confirmDelivery',
  'requestExtension',
  'decideExtension',
]);

interface Keyed {
  requestId: string;
  stepKey: string;
  /** Workflow time of the step (ISO 8601). */
  at: string;
}

/**
 * A request's steps for its workflow. Each commits one transaction keyed by `stepKey`; the
 * failpoint after the commit lets a test kill the worker exactly there and prove the retry
 * records nothing twice.
 */
export function createRequestActivities(deps: { db: Db }) {
  const { db } = deps;
  const committed = async <T>(name: string, run: Promise<T>): Promise<T> => {
    const result = await run;
    failpoint(`request.${name}.committed`);
    return result;
  };
  const actorOf = (a: UpdateActor): steps.StepActor => ({ ...a });
  return {
    async listUnstartedRequests(input: { filedBefore: string; limit: number }): Promise<string[]> {
      return steps.unstartedRequests(db, new Date(input.filedBefore), input.limit);
    },
    async listLaggingDeadlines(input: { settledBefore: string; limit: number }): Promise<steps.LaggingDeadline[]> {
      return steps.laggingDeadlines(db, new Date(input.settledBefore), input.limit);
    },
    async markRequestWorkflowStarted(input: { requestId: string; at: string }): Promise<void> {
      await markWorkflowStarted(db, input.requestId, new Date(input.at));
    },
    async beginRequest(input: { requestId: string; at: string }): Promise<RequestView> {
      return committed('begin', steps.beginRequest(db, input.requestId, new Date(input.at)));
    },
    async approveRequest(
      input: Keyed & { actor: UpdateActor; fields?: string[]; usageMonths?: number; note?: string },
    ): Promise<RequestView> {
      return committed('approve', steps.approveRequest(db, { ...input, actor: actorOf(input.actor), at: new Date(input.at) }));
    },
    async refuseRequest(input: Keyed & { actor: UpdateActor; explanation: WrittenExplanation }): Promise<RequestView> {
      return committed('refuse', steps.refuseRequest(db, { ...input, actor: actorOf(input.actor), at: new Date(input.at) }));
    },
    async askSupplement(input: Keyed & { actor: UpdateActor; question: string }): Promise<RequestView> {
      return committed('ask_supplement', steps.askSupplement(db, { ...input, actor: actorOf(input.actor), at: new Date(input.at) }));
    },
    async answerSupplement(input: Keyed & { actor: UpdateActor; answer: string }): Promise<RequestView> {
      return committed('answer_supplement', steps.answerSupplement(db, { ...input, actor: actorOf(input.actor), at: new Date(input.at) }));
    },
    async lapseRequest(input: Keyed): Promise<RequestView> {
      return committed('lapse', steps.lapseRequest(db, { ...input, at: new Date(input.at) }));
    },
    async withdrawRequest(input: Keyed & { actor: UpdateActor; reason: string }): Promise<RequestView> {
      return committed('withdraw', steps.withdrawRequest(db, { ...input, actor: actorOf(input.actor), at: new Date(input.at) }));
    },
    async confirmDelivery(input: Keyed & { actor: UpdateActor; method: 'interface' | 'batch'; reference: string }): Promise<RequestView> {
      return committed('confirm_delivery', steps.confirmDelivery(db, { ...input, actor: actorOf(input.actor), at: new Date(input.at) }));
    },
    async requestExtension(input: Keyed & { actor: UpdateActor; days: number; reason: string }): Promise<RequestView> {
      return committed('request_extension', steps.requestExtension(db, { ...input, actor: actorOf(input.actor), at: new Date(input.at) }));
    },
    async decideExtension(input: Keyed & { actor: UpdateActor; approved: boolean; reason: string }): Promise<RequestView> {
      return committed('decide_extension', steps.decideExtension(db, { ...input, actor: actorOf(input.actor), at: new Date(input.at) }));
    },
    async recordDeadlineMoved(input: Keyed): Promise<RequestView> {
      return committed('deadline_moved', steps.recordDeadlineMoved(db, { ...input, at: new Date(input.at) }));
    },
    async remindDeadline(input: Keyed): Promise<RequestView> {
      return committed('remind', steps.remindDeadline(db, { ...input, at: new Date(input.at) }));
    },
    async recordBreach(input: Keyed): Promise<RequestView> {
      return committed('breach', steps.recordBreach(db, { ...input, at: new Date(input.at) }));
    },
    async escalateLevelTwo(input: Keyed): Promise<RequestView> {
      return committed('level_two', steps.escalateLevelTwo(db, { ...input, at: new Date(input.at) }));
    },
  };
}
