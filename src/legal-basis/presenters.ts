/** Register entries as the contract shows them. */
import type { JsonBody } from '../platform/http/contract.js';
import type { LegalBasisVersionRow } from './service.js';

export type LegalBasisEntryView = JsonBody<'getLegalBasis', 200>['entry'];

export const legalBasisView = (v: LegalBasisVersionRow): LegalBasisEntryView => ({
  id: v.legalBasisId,
  version: v.version,
  kind: v.kind,
  title: v.title,
  documentNumber: v.documentNumber,
  article: v.article,
  excerpt: v.excerpt,
  prohibitsSharing: v.prohibitsSharing,
  inForce: v.inForce,
  note: v.note,
  createdAt: v.createdAt.toISOString(),
  createdBy: v.createdBy,
});
