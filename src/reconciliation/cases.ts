/**
 * What the reconciler needs to know of a kind of case, given by the capability that owns it
 * (`reconciledRequests`, `reconciledGrants`, `reconciledObjections`) and composed in src/server:
 * where its rows and views are, when it is open, and which workflow keeps it.
 */
import type { Db } from '../platform/db/client.js';
import { NotFoundError } from '../platform/errors.js';
import type { CaseKind } from './rules/divergence.js';

export interface ReconciledCase<V = unknown> {
  kind: CaseKind;
  /** The workflow type that keeps a case of this kind, and its id and arguments for a case. */
  workflowType: string;
  workflowId(caseId: string): string;
  /** The case a workflow id names, or null when it names none of this kind. */
  caseIdOf(workflowId: string): string | null;
  startArgs(caseId: string): unknown[];
  /** Cases recorded before `before` whose workflow never started, oldest first. */
  unstarted(db: Db, before: Date, limit: number): Promise<string[]>;
  /** Records that the case's workflow runs. */
  markStarted(db: Db, caseId: string, at: Date): Promise<void>;
  /**
   * Cases the database may hold open whose workflow started before `startedBefore`, by id after
   * `after` (a superset: `isOpen` on the view decides).
   */
  openCandidates(db: Db, after: string | null, startedBefore: Date, limit: number): Promise<string[]>;
  /** The case's view as its workflow holds it, read from the database; null when there is no such case. */
  view(db: Db, caseId: string): Promise<V | null>;
  /** Whether the case's workflow should be running. */
  isOpen(view: V): boolean;
}

/** Every kind of case, by kind. */
export type ReconciledCases = Readonly<Record<CaseKind, ReconciledCase>>;

/**
 * A kind of case from what its capability knows: the workflow id's prefix gives `caseIdOf`, and a
 * case its reader does not find (404) is one the database does not hold.
 */
export function reconciledCase<V>(
  spec: Omit<ReconciledCase<V>, 'caseIdOf' | 'view'> & { read: (db: Db, caseId: string) => Promise<V> },
): ReconciledCase<V> {
  const { read, ...rest } = spec;
  const prefix = spec.workflowId('');
  return {
    ...rest,
    caseIdOf: (workflowId) => (workflowId.startsWith(prefix) ? workflowId.slice(prefix.length) : null),
    async view(db, caseId) {
      try {
        return await read(db, caseId);
      } catch (error) {
        if (error instanceof NotFoundError) return null;
        throw error;
      }
    },
  };
}
