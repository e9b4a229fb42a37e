import type { FastifyReply, FastifyRequest } from 'fastify';
import { Action, Subject } from '../identity/rules/abilities.js';
import { authorize } from '../identity/index.js';
import type { Clock } from '../platform/clock.js';
import type { Config } from '../platform/config.js';
import type { Db } from '../platform/db/client.js';
import { overallResult, type ConditionCheck } from '../catalogue/rules/conditions.js';
import type { Role } from '../identity/rules/roles.js';
import type { Track } from './rules/policy.js';
import type { RoutingDecision } from './rules/routing.js';
import { AppError, ConflictError, ForbiddenError, NotFoundError } from '../platform/errors.js';
import type { RequestContext } from '../identity/index.js';
import { pokeNotificationRelay } from '../notifications/index.js';
import * as filing from './filing.js';
import * as policy from './policy.js';
import * as queries from './queries.js';
import { replyToSupervision } from './steps.js';
import { markWorkflowStarted } from './filing.js';
import { startRequestWorkflow, updateRequest } from './workflow-client.js';
import type { RequestUpdateName, RequestUpdates, UpdateActor } from './workflow-contract.js';
import type { TemporalHandle } from '../platform/temporal/connection.js';
import type { JsonBody, JsonRequest } from '../platform/http/contract.js';
import { decodeCursor, isTimeIdCursor, page } from '../platform/http/cursor.js';
import { contextOf } from '../identity/index.js';
import { clockEventView, clockView } from '../sla/index.js';
import { clockEvents } from '../sla/index.js';
import { signalMovedDeadlines } from '../sla/index.js';

type Detail = JsonBody<'getRequest', 200>;
type Explanation = NonNullable<Detail['explanation']>;
const iso = (d: Date | null) => d?.toISOString() ?? null;

const summaryView = (r: filing.RequestRow): JsonBody<'listRequests', 200>['items'][number] => ({
  id: r.id,
  number: r.number,
  state: r.state as Detail['request']['state'],
  track: r.track as Track | null,
  overdue: r.overdue,
  supervisionLevel: r.supervisionLevel,
  requesterDepartmentId: r.requesterDepartmentId,
  ownerDepartmentId: r.ownerDepartmentId,
  datasetId: r.datasetId,
  filedAt: iso(r.filedAt),
  deadline: iso(r.deadlineAt),
  deadlineDate: r.deadlineDate,
  createdAt: r.createdAt.toISOString(),
});

const supervisionView = (s: NonNullable<Awaited<ReturnType<typeof queries.getSupervision>>>): Detail['supervisions'][number] => ({
  id: s.id,
  requestId: s.requestId,
  level: s.level as 1 | 2,
  chargedParty: s.chargedParty as 'owner',
  responsibleDepartmentId: s.responsibleDepartmentId,
  issuedAt: s.issuedAt.toISOString(),
  replyDueAt: s.replyDueAt.toISOString(),
  reply: s.reply,
  repliedAt: iso(s.repliedAt),
});

/** Which update each action route sends, who may send it, and as which party. */
const ACTIONS: Record<string, { update: RequestUpdateName; action: Action; party: UpdateActor['party']; roles: Role[] }> = {
  approveRequest: { update: 'approve', action: Action.decide, party: 'owner', roles: ['reviewer'] },
  refuseRequest: { update: 'refuse', action: Action.decide, party: 'owner', roles: ['reviewer'] },
  askRequestSupplement: { update: 'askSupplement', action: Action.decide, party: 'owner', roles: ['reviewer'] },
  requestRequestExtension: { update: 'requestExtension', action: Action.decide, party: 'owner', roles: ['reviewer'] },
  answerRequestSupplement: { update: 'answerSupplement', action: Action.update, party: 'requester', roles: ['requester'] },
  withdrawRequest: { update: 'withdraw', action: Action.update, party: 'requester', roles: ['requester'] },
  confirmRequestDelivery: { update: 'confirmDelivery', action: Action.coordinate, party: 'center', roles: ['center_operator'] },
  decideRequestExtension: { update: 'decideExtension', action: Action.coordinate, party: 'center', roles: ['center_operator'] },
};

