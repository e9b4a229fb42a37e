/**
 * The requests capability's use cases, one call per HTTP operation: reading, drafting, filing and
 * starting the workflow, people's actions (authorized as each action is declared, then handed to
 * the workflow), supervision replies, policy versions and the commitment text.
 */
import type { Client } from '@temporalio/client';
import type { FastifyBaseLogger } from 'fastify';
import { overallResult, preCheckResult } from '../catalogue/rules/conditions.js';
import { startWorkflowOfGrantFrom } from '../grants/index.js';
import type { SharingType } from '../catalogue/rules/dataset.js';
import { authorize, type RequestContext } from '../identity/index.js';
import { Subject } from '../identity/rules/abilities.js';
import { pokeNotificationRelay } from '../notifications/index.js';
import type { Config } from '../platform/config.js';
import type { Db } from '../platform/db/client.js';
import { AppError, ConflictError, ForbiddenError, NotFoundError } from '../platform/errors.js';
import type { JsonBody, JsonRequest } from '../platform/http/contract.js';
import { decodeCursor, isTimeIdCursor, page } from '../platform/http/cursor.js';
import { signalMovedDeadlines } from '../sla/index.js';
import { loadCalendar } from '../calendar/index.js';
import { addAttachment } from './attachments.js';
import { citationFor } from './citations.js';
import { checkPositionAttachments, meetingOf } from './coordination.js';
import { requestDocument, type DocumentKind } from './documents.js';
import { renderPdfOffThread } from '../platform/documents/render-pool.js';
import type { ConditionKey } from '../catalogue/rules/conditions.js';
import type { WrittenExplanation } from './rules/refusal.js';
import { citeLegalBasis } from '../legal-basis/index.js';
import * as filing from './filing.js';
import * as policy from './policy.js';
import { commitmentView, detailView, summaryView, type Detail } from './presenters.js';
import * as queries from './queries.js';
import { ACTIONS, type ActionArgs, type ActionName } from './rules/actions.js';
import { startRequestWorkflow, updateRequest } from './workflow-client.js';

export interface RequestServiceDeps {
  db: Db;
  temporal: { client: Client };
  settings: Config['temporal'];
  policyProfile: string;
  /** Where the fonts of printable documents lie; absent where nothing is printed (the demo seeding). */
  documents?: Config['documents'] | undefined;
}

/** Each action's body, as the contract defines it. */
interface ActionBodies {
  approve: JsonRequest<'approveRequest'>;
  refuse: JsonRequest<'refuseRequest'>;
  ask_supplement: JsonRequest<'askRequestSupplement'>;
  answer_supplement: JsonRequest<'answerRequestSupplement'>;
  withdraw: JsonRequest<'withdrawRequest'>;
  confirm_delivery: JsonRequest<'confirmRequestDelivery'>;
  request_extension: JsonRequest<'requestRequestExtension'>;
  decide_extension: JsonRequest<'decideRequestExtension'>;
  record_position: JsonRequest<'recordCoordinationPosition'>;
  schedule_meeting: JsonRequest<'scheduleCoordinationMeeting'>;
  record_minutes: JsonRequest<'recordCoordinationMinutes'>;
  agree_to_share: JsonRequest<'agreeToShareRequest'>;
  decide_not_to_share: JsonRequest<'decideNotToShareRequest'>;
  confirm_aggregation: JsonRequest<'confirmRequestAggregation'>;
  file_explanation: JsonRequest<'fileRequestExplanation'>;
  dispute: JsonRequest<'disputeRequestRefusal'>;
  uphold_refusal: JsonRequest<'upholdRequestRefusal'>;
  order_sharing: JsonRequest<'orderRequestSharing'>;
}
export type ActionBody<K extends ActionName> = ActionBodies[K];

/** What an action's arguments are resolved against: the register and catalogue, and the request as loaded. */
interface Resolution {
  db: Db;
  row: filing.RequestRow;
  /** The acting department. */
  departmentId: string;
}

/** A legal basis named by register id, resolved (the rules judge what the register says). */
const cited = async (db: Db, legalBasisId: string | undefined) =>
  legalBasisId ? { legalBasis: await citeLegalBasis(db, legalBasisId) } : {};

/** A written explanation's body: its basis from the register, or the catalogued one for data catalogued not shareable. */
async function explanationOf(
  {
    legalBasisId,
    ...explanation
  }: { legalBasisId?: string | undefined; citedConditions?: ConditionKey[]; reasons: string; alternatives: string },
  { db, row }: Resolution,
): Promise<{ explanation: WrittenExplanation }> {
  const datasetVersion = (row.snapshot as filing.RoutingSnapshot | null)?.datasetVersion ?? null;
  const legalBasis = await citationFor(db, { datasetId: row.datasetId, datasetVersion }, legalBasisId);
  return { explanation: { citedConditions: [], ...explanation, legalBasis } };
}

