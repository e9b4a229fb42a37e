/**
 * What the reconciler (对账) compares and how it repairs a difference, for every kind of case.
 * PostgreSQL holds every case's state; Temporal holds the workflow that keeps its timed steps and
 * takes its parties' actions. Each divergence names the side that is wrong and the one repair
 * that brings the two back together — starting, refreshing or ending the workflow, or telling it a
 * clock it missed. The database is never changed to agree with a workflow.
 */

/** The kinds of case that run as workflows. A coordination (三方协调) is a step of its request's workflow. */
export const CASE_KINDS = ['request', 'grant', 'objection'] as const;
export type CaseKind = (typeof CASE_KINDS)[number];

export const DIVERGENCES = [
  /** Open in the database, its workflow never started (Temporal unreachable at filing or issue). */
  'workflow_not_started',
  /** Open in the database, recorded as started, but Temporal has no run of it (lost or deleted). */
  'workflow_missing',
  /** Open in the database, its workflow ended (terminated, failed, timed out or completed early). */
  'workflow_closed',
  /** Both open, the workflow's view differs from the database's (a change it was never told of). */
  'view_stale',
  /** The workflow runs, the database closed the case. */
  'case_closed',
  /** The workflow runs for a case the database does not hold. */
  'case_absent',
  /** A clock moved while its workflow could not be told. */
  'clock_unannounced',
] as const;
export type Divergence = (typeof DIVERGENCES)[number];

export type Repair = 'start' | 'refresh' | 'terminate' | 'announce';

/** The one repair of each divergence. */
export const REPAIR_OF: Readonly<Record<Divergence, Repair>> = {
  workflow_not_started: 'start',
  workflow_missing: 'start',
  workflow_closed: 'start',
  view_stale: 'refresh',
  case_closed: 'refresh', // the workflow reads the case again and ends as the database says
  case_absent: 'terminate',
  clock_unannounced: 'announce',
};

/** What Temporal says of a case's workflow. */
export type WorkflowStatus = 'running' | 'closed' | 'absent';

/** An open case's divergence, if any: from its workflow's status and whether the two views agree. */
export function divergenceOfOpenCase(status: WorkflowStatus, viewsAgree: boolean): Divergence | null {
  if (status === 'absent') return 'workflow_missing';
  if (status === 'closed') return 'workflow_closed';
  return viewsAgree ? null : 'view_stale';
}

/** A running workflow's divergence, if any, from what the database holds of its case. */
export function divergenceOfRunningWorkflow(caseState: 'open' | 'closed' | 'absent'): Divergence | null {
  if (caseState === 'absent') return 'case_absent';
  return caseState === 'closed' ? 'case_closed' : null;
}

/**
 * Whether two views say the same: compared as canonical JSON (keys sorted, absent and undefined
 * alike), so the order a view's fields were built in never counts as a difference.
 */
export function sameView(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b);
}

function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v)
            .filter(([, inner]) => inner !== undefined)
            .sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)),
        )
      : v,
  );
}

/** One repaired divergence, as the run's report lists it. */
export interface RepairRecord {
  kind: CaseKind;
  caseId: string;
  workflowId: string;
  divergence: Divergence;
  repair: Repair;
  /** Whether the repair took (a start refused by Temporal, say, is tried again next run). */
  done: boolean;
  note?: string;
}

/** A page's outcome: what was compared, what was repaired, and where the next page starts (null: done). */
export interface PageResult {
  checked: number;
  repairs: RepairRecord[];
  next: string | null;
}

/** What one run checked and repaired. */
export interface RunReport {
  checked: Record<CaseKind, { cases: number; workflows: number }> & { clocks: number };
  repairs: RepairRecord[];
}

export const emptyReport = (): RunReport => ({
  checked: { request: { cases: 0, workflows: 0 }, grant: { cases: 0, workflows: 0 }, objection: { cases: 0, workflows: 0 }, clocks: 0 },
  repairs: [],
});

/** Counts by divergence, for the run's row and the console. */
export function countByDivergence(repairs: readonly RepairRecord[]): Partial<Record<Divergence, number>> {
  const counts: Partial<Record<Divergence, number>> = {};
  for (const r of repairs) counts[r.divergence] = (counts[r.divergence] ?? 0) + 1;
  return counts;
}
