/**
 * One pass of the reconciler (对账), started by its Temporal schedule every interval: for every
 * kind of case it starts the workflows that never started, compares the database's open cases
 * with their workflows page by page, then Temporal's running workflows with the database, tells
 * workflows the clocks they missed, and keeps the report. Orchestration only: every comparison
 * and repair is an activity (src/reconciliation/activities.ts).
 */
import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../src/server/activities.js';
import { CASE_KINDS, emptyReport, type PageResult, type RunReport } from '../src/reconciliation/rules/divergence.js';

const act = proxyActivities<Activities>({
  startToCloseTimeout: '10 minutes',
  // The comparisons beat per case: a page on a worker that died is taken up again after this long.
  heartbeatTimeout: '20 seconds',
  // A pass that keeps failing ends; the schedule's next pass starts afresh (never retried forever).
  retry: { initialInterval: '2 seconds', maximumInterval: '30 seconds', backoffCoefficient: 2, maximumAttempts: 3 },
});

/** Pages per kind and pass: what is left waits for the next pass. */
const MAX_PAGES = 100;

export async function reconcilerWorkflow(input: { graceMs: number; pageSize: number }): Promise<RunReport & { runId: string }> {
  const startedAt = new Date().toISOString();
  // Anything younger than the grace is still in the hands of whoever started it.
  const before = new Date(Date.now() - input.graceMs).toISOString();
  const report = emptyReport();
  for (const kind of CASE_KINDS) {
    const unstarted = await act.reconcileUnstarted({ kind, before, at: new Date().toISOString(), limit: input.pageSize });
    report.repairs.push(...unstarted.repairs);
    let after: string | null = null;
    for (let pages = 0; pages < MAX_PAGES; pages++) {
      const result: PageResult = await act.reconcileOpenCases({ kind, after, before, at: new Date().toISOString(), limit: input.pageSize });
      report.checked[kind].cases += result.checked;
      report.repairs.push(...result.repairs);
      if (!(after = result.next)) break;
    }
    let token: string | null = null;
    for (let pages = 0; pages < MAX_PAGES; pages++) {
      const result: PageResult = await act.reconcileRunningWorkflows({
        kind,
        pageToken: token,
        startedBefore: before,
        limit: input.pageSize,
      });
      report.checked[kind].workflows += result.checked;
      report.repairs.push(...result.repairs);
      if (!(token = result.next)) break;
    }
  }
  const clocks = await act.reconcileClocks({ before, limit: 500 });
  report.checked.clocks = clocks.checked;
  report.repairs.push(...clocks.repairs);
  const runId = await act.recordReconciliation({ startedAt, finishedAt: new Date().toISOString(), report });
  return { ...report, runId };
}
