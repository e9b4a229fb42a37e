/**
 * A catalogue change as the grants on the dataset need to hear of it (src/grants records the
 * impacts and tells the holders): what the dataset was and is — lifecycle, sharing type, fields.
 */
import { auditActor, type RequestContext } from '../identity/index.js';
import { recordCatalogueChange } from '../grants/index.js';
import type { Tx } from '../platform/db/client.js';
import type { datasets } from '../platform/db/schema.js';
import type { DatasetContent, DatasetField } from './rules/dataset.js';

type DatasetRow = typeof datasets.$inferSelect;

const fieldNames = (fields: unknown) => ((fields ?? []) as DatasetField[]).map((f) => f.name);

/** A new version (`content`) replaced the one whose fields were `previousFields`. */
export async function tellGrantsOfRevision(
  tx: Tx,
  ctx: RequestContext,
  row: DatasetRow,
  previousFields: unknown,
  content: DatasetContent,
  version: number,
): Promise<void> {
  await recordCatalogueChange(tx, {
    datasetId: row.id,
    datasetName: content.name,
    version,
    before: { lifecycle: row.lifecycle, sharingType: row.sharingType, fields: fieldNames(previousFields) },
    after: { lifecycle: row.lifecycle, sharingType: content.sharingType, fields: content.fields.map((f) => f.name) },
    at: ctx.now,
    actor: auditActor(ctx.actor, 'reviewer', 'dept_admin'),
    requestId: ctx.requestId,
  });
}

/** The dataset was retired (its version stays). */
export async function tellGrantsOfRetirement(tx: Tx, ctx: RequestContext, row: DatasetRow): Promise<void> {
  const state = { lifecycle: row.lifecycle, sharingType: row.sharingType, fields: [] };
  await recordCatalogueChange(tx, {
    datasetId: row.id,
    datasetName: row.name,
    version: row.currentVersion,
    before: state,
    after: { ...state, lifecycle: 'retired' },
    at: ctx.now,
    actor: auditActor(ctx.actor, 'reviewer', 'dept_admin'),
    requestId: ctx.requestId,
  });
}
