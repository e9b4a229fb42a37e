/**
 * The catalogue as a spreadsheet (目录表格), pure: one row per field (数据项); a dataset's own
 * columns are repeated on each of its rows (or left empty after the first). Cells carry the
 * Chinese labels departments keep and also accept the API's English values. Reading reports
 * every problem with its row and column instead of stopping at the first one.
 */
import canonicalize from 'canonicalize';
import { DEPARTMENT_LEVELS, type ConditionKey, type SharingConditions } from './conditions.js';
import {
  BASIC_LIBRARIES,
  LIBRARY_KINDS,
  SENSITIVITY_LEVELS,
  SHARING_TYPES,
  type DatasetContent,
  type DatasetField,
  type Lifecycle,
} from './dataset.js';

type Labels<T extends string> = Record<T, string>;

const LIBRARY_KIND_LABELS: Labels<(typeof LIBRARY_KINDS)[number]> = {
  basic: '基础库',
  thematic: '主题库',
  special: '专题库',
  department: '部门库',
};
const BASIC_LIBRARY_LABELS: Labels<(typeof BASIC_LIBRARIES)[number]> = {
  natural_person: '人口库',
  legal_person: '法人库',
  spatial_geographic: '空间地理库',
  e_licence: '电子证照库',
};
const SHARING_TYPE_LABELS: Labels<(typeof SHARING_TYPES)[number]> = {
  unconditional: '无条件共享',
  conditional: '有条件共享',
  not_shareable: '不予共享',
};
const SENSITIVITY_LABELS: Labels<(typeof SENSITIVITY_LEVELS)[number]> = {
  public: '公开',
  internal: '内部',
  sensitive: '敏感',
  core: '核心',
};
const LEVEL_LABELS: Labels<(typeof DEPARTMENT_LEVELS)[number]> = { city: '市级', district: '区级', street: '街镇级' };
const LIFECYCLE_LABELS: Labels<Lifecycle> = { draft: '草稿', published: '已发布', retired: '已停用' };
const YES = '是';
const NO = '否';

/** List cells separate items with ; (or the full-width ；). */
const LIST_SEPARATOR = /[;；]/;
const CODE = /^[A-Z0-9][A-Z0-9-]{1,39}$/;
/** A lineage entry: SOURCE-CODE.source field (codes contain no dots). */
const LINEAGE_ENTRY = /^([A-Z0-9][A-Z0-9-]{1,39})\.(.+)$/;

export const COLUMNS = [
  { key: 'code', header: '资源代码', level: 'dataset', required: true },
  { key: 'name', header: '资源名称', level: 'dataset', required: true },
  { key: 'description', header: '资源摘要', level: 'dataset' },
  { key: 'libraryKind', header: '资源分类', level: 'dataset', required: true },
  { key: 'basicLibrary', header: '基础库类别', level: 'dataset' },
  { key: 'updateFrequency', header: '更新周期', level: 'dataset' },
  { key: 'sourceSystem', header: '来源系统', level: 'dataset' },
  { key: 'sharingType', header: '共享类型', level: 'dataset', required: true },
  { key: 'requesterDepartments', header: '共享条件-限定部门', level: 'dataset' },
  { key: 'requesterLevels', header: '共享条件-限定层级', level: 'dataset' },
  { key: 'allowedScenarios', header: '共享条件-限定场景', level: 'dataset' },
  { key: 'allowedPurposes', header: '共享条件-限定用途', level: 'dataset' },
  { key: 'restrictedFields', header: '共享条件-不共享数据项', level: 'dataset' },
  { key: 'legalBasisRequired', header: '共享条件-须提供法律依据', level: 'dataset' },
  { key: 'maxUsageMonths', header: '共享条件-最长使用期限(月)', level: 'dataset' },
  { key: 'securityCommitmentRequired', header: '共享条件-须签署安全承诺', level: 'dataset' },
  { key: 'conditionNotes', header: '共享条件说明', level: 'dataset' },
  { key: 'law', header: '不予共享法律依据', level: 'dataset' },
  { key: 'article', header: '法律依据条款', level: 'dataset' },
  { key: 'prohibitsSharing', header: '法律明确禁止共享', level: 'dataset' },
  { key: 'fieldName', header: '数据项名称', level: 'field', required: true },
  { key: 'fieldType', header: '数据项类型', level: 'field' },
  { key: 'fieldDescription', header: '数据项说明', level: 'field' },
  { key: 'sensitivity', header: '敏感级别', level: 'field', required: true },
  { key: 'lineage', header: '来源数据项', level: 'field' },
  // Exported for the reader; on import they are checked (owner) or ignored (the rest).
  { key: 'ownerDepartment', header: '提供部门代码', level: 'info' },
  { key: 'lifecycle', header: '状态', level: 'info' },
  { key: 'aggregated', header: '已归集', level: 'info' },
  { key: 'version', header: '版本', level: 'info' },
] as const satisfies readonly { key: string; header: string; level: 'dataset' | 'field' | 'info'; required?: boolean }[];

