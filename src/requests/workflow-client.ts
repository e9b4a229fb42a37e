/**
 * The API's side of a request's workflow: start it after filing, and hand it people's actions
 * as updates, turning the workflow's refusals back into the API's typed errors.
 */
import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  WorkflowUpdateStage,
  type Client,
} from '@temporalio/client';
import { ApplicationFailure, type UpdateDefinition } from '@temporalio/common';
import type { requestWorkflow } from '../../workflows/request.js';
import { REQUEST_WORKFLOW, requestUpdates } from '../../workflows/request-api.js';
import type { ActionInput, ActionName } from './rules/actions.js';
import type { RequestView } from './rules/view.js';
import type { Config } from '../platform/config.js';
import { AppError, ConflictError, ServiceUnavailableError } from '../platform/errors.js';
import { temporalUnanswered } from '../platform/temporal/connection.js';
import { requestWorkflowId } from './open-step.js';

/**
 * How long the API waits for Temporal. Left alone, the client retries an unreachable server for
 * about 20 s; a person filing or approving should get an answer sooner. An update is first
 * accepted (the workflow's validator ran) and then completed (its step committed); the second
 * waits on the database, so it gets longer.
 */
export const START_DEADLINE_MS = 5_000;
export const ACCEPT_DEADLINE_MS = 5_000;
export const COMPLETE_DEADLINE_MS = 15_000;

/** Starts the request's workflow; starting one that runs already is not an error (retries, the reconciler). */
export async function startRequestWorkflow(client: Client, settings: Config['temporal'], requestId: string): Promise<void> {
  try {
    await client.connection.withDeadline(Date.now() + START_DEADLINE_MS, () =>
      client.workflow.start<typeof requestWorkflow>(REQUEST_WORKFLOW, {
        taskQueue: settings.taskQueue,
        workflowId: requestWorkflowId(requestId),
        args: [{ requestId }],
        workflowIdConflictPolicy: 'USE_EXISTING',
      }),
    );
  } catch (error) {
    if (error instanceof WorkflowExecutionAlreadyStartedError) return;
    throw error;
  }
}

const STATUSES = new Set([400, 403, 404, 409, 422]);

/** Sends an action to the request's workflow and waits for its answer. */
export async function updateRequest<K extends ActionName>(
  client: Client,
  requestId: string,
  name: K,
  args: ActionInput<K>,
): Promise<RequestView> {
  let accepted = false;
  try {
    const handle = client.workflow.getHandle(requestWorkflowId(requestId));
    const update = await client.connection.withDeadline(Date.now() + ACCEPT_DEADLINE_MS, () =>
      // Each name's definition takes that action's input (request-api.ts builds them so).
      handle.startUpdate(requestUpdates[name] as unknown as UpdateDefinition<RequestView, [ActionInput<K>], string>, {
        args: [args],
        waitForStage: WorkflowUpdateStage.ACCEPTED,
      }),
    );
    accepted = true;
    return await client.connection.withDeadline(Date.now() + COMPLETE_DEADLINE_MS, () => update.result());
  } catch (error) {
    if (error instanceof WorkflowUpdateFailedError && error.cause instanceof ApplicationFailure) {
      const detail = (error.cause.details?.[0] ?? {}) as { status?: number; details?: unknown };
      // The step failed for a reason that is not the caller's (a bug), or a validator crashed
      // rather than refused (no status of ours): the workflow stays actionable; the API reports
      // a server error instead of passing the crash off as the caller's conflict.
      if (detail.status === 500 || detail.status === undefined)
        throw new Error(`request step ${name} failed: ${error.cause.message}`, { cause: error });
      const status = detail.status && STATUSES.has(detail.status) ? detail.status : 409;
      throw new AppError(status as AppError['status'], error.cause.type ?? 'rejected', error.cause.message, detail.details ?? undefined);
    }
    if (error instanceof WorkflowNotFoundError || isCompleted(error)) {
      throw new ConflictError('request_closed', 'The request is closed; its workflow takes no more actions');
    }
    const unanswered = temporalUnanswered(error);
    // Before acceptance an unreachable server changed nothing; after it, the step may still commit.
    if (unanswered === 'unavailable' && !accepted) {
      throw new ServiceUnavailableError(
        'workflow_engine_unavailable',
        'The workflow engine cannot be reached; nothing was changed. Try again shortly.',
      );
    }
    if (unanswered) {
      // The update may have been accepted and may still commit: say so, so nobody assumes either way.
      throw new ServiceUnavailableError(
        'workflow_engine_timeout',
        'The workflow engine did not confirm the action in time; it may still take effect. Reload the request before trying again.',
      );
    }
    throw error;
  }
}

function isCompleted(error: unknown): boolean {
  return error instanceof Error && /workflow execution already completed/i.test(error.message);
}

export const reconcilerWorkflowId = (taskQueue: string) => `request-reconciler:${taskQueue}`;

/** Starts the task queue's request reconciler unless it runs already (every worker calls this). */
export async function ensureRequestReconciler(
  client: Client,
  settings: Config['temporal'],
  input = { intervalMs: 60_000, graceMs: 30_000 },
): Promise<void> {
  await client.workflow.start('requestReconcilerWorkflow', {
    taskQueue: settings.taskQueue,
    workflowId: reconcilerWorkflowId(settings.taskQueue),
    args: [input],
    workflowIdConflictPolicy: 'USE_EXISTING',
  });
}
