/**
 * Reading the catalogue sheet (目录表格) into datasets, pure. Every problem is reported with its
 * row and column instead of stopping at the first one; the columns and labels are in spreadsheet.ts.
 */
import type { SharingConditions } from './conditions.js';
import type { DatasetContent, DatasetField, LegalBasis, Lineage } from './dataset.js';
import {
  BASIC_LIBRARY_LABELS,
  COLUMNS,
  columnLetter,
  fromLabel,
  headerOf,
  LEVEL_LABELS,
  LIBRARY_KIND_LABELS,
  NO,
  placeProblem,
  SENSITIVITY_LABELS,
  SHARING_TYPE_LABELS,
  YES,
  type Cells,
  type ColumnKey,
  type Labels,
  type SheetDataset,
  type SheetLayout,
  type SheetProblem,
} from './spreadsheet.js';

/** List cells separate items with ; (or the full-width ；). */
const LIST_SEPARATOR = /[;；]/;
const CODE = /^[A-Z0-9][A-Z0-9-]{1,39}$/;
/** A lineage entry: SOURCE-CODE.source field (codes contain no dots). */
const LINEAGE_ENTRY = /^([A-Z0-9][A-Z0-9-]{1,39})\.(.+)$/;

export interface ReadResult {
  datasets: SheetDataset[];
  problems: SheetProblem[];
  layout: SheetLayout;
}

/** A data row with its number in the sheet and its non-empty cells. */
interface SheetRow {
  row: number;
  cells: Cells;
}

/** Records a problem about a column of a row. */
type Report = (row: number, key: ColumnKey, problem: string) => void;

const splitList = (cell: string) =>
  cell
    .split(LIST_SEPARATOR)
    .map((s) => s.trim())
    .filter(Boolean);

/**
 * Reads a sheet (header row + data rows, cells as text) into datasets. Rows are numbered as
 * the spreadsheet numbers them; wholly empty rows are skipped.
 */
export function readCatalogueSheet(header: readonly string[], rows: readonly (readonly string[])[]): ReadResult {
  const problems: SheetProblem[] = [];
  const index: SheetLayout['index'] = {};
  header.forEach((raw, i) => {
    const text = raw.trim();
    if (!text) return;
    const column = COLUMNS.find((c) => c.header === text || c.key === text);
    if (!column)
      problems.push({
        row: 1,
        column: columnLetter(i),
        header: text,
        problem: `unknown column "${text}"; the columns are ${COLUMNS.map((c) => c.header).join('、')}`,
      });
    else if (index[column.key] !== undefined)
      problems.push({ row: 1, column: columnLetter(i), header: text, problem: `column "${column.header}" appears twice` });
    else index[column.key] = i;
  });
  const layout: SheetLayout = { index };
  for (const column of COLUMNS) {
    if ('required' in column && column.required && index[column.key] === undefined) {
      problems.push({ row: 1, column: null, header: column.header, problem: `the required column "${column.header}" is missing` });
    }
  }
  if (problems.length) return { datasets: [], problems, layout };

  const groups = new Map<string, { rows: SheetRow[] }>();
  rows.forEach((values, i) => {
    const row = i + 2;
    const cells: Cells = {};
    for (const [key, at] of Object.entries(index) as [ColumnKey, number][]) {
      const text = (values[at] ?? '').trim();
      if (text) cells[key] = text;
    }
    if (Object.keys(cells).length === 0) return;
    const code = cells.code;
    if (!code) {
      problems.push(placeProblem(layout, row, 'code', 'every row names the code of its dataset'));
      return;
    }
    const group = groups.get(code) ?? { rows: [] };
    group.rows.push({ row, cells });
    groups.set(code, group);
  });

  const datasets: SheetDataset[] = [];
  for (const [code, group] of groups) {
    const read = readDataset(layout, code, group.rows);
    problems.push(...read.problems);
    if (read.dataset) datasets.push(read.dataset);
  }
  return { datasets, problems, layout };
}