/**
 * Each action's body to the arguments its step takes. A refusal's body names its legal basis by
 * register id: it is resolved here, so the rules judge what the register says, not the body.
 */
const ARGUMENTS: { [K in ActionName]: (body: ActionBodies[K], at: Resolution) => ActionArgs[K] | Promise<ActionArgs[K]> } = {
  approve: async ({ legalBasisId, ...approval }, { db }) => ({ ...approval, ...(await cited(db, legalBasisId)) }),
  refuse: explanationOf,
  ask_supplement: (body) => body,
  answer_supplement: (body) => body,
  withdraw: (body) => body,
  confirm_delivery: (body) => body,
  request_extension: (body) => body,
  decide_extension: (body) => body,
  record_position: async (body, { db, row, departmentId }) => {
    await checkPositionAttachments(db, row, departmentId, body.attachmentIds ?? []);
    return body;
  },
  schedule_meeting: (body) => body,
  record_minutes: async (body, { db, row }) => {
    await meetingOf(db, row.id, body.meetingId);
    return body;
  },
  agree_to_share: async ({ legalBasisId, ...agreement }, { db }) => ({ ...agreement, ...(await cited(db, legalBasisId)) }),
  decide_not_to_share: async ({ legalBasisId, ...decision }, { db }) => ({ ...decision, ...(await cited(db, legalBasisId)) }),
  confirm_aggregation: (body) => body,
  file_explanation: explanationOf,
  dispute: (body) => body,
  uphold_refusal: (body) => body,
  order_sharing: (body) => body,
};

export class RequestService {
  constructor(private readonly deps: RequestServiceDeps) {}

  /** Best effort and not awaited: the relay also polls, and the answer does not depend on it. */
  private notify(): void {
    void pokeNotificationRelay(this.deps.temporal.client, this.deps.settings);
  }

  async detail(ctx: RequestContext, id: string): Promise<Detail> {
    return detailView(this.deps.db, await queries.requestDetail(ctx, id), ctx.now);
  }

  async list(
    ctx: RequestContext,
    query: Omit<queries.RequestFilters, 'after' | 'limit'> & { cursor?: string | undefined; limit?: number },
  ) {
    // Validation applies the contract's default (50); the fallback only serves other callers.
    const limit = query.limit ?? 50;
    const rows = await queries.listRequests(ctx, { ...query, after: decodeCursor(query.cursor, isTimeIdCursor), limit: limit + 1 });
    const result = page(rows, limit, (r) => ({ createdAt: r.row.createdAt.toISOString(), id: r.row.id }));
    const timing = { calendar: await loadCalendar(this.deps.db), now: ctx.now };
    return { items: result.items.map((item) => summaryView(item, timing)), nextCursor: result.nextCursor };
  }

  async createDraft(ctx: RequestContext, input: filing.DraftInput): Promise<Detail> {
    return this.detail(ctx, (await filing.createDraft(ctx, input)).id);
  }

  async updateDraft(ctx: RequestContext, id: string, input: filing.DraftInput): Promise<Detail> {
    await filing.updateDraft(ctx, id, input);
    return this.detail(ctx, id);
  }

  async preCheck(ctx: RequestContext, id: string): Promise<JsonBody<'preCheckRequest', 200>> {
    const result = await filing.preCheckDraft(ctx, id, this.deps.policyProfile);
    return {
      fileable: result.problems.length === 0,
      problems: result.problems,
      routing: result.routing ? { ...result.routing, snapshot: result.snapshot as unknown as Record<string, unknown> } : null,
      preCheck: {
        result: result.snapshot ? preCheckResult(result.snapshot.sharingType as SharingType, result.checks) : overallResult(result.checks),
        checks: result.checks,
      },
    };
  }

  async addAttachment(ctx: RequestContext, id: string, file: { fileName: string; mediaType: string; content: Buffer }) {
    const row = await addAttachment(ctx, id, file);
    const { id: attachmentId, fileName, mediaType, sizeBytes, sha256, supplementId } = row;
    return { id: attachmentId, fileName, mediaType, sizeBytes, sha256, supplementId, uploadedAt: row.uploadedAt.toISOString() };
  }

  async attachment(ctx: RequestContext, requestId: string, attachmentId: string) {
    const file = await queries.getAttachment(ctx, requestId, attachmentId);
    if (!file) throw new NotFoundError('attachment_not_found', 'No attachment with that id on this request');
    return file;
  }

