import type { Client } from '@temporalio/client';
import type { Logger } from 'pino';
import type { Clock } from '../platform/clock.js';
import type { Db } from '../platform/db/client.js';
import { createDashboardActivities } from '../dashboard/index.js';
import { createGrantActivities, GRANT_PERSON_STEPS, reconciledGrants } from '../grants/index.js';
import { createNotificationActivities } from '../notifications/index.js';
import { createObjectionActivities, OBJECTION_PERSON_STEPS, reconciledObjections } from '../objections/index.js';
import { createReconciliationActivities } from '../reconciliation/index.js';
import { createRequestActivities, PERSON_STEPS, reconciledRequests } from '../requests/index.js';
import { classifyActivityFailures } from '../platform/temporal/activity-failures.js';

/** What activities may touch. Workflows never see these; they call activities by name. */
export interface ActivityDeps {
  db: Db;
  log: Logger;
  clock: Clock;
  webhookTimeoutMs?: number;
  /** Deliver webhooks to loopback and private addresses (not in production; see webhook-targets.ts). */
  allowPrivateWebhookTargets?: boolean;
  /** The worker's Temporal client and task queue, for the reconciler's comparisons and repairs. */
  temporal?: { client: Client; taskQueue: string };
}

/** Every kind of case the reconciler compares with its workflow. */
export const reconciledCases = { request: reconciledRequests, grant: reconciledGrants, objection: reconciledObjections };

/**
 * Builds every activity the worker registers. Activities are top-level (not owned by one
 * workflow), do the I/O, and receive business instants from their workflow. Their failures are
 * classified once (transient: retried; anything else: final, without the values involved).
 */
export function createActivities(deps: ActivityDeps) {
  return classifyActivityFailures(
    {
      ...createDashboardActivities(deps),
      ...createNotificationActivities(deps),
      ...createRequestActivities(deps),
      ...createGrantActivities(deps),
      ...createObjectionActivities(deps),
      ...createReconciliationActivities({ ...deps, cases: reconciledCases }),
    },
    new Set([...PERSON_STEPS, ...GRANT_PERSON_STEPS, ...OBJECTION_PERSON_STEPS]),
  );
}

export type Activities = ReturnType<typeof createActivities>;
