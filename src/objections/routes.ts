/** The objections capability's HTTP operations: each one service call, typed from the contract. */
import type { Client } from '@temporalio/client';
import { contextOf } from '../identity/index.js';
import type { Clock } from '../platform/clock.js';
import type { Config } from '../platform/config.js';
import type { Db } from '../platform/db/client.js';
import { renderPdfOffThread } from '../platform/documents/render-pool.js';
import { operation } from '../platform/http/contract.js';
import { objectionDossier } from './dossier.js';
import { listObjections } from './queries.js';
import { objectionReport, objectionReportFile } from './reports.js';
import { OBJECTION_ACTION_NAMES, OBJECTION_ACTIONS, type ObjectionActionName } from './rules/actions.js';
import { actOnObjection, addObjectionEvidence, datasetMarks, evidenceFile, objectionDetail, raise } from './service.js';

export function objectionHandlers(deps: {
  db: Db;
  clock: Clock;
  temporal: { client: Client };
  settings: Config['temporal'];
  policyProfile: string;
  documents: Config['documents'];
}) {
  const context = (request: Parameters<typeof contextOf>[0]) => contextOf(request, deps);
  const temporal = { client: deps.temporal.client, settings: deps.settings };
  /** One handler per declared action, under the action's operation id; a task's id comes from the path. */
  const actions = Object.fromEntries(
    OBJECTION_ACTION_NAMES.map((name: ObjectionActionName) => [
      OBJECTION_ACTIONS[name].operationId,
      operation<'verifyObjectionTask'>(async (request) => {
        const params = request.params as { objectionId: string; taskId?: string };
        const args = { ...(request.body as object), ...(params.taskId ? { taskId: params.taskId } : {}) };
        return actOnObjection(await context(request), temporal, params.objectionId, name, args as never);
      }),
    ]),
  );
  return {
    ...actions,
    listObjections: operation<'listObjections'>(async (request) => listObjections(await context(request), request.query)),
    raiseObjection: operation<'raiseObjection'>(async (request, reply) => {
      const ctx = await context(request);
      const detail = await raise(ctx, { temporal, policyName: deps.policyProfile, log: request.log }, request.body);
      reply.status(201);
      return detail;
    }),
    getObjection: operation<'getObjection'>(async (request) => objectionDetail(await context(request), request.params.objectionId)),
    getObjectionReport: operation<'getObjectionReport'>(async (request, reply) => {
      const report = await objectionReport(await context(request), request.query);
      const format = request.query.format ?? 'json';
      if (format === 'json') return report;
      const download = await objectionReportFile(report, format);
      return reply
        .type(download.mediaType)
        .header('content-disposition', `attachment; filename="${download.fileName}"`)
        .send(download.file);
    }),
    getObjectionDossier: operation<'getObjectionDossier'>(async (request, reply) => {
      const ctx = await context(request);
      const detail = await objectionDetail(ctx, request.params.objectionId);
      const pdf = await renderPdfOffThread(objectionDossier(detail, ctx.now), { fontDir: deps.documents.fontDir, createdAt: ctx.now });
      return reply
        .type('application/pdf')
        .header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(`异议核实档案-${detail.objection.number}.pdf`)}`)
        .send(pdf);
    }),
    addObjectionEvidence: operation<'addObjectionEvidence'>(async (request, reply) => {
      const stored = await addObjectionEvidence(await context(request), request.params.objectionId, {
        fileName: request.query.fileName,
        mediaType: String(request.headers['content-type'] ?? '')
          .split(';')[0]!
          .trim(),
        content: request.body as Buffer,
      });
      reply.status(201);
      return stored;
    }),
    getObjectionEvidence: operation<'getObjectionEvidence'>(async (request, reply) => {
      const file = await evidenceFile(await context(request), request.params.objectionId, request.params.evidenceId);
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
    listDataMarks: operation<'listDataMarks'>(async (request) => datasetMarks(await context(request), request.params.datasetId)),
  };
}
