/**
 * Whose figures a caller sees: the center, the competent authority and auditors see the city; a
 * department sees its own figures (its own row of the league table), never another's.
 */
import { ForbiddenError } from '../../platform/errors.js';

export interface Viewer {
  departmentId: string;
  /** Reads every department's figures (center, competent authority, auditors). */
  seesCity: boolean;
}

/** The department the figures are for: the one asked for when allowed; a department's own by default. */
export function scopedDepartment(viewer: Viewer, asked: string | undefined): string | null {
  if (viewer.seesCity) return asked ?? null;
  if (asked !== undefined && asked !== viewer.departmentId)
    throw new ForbiddenError('dashboard_scope', "A department sees its own figures only, not another department's");
  return viewer.departmentId;
}

/** City-wide figures only (e.g. the center's and the competent authority's own steps). */
export function requireCity(viewer: Viewer): void {
  if (!viewer.seesCity)
    throw new ForbiddenError('dashboard_scope', 'These figures are for the center, the competent authority and auditors');
}
