/**
 * The API's side of a request's workflow: start it after filing, and hand it people's actions
 * as updates, turning the workflow's refusals back into the API's typed errors.
 */
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import type { requestWorkflow } from '../../workflows/request.js';
import { REQUEST_WORKFLOW, requestUpdates } from '../../workflows/request-api.js';
import type { ActionInput, ActionName } from './rules/actions.js';
import type { RequestView } from './rules/view.js';
import type { Config } from '../platform/config.js';
import { ConflictError } from '../platform/errors.js';
import { sendCaseUpdate, START_DEADLINE_MS } from '../platform/temporal/case-update.js';
import { requestWorkflowId } from './open-step.js';

export { START_DEADLINE_MS };

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

/** Sends an action to the request's workflow and waits for its answer. */
export async function updateRequest<K extends ActionName>(
  client: Client,
  requestId: string,
  name: K,
  args: ActionInput<K>,
): Promise<RequestView> {
  // Each name's definition takes that action's input (request-api.ts builds them so).
  const update = requestUpdates[name] as unknown as UpdateDefinition<RequestView, [ActionInput<K>], string>;
  return sendCaseUpdate(client, requestWorkflowId(requestId), update, args, {
    step: `request step ${name}`,
    closed: () => new ConflictError('request_closed', 'The request is closed; its workflow takes no more actions'),
  });
}
