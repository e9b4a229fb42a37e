/**
 * The legal basis a written explanation cites, resolved before the rules see it: the register
 * entry the refuser picked, at its current version, or — for a dataset catalogued not shareable,
 * when none is picked — the basis catalogued with the version the request was routed on.
 */
import { routedDatasetVersion } from '../catalogue/index.js';
import type { LegalBasis } from '../catalogue/rules/dataset.js';
import { citeLegalBasis } from '../legal-basis/index.js';
import type { LegalCitation } from '../legal-basis/rules/register.js';
import type { Db } from '../platform/db/client.js';
import { RuleViolationError } from '../platform/errors.js';

/** The catalogued basis of a not-shareable dataset version; null for any other. */
export async function cataloguedBasis(
  db: Db,
  request: { datasetId: string; datasetVersion: number },
): Promise<Extract<LegalCitation, { source: 'catalogue' }> | null> {
  const version = await routedDatasetVersion(db, request.datasetId, request.datasetVersion);
  const basis = version?.legalBasis as LegalBasis | null | undefined;
  if (version?.sharingType !== 'not_shareable' || !basis?.law) return null;
  return {
    source: 'catalogue',
    datasetId: request.datasetId,
    datasetVersion: request.datasetVersion,
    title: basis.law,
    article: basis.article ?? null,
  };
}

export async function citationFor(
  db: Db,
  request: { datasetId: string; datasetVersion: number | null },
  legalBasisId: string | undefined,
): Promise<LegalCitation> {
  if (legalBasisId) return citeLegalBasis(db, legalBasisId);
  const catalogued =
    request.datasetVersion === null
      ? null
      : await cataloguedBasis(db, { datasetId: request.datasetId, datasetVersion: request.datasetVersion });
  if (catalogued) return catalogued;
  throw new RuleViolationError(
    'legal_basis_required',
    'legalBasisId: a written explanation cites an entry of the legal-basis register (GET /api/v1/legal-bases); only data catalogued not shareable may rest on its catalogued basis instead',
  );
}
