import { exportCatalogue, importCatalogue, versionContent } from './import-export.js';
import * as catalogue from './service.js';
import { formatOfMediaType, MEDIA_TYPES } from './spreadsheet-files.js';
import type { Clock } from '../platform/clock.js';
import type { Db } from '../platform/db/client.js';
import { fieldsOutside, type DatasetContent } from './rules/dataset.js';
import { evaluateConditions, preCheckResult } from './rules/conditions.js';
import { NotFoundError, RuleViolationError, UnsupportedMediaTypeError } from '../platform/errors.js';
import type { RequestContext } from '../identity/index.js';
import { operation, type JsonBody } from '../platform/http/contract.js';
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

interface CatalogueDeps {
  db: Db;
  clock: Clock;
}

/** A dataset as its detail answers give it: summary, current version and aggregation history. */
function datasetDetail(db: Db) {
  return async (ctx: RequestContext, id: string): Promise<Detail> => {
    const { dataset, version } = await catalogue.getDataset(ctx, id);
    const history = await catalogue.aggregationHistory(db, id);
    return {
      dataset: summaryView(dataset),
      current: versionView(version),
      aggregationHistory: history.map((h) => ({ from: h.fromAt.toISOString(), to: h.toAt?.toISOString() ?? null })),
    };
  };
}

export function catalogueHandlers(deps: CatalogueDeps) {
  return { ...datasetHandlers(deps), ...lifecycleHandlers(deps), ...spreadsheetHandlers(deps) };
}

/** Listing, cataloguing and reading datasets and their versions. */
function datasetHandlers(deps: CatalogueDeps) {
  const detail = datasetDetail(deps.db);
  return {
    listDatasets: operation<'listDatasets'>(async (request): Promise<JsonBody<'listDatasets', 200>> => {
      const ctx = await contextOf(request, deps);
      // Validation applies the contract's default limit (50); the type still marks it optional.
      const { cursor, limit = 50, ...filters } = request.query;
      const sort = filters.sort ?? 'name';
      // A cursor continues the order it was made in; with another sort it would skip or repeat rows.
      const after = decodeCursor(
        cursor,
        (v): v is catalogue.DatasetCursor =>
          isSortKeyCursor(v, catalogue.DATASET_SORTS) && v.sort === sort && (sort !== 'updated' || isCursorInstant(v.key)),
      );
      const rows = await catalogue.searchDatasets(ctx, { ...filters, sort, after, limit: limit + 1 });
      const result = page(rows, limit, (d) => catalogue.datasetCursor(d, sort));
      return { items: result.items.map(summaryView), nextCursor: result.nextCursor };
    }),

    createDataset: operation<'createDataset'>(async (request, reply): Promise<Detail> => {
      const ctx = await contextOf(request, deps);
      const { code, content } = request.body;
      const created = await catalogue.createDataset(ctx, { code, ...content });
      reply.status(201);
      return detail(ctx, created.id);
    }),

    getDataset: operation<'getDataset'>(async (request): Promise<Detail> => {
      return detail(await contextOf(request, deps), request.params.datasetId);
    }),

    reviseDataset: operation<'reviseDataset'>(async (request): Promise<Detail> => {
      const ctx = await contextOf(request, deps);
      const { datasetId } = request.params;
      await catalogue.updateDataset(ctx, datasetId, request.body);
      return detail(ctx, datasetId);
    }),

    getDatasetVersion: operation<'getDatasetVersion'>(async (request): Promise<JsonBody<'getDatasetVersion', 200>> => {
      const ctx = await contextOf(request, deps);
      const { datasetId, version } = request.params;
      const row = await catalogue.getDatasetVersion(ctx, datasetId, version);
      if (!row) throw new NotFoundError('dataset_version_not_found', `The dataset has no version ${version}`);
      return versionView(row);
    }),

    preCheckConditions: operation<'preCheckConditions'>(async (request): Promise<JsonBody<'preCheckConditions', 200>> => {
      const ctx = await contextOf(request, deps);
      const { dataset, version } = await catalogue.getDataset(ctx, request.params.datasetId);
      const draft = request.body;
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
    }),
  };
}

/** Moving a dataset through its lifecycle and marking it aggregated (归集). */
function lifecycleHandlers(deps: CatalogueDeps) {
  const detail = datasetDetail(deps.db);
  return {
    moveDataset: operation<'moveDataset'>(async (request): Promise<Detail> => {
      const ctx = await contextOf(request, deps);
      const { datasetId } = request.params;
      const { to, reason } = request.body;
      await catalogue.moveDataset(ctx, datasetId, to, reason);
      return detail(ctx, datasetId);
    }),

    setDatasetAggregation: operation<'setDatasetAggregation'>(async (request): Promise<Detail> => {
      const ctx = await contextOf(request, deps);
      const { datasetId } = request.params;
      const { aggregated, reason } = request.body;
      await catalogue.setAggregation(ctx, datasetId, aggregated, reason);
      return detail(ctx, datasetId);
    }),
  };
}

/** The catalogue as a spreadsheet file, in and out. */
function spreadsheetHandlers(deps: CatalogueDeps) {
  return {
    importDatasets: operation<'importDatasets'>(async (request): Promise<JsonBody<'importDatasets', 200>> => {
      const ctx = await contextOf(request, deps);
      const format = formatOfMediaType(request.headers['content-type']);
      if (!format) throw new UnsupportedMediaTypeError(`Import takes ${Object.values(MEDIA_TYPES).join(' or ')}`);
      // The spreadsheet arrives as raw bytes (the buffer content-type parser); the contract has no JSON body, so types it never.
      const file = request.body as Buffer;
      // mode defaults to dry_run: only an explicit commit writes.
      return importCatalogue(ctx, file, format, request.query.mode === 'commit');
    }),

    exportDatasets: operation<'exportDatasets'>(async (request, reply): Promise<Buffer> => {
      const ctx = await contextOf(request, deps);
      // Validation applies the contract's default format (xlsx); the type still marks it optional.
      const { format = 'xlsx', ...filters } = request.query;
      const { file, datasets } = await exportCatalogue(ctx, filters, format);
      const name = `catalogue-${ctx.now.toISOString().slice(0, 10)}.${format}`;
      return reply
        .type(MEDIA_TYPES[format] + (format === 'csv' ? '; charset=utf-8' : ''))
        .header('content-disposition', `attachment; filename="${name}"`)
        .header('x-dataset-count', String(datasets))
        .send(file);
    }),
  };
}
