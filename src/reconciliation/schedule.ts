/**
 * The reconciler runs on a Temporal schedule (one per task queue), so a pass starts every
 * interval whether or not a worker was up for the last one, and two passes never overlap. Every
 * worker ensures it at start; the long-running reconciler loop of earlier versions is ended.
 */
import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Config } from '../platform/config.js';

export const reconcilerScheduleId = (taskQueue: string) => `reconciler:${taskQueue}`;

/** What one pass is given: how old a start or change must be before its absence counts, and the page size. */
export interface ReconcilerInput {
  graceMs: number;
  pageSize: number;
}

export const DEFAULT_RECONCILER_INPUT: ReconcilerInput = { graceMs: 30_000, pageSize: 100 };

export async function ensureReconcilerSchedule(
  client: Client,
  settings: Config['temporal'],
  options: { everyMs?: number; input?: ReconcilerInput } = {},
): Promise<void> {
  const scheduleId = reconcilerScheduleId(settings.taskQueue);
  const spec = { intervals: [{ every: options.everyMs ?? 60_000 }] };
  const action = {
    type: 'startWorkflow' as const,
    workflowType: 'reconcilerWorkflow',
    workflowId: scheduleId,
    taskQueue: settings.taskQueue,
    args: [options.input ?? DEFAULT_RECONCILER_INPUT],
    // A pass that cannot finish in this long is cut; the next one starts from the beginning.
    workflowExecutionTimeout: '30 minutes',
  };
  try {
    await client.schedule.create({
      scheduleId,
      spec,
      action,
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 minute' },
    });
  } catch (error) {
    if (!(error instanceof ScheduleAlreadyRunning)) throw error;
    await client.schedule.getHandle(scheduleId).update((previous) => ({ ...previous, spec, action }));
  }
  // The loop that reconciled before the schedule (versions up to 2026-12): ended, once.
  try {
    await client.workflow.getHandle(`request-reconciler:${settings.taskQueue}`).terminate('replaced by the reconciler schedule');
  } catch (error) {
    if (!(error instanceof WorkflowNotFoundError)) throw error;
  }
}