export type ColumnKey = (typeof COLUMNS)[number]['key'];
type Cells = Partial<Record<ColumnKey, string>>;

const CONDITION_COLUMNS: Record<ConditionKey, ColumnKey> = {
  requesterDepartments: 'requesterDepartments',
  requesterLevels: 'requesterLevels',
  allowedScenarios: 'allowedScenarios',
  allowedPurposes: 'allowedPurposes',
  restrictedFields: 'restrictedFields',
  legalBasisRequired: 'legalBasisRequired',
  maxUsageMonths: 'maxUsageMonths',
  securityCommitmentRequired: 'securityCommitmentRequired',
};

export interface SheetProblem {
  /** Spreadsheet row number (the header is row 1). */
  row: number;
  /** Column letter (A, B, … AA) in the file as given, null when the column is missing. */
  column: string | null;
  header: string | null;
  problem: string;
}

/** A dataset read from the sheet, with where each part came from (to place later problems). */
export interface SheetDataset {
  code: string;
  content: DatasetContent;
  /** The row of the dataset's first field, and the row of each field in order. */
  firstRow: number;
  fieldRows: number[];
  /** 提供部门代码 as written (checked against the importer's department), if any. */
  ownerDepartment: { code: string; row: number } | null;
  /** Where each lineage source was first named. */
  lineageRows: Record<string, number>;
}

export interface SheetLayout {
  /** Column index (0-based) of each known column present in the header. */
  index: Partial<Record<ColumnKey, number>>;
}

export interface ReadResult {
  datasets: SheetDataset[];
  problems: SheetProblem[];
  layout: SheetLayout;
}

export function columnLetter(index: number): string {
  let letters = '';
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters;
  return letters;
}

const headerOf = (key: ColumnKey) => COLUMNS.find((c) => c.key === key)!.header;

/** Where a problem about a column of a given row is reported. */
export function placeProblem(layout: SheetLayout, row: number, key: ColumnKey | null, problem: string): SheetProblem {
  const index = key === null ? undefined : layout.index[key];
  return { row, column: index === undefined ? null : columnLetter(index), header: key === null ? null : headerOf(key), problem };
}

/**
 * Places a problem found on the whole dataset (a path such as `fields/2/name`,
 * `conditions/restrictedFields` or `lineage/sources/0/fieldMap`) on its row and column.
 */
export function placeDatasetProblem(layout: SheetLayout, dataset: SheetDataset, path: string, problem: string): SheetProblem {
  const parts = path.split('/').filter(Boolean);
  const at = (key: ColumnKey | null, row = dataset.firstRow) => placeProblem(layout, row, key, problem);
  switch (parts[0]) {
    case 'fields': {
      const row = parts[1] === undefined ? dataset.firstRow : (dataset.fieldRows[Number(parts[1])] ?? dataset.firstRow);
      const fieldColumns: Record<string, ColumnKey> = {
        name: 'fieldName',
        type: 'fieldType',
        description: 'fieldDescription',
        sensitivity: 'sensitivity',
      };
      return at(fieldColumns[parts[2] ?? 'name'] ?? 'fieldName', row);
    }
    case 'conditions':
      return at(parts[1] ? (CONDITION_COLUMNS[parts[1] as ConditionKey] ?? 'sharingType') : firstConditionColumn(layout));
    case 'legalBasis':
      return at(parts[1] === 'article' ? 'article' : parts[1] === 'prohibitsSharing' ? 'prohibitsSharing' : 'law');
    case 'lineage': {
      const source = dataset.content.lineage?.sources[Number(parts[2])];
      return at('lineage', (source && dataset.lineageRows[source.datasetCode]) ?? dataset.firstRow);
    }
    case 'conditionNotes':
      return at('conditionNotes');
    default: {
      const key = COLUMNS.find((c) => c.key === parts[0])?.key;
      return at(key ?? null);
    }
  }
}