/** One dataset from its rows (in sheet order): the dataset's columns from the first, a field from each. */
function readDataset(layout: SheetLayout, code: string, rows: SheetRow[]): { dataset: SheetDataset | null; problems: SheetProblem[] } {
  const problems: SheetProblem[] = [];
  const report: Report = (row, key, text) => {
    problems.push(placeProblem(layout, row, key, text));
  };
  const first = rows[0]!;

  if (!CODE.test(code)) report(first.row, 'code', `"${code}" is not a dataset code: 2 to 40 capital letters, digits and hyphens`);
  checkRepeatedDatasetCells(code, rows, report);
  const libraryKind = readChoice(first, 'libraryKind', LIBRARY_KIND_LABELS, true, report);
  const basicLibrary = readChoice(first, 'basicLibrary', BASIC_LIBRARY_LABELS, false, report);
  const sharingType = readChoice(first, 'sharingType', SHARING_TYPE_LABELS, true, report);
  const conditions = readConditions(first, report);
  const legalBasis = readLegalBasis(first, report);
  const { fields, lineage, lineageRows } = readFields(rows, report);

  // The dataset is still returned with its cell problems so the whole-dataset rules can report too.
  if (!libraryKind || !sharingType) return { dataset: null, problems };
  const cells = first.cells;
  const content: DatasetContent = {
    name: cells.name ?? '',
    description: cells.description ?? '',
    libraryKind,
    basicLibrary,
    updateFrequency: cells.updateFrequency ?? '',
    sourceSystem: cells.sourceSystem ?? '',
    fields,
    sharingType,
    conditions,
    conditionNotes: cells.conditionNotes ?? null,
    legalBasis,
    lineage,
  };
  const owner = cells.ownerDepartment;
  return {
    dataset: {
      code,
      content,
      firstRow: first.row,
      fieldRows: rows.map((r) => r.row),
      ownerDepartment: owner ? { code: owner, row: first.row } : null,
      lineageRows,
    },
    problems,
  };
}

/** The dataset's own columns: the first row states them, later rows repeat them or stay empty. */
function checkRepeatedDatasetCells(code: string, rows: readonly SheetRow[], report: Report): void {
  const first = rows[0]!;
  for (const { row, cells } of rows.slice(1)) {
    for (const column of COLUMNS) {
      if (column.level === 'field') continue;
      const value = cells[column.key];
      if (value !== undefined && value !== first.cells[column.key]) {
        report(
          row,
          column.key,
          `differs from row ${first.row} of dataset ${code} ("${first.cells[column.key] ?? ''}"); repeat it or leave it empty`,
        );
      }
    }
  }
}

/** A cell naming one of the labelled values; null when empty or unknown (reported). */
function readChoice<T extends string>(
  { row, cells }: SheetRow,
  key: ColumnKey,
  labels: Labels<T>,
  required: boolean,
  report: Report,
): T | null {
  const text = cells[key];
  if (text === undefined) {
    if (required) report(row, key, `${headerOf(key)} is required`);
    return null;
  }
  const value = fromLabel(labels, text);
  if (value === null) report(row, key, `unknown value "${text}"; one of ${Object.values<string>(labels).join('、')}`);
  return value;
}

/** A yes/no cell; undefined when empty or neither (reported). */
function readFlag({ row, cells }: SheetRow, key: ColumnKey, report: Report): boolean | undefined {
  const text = cells[key];
  if (text === undefined) return undefined;
  if ([YES, 'true', 'TRUE', 'Y', '1'].includes(text)) return true;
  if ([NO, 'false', 'FALSE', 'N', '0'].includes(text)) return false;
  report(row, key, `"${text}" is neither ${YES} nor ${NO}`);
  return undefined;
}

