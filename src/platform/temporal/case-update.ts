/**
 * The API's side of a person's action on any case workflow (a request, a grant): send it as an
 * update, wait for its answer, and turn the workflow's refusals and Temporal's silence back into
 * the API's typed errors.
 */
import { WorkflowNotFoundError, WorkflowUpdateFailedError, WorkflowUpdateStage, type Client } from '@temporalio/client';
import { ApplicationFailure, type UpdateDefinition } from '@temporalio/common';
import { AppError, ServiceUnavailableError } from '../errors.js';
import { temporalUnanswered } from './connection.js';

/**
 * How long the API waits for Temporal. Left alone, the client retries an unreachable server for
 * about 20 s; a person acting should get an answer sooner. An update is first accepted (the
 * workflow's validator ran) and then completed (its step committed); the second waits on the
 * database, so it gets longer.
 */
export const START_DEADLINE_MS = 5_000;
export const ACCEPT_DEADLINE_MS = 5_000;
export const COMPLETE_DEADLINE_MS = 15_000;

const STATUSES = new Set([400, 403, 404, 409, 422]);

export async function sendCaseUpdate<V, A>(
  client: Client,
  workflowId: string,
  definition: UpdateDefinition<V, [A], string>,
  args: A,
  errors: { /** Names the step in a server error. */ step: string; /** The case's "closed" conflict. */ closed: () => AppError },
): Promise<V> {
  let accepted = false;
  try {
    const handle = client.workflow.getHandle(workflowId);
    const update = await client.connection.withDeadline(Date.now() + ACCEPT_DEADLINE_MS, () =>
      handle.startUpdate(definition, { args: [args], waitForStage: WorkflowUpdateStage.ACCEPTED }),
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
        throw new Error(`${errors.step} failed: ${error.cause.message}`, { cause: error });
      const status = detail.status && STATUSES.has(detail.status) ? detail.status : 409;
      throw new AppError(status as AppError['status'], error.cause.type ?? 'rejected', error.cause.message, detail.details ?? undefined);
    }
    if (error instanceof WorkflowNotFoundError || isCompleted(error)) throw errors.closed();
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
