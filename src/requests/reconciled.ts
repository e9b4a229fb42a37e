/** Requests for the reconciler (对账): a filed request is kept by its workflow until it closes (src/reconciliation). */
import { and, asc, gt, lt, notInArray, or, sql } from 'drizzle-orm';
import { REQUEST_WORKFLOW } from '../../workflows/request-api.js';
import type { Db } from '../platform/db/client.js';
import { requests, slaClocks } from '../platform/db/schema.js';
import { reconciledCase } from '../reconciliation/index.js';
import { viewRequest } from './case.js';
import { markWorkflowStarted, unstartedRequests } from './filing.js';
import { requestWorkflowId } from './open-step.js';
import { TERMINAL_STATES } from './rules/lifecycle.js';
import { isCaseOpen, type RequestView } from './rules/view.js';

export const reconciledRequests = reconciledCase<RequestView>({
  kind: 'request',
  workflowType: REQUEST_WORKFLOW,
  workflowId: requestWorkflowId,
  startArgs: (requestId) => [{ requestId }],
  unstarted: unstartedRequests,
  markStarted: markWorkflowStarted,
  async openCandidates(db: Db, after: string | null, startedBefore: Date, limit: number) {
    // Not closed, or closed by a refusal whose dispute window (争议) still runs.
    const windowRuns = sql`exists (select 1 from ${slaClocks} where ${slaClocks.id} = ${requests.disputeWindowClockId} and ${slaClocks.state} <> 'stopped')`;
    const rows = await db
      .select({ id: requests.id })
      .from(requests)
      .where(
        and(
          lt(requests.workflowStartedAt, startedBefore),
          or(and(notInArray(requests.state, [...TERMINAL_STATES]), sql`${requests.state} <> 'draft'`), windowRuns),
          after ? gt(requests.id, after) : undefined,
        ),
      )
      .orderBy(asc(requests.id))
      .limit(limit);
    return rows.map((r) => r.id);
  },
  read: viewRequest,
  isOpen: isCaseOpen,
});
