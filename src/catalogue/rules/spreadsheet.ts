/**
 * The catalogue as a spreadsheet (目录表格), pure: one row per field (数据项); a dataset's own
 * columns are repeated on each of its rows (or left empty after the first). Cells carry the
 * Chinese labels departments keep and also accept the API's English values. Reading reports
 * every problem with its row and column instead of stopping at the first one.
 *
 * This module holds what reading and writing share: the columns, the labels and where a problem
 * is placed. Reading is in spreadsheet-read.ts, writing in spreadsheet-write.ts, and how much of a
 * file is read in spreadsheet-limits.ts.
 */
import { DEPARTMENT_LEVELS, type ConditionKey } from './conditions.js';
import { BASIC_LIBRARIES, LIBRARY_KINDS, SENSITIVITY_LEVELS, SHARING_TYPES, type DatasetContent, type Lifecycle } from './dataset.js';

export type Labels<T extends string> = Record<T, string>;

export const LIBRARY_KIND_LABELS: Labels<(typeof LIBRARY_KINDS)[number]> = {
  basic: '基础库',
  thematic: '主题库',
  special: '专题库',
  department: '部门库',
};
export const BASIC_LIBRARY_LABELS: Labels<(typeof BASIC_LIBRARIES)[number]> = {
  natural_person: '人口库',
  legal_person: '法人库',
  spatial_geographic: '空间地理库',
  e_licence: '电子证照库',
};
export const SHARING_TYPE_LABELS: Labels<(typeof SHARING_TYPES)[number]> = {
  unconditional: '无条件共享',
  conditional: '有条件共享',
  not_shareable: '不予共享',
};
export const SENSITIVITY_LABELS: Labels<(typeof SENSITIVITY_LEVELS)[number]> = {
  public: '公开',
  internal: '内部',
  sensitive: '敏感',
  core: '核心',
};
export const LEVEL_LABELS: Labels<(typeof DEPARTMENT_LEVELS)[number]> = { city: '市级', district: '区级', street: '街镇级' };
export const LIFECYCLE_LABELS: Labels<Lifecycle> = { draft: '草稿', published: '已发布', retired: '已停用' };
export const YES = '是';
export const NO = '否';

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
export type Cells = Partial<Record<ColumnKey, string>>;

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

export function columnLetter(index: number): string {
  let letters = '';
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters;
  return letters;
}

export const headerOf = (key: ColumnKey) => COLUMNS.find((c) => c.key === key)!.header;

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

/** The value a cell names, by its label or by the value itself; null when it names none. */
export function fromLabel<T extends string>(labels: Labels<T>, text: string): T | null {
  for (const [value, label] of Object.entries(labels) as [T, string][]) {
    if (text === label || text === value) return value;
  }
  return null;
}
