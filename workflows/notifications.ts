/**
 * Notification delivery. The relay (one per task queue) finds committed outbox entries, puts a
 * batch of them in the departments' inboxes in one activity — which also dispatches the entries
 * no webhook waits for — and starts one delivery workflow per entry still to post (id
 * `notification-<outboxId>`, so an entry is never delivered by two workflows at once, nor again
 * once a delivery has completed); each delivery puts the message in the department's inbox
 * (already there, mostly) and posts it to the department's webhooks,
 * retrying each with backoff. Each webhook delivery is also claimed in the database before it
 * is posted, so none is posted again once delivered or given up, whatever runs it.
 */
import {
  ActivityFailure,
  condition,
  continueAsNew,
  defineSignal,
  ParentClosePolicy,
  patched,
  proxyActivities,
  setHandler,
  startChild,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError, WorkflowIdReusePolicy } from '@temporalio/common';
import type { NotificationActivities } from '../src/notifications/activities.js';

const io = proxyActivities<NotificationActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

/** Webhook attempts: 1 s, 2 s, 4 s … up to 10 minutes apart, 8 attempts in all (documented). */
const webhook = proxyActivities<NotificationActivities>({
  startToCloseTimeout: '30 seconds',
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '10 minutes',
    maximumAttempts: 8,
    nonRetryableErrorTypes: [],
  },
});

export const notificationsPending = defineSignal('notificationsPending');

export async function deliverNotificationWorkflow(outboxId: string): Promise<{ webhooks: number; failed: number }> {
  await io.deliverToInbox(outboxId);
  const deliveries = await io.prepareWebhookDeliveries(outboxId, new Date().toISOString());
  const results = await Promise.all(
    deliveries.map(async (deliveryId) => {
      try {
        await webhook.sendWebhook(deliveryId);
        return true;
      } catch (error) {
        if (!(error instanceof ActivityFailure)) throw error;
        await io.markWebhookFailed(deliveryId);
        return false;
      }
    }),
  );
  await io.markDispatched([outboxId], new Date().toISOString());
  return { webhooks: deliveries.length, failed: results.filter((ok) => !ok).length };
}

export interface RelayInput {
  pollIntervalMs: number;
  batchSize: number;
}

export async function notificationRelayWorkflow(input: RelayInput): Promise<never> {
  let pending = false;
  setHandler(notificationsPending, () => {
    pending = true;
  });
  for (let round = 0; round < 200; round++) {
    pending = false;
    const ids = await io.listPendingNotifications(input.batchSize);
    // The batch's inbox copies in one activity, and only notices to post get a delivery workflow:
    // one workflow per notice kept the relay behind the load test's pace (README, load).
    const toPost =
      ids.length > 0 && patched('relay-delivers-inboxes-together') ? await io.deliverToInboxes(ids, new Date().toISOString()) : ids;
    let started = 0;
    const start = async (id: string) => {
      try {
        await startChild(deliverNotificationWorkflow, {
          workflowId: `notification-${id}`,
          args: [id],
          parentClosePolicy: ParentClosePolicy.ABANDON,
          // The listing may predate a delivery that has since completed (and marked the entry
          // dispatched): that run must not be repeated. A run that failed or was terminated
          // did not finish, so the entry is delivered again (its sends are idempotent).
          workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE_FAILED_ONLY,
        });
        started++;
      } catch (error) {
        // Being delivered, or delivered, by an earlier round: nothing to do.
        if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
      }
    };
    // The batch's deliveries start together, in one workflow task: one at a time, each start
    // waited a round trip to the server, and the relay managed under one notice a second (load test).
    if (patched('relay-starts-batch-at-once')) await Promise.all(toPost.map(start));
    else for (const id of toPost) await start(id);
    // A full batch whose deliveries are all still running is no reason to list again at once:
    // the relay waits as it does when the outbox is drained (histories before this wait kept it).
    // A batch it dispatched itself (no webhook to post to) is progress: it lists again at once.
    const nothingNew = started === 0 && toPost.length === ids.length && patched('relay-waits-when-nothing-new');
    if (ids.length < input.batchSize || nothingNew) await condition(() => pending, input.pollIntervalMs);
  }
  return continueAsNew<typeof notificationRelayWorkflow>(input);
}