export function requestHandlers(deps: {
  db: Db;
  clock: Clock;
  temporal: TemporalHandle;
  settings: Config['temporal'];
  policyProfile: string;
}) {
  // Best effort and not awaited: the relay also polls, and the answer does not depend on it.
  const notify = () => void pokeNotificationRelay(deps.temporal.client, deps.settings);

  async function detail(ctx: RequestContext, id: string): Promise<Detail> {
    const d = await queries.requestDetail(ctx, id);
    const r = d.row;
    const routing = r.routing as RoutingDecision | null;
    const checks = (r.preCheck as ConditionCheck[] | null) ?? [];
    return {
      request: {
        ...summaryView(r),
        requesterUserId: r.requesterUserId,
        datasetVersion: (r.snapshot as filing.RoutingSnapshot | null)?.datasetVersion ?? null,
        fields: r.fields,
        scenarioId: r.scenarioId,
        purpose: r.purpose,
        legalBasis: r.legalBasis,
        usageMonths: r.usageMonths,
        deliveryMethod: r.deliveryMethod,
        securityCommitmentAccepted: r.securityCommitmentAccepted,
        commitment: r.commitmentVersion
          ? { version: r.commitmentVersion, acceptedAt: r.commitmentAcceptedAt!.toISOString(), acceptedBy: r.commitmentAcceptedBy! }
          : null,
        approvedFields: r.approvedFields,
        approvedUsageMonths: r.approvedUsageMonths,
        decidedAt: iso(r.decidedAt),
        closedAt: iso(r.closedAt),
        policy: r.policyName ? `${r.policyName}@${r.policyVersion}` : null,
        updatedAt: r.updatedAt.toISOString(),
      },
      routing: routing ? { ...routing, snapshot: (r.snapshot ?? {}) as Record<string, unknown> } : null,
      preCheck: { result: overallResult(checks), checks },
      timeline: d.timeline.map((e) => ({
        at: e.at.toISOString(),
        kind: e.kind,
        fromState: e.fromState,
        toState: e.toState,
        party: e.party as 'system',
        actorUserId: e.actorUserId,
        actorDepartmentId: e.actorDepartmentId,
        details: e.details as Record<string, unknown>,
      })),
      clocks: await Promise.all(
        d.clocks.map(async (c) => ({ clock: clockView(c), events: (await clockEvents(deps.db, c.id)).map(clockEventView) })),
      ),
      explanation: d.explanation
        ? {
            legalBasis: d.explanation.legalBasis as Explanation['legalBasis'],
            citedConditions: d.explanation.citedConditions as Explanation['citedConditions'],
            reasons: d.explanation.reasons,
            alternatives: d.explanation.alternatives,
            authorUserId: d.explanation.authorUserId,
            departmentId: d.explanation.departmentId,
            filedAt: d.explanation.filedAt.toISOString(),
          }
        : null,
      supplements: d.supplements.map((s) => ({
        id: s.id,
        question: s.question,
        askedAt: s.askedAt.toISOString(),
        dueAt: iso(s.dueAt),
        answer: s.answer,
        answeredAt: iso(s.answeredAt),
        lapsedAt: iso(s.lapsedAt),
      })),
      supervisions: d.supervisions.map(supervisionView),
      attachments: d.attachments.map((a) => ({ ...a, uploadedAt: a.uploadedAt.toISOString() })),
      grant: d.grant
        ? {
            id: d.grant.id,
            state: d.grant.state,
            fields: d.grant.fields,
            deliveryMethod: d.grant.deliveryMethod,
            deliveryReference: d.grant.deliveryReference,
            validFrom: d.grant.validFrom.toISOString(),
            validTo: iso(d.grant.validTo),
          }
        : null,
      availableActions: d.availableActions,
    };
  }

  /** Authorizes the caller for the action on this request, then hands it to the workflow. */
  const act =
    (operationId: keyof typeof ACTIONS) =>
    async (request: FastifyRequest): Promise<Detail> => {
      const spec = ACTIONS[operationId]!;
      const ctx = await contextOf(request, deps);
      const { requestId } = request.params as { requestId: string };
      const row = authorize(ctx.actor.ability, spec.action, Subject.Request, await queries.loadRequest(ctx, requestId));
      if (row.state === 'draft') throw new NotFoundError('request_not_found', 'No filed request with that id');
      const role = spec.roles.find((r) => ctx.actor.roles.includes(r));
      if (!role) throw new ForbiddenError('forbidden', `Only a ${spec.roles.join(' or ')} may do this`);
      const actor: UpdateActor = {
        userId: ctx.actor.userId,
        departmentId: ctx.actor.departmentId,
        role,
        party: spec.party,
        httpRequestId: String(request.id),
      };
      const body = request.body as Omit<RequestUpdates[RequestUpdateName], 'actor'>;
      const args = spec.update === 'refuse' ? { explanation: body } : body;
      try {
        await updateRequest(deps.temporal.client, requestId, spec.update, { ...args, actor });
      } catch (error) {
        // A filed request whose workflow the reconciler has not started yet is not closed.
        if (error instanceof AppError && error.code === 'request_closed' && row.state === 'routed') {
          throw new ConflictError('request_starting', 'The request is still being opened; try again in a minute');
        }
        throw error;
      }
      notify();
      return detail(ctx, requestId);
    };

  return {
    getCommitment: async (request: FastifyRequest): Promise<JsonBody<'getCommitment', 200>> => {
      await contextOf(request, deps);
      const c = await policy.currentCommitment(deps.db);
      return { version: c.version, text: c.text, publishedAt: c.publishedAt.toISOString() };
    },
    publishCommitment: async (request: FastifyRequest, reply: FastifyReply): Promise<JsonBody<'publishCommitment', 201>> => {
      const ctx = await contextOf(request, deps);
      const c = await policy.publishCommitment(ctx, (request.body as JsonRequest<'publishCommitment'>).text);
      reply.status(201);
      return { version: c.version, text: c.text, publishedAt: c.publishedAt.toISOString() };
    },
    listPolicyProfiles: async (request: FastifyRequest): Promise<JsonBody<'listPolicyProfiles', 200>> => {
      await contextOf(request, deps);
      return { items: await policy.listPolicies(deps.db) };
    },
    createPolicyProfileVersion: async (
      request: FastifyRequest,
      reply: FastifyReply,
    ): Promise<JsonBody<'createPolicyProfileVersion', 201>> => {
      const ctx = await contextOf(request, deps);
      const { name, settings, note, applyToOpen } = request.body as JsonRequest<'createPolicyProfileVersion'>;
      const profile = await policy.createPolicyVersion(ctx, name, settings, note);
      const moved = applyToOpen ? await policy.applyPolicyToOpenRequests(ctx, profile) : [];
      // Each moved clock's workflow re-arms its timer and records the move on the request.
      await signalMovedDeadlines(deps.temporal.client, moved);
      reply.status(201);
      return { profile, openDeadlinesMoved: moved.length };
    },

    listRequests: async (request: FastifyRequest): Promise<JsonBody<'listRequests', 200>> => {
      const ctx = await contextOf(request, deps);
      const query = request.query as Omit<queries.RequestFilters, 'after' | 'limit'> & { cursor?: string; limit: number };
      const rows = await queries.listRequests(ctx, { ...query, after: decodeCursor(query.cursor, isTimeIdCursor), limit: query.limit + 1 });
      const result = page(rows, query.limit, (r) => ({ createdAt: r.createdAt.toISOString(), id: r.id }));
      return { items: result.items.map(summaryView), nextCursor: result.nextCursor };
    },
    createRequestDraft: async (request: FastifyRequest, reply: FastifyReply): Promise<Detail> => {
      const ctx = await contextOf(request, deps);
      const row = await filing.createDraft(ctx, request.body as filing.DraftInput);
      reply.status(201);
      return detail(ctx, row.id);
    },
    getRequest: async (request: FastifyRequest): Promise<Detail> => {
      const { requestId } = request.params as { requestId: string };
      return detail(await contextOf(request, deps), requestId);
    },
    updateRequestDraft: async (request: FastifyRequest): Promise<Detail> => {
      const ctx = await contextOf(request, deps);
      const { requestId } = request.params as { requestId: string };
      await filing.updateDraft(ctx, requestId, request.body as filing.DraftInput);
      return detail(ctx, requestId);
    },
    discardRequestDraft: async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
      const ctx = await contextOf(request, deps);
      const { requestId } = request.params as { requestId: string };
      await filing.discardDraft(ctx, requestId);
      reply.status(204).send();
    },
    preCheckRequest: async (request: FastifyRequest): Promise<JsonBody<'preCheckRequest', 200>> => {
      const ctx = await contextOf(request, deps);
      const { requestId } = request.params as { requestId: string };
      const result = await filing.preCheckDraft(ctx, requestId, deps.policyProfile);
      return {
        fileable: result.problems.length === 0,
        problems: result.problems,
        routing: result.routing ? { ...result.routing, snapshot: result.snapshot as unknown as Record<string, unknown> } : null,
        preCheck: { result: overallResult(result.checks), checks: result.checks },
      };
    },
    addRequestAttachment: async (request: FastifyRequest, reply: FastifyReply): Promise<JsonBody<'addRequestAttachment', 201>> => {
      const ctx = await contextOf(request, deps);
      const { requestId } = request.params as { requestId: string };
      const { fileName } = request.query as { fileName: string };
      const mediaType = String(request.headers['content-type'] ?? '')
        .split(';', 1)[0]!
        .trim()
        .toLowerCase();
      const row = await filing.addAttachment(ctx, requestId, { fileName, mediaType, content: request.body as Buffer });
      reply.status(201);
      return {
        id: row.id,
        fileName: row.fileName,
        mediaType: row.mediaType,
        sizeBytes: row.sizeBytes,
        sha256: row.sha256,
        supplementId: row.supplementId,
        uploadedAt: row.uploadedAt.toISOString(),
      };
    },
    getRequestAttachment: async (request: FastifyRequest, reply: FastifyReply): Promise<Buffer> => {
      const ctx = await contextOf(request, deps);
      const { requestId, attachmentId } = request.params as { requestId: string; attachmentId: string };
      const file = await queries.getAttachment(ctx, requestId, attachmentId);
      if (!file) throw new NotFoundError('attachment_not_found', 'No attachment with that id on this request');
      return (
        reply
          .type(file.mediaType)
          .header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(file.fileName)}`)
          .header('x-content-sha256', file.sha256)
          // Served as uploaded: the browser must not guess another type from the bytes.
          .header('x-content-type-options', 'nosniff')
          .send(file.content)
      );
    },
    fileRequest: async (request: FastifyRequest, reply: FastifyReply): Promise<Detail> => {
      const ctx = await contextOf(request, deps);
      const { requestId } = request.params as { requestId: string };
      const { commitmentVersion, acceptCommitment } = request.body as JsonRequest<'fileRequest'>;
      await filing.fileRequest(ctx, requestId, { version: commitmentVersion, accepted: acceptCommitment }, deps.policyProfile);
      // Filed and committed. The workflow starts now; if Temporal cannot be reached the filing
      // still stands (state routed, its clock counting from filing) and the reconciler starts it.
      try {
        await startRequestWorkflow(deps.temporal.client, deps.settings, requestId);
        await markWorkflowStarted(deps.db, requestId, ctx.now);
      } catch (error) {
        request.log.warn({ err: error, requestId }, 'request workflow not started; the reconciler will start it');
      }
      notify();
      reply.status(201);
      return detail(ctx, requestId);
    },
    approveRequest: act('approveRequest'),
    refuseRequest: act('refuseRequest'),
    askRequestSupplement: act('askRequestSupplement'),
    answerRequestSupplement: act('answerRequestSupplement'),
    withdrawRequest: act('withdrawRequest'),
    confirmRequestDelivery: act('confirmRequestDelivery'),
    requestRequestExtension: act('requestRequestExtension'),
    decideRequestExtension: act('decideRequestExtension'),
    replyToSupervision: async (request: FastifyRequest): Promise<JsonBody<'replyToSupervision', 200>> => {
      const ctx = await contextOf(request, deps);
      const { supervisionId } = request.params as { supervisionId: string };
      const supervision = await queries.getSupervision(deps.db, supervisionId);
      const unknown = () => new NotFoundError('supervision_not_found', 'No supervision notice with that id');
      if (!supervision) throw unknown();
      // A notice on a request the caller may not read does not exist for the caller either.
      await queries.loadRequest(ctx, supervision.requestId).catch((error: unknown) => {
        throw error instanceof NotFoundError ? unknown() : error;
      });
      const role = (['reviewer', 'center_operator', 'dept_admin'] as Role[]).find((r) => ctx.actor.roles.includes(r));
      if (!role || supervision.responsibleDepartmentId !== ctx.actor.departmentId)
        throw new ForbiddenError('forbidden', 'Only the responsible department answers a supervision notice');
      const party = supervision.chargedParty as UpdateActor['party'];
      const updated = await replyToSupervision(deps.db, {
        supervisionId,
        actor: { userId: ctx.actor.userId, departmentId: ctx.actor.departmentId, role, party, httpRequestId: String(request.id) },
        at: ctx.now,
        reply: (request.body as JsonRequest<'replyToSupervision'>).reply,
      });
      notify();
      return supervisionView(updated);
    },
  };
}