/** The sharing conditions (共享条件) of the dataset's first row; null when none is stated. */
function readConditions(first: SheetRow, report: Report): SharingConditions | null {
  const { row, cells } = first;
  const conditions: SharingConditions = {};
  if (cells.requesterDepartments) conditions.requesterDepartments = splitList(cells.requesterDepartments);
  if (cells.requesterLevels) {
    conditions.requesterLevels = splitList(cells.requesterLevels).flatMap((text) => {
      const level = fromLabel(LEVEL_LABELS, text);
      if (level === null) report(row, 'requesterLevels', `unknown level "${text}"; one of ${Object.values(LEVEL_LABELS).join('、')}`);
      return level === null ? [] : [level];
    });
  }
  if (cells.allowedScenarios) conditions.allowedScenarios = splitList(cells.allowedScenarios);
  if (cells.allowedPurposes) conditions.allowedPurposes = splitList(cells.allowedPurposes);
  if (cells.restrictedFields) conditions.restrictedFields = splitList(cells.restrictedFields);
  const legalBasisRequired = readFlag(first, 'legalBasisRequired', report);
  if (legalBasisRequired !== undefined) conditions.legalBasisRequired = legalBasisRequired;
  if (cells.maxUsageMonths) {
    const months = Number(cells.maxUsageMonths);
    if (Number.isInteger(months)) conditions.maxUsageMonths = months;
    else report(row, 'maxUsageMonths', `"${cells.maxUsageMonths}" is not a whole number of months`);
  }
  const securityCommitmentRequired = readFlag(first, 'securityCommitmentRequired', report);
  if (securityCommitmentRequired !== undefined) conditions.securityCommitmentRequired = securityCommitmentRequired;
  return Object.keys(conditions).length ? conditions : null;
}

/** The legal basis of the dataset's first row; an article or prohibition without a law is reported. */
function readLegalBasis(first: SheetRow, report: Report): LegalBasis | null {
  const { row, cells } = first;
  const prohibitsSharing = readFlag(first, 'prohibitsSharing', report);
  if (!cells.law) {
    if (cells.article || prohibitsSharing !== undefined) {
      report(row, cells.article ? 'article' : 'prohibitsSharing', `${headerOf('law')} names the law this refers to`);
    }
    return null;
  }
  return {
    law: cells.law,
    ...(cells.article ? { article: cells.article } : {}),
    ...(prohibitsSharing !== undefined ? { prohibitsSharing } : {}),
  };
}

/** The lineage named so far: each source's field map, and the row that first named the source. */
interface LineageSoFar {
  fieldMaps: Map<string, Record<string, string>>;
  rows: Record<string, number>;
}

/** A field from each row, and the lineage its rows name. */
function readFields(
  rows: readonly SheetRow[],
  report: Report,
): { fields: DatasetField[]; lineage: Lineage | null; lineageRows: Record<string, number> } {
  const fields: DatasetField[] = [];
  const lineage: LineageSoFar = { fieldMaps: new Map(), rows: {} };
  for (const sheetRow of rows) {
    const { cells } = sheetRow;
    const name = cells.fieldName ?? '';
    // A placeholder when the cell is empty or unknown: the problem is reported, so nothing is imported.
    const sensitivity = readChoice(sheetRow, 'sensitivity', SENSITIVITY_LABELS, true, report) ?? 'internal';
    fields.push({ name, type: cells.fieldType ?? '', description: cells.fieldDescription ?? '', sensitivity });
    readLineageCell(sheetRow, name, lineage, report);
  }
  const { fieldMaps } = lineage;
  return {
    fields,
    lineage: fieldMaps.size ? { sources: [...fieldMaps].map(([datasetCode, fieldMap]) => ({ datasetCode, fieldMap })) } : null,
    lineageRows: lineage.rows,
  };
}

/** Adds the sources a field's 来源数据项 cell names to the lineage so far. */
function readLineageCell({ row, cells }: SheetRow, fieldName: string, lineage: LineageSoFar, report: Report): void {
  for (const entry of splitList(cells.lineage ?? '')) {
    const match = LINEAGE_ENTRY.exec(entry);
    if (!match) {
      report(row, 'lineage', `"${entry}" is not SOURCE-CODE.source field`);
      continue;
    }
    const [, source, sourceField] = match as unknown as [string, string, string];
    const map = lineage.fieldMaps.get(source) ?? {};
    if (!lineage.fieldMaps.has(source)) lineage.rows[source] = row;
    if (fieldName in map) report(row, 'lineage', `field "${fieldName}" names ${source} twice`);
    map[fieldName] = sourceField.trim();
    lineage.fieldMaps.set(source, map);
  }
}
