/** Writing the catalogue sheet (目录表格), pure: the export that imports back. */
import type { DatasetContent, Lifecycle } from './dataset.js';
import {
  BASIC_LIBRARY_LABELS,
  COLUMNS,
  LEVEL_LABELS,
  LIBRARY_KIND_LABELS,
  LIFECYCLE_LABELS,
  NO,
  SENSITIVITY_LABELS,
  SHARING_TYPE_LABELS,
  YES,
  type Cells,
} from './spreadsheet.js';

export interface CatalogueEntry {
  code: string;
  ownerDepartmentCode: string;
  lifecycle: Lifecycle;
  aggregated: boolean;
  version: number;
  content: DatasetContent;
}

/** The header and rows of an export: every column, labels in Chinese, one row per field. */
export function writeCatalogueSheet(entries: readonly CatalogueEntry[]): { header: string[]; rows: string[][] } {
  const header = COLUMNS.map((c) => c.header);
  const rows: string[][] = [];
  const yesNo = (v: boolean | undefined) => (v === undefined ? '' : v ? YES : NO);
  for (const entry of entries) {
    const { content } = entry;
    const conditions = content.conditions ?? {};
    const dataset: Cells = {
      code: entry.code,
      name: content.name,
      description: content.description,
      libraryKind: LIBRARY_KIND_LABELS[content.libraryKind],
      basicLibrary: content.basicLibrary ? BASIC_LIBRARY_LABELS[content.basicLibrary] : '',
      updateFrequency: content.updateFrequency,
      sourceSystem: content.sourceSystem,
      sharingType: SHARING_TYPE_LABELS[content.sharingType],
      requesterDepartments: (conditions.requesterDepartments ?? []).join(';'),
      requesterLevels: (conditions.requesterLevels ?? []).map((l) => LEVEL_LABELS[l]).join(';'),
      allowedScenarios: (conditions.allowedScenarios ?? []).join(';'),
      allowedPurposes: (conditions.allowedPurposes ?? []).join(';'),
      restrictedFields: (conditions.restrictedFields ?? []).join(';'),
      legalBasisRequired: yesNo(conditions.legalBasisRequired),
      maxUsageMonths: conditions.maxUsageMonths === undefined ? '' : String(conditions.maxUsageMonths),
      securityCommitmentRequired: yesNo(conditions.securityCommitmentRequired),
      conditionNotes: content.conditionNotes ?? '',
      law: content.legalBasis?.law ?? '',
      article: content.legalBasis?.article ?? '',
      prohibitsSharing: yesNo(content.legalBasis?.prohibitsSharing),
      ownerDepartment: entry.ownerDepartmentCode,
      lifecycle: LIFECYCLE_LABELS[entry.lifecycle],
      aggregated: yesNo(entry.aggregated),
      version: String(entry.version),
    };
    for (const field of content.fields) {
      const sources = (content.lineage?.sources ?? [])
        .filter((s) => field.name in s.fieldMap)
        .map((s) => `${s.datasetCode}.${s.fieldMap[field.name]}`);
      const cells: Cells = {
        ...dataset,
        fieldName: field.name,
        fieldType: field.type,
        fieldDescription: field.description,
        sensitivity: SENSITIVITY_LABELS[field.sensitivity],
        lineage: sources.join(';'),
      };
      rows.push(COLUMNS.map((c) => cells[c.key] ?? ''));
    }
  }
  return { header, rows };
}
