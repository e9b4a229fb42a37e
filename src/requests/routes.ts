/** The requests capability's HTTP operations: each one service call, typed from the contract. */
import { contextOf } from '../identity/index.js';
import type { Clock } from '../platform/clock.js';
import type { Db } from '../platform/db/client.js';
import { operation } from '../platform/http/contract.js';
import { ACTION_NAMES, ACTIONS, type ActionName } from './rules/actions.js';
import { RequestService, type RequestServiceDeps } from './service.js';
import type { DocumentKind } from './documents.js';
import type { FastifyReply } from 'fastify';
import { renewGrant } from './renewal.js';

export function requestHandlers(deps: RequestServiceDeps & { db: Db; clock: Clock }) {
  const service = new RequestService(deps);
  const context = (request: Parameters<typeof contextOf>[0]) => contextOf(request, deps);

  /** One handler per declared action, under the action's operation id. */
  const actions = Object.fromEntries(
    ACTION_NAMES.map((name: ActionName) => [
      ACTIONS[name].operationId,
      operation<'approveRequest'>(async (request) => service.act(await context(request), name, request.params.requestId, request.body)),
    ]),
  );

  return {
    ...actions,
    renewGrant: operation<'renewGrant'>(async (request, reply) => {
      reply.status(201);
      return renewGrant(await context(request), request.params.grantId);
    }),
    ...documentHandlers(service, context),
    getCommitment: operation<'getCommitment'>(async (request) => {
      await context(request);
      return service.commitment();
    }),
    publishCommitment: operation<'publishCommitment'>(async (request, reply) => {
      reply.status(201);
      return service.publishCommitment(await context(request), request.body);
    }),
    listPolicyProfiles: operation<'listPolicyProfiles'>(async (request) => {
      await context(request);
      return { items: await service.listPolicies() };
    }),
    createPolicyProfileVersion: operation<'createPolicyProfileVersion'>(async (request, reply) => {
      reply.status(201);
      return service.createPolicyVersion(await context(request), request.body);
    }),
    listRequests: operation<'listRequests'>(async (request) => service.list(await context(request), request.query)),
    createRequestDraft: operation<'createRequestDraft'>(async (request, reply) => {
      reply.status(201);
      return service.createDraft(await context(request), request.body);
    }),
    getRequest: operation<'getRequest'>(async (request) => service.detail(await context(request), request.params.requestId)),
    updateRequestDraft: operation<'updateRequestDraft'>(async (request) =>
      service.updateDraft(await context(request), request.params.requestId, request.body),
    ),
    discardRequestDraft: operation<'discardRequestDraft'>(async (request, reply) => {
      await service.discardDraft(await context(request), request.params.requestId);
      return reply.status(204).send();
    }),
    preCheckRequest: operation<'preCheckRequest'>(async (request) => service.preCheck(await context(request), request.params.requestId)),
    addRequestAttachment: operation<'addRequestAttachment'>(async (request, reply) => {
      // Uploads arrive as raw bytes (a content-type parser per attachment type); the service checks type and size.
      const mediaType = String(request.headers['content-type'] ?? '')
        .split(';', 1)[0]!
        .trim()
        .toLowerCase();
      const file = { fileName: request.query.fileName, mediaType, content: request.body as Buffer };
      reply.status(201);
      return service.addAttachment(await context(request), request.params.requestId, file);
    }),
    getRequestAttachment: operation<'getRequestAttachment'>(async (request, reply) => {
      const file = await service.attachment(await context(request), request.params.requestId, request.params.attachmentId);
      return (
        reply
          .type(file.mediaType)
          .header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(file.fileName)}`)
          .header('x-content-sha256', file.sha256)
          // Served as uploaded: the browser must not guess another type from the bytes.
          .header('x-content-type-options', 'nosniff')
          .send(file.content)
      );
    }),
    fileRequest: operation<'fileRequest'>(async (request, reply) => {
      reply.status(201);
      return service.file(await context(request), request.params.requestId, request.body, request.log);
    }),
  };
}

/** The printable records, each downloaded as a PDF under its Chinese file name. */
function documentHandlers(service: RequestService, context: (request: Parameters<typeof contextOf>[0]) => ReturnType<typeof contextOf>) {
  const pdf =
    (kind: DocumentKind) =>
    async (request: Parameters<typeof contextOf>[0] & { params: { requestId: string; meetingId?: string } }, reply: FastifyReply) => {
      const file = await service.document(await context(request), request.params.requestId, kind, request.params.meetingId);
      return reply
        .type('application/pdf')
        .header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(file.fileName)}`)
        .send(file.content);
    };
  return {
    getExplanationDocument: operation<'getExplanationDocument'>(pdf('explanation')),
    getMinutesDocument: operation<'getMinutesDocument'>(pdf('minutes')),
    getDisputeDecisionDocument: operation<'getDisputeDecisionDocument'>(pdf('dispute_decision')),
  };
}
