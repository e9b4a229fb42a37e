/**
 * The day rollups' upkeep (migration 0020): the activity folds the days marked stale back into
 * the rollups, and one long-running workflow per task queue calls it every interval. Figures are
 * exact without it (readers take the facts for stale days); it keeps them fast.
 */
import type { Client } from '@temporalio/client';
import { sql } from 'drizzle-orm';
import type { Config } from '../platform/config.js';
import type { Db } from '../platform/db/client.js';
import type { dashboardRollupWorkflow } from '../../workflows/dashboard.js';
import { rowsOf } from './queries.js';

/** Folds the stale days into the rollups; returns how many days it refreshed. */
export async function refreshDashboardRollups(db: Db): Promise<number> {
  const [row] = rowsOf<{ days: number }>(await db.execute(sql`select refresh_request_fact_rollups() as days`));
  return row!.days;
}

export function createDashboardActivities(deps: { db: Db }) {
  return {
    async refreshDashboardRollups(): Promise<number> {
      return refreshDashboardRollups(deps.db);
    },
  };
}

export type DashboardActivities = ReturnType<typeof createDashboardActivities>;

export const rollupWorkflowId = (taskQueue: string) => `dashboard-rollups:${taskQueue}`;

/** Starts the task queue's rollup refresher unless it runs already (every worker calls this). */
export async function ensureDashboardRollups(client: Client, settings: Config['temporal'], input = { intervalMs: 30_000 }): Promise<void> {
  await client.workflow.start<typeof dashboardRollupWorkflow>('dashboardRollupWorkflow', {
    taskQueue: settings.taskQueue,
    workflowId: rollupWorkflowId(settings.taskQueue),
    args: [input],
    workflowIdConflictPolicy: 'USE_EXISTING',
  });
}