  /**
   * Files the draft and starts its workflow. Filed and committed first: if Temporal cannot be
   * reached the filing still stands (state routed, its clock counting from filing) and the
   * reconciler starts the workflow.
   */
  async file(ctx: RequestContext, id: string, body: JsonRequest<'fileRequest'>, log?: FastifyBaseLogger): Promise<Detail> {
    await filing.fileRequest(ctx, id, { version: body.commitmentVersion, accepted: body.acceptCommitment }, this.deps.policyProfile);
    try {
      await startRequestWorkflow(this.deps.temporal.client, this.deps.settings, id);
      await filing.markWorkflowStarted(this.deps.db, id, ctx.now);
    } catch (error) {
      log?.warn({ err: error, requestId: id }, 'request workflow not started; the reconciler will start it');
    }
    this.notify();
    return this.detail(ctx, id);
  }

  /** A person's action: authorized as it is declared (ability, role, party), then handed to the workflow. */
  async act<K extends ActionName>(ctx: RequestContext, name: K, requestId: string, body: ActionBody<K>): Promise<Detail> {
    const row = await queries.loadRequest(ctx, requestId);
    // The caller acts as a party it is on this request, if the action is that party's.
    const parties = queries.partiesOf(ctx, row);
    const taker = ACTIONS[name].by.find((t) => parties.includes(t.party)) ?? ACTIONS[name].by[0]!;
    authorize(ctx.actor.ability, taker.ability, Subject.Request, row);
    if (row.state === 'draft') throw new NotFoundError('request_not_found', 'No filed request with that id');
    const role = taker.roles.find((r) => ctx.actor.roles.includes(r));
    if (!role) throw new ForbiddenError('forbidden', `Only a ${taker.roles.join(' or ')} may do this`);
    const actor = {
      userId: ctx.actor.userId,
      departmentId: ctx.actor.departmentId,
      role,
      party: taker.party,
      httpRequestId: ctx.requestId,
    };
    const resolve = ARGUMENTS[name] as (body: ActionBody<K>, at: Resolution) => ActionArgs[K] | Promise<ActionArgs[K]>;
    const args = await resolve(body, { db: this.deps.db, row, departmentId: ctx.actor.departmentId });
    try {
      await updateRequest(this.deps.temporal.client, requestId, name, { ...args, actor });
    } catch (error) {
      // A filed request whose workflow the reconciler has not started yet is not closed.
      if (error instanceof AppError && error.code === 'request_closed' && row.state === 'routed')
        throw new ConflictError('request_starting', 'The request is still being opened; try again in a minute');
      throw error;
    }
    // A delivery issued a grant: its workflow keeps the reminder, the expiry and the owner's actions.
    if (name === 'confirm_delivery')
      await startWorkflowOfGrantFrom(
        this.deps.db,
        { client: this.deps.temporal.client, settings: this.deps.settings },
        requestId,
        ctx.now,
      ).catch(
        () => undefined, // Temporal unreachable right after the delivery: the reconciler starts it.
      );
    this.notify();
    return this.detail(ctx, requestId);
  }

  /** A printable record of the request (书面说明, 会议纪要, 争议裁决书) as an A4 PDF, for anyone who may read the request. */
  async document(ctx: RequestContext, requestId: string, kind: DocumentKind, meetingId?: string) {
    const row = await queries.loadRequest(ctx, requestId);
    if (row.state === 'draft') throw new NotFoundError('request_not_found', 'No filed request with that id');
    const { fileName, document } = await requestDocument(this.deps.db, row, kind, ctx.now, meetingId);
    if (!this.deps.documents) throw new Error('this RequestService was built without the documents settings');
    return { fileName, content: await renderPdfOffThread(document, { fontDir: this.deps.documents.fontDir, createdAt: ctx.now }) };
  }

  /** A new policy version, applied to open requests if asked: their clocks move and their workflows are told. */
  async createPolicyVersion(ctx: RequestContext, body: JsonRequest<'createPolicyProfileVersion'>) {
    const profile = await policy.createPolicyVersion(ctx, body.name, body.settings, body.note);
    const moved = body.applyToOpen ? await policy.applyPolicyToOpenRequests(ctx, profile) : [];
    await signalMovedDeadlines(this.deps.temporal.client, moved, this.deps.db);
    return { profile, openDeadlinesMoved: moved.length };
  }

  async commitment() {
    return commitmentView(await policy.currentCommitment(this.deps.db));
  }

  async publishCommitment(ctx: RequestContext, body: JsonRequest<'publishCommitment'>) {
    return commitmentView(await policy.publishCommitment(ctx, body.text, body.includesSecurityCommitment ?? false));
  }

  listPolicies() {
    return policy.listPolicies(this.deps.db);
  }

  discardDraft(ctx: RequestContext, id: string) {
    return filing.discardDraft(ctx, id);
  }
}
