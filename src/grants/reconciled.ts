/** Grants for the reconciler (对账): an issued grant is kept by its workflow until it expires or is revoked (src/reconciliation). */
import { and, asc, gt, isNull, lt, notInArray } from 'drizzle-orm';
import { GRANT_WORKFLOW, grantWorkflowId } from '../../workflows/grant-api.js';
import type { Db } from '../platform/db/client.js';
import { grants } from '../platform/db/schema.js';
import { reconciledCase } from '../reconciliation/index.js';
import { viewGrant } from './case.js';
import { FINAL_GRANT_STATES } from './rules/lifecycle.js';
import { isGrantOpen, type GrantView } from './rules/view.js';
import { markGrantWorkflowStarted } from './service.js';

export const reconciledGrants = reconciledCase<GrantView>({
  kind: 'grant',
  workflowType: GRANT_WORKFLOW,
  workflowId: grantWorkflowId,
  startArgs: (grantId) => [{ grantId }],
  async unstarted(db: Db, before: Date, limit: number) {
    const rows = await db
      .select({ id: grants.id })
      .from(grants)
      .where(and(isNull(grants.workflowStartedAt), lt(grants.createdAt, before)))
      .orderBy(asc(grants.createdAt))
      .limit(limit);
    return rows.map((r) => r.id);
  },
  markStarted: markGrantWorkflowStarted,
  async openCandidates(db: Db, after: string | null, startedBefore: Date, limit: number) {
    const rows = await db
      .select({ id: grants.id })
      .from(grants)
      .where(
        and(
          lt(grants.workflowStartedAt, startedBefore),
          notInArray(grants.state, [...FINAL_GRANT_STATES]),
          after ? gt(grants.id, after) : undefined,
        ),
      )
      .orderBy(asc(grants.id))
      .limit(limit);
    return rows.map((r) => r.id);
  },
  read: viewGrant,
  isOpen: isGrantOpen,
});
