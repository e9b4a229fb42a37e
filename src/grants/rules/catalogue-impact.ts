/**
 * What a catalogue change means for a grant on the dataset (pure): the dataset retired, fields
 * the grant carries removed, or the data catalogued not shareable from now on. Holders are told
 * and the center sees the affected grants; nothing is revoked by it (the owner or the center
 * decides that, with a reason).
 */
import type { Lifecycle, SharingType } from '../../catalogue/rules/dataset.js';

export interface CatalogueState {
  lifecycle: Lifecycle;
  sharingType: SharingType;
  fields: readonly string[];
}

export type CatalogueImpact = { kind: 'dataset_retired' } | { kind: 'fields_removed'; fields: string[] } | { kind: 'became_not_shareable' };

/** The impacts of a change from `before` to `after` on a grant carrying `grantFields`, most serious first. */
export function catalogueImpacts(before: CatalogueState, after: CatalogueState, grantFields: readonly string[]): CatalogueImpact[] {
  const impacts: CatalogueImpact[] = [];
  if (before.lifecycle !== 'retired' && after.lifecycle === 'retired') impacts.push({ kind: 'dataset_retired' });
  if (before.sharingType !== 'not_shareable' && after.sharingType === 'not_shareable') impacts.push({ kind: 'became_not_shareable' });
  const removed = grantFields.filter((f) => before.fields.includes(f) && !after.fields.includes(f));
  if (removed.length) impacts.push({ kind: 'fields_removed', fields: removed });
  return impacts;
}
