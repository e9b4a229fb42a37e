/** Datasets and scenarios as the contract shows them. */
import type { JsonBody } from '../platform/http/contract.js';
import { versionContent } from './import-export.js';
import type { Coverage, ScenarioRow } from './scenarios.js';
import type { DatasetRow, DatasetVersionRow } from './service.js';

export type DatasetDetail = JsonBody<'getDataset', 200>;
export type ScenarioView = JsonBody<'getScenario', 200>;

export const datasetSummaryView = (d: DatasetRow): DatasetDetail['dataset'] => ({
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

export const versionView = (v: DatasetVersionRow): DatasetDetail['current'] => ({
  version: v.version,
  createdAt: v.createdAt.toISOString(),
  content: versionContent(v) as DatasetDetail['current']['content'],
});

/** A dataset as its detail answers give it: summary, current version and aggregation history. */
export const datasetDetailView = (
  dataset: DatasetRow,
  version: DatasetVersionRow,
  history: { fromAt: Date; toAt: Date | null }[],
): DatasetDetail => ({
  dataset: datasetSummaryView(dataset),
  current: versionView(version),
  aggregationHistory: history.map((h) => ({ from: h.fromAt.toISOString(), to: h.toAt?.toISOString() ?? null })),
});

export const scenarioView = (s: ScenarioRow): ScenarioView => ({
  id: s.id,
  name: s.name,
  kind: s.kind,
  leadDepartmentId: s.leadDepartmentId,
  description: s.description,
  validFrom: s.validFrom,
  validTo: s.validTo,
  onKeyList: s.onKeyList,
  coverage: s.coverage as Coverage[],
  retired: s.retired,
});