function firstConditionColumn(layout: SheetLayout): ColumnKey {
  return Object.values(CONDITION_COLUMNS).find((key) => layout.index[key] !== undefined) ?? 'sharingType';
}

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

  const groups = new Map<string, { rows: { row: number; cells: Cells }[] }>();
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

function readDataset(
  layout: SheetLayout,
  code: string,
  rows: { row: number; cells: Cells }[],
): { dataset: SheetDataset | null; problems: SheetProblem[] } {
  const problems: SheetProblem[] = [];
  const first = rows[0]!;
  const problem = (row: number, key: ColumnKey, text: string) => problems.push(placeProblem(layout, row, key, text));
  const cell = (key: ColumnKey) => first.cells[key];

  if (!CODE.test(code)) problem(first.row, 'code', `"${code}" is not a dataset code: 2 to 40 capital letters, digits and hyphens`);
  // The dataset's own columns: the first row states them, later rows repeat them or stay empty.
  for (const { row, cells } of rows.slice(1)) {
    for (const column of COLUMNS) {
      if (column.level === 'field') continue;
      const value = cells[column.key];
      if (value !== undefined && value !== first.cells[column.key]) {
        problem(
          row,
          column.key,
          `differs from row ${first.row} of dataset ${code} ("${first.cells[column.key] ?? ''}"); repeat it or leave it empty`,
        );
      }
    }
  }

  const pick = <T extends string>(key: ColumnKey, labels: Labels<T>, required: boolean): T | null => {
    const text = cell(key);
    if (text === undefined) {
      if (required) problem(first.row, key, `${headerOf(key)} is required`);
      return null;
    }
    const value = fromLabel(labels, text);
    if (value === null) problem(first.row, key, `unknown value "${text}"; one of ${Object.values<string>(labels).join('、')}`);
    return value;
  };
  const flag = (key: ColumnKey, row = first.row, cells = first.cells): boolean | undefined => {
    const text = cells[key];
    if (text === undefined) return undefined;
    if ([YES, 'true', 'TRUE', 'Y', '1'].includes(text)) return true;
    if ([NO, 'false', 'FALSE', 'N', '0'].includes(text)) return false;
    problem(row, key, `"${text}" is neither ${YES} nor ${NO}`);
    return undefined;
  };

  const libraryKind = pick('libraryKind', LIBRARY_KIND_LABELS, true);
  const basicLibrary = pick('basicLibrary', BASIC_LIBRARY_LABELS, false);
  const sharingType = pick('sharingType', SHARING_TYPE_LABELS, true);

  const conditions: SharingConditions = {};
  if (cell('requesterDepartments')) conditions.requesterDepartments = splitList(cell('requesterDepartments')!);
  if (cell('requesterLevels')) {
    conditions.requesterLevels = splitList(cell('requesterLevels')!).flatMap((text) => {
      const level = fromLabel(LEVEL_LABELS, text);
      if (level === null)
        problem(first.row, 'requesterLevels', `unknown level "${text}"; one of ${Object.values(LEVEL_LABELS).join('、')}`);
      return level === null ? [] : [level];
    });
  }
  if (cell('allowedScenarios')) conditions.allowedScenarios = splitList(cell('allowedScenarios')!);
  if (cell('allowedPurposes')) conditions.allowedPurposes = splitList(cell('allowedPurposes')!);
  if (cell('restrictedFields')) conditions.restrictedFields = splitList(cell('restrictedFields')!);
  const legalBasisRequired = flag('legalBasisRequired');
  if (legalBasisRequired !== undefined) conditions.legalBasisRequired = legalBasisRequired;
  if (cell('maxUsageMonths')) {
    const months = Number(cell('maxUsageMonths'));
    if (Number.isInteger(months)) conditions.maxUsageMonths = months;
    else problem(first.row, 'maxUsageMonths', `"${cell('maxUsageMonths')}" is not a whole number of months`);
  }
  const securityCommitmentRequired = flag('securityCommitmentRequired');
  if (securityCommitmentRequired !== undefined) conditions.securityCommitmentRequired = securityCommitmentRequired;

  const prohibitsSharing = flag('prohibitsSharing');
  if (!cell('law') && (cell('article') || prohibitsSharing !== undefined)) {
    problem(first.row, cell('article') ? 'article' : 'prohibitsSharing', `${headerOf('law')} names the law this refers to`);
  }

  const fields: DatasetField[] = [];
  const lineage = new Map<string, Record<string, string>>();
  const lineageRows: Record<string, number> = {};
  for (const { row, cells } of rows) {
    const name = cells.fieldName ?? '';
    const sensitivityText = cells.sensitivity;
    let sensitivity: DatasetField['sensitivity'] = 'internal';
    if (sensitivityText === undefined) problem(row, 'sensitivity', `${headerOf('sensitivity')} is required`);
    else {
      const value = fromLabel(SENSITIVITY_LABELS, sensitivityText);
      if (value === null)
        problem(row, 'sensitivity', `unknown value "${sensitivityText}"; one of ${Object.values(SENSITIVITY_LABELS).join('、')}`);
      else sensitivity = value;
    }
    fields.push({ name, type: cells.fieldType ?? '', description: cells.fieldDescription ?? '', sensitivity });
    for (const entry of splitList(cells.lineage ?? '')) {
      const match = LINEAGE_ENTRY.exec(entry);
      if (!match) {
        problem(row, 'lineage', `"${entry}" is not SOURCE-CODE.source field`);
        continue;
      }
      const [, source, sourceField] = match as unknown as [string, string, string];
      const map = lineage.get(source) ?? {};
      if (!lineage.has(source)) lineageRows[source] = row;
      if (name in map) problem(row, 'lineage', `field "${name}" names ${source} twice`);
      map[name] = sourceField.trim();
      lineage.set(source, map);
    }
  }

  // The dataset is still returned with its cell problems so the whole-dataset rules can report too.
  if (!libraryKind || !sharingType) return { dataset: null, problems };
  const content: DatasetContent = {
    name: cell('name') ?? '',
    description: cell('description') ?? '',
    libraryKind,
    basicLibrary,
    updateFrequency: cell('updateFrequency') ?? '',
    sourceSystem: cell('sourceSystem') ?? '',
    fields,
    sharingType,
    conditions: Object.keys(conditions).length ? conditions : null,
    conditionNotes: cell('conditionNotes') ?? null,
    legalBasis: cell('law')
      ? {
          law: cell('law')!,
          ...(cell('article') ? { article: cell('article')! } : {}),
          ...(prohibitsSharing !== undefined ? { prohibitsSharing } : {}),
        }
      : null,
    lineage: lineage.size ? { sources: [...lineage].map(([datasetCode, fieldMap]) => ({ datasetCode, fieldMap })) } : null,
  };
  const owner = cell('ownerDepartment');
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

function fromLabel<T extends string>(labels: Labels<T>, text: string): T | null {
  for (const [value, label] of Object.entries(labels) as [T, string][]) {
    if (text === label || text === value) return value;
  }
  return null;
}

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

/**
 * The content in one canonical form, so that equal meaning compares equal: absent and null
 * alike, conditions without the ones not stated, lineage sources in code order.
 */
export function canonicalContent(content: DatasetContent): DatasetContent {
  const conditions = Object.fromEntries(
    Object.entries(content.conditions ?? {}).filter(([, v]) => v !== undefined && v !== false && !(Array.isArray(v) && v.length === 0)),
  ) as SharingConditions;
  const sources = [...(content.lineage?.sources ?? [])].sort((a, b) =>
    a.datasetCode < b.datasetCode ? -1 : a.datasetCode > b.datasetCode ? 1 : 0,
  );
  return {
    name: content.name,
    description: content.description,
    libraryKind: content.libraryKind,
    basicLibrary: content.basicLibrary ?? null,
    updateFrequency: content.updateFrequency,
    sourceSystem: content.sourceSystem,
    fields: content.fields.map(({ name, type, description, sensitivity }) => ({ name, type, description, sensitivity })),
    sharingType: content.sharingType,
    conditions: Object.keys(conditions).length ? conditions : null,
    conditionNotes: content.conditionNotes || null,
    legalBasis: content.legalBasis?.law
      ? {
          law: content.legalBasis.law,
          ...(content.legalBasis.article ? { article: content.legalBasis.article } : {}),
          ...(content.legalBasis.prohibitsSharing ? { prohibitsSharing: true } : {}),
        }
      : null,
    lineage: sources.length ? { sources } : null,
  };
}

const canonicalJson = canonicalize as unknown as (value: unknown) => string;

export function sameContent(a: DatasetContent, b: DatasetContent): boolean {
  return canonicalJson(canonicalContent(a)) === canonicalJson(canonicalContent(b));
}

/**
 * How much of a file an import reads (导入上限), in one place. A department's catalogue is at
 * most a few thousand rows; a file past a limit is refused as soon as the reader gets there,
 * before the rest is unpacked, so that one upload cannot take the memory or the time of the API.
 */
export const SHEET_LIMITS = {
  /** Data rows, the header not counted. Rows are numbered as the sheet numbers them. */
  rows: 20_000,
  /** Columns a row reaches, empty cells included: the catalogue has 29; the rest leaves room for a department's own notes. */
  columns: 64,
  /** Characters in one cell: Excel's own maximum. The longest catalogue text allows 4 000. */
  cellChars: 32_767,
  /** Bytes of the uploaded file. */
  fileBytes: 10 * 1024 * 1024,
  /** Bytes of the XLSX parts read (workbook, relationships, shared strings, the sheet) once inflated; 20 000 catalogue rows are about 25 MB. */
  unpackedBytes: 64 * 1024 * 1024,
} as const;

export type SheetLimit = keyof typeof SHEET_LIMITS;

/** A limit passed: what, its maximum, and where (a row, a cell) or how much (bytes). */
export interface SheetLimitBreach {
  limit: SheetLimit;
  max: number;
  row?: number;
  column?: string;
  found?: number;
  message: string;
}

/**
 * Whether a row with text, numbered from 1 as the sheet numbers it, is past the row limit.
 * Empty rows do not count: sheets often carry formatted empty rows far below their data.
 */
export function rowLimitBreach(row: number): SheetLimitBreach | null {
  const { rows } = SHEET_LIMITS;
  return row > rows + 1
    ? { limit: 'rows', max: rows, row, message: `At most ${rows} data rows are imported at once; row ${row} is past that` }
    : null;
}

/**
 * Whether a row is too wide: `width` is its last column holding a cell (or CSV field), empty or
 * not, since the work of reading a row grows with it.
 */
export function widthLimitBreach(row: number, width: number): SheetLimitBreach | null {
  const { columns } = SHEET_LIMITS;
  if (width <= columns) return null;
  const letter = columnLetter(width - 1);
  return {
    limit: 'columns',
    max: columns,
    row,
    column: letter,
    found: width,
    message: `At most ${columns} columns are read; row ${row} reaches column ${letter}`,
  };
}

/** The limit a cell's text passes, if any (row and column numbered from 1). */
export function cellLimitBreach(row: number, column: number, text: string): SheetLimitBreach | null {
  const { cellChars } = SHEET_LIMITS;
  if (text.length <= cellChars) return null;
  const letter = columnLetter(column - 1);
  return {
    limit: 'cellChars',
    max: cellChars,
    row,
    column: letter,
    found: text.length,
    message: `Cell ${letter}${row} has ${text.length} characters; at most ${cellChars} are read`,
  };
}

/** The limit a size in bytes passes, if any: the file's, or what an XLSX unpacks to. */
export function sizeLimitBreach(limit: 'fileBytes' | 'unpackedBytes', bytes: number): SheetLimitBreach | null {
  const max = SHEET_LIMITS[limit];
  if (bytes <= max) return null;
  const what = limit === 'fileBytes' ? `The file has ${bytes} bytes` : `The spreadsheet unpacks to ${bytes} bytes`;
  return { limit, max, found: bytes, message: `${what}; at most ${max} are ${limit === 'fileBytes' ? 'imported' : 'read'}` };
}
