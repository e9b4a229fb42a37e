/** What objections read of the catalogue: a dataset's current fields, and the lineage around it for tracing. */
import { and, eq, inArray } from 'drizzle-orm';
import type { Db, Tx } from '../platform/db/client.js';
import { datasets, datasetVersions } from '../platform/db/schema.js';
import type { TracedDataset } from './rules/trace.js';

type Lineage = { sources: { datasetCode: string; fieldMap: Record<string, string> }[] } | null;

async function currentVersions(db: Db | Tx, where: ReturnType<typeof eq>) {
  const rows = await db
    .select({
      id: datasets.id,
      code: datasets.code,
      ownerDepartmentId: datasets.ownerDepartmentId,
      name: datasetVersions.name,
      fields: datasetVersions.fields,
      lineage: datasetVersions.lineage,
    })
    .from(datasets)
    .innerJoin(datasetVersions, and(eq(datasetVersions.datasetId, datasets.id), eq(datasetVersions.version, datasets.currentVersion)))
    .where(where);
  return rows.map((r) => ({
    id: r.id,
    code: r.code,
    name: r.name,
    ownerDepartmentId: r.ownerDepartmentId,
    fields: (r.fields as { name: string }[]).map((f) => f.name),
    lineage: ((r.lineage as Lineage)?.sources ?? []).map((s) => ({ datasetCode: s.datasetCode, fieldMap: s.fieldMap })),
  }));
}

/** A dataset's current version: its field names and whether it is fused (融合数据: it names sources). */
export async function datasetNow(db: Db | Tx, datasetId: string) {
  const [row] = await currentVersions(db, eq(datasets.id, datasetId));
  return row ? { ...row, fused: row.lineage.length > 0 } : undefined;
}

/** The dataset and every dataset its lineage reaches (current versions), by code, for tracing. */
export async function lineageAround(db: Db | Tx, datasetId: string): Promise<Map<string, TracedDataset>> {
  const found = new Map<string, TracedDataset>();
  let level = await currentVersions(db, eq(datasets.id, datasetId));
  for (let depth = 0; level.length && depth <= 8; depth++) {
    for (const d of level) found.set(d.code, d);
    const next = [...new Set(level.flatMap((d) => d.lineage.map((s) => s.datasetCode)))].filter((code) => !found.has(code));
    level = next.length ? await currentVersions(db, inArray(datasets.code, next)) : [];
  }
  return found;
}
