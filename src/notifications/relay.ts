import type { Client } from '@temporalio/client';
import type { Config } from '../platform/config.js';
import type { notificationRelayWorkflow, RelayInput } from '../../workflows/notifications.js';

export const relayWorkflowId = (taskQueue: string) => `notification-relay:${taskQueue}`;

/** Starts the task queue's notification relay unless it is already running (every worker calls this). */
export async function ensureNotificationRelay(
  client: Client,
  settings: Config['temporal'],
  input: RelayInput = { pollIntervalMs: 5_000, batchSize: 50 },
): Promise<void> {
  await client.workflow.start<typeof notificationRelayWorkflow>('notificationRelayWorkflow', {
    taskQueue: settings.taskQueue,
    workflowId: relayWorkflowId(settings.taskQueue),
    args: [input],
    workflowIdConflictPolicy: 'USE_EXISTING',
  });
}

/**
 * Wakes the relay after a commit that enqueued notifications, so delivery starts at once rather
 * than at the next poll. Best effort: if Temporal is unreachable the relay's poll finds the
 * entries later, since they are committed.
 */
export async function pokeNotificationRelay(client: Client, settings: Config['temporal']): Promise<void> {
  try {
    await client.connection.withDeadline(Date.now() + 2_000, () =>
      client.workflow.getHandle(relayWorkflowId(settings.taskQueue)).signal('notificationsPending'),
    );
  } catch {
    // The relay polls; nothing is lost.
  }
}
