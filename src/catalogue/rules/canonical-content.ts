/**
 * Comparing dataset contents by meaning, pure: an import leaves a dataset unchanged when its
 * row says what the current version says.
 */
import canonicalize from 'canonicalize';
import type { SharingConditions } from './conditions.js';
import type { DatasetContent } from './dataset.js';

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
