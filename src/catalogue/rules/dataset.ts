/**
 * Catalogue entries (数据资源目录条目): what a dataset version must say, and the lifecycle
 * draft → published → retired (pure). Only published datasets can be requested.
 */
import { conditionProblems, type SharingConditions } from './conditions.js';

export const LIBRARY_KINDS = ['basic', 'thematic', 'special', 'department'] as const; // 基础库 主题库 专题库 部门库
export const BASIC_LIBRARIES = ['natural_person', 'legal_person', 'spatial_geographic', 'e_licence'] as const;
export const SHARING_TYPES = ['unconditional', 'conditional', 'not_shareable'] as const;
export const SENSITIVITY_LEVELS = ['public', 'internal', 'sensitive', 'core'] as const;
export const LIFECYCLE = ['draft', 'published', 'retired'] as const;

export type SharingType = (typeof SHARING_TYPES)[number];
export type Lifecycle = (typeof LIFECYCLE)[number];

export interface DatasetField {
  name: string;
  type: string;
  description: string;
  sensitivity: (typeof SENSITIVITY_LEVELS)[number];
}

export interface LegalBasis {
  /** Law or administrative regulation, e.g. 《中华人民共和国个人信息保护法》 */
  law: string;
  article?: string;
  /** Marked when the law explicitly prohibits sharing (relevant to 免申即享 refusals). */
  prohibitsSharing?: boolean;
}

/** A fused dataset (融合数据) names what it is derived from: per source, target field ← source field. */
export interface Lineage {
  sources: { datasetCode: string; fieldMap: Record<string, string> }[];
}

export interface DatasetContent {
  name: string;
  description: string;
  libraryKind: (typeof LIBRARY_KINDS)[number];
  basicLibrary?: (typeof BASIC_LIBRARIES)[number] | null;
  updateFrequency: string;
  sourceSystem: string;
  fields: DatasetField[];
  sharingType: SharingType;
  conditions?: SharingConditions | null;
  conditionNotes?: string | null;
  legalBasis?: LegalBasis | null;
  lineage?: Lineage | null;
}

export interface DatasetProblem {
  path: string;
  problem: string;
}

export interface CatalogueContext {
  departmentCodes: ReadonlySet<string>;
  /** Field names of the current version of every other dataset, by code. */
  fieldsOf: (datasetCode: string) => readonly string[] | undefined;
  /** Ids of the scenarios a condition may name (existing, not retired). */
  scenarioIds: ReadonlySet<string>;
  selfCode: string;
}

/** Every reason the content cannot be catalogued; empty when it can. */
export function datasetProblems(content: DatasetContent, context: CatalogueContext): DatasetProblem[] {
  const problems: DatasetProblem[] = [];
  const add = (path: string, problem: string) => problems.push({ path, problem });
  const fieldNames = content.fields.map((f) => f.name.trim());

  if (!content.name.trim()) add('name', 'a dataset has a name');
  if (content.fields.length === 0) add('fields', 'a dataset has at least one field (数据项)');
  fieldNames.forEach((name, i) => {
    if (!name) add(`fields/${i}/name`, 'a field has a name');
    else if (fieldNames.indexOf(name) !== i) add(`fields/${i}/name`, `field "${name}" is listed twice`);
  });
  if (content.libraryKind === 'basic' && !content.basicLibrary)
    add(
      'basicLibrary',
      'a basic-library dataset (基础库) names its library: natural person, legal person, spatial-geographic or e-licence',
    );
  if (content.libraryKind !== 'basic' && content.basicLibrary) add('basicLibrary', 'only basic-library datasets name a basic library');

  if (content.sharingType === 'conditional') {
    if (!content.conditions) add('conditions', 'a conditionally shared dataset states its sharing conditions');
    else {
      for (const p of conditionProblems(content.conditions, fieldNames))
        add(p.condition ? `conditions/${p.condition}` : 'conditions', p.problem);
      for (const code of content.conditions.requesterDepartments ?? []) {
        if (!context.departmentCodes.has(code)) add('conditions/requesterDepartments', `unknown department "${code}"`);
      }
      // An unknown id would make the condition fail every request, and a refusal could cite it.
      for (const id of content.conditions.allowedScenarios ?? []) {
        if (!context.scenarioIds.has(id)) add('conditions/allowedScenarios', `unknown or retired scenario "${id}"`);
      }
    }
  } else if (content.conditions) {
    add(
      'conditions',
      `${content.sharingType === 'unconditional' ? 'an unconditionally shared' : 'a not-shareable'} dataset has no sharing conditions`,
    );
  }
  if (content.sharingType === 'not_shareable' && !content.legalBasis?.law.trim()) {
    add('legalBasis', 'a dataset catalogued as not shareable (不予共享) cites the law or regulation that forbids it');
  }

  for (const [i, source] of (content.lineage?.sources ?? []).entries()) {
    if (source.datasetCode === context.selfCode) {
      add(`lineage/sources/${i}`, 'a dataset is not derived from itself');
      continue;
    }
    const sourceFields = context.fieldsOf(source.datasetCode);
    if (!sourceFields) {
      add(`lineage/sources/${i}`, `unknown source dataset "${source.datasetCode}"`);
      continue;
    }
    if (Object.keys(source.fieldMap).length === 0) add(`lineage/sources/${i}/fieldMap`, 'a source maps at least one field');
    for (const [target, from] of Object.entries(source.fieldMap)) {
      if (!fieldNames.includes(target)) add(`lineage/sources/${i}/fieldMap`, `"${target}" is not a field of this dataset`);
      if (!sourceFields.includes(from)) add(`lineage/sources/${i}/fieldMap`, `"${from}" is not a field of ${source.datasetCode}`);
    }
  }
  return problems;
}

/** Requested fields that the dataset version does not have (a request names only real fields). */
export function fieldsOutside(fields: readonly DatasetField[], requested: readonly string[]): string[] {
  const names = new Set(fields.map((f) => f.name));
  return requested.filter((f) => !names.has(f));
}

const TRANSITIONS: Record<Lifecycle, Lifecycle[]> = { draft: ['published'], published: ['retired'], retired: [] };

export function canMoveTo(from: Lifecycle, to: Lifecycle): boolean {
  return TRANSITIONS[from].includes(to);
}

/** A fused dataset or a scenario that names fields of another dataset. */
export interface FieldDependent {
  kind: 'fused_dataset' | 'scenario';
  name: string;
  fields: string[];
}

/**
 * What a revision that drops fields would leave pointing at nothing: the dependents naming any
 * of the dropped fields (lineage traces objections to sources through those names).
 */
export function droppedFieldsInUse(
  before: readonly string[],
  after: readonly string[],
  dependents: readonly FieldDependent[],
): FieldDependent[] {
  const dropped = new Set(before.filter((f) => !after.includes(f)));
  return dependents.map((d) => ({ ...d, fields: d.fields.filter((f) => dropped.has(f)) })).filter((d) => d.fields.length > 0);
}
