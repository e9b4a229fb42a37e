/**
 * The catalogue's dataset use cases, one call per HTTP operation: listing, cataloguing, revising
 * and reading datasets, checking a draft against their sharing conditions, their lifecycle and
 * aggregation, and the catalogue as a spreadsheet file in and out.
 */
import type { RequestContext } from '../identity/index.js';
import type { Db } from '../platform/db/client.js';
import { NotFoundError, RuleViolationError, UnsupportedMediaTypeError } from '../platform/errors.js';
import type { JsonBody, JsonRequest, QueryParams } from '../platform/http/contract.js';
import { decodeCursor, isCursorInstant, isSortKeyCursor, page } from '../platform/http/cursor.js';
import { exportCatalogue, importCatalogue } from './import-export.js';
import { datasetDetailView, datasetSummaryView, versionView, type DatasetDetail } from './presenters.js';
import { evaluateConditions, preCheckResult } from './rules/conditions.js';
import { fieldsOutside, type DatasetContent } from './rules/dataset.js';
import * as catalogue from './service.js';
import { formatOfMediaType, MEDIA_TYPES } from './spreadsheet-files.js';

/** A spreadsheet as it arrived: the declared media type, the raw bytes, and whether to write or only check. */
export interface CatalogueUpload {
  contentType: string | undefined;
  content: Buffer;
  mode: QueryParams<'importDatasets'>['mode'];
}

/** The catalogue as a file, with what its answer's headers say about it. */
export interface CatalogueDownload {
  file: Buffer;
  mediaType: string;
  fileName: string;
  datasets: number;
}

export class CatalogueService {
  constructor(private readonly deps: { db: Db }) {}

  async detail(ctx: RequestContext, id: string): Promise<DatasetDetail> {
    const { dataset, version } = await catalogue.getDataset(ctx, id);
    return datasetDetailView(dataset, version, await catalogue.aggregationHistory(this.deps.db, id));
  }

  async list(ctx: RequestContext, query: QueryParams<'listDatasets'>): Promise<JsonBody<'listDatasets', 200>> {
    // Validation applies the contract's default limit (50); the type still marks it optional.
    const { cursor, limit = 50, ...filters } = query;
    const sort = filters.sort ?? 'name';
    // A cursor continues the order it was made in; with another sort it would skip or repeat rows.
    const after = decodeCursor(
      cursor,
      (v): v is catalogue.DatasetCursor =>
        isSortKeyCursor(v, catalogue.DATASET_SORTS) && v.sort === sort && (sort !== 'updated' || isCursorInstant(v.key)),
    );
    const rows = await catalogue.searchDatasets(ctx, { ...filters, sort, after, limit: limit + 1 });
    const result = page(rows, limit, (d) => catalogue.datasetCursor(d, sort));
    return { items: result.items.map(datasetSummaryView), nextCursor: result.nextCursor };
  }

  async create(ctx: RequestContext, { code, content }: JsonRequest<'createDataset'>): Promise<DatasetDetail> {
    const created = await catalogue.createDataset(ctx, { code, ...content });
    return this.detail(ctx, created.id);
  }

  async revise(ctx: RequestContext, id: string, content: JsonRequest<'reviseDataset'>, expectedVersion?: number): Promise<DatasetDetail> {
    await catalogue.updateDataset(ctx, id, content, expectedVersion);
    return this.detail(ctx, id);
  }

  async version(ctx: RequestContext, id: string, version: number): Promise<JsonBody<'getDatasetVersion', 200>> {
    const row = await catalogue.getDatasetVersion(ctx, id, version);
    if (!row) throw new NotFoundError('dataset_version_not_found', `The dataset has no version ${version}`);
    return versionView(row);
  }

  async preCheck(ctx: RequestContext, id: string, draft: JsonRequest<'preCheckConditions'>): Promise<JsonBody<'preCheckConditions', 200>> {
    const { dataset, version } = await catalogue.getDataset(ctx, id);
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
  }

  async move(ctx: RequestContext, id: string, { to, reason }: JsonRequest<'moveDataset'>): Promise<DatasetDetail> {
    await catalogue.moveDataset(ctx, id, to, reason);
    return this.detail(ctx, id);
  }

  async setAggregation(
    ctx: RequestContext,
    id: string,
    { aggregated, reason }: JsonRequest<'setDatasetAggregation'>,
  ): Promise<DatasetDetail> {
    await catalogue.setAggregation(ctx, id, aggregated, reason);
    return this.detail(ctx, id);
  }

  async importFile(ctx: RequestContext, upload: CatalogueUpload): Promise<JsonBody<'importDatasets', 200>> {
    const format = formatOfMediaType(upload.contentType);
    if (!format) throw new UnsupportedMediaTypeError(`Import takes ${Object.values(MEDIA_TYPES).join(' or ')}`);
    // mode defaults to dry_run: only an explicit commit writes.
    return importCatalogue(ctx, upload.content, format, upload.mode === 'commit');
  }

  async exportFile(ctx: RequestContext, query: QueryParams<'exportDatasets'>): Promise<CatalogueDownload> {
    // Validation applies the contract's default format (xlsx); the type still marks it optional.
    const { format = 'xlsx', ...filters } = query;
    const { file, datasets } = await exportCatalogue(ctx, filters, format);
    return {
      file,
      mediaType: MEDIA_TYPES[format] + (format === 'csv' ? '; charset=utf-8' : ''),
      fileName: `catalogue-${ctx.now.toISOString().slice(0, 10)}.${format}`,
      datasets,
    };
  }
}
