import type { FastifyReply, FastifyRequest } from 'fastify';
import { exportCatalogue, importCatalogue, versionContent } from './import-export.js';
import * as catalogue from './service.js';
import { formatOfMediaType, MEDIA_TYPES, type SpreadsheetFormat } from './spreadsheet-files.js';
import type { Clock } from '../platform/clock.js';
import type { Db } from '../platform/db/client.js';
import { fieldsOutside, type DatasetContent } from './rules/dataset.js';
import { evaluateConditions, preCheckResult } from './rules/conditions.js';
import { NotFoundError, RuleViolationError, UnsupportedMediaTypeError } from '../platform/errors.js';
import type { RequestContext } from '../identity/index.js';
import type { JsonBody, JsonRequest } from '../platform/http/contract.js';
import { decodeCursor, isCursorInstant, isSortKeyCursor, page } from '../platform/http/cursor.js';
import { contextOf } from '../identity/index.js';

type Detail = JsonBody<'getDataset', 200>;

const summaryView = (d: catalogue.DatasetRow): Detail['dataset'] => ({
  id: d.id,
  code: d.code,
  name: d.name,
  ownerDepartmentId: d.ownerDepartmentId,
  lifecycle: d.lifecycle,
  currentVersion: d.currentVersion,
  aggregated: d.aggregated,
  sharingType: d.sharingType,
  libraryKind: d.libraryKind,
});

export const versionView = (v: catalogue.DatasetVersionRow): Detail['current'] => ({
  version: v.version,
  createdAt: v.createdAt.toISOString(),
  content: versionContent(v) as Detail['current']['content'],
});

export function catalogueHandlers(deps: { db: Db; clock: Clock }) {
  async function detail(ctx: RequestContext, id: string): Promise<Detail> {
    const { dataset, version } = await catalogue.getDataset(ctx, id);
    const history = await catalogue.aggregationHistory(deps.db, id);
    return {
      dataset: summaryView(dataset),
      current: versionView(version),
      aggregationHistory: history.map((h) => ({ from: h.fromAt.toISOString(), to: h.toAt?.toISOString() ?? null })),
    };
  }

  return {
    listDatasets: async (request: FastifyRequest): Promise<JsonBody<'listDatasets', 200>> => {
      const ctx = await contextOf(request, deps);
      const query = request.query as Omit<catalogue.DatasetSearch, 'after' | 'limit'> & { cursor?: string; limit: number };
      const sort = query.sort ?? 'name';
      // A cursor continues the order it was made in; with another sort it would skip or repeat rows.
      const after = decodeCursor(
        query.cursor,
        (v): v is catalogue.DatasetCursor =>
          isSortKeyCursor(v, catalogue.DATASET_SORTS) && v.sort === sort && (sort !== 'updated' || isCursorInstant(v.key)),
      );
      const rows = await catalogue.searchDatasets(ctx, { ...query, sort, after, limit: query.limit + 1 });
      const result = page(rows, query.limit, (d) => catalogue.datasetCursor(d, sort));
      return { items: result.items.map(summaryView), nextCursor: result.nextCursor };
    },

    createDataset: async (request: FastifyRequest, reply: FastifyReply): Promise<Detail> => {
      const ctx = await contextOf(request, deps);
      const { code, content } = request.body as JsonRequest<'createDataset'>;
      const created = await catalogue.createDataset(ctx, { code, ...content });
      reply.status(201);
      return detail(ctx, created.id);
    },

    getDataset: async (request: FastifyRequest): Promise<Detail> => {
      const { datasetId } = request.params as { datasetId: string };
      return detail(await contextOf(request, deps), datasetId);
    },

    reviseDataset: async (request: FastifyRequest): Promise<Detail> => {
      const ctx = await contextOf(request, deps);
      const { datasetId } = request.params as { datasetId: string };
      await catalogue.updateDataset(ctx, datasetId, request.body as DatasetContent);
      return detail(ctx, datasetId);
    },

    getDatasetVersion: async (request: FastifyRequest): Promise<JsonBody<'getDatasetVersion', 200>> => {
      const ctx = await contextOf(request, deps);
      const { datasetId, version } = request.params as { datasetId: string; version: number };
      const row = await catalogue.getDatasetVersion(ctx, datasetId, version);
      if (!row) throw new NotFoundError('dataset_version_not_found', `The dataset has no version ${version}`);
      return versionView(row);
    },

    moveDataset: async (request: FastifyRequest): Promise<Detail> => {
      const ctx = await contextOf(request, deps);
      const { datasetId } = request.params as { datasetId: string };
      const { to, reason } = request.body as JsonRequest<'moveDataset'>;
      await catalogue.moveDataset(ctx, datasetId, to, reason);
      return detail(ctx, datasetId);
    },

    preCheckConditions: async (request: FastifyRequest): Promise<JsonBody<'preCheckConditions', 200>> => {
      const ctx = await contextOf(request, deps);
      const { datasetId } = request.params as { datasetId: string };
      const { dataset, version } = await catalogue.getDataset(ctx, datasetId);
      const draft = request.body as JsonRequest<'preCheckConditions'>;
      const unknown = fieldsOutside(version.fields as DatasetContent['fields'], draft.fields);
      if (unknown.length)
        throw new RuleViolationError('unknown_fields', `Not fields of version ${version.version}: ${unknown.join(', ')}`, {
          fields: unknown,
        });
      const checks =
        version.sharingType === 'conditional' && version.conditions
          ? evaluateConditions(version.conditions, {
              ...draft,
              requester: { departmentCode: ctx.actor.departmentRow.code, level: ctx.actor.departmentRow.level },
            })
          : [];
      return {
        datasetVersion: version.version,
        sharingType: dataset.sharingType,
        result: preCheckResult(version.sharingType, checks),
        checks,
      };
    },

    importDatasets: async (request: FastifyRequest): Promise<JsonBody<'importDatasets', 200>> => {
      const ctx = await contextOf(request, deps);
      const format = formatOfMediaType(request.headers['content-type']);
      if (!format) throw new UnsupportedMediaTypeError(`Import takes ${Object.values(MEDIA_TYPES).join(' or ')}`);
      const { mode } = request.query as { mode: 'dry_run' | 'commit' };
      return importCatalogue(ctx, request.body as Buffer, format, mode === 'commit');
    },

    exportDatasets: async (request: FastifyRequest, reply: FastifyReply): Promise<Buffer> => {
      const ctx = await contextOf(request, deps);
      const { format, ...filters } = request.query as Omit<catalogue.DatasetSearch, 'after' | 'limit'> & { format: SpreadsheetFormat };
      const { file, datasets } = await exportCatalogue(ctx, filters, format);
      const name = `catalogue-${ctx.now.toISOString().slice(0, 10)}.${format}`;
      return reply
        .type(MEDIA_TYPES[format] + (format === 'csv' ? '; charset=utf-8' : ''))
        .header('content-disposition', `attachment; filename="${name}"`)
        .header('x-dataset-count', String(datasets))
        .send(file);
    },

    setDatasetAggregation: async (request: FastifyRequest): Promise<Detail> => {
      const ctx = await contextOf(request, deps);
      const { datasetId } = request.params as { datasetId: string };
      const { aggregated, reason } = request.body as JsonRequest<'setDatasetAggregation'>;
      await catalogue.setAggregation(ctx, datasetId, aggregated, reason);
      return detail(ctx, datasetId);
    },
  };
}
