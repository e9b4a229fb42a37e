/**
 * The dashboard's day rollups are refreshed on an interval: the stale days marked since the last
 * round are folded back in. A failed round is retried with backoff; the loop never ends (it
 * continues as new to keep its history short).
 */
import { continueAsNew, proxyActivities, sleep, workflowInfo } from '@temporalio/workflow';
import type { DashboardActivities } from '../src/dashboard/rollups.js';

const act = proxyActivities<DashboardActivities>({
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes' },
});

export async function dashboardRollupWorkflow(input: { intervalMs: number }): Promise<never> {
  for (let round = 0; round < 500 && workflowInfo().historyLength < 10_000; round++) {
    await act.refreshDashboardRollups();
    await sleep(input.intervalMs);
  }
  return continueAsNew<typeof dashboardRollupWorkflow>(input);
}
