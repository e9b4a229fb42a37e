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

/** The least time between two wake-ups from one API process: a busy API wakes the relay ten times a second at most. */
export const RELAY_WAKE_SPACING_MS = 100;

/**
 * Wakes the relay after a commit that enqueued notifications, so delivery starts at once rather
 * than at the next poll. Best effort: if Temporal is unreachable the relay's poll finds the
 * entries later, since they are committed. Coalesced per client and queue: while one signal is
 * under way, every later caller shares the one that follows it (a signal already sent may
 * predate their commit), so a burst of filings costs a few signals, not one each.
 */
export function pokeNotificationRelay(client: Client, settings: Config['temporal']): Promise<void> {
  let wakers = relayWakers.get(client);
  if (!wakers) relayWakers.set(client, (wakers = new Map<string, RelayWaker>()));
  let waker = wakers.get(settings.taskQueue);
  if (!waker) wakers.set(settings.taskQueue, (waker = new RelayWaker(client, relayWorkflowId(settings.taskQueue))));
  return waker.wake();
}

const relayWakers = new WeakMap<Client, Map<string, RelayWaker>>();

class RelayWaker {
  private sending: Promise<void> | null = null;
  private following: Promise<void> | null = null;

  constructor(
    private readonly client: Client,
    private readonly workflowId: string,
  ) {}

  wake(): Promise<void> {
    if (!this.sending) {
      this.sending = this.signal().finally(() => (this.sending = null));
      return this.sending;
    }
    this.following ??= this.sending
      .then(() => new Promise((resolve) => setTimeout(resolve, RELAY_WAKE_SPACING_MS)))
      .then(() => {
        this.following = null;
        return this.wake();
      });
    return this.following;
  }

  private async signal(): Promise<void> {
    try {
      await this.client.connection.withDeadline(Date.now() + 2_000, () =>
        this.client.workflow.getHandle(this.workflowId).signal('notificationsPending'),
      );
    } catch {
      // The relay polls; nothing is lost.
    }
  }
}
