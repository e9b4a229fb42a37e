/**
 * Tracing (溯源, pure): a field of fused data (融合数据) is followed through the catalogue's lineage
 * to the datasets it comes from, through fused sources in turn, until it reaches data its owner
 * holds itself; each such origin's owner department verifies it. A field the fused dataset does not
 * take from any source is its own owner's to verify.
 */

export interface TracedDataset {
  id: string;
  code: string;
  name: string;
  ownerDepartmentId: string;
  /** Per source: target field ← source field. */
  lineage: { datasetCode: string; fieldMap: Record<string, string> }[];
}

/** One link of the trace chain: a field of a dataset, and the link it was reached from. */
export interface TraceHop {
  datasetId: string;
  datasetCode: string;
  datasetName: string;
  field: string;
  ownerDepartmentId: string;
  /** The dataset code and field this one feeds (null for the disputed field itself). */
  feeds: { datasetCode: string; field: string } | null;
  /** True when no source supplies the field further: its owner verifies it. */
  origin: boolean;
}

const MAX_DEPTH = 8;

/** The trace chain of a field, breadth first from the disputed dataset; origins are the hops with `origin`. */
export function traceField(datasetsByCode: ReadonlyMap<string, TracedDataset>, datasetCode: string, field: string): TraceHop[] {
  const hops: TraceHop[] = [];
  const seen = new Set<string>();
  let level: { code: string; field: string; feeds: TraceHop['feeds'] }[] = [{ code: datasetCode, field, feeds: null }];
  for (let depth = 0; level.length && depth <= MAX_DEPTH; depth++) {
    const next: typeof level = [];
    for (const at of level) {
      const key = `${at.code}.${at.field}`;
      const dataset = datasetsByCode.get(at.code);
      if (seen.has(key) || !dataset) continue;
      seen.add(key);
      const sources = dataset.lineage.filter((s) => s.fieldMap[at.field] !== undefined && datasetsByCode.has(s.datasetCode));
      // A chain longer than MAX_DEPTH (or a cycle the catalogue let through) stops here: this owner verifies.
      const origin = sources.length === 0 || depth === MAX_DEPTH;
      hops.push({
        datasetId: dataset.id,
        datasetCode: dataset.code,
        datasetName: dataset.name,
        field: at.field,
        ownerDepartmentId: dataset.ownerDepartmentId,
        feeds: at.feeds,
        origin,
      });
      if (!origin)
        for (const s of sources)
          next.push({ code: s.datasetCode, field: s.fieldMap[at.field]!, feeds: { datasetCode: dataset.code, field: at.field } });
    }
    level = next;
  }
  return hops;
}

/** The verification tasks of a trace: one per department owning an origin, with the fields it verifies. */
export function tasksOfTrace(
  hops: readonly TraceHop[],
): { departmentId: string; items: { datasetId: string; datasetCode: string; field: string }[] }[] {
  const byDepartment = new Map<string, { datasetId: string; datasetCode: string; field: string }[]>();
  for (const hop of hops.filter((h) => h.origin)) {
    const items = byDepartment.get(hop.ownerDepartmentId) ?? [];
    items.push({ datasetId: hop.datasetId, datasetCode: hop.datasetCode, field: hop.field });
    byDepartment.set(hop.ownerDepartmentId, items);
  }
  return [...byDepartment.entries()].map(([departmentId, items]) => ({ departmentId, items }));
}
