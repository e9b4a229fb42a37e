/** Objections for the reconciler (对账): a raised objection is kept by its workflow until it is archived or rejected (src/reconciliation). */
import { and, asc, gt, isNull, lt, notInArray } from 'drizzle-orm';
import { OBJECTION_WORKFLOW, objectionWorkflowId } from '../../workflows/objection-api.js';
import type { Db } from '../platform/db/client.js';
import { objections } from '../platform/db/schema.js';
import { reconciledCase } from '../reconciliation/index.js';
import { viewObjection } from './case.js';
import { FINAL_OBJECTION_STATES, isOpenObjection } from './rules/lifecycle.js';
import type { ObjectionView } from './rules/view.js';
import { markObjectionWorkflowStarted } from './service.js';

export const reconciledObjections = reconciledCase<ObjectionView>({
  kind: 'objection',
  workflowType: OBJECTION_WORKFLOW,
  workflowId: objectionWorkflowId,
  startArgs: (objectionId) => [{ objectionId }],
  async unstarted(db: Db, before: Date, limit: number) {
    const rows = await db
      .select({ id: objections.id })
      .from(objections)
      .where(and(isNull(objections.workflowStartedAt), lt(objections.raisedAt, before)))
      .orderBy(asc(objections.raisedAt))
      .limit(limit);
    return rows.map((r) => r.id);
  },
  markStarted: markObjectionWorkflowStarted,
  async openCandidates(db: Db, after: string | null, startedBefore: Date, limit: number) {
    const rows = await db
      .select({ id: objections.id })
      .from(objections)
      .where(
        and(
          lt(objections.workflowStartedAt, startedBefore),
          notInArray(objections.state, [...FINAL_OBJECTION_STATES]),
          after ? gt(objections.id, after) : undefined,
        ),
      )
      .orderBy(asc(objections.id))
      .limit(limit);
    return rows.map((r) => r.id);
  },
  read: viewObjection,
  isOpen: (view) => isOpenObjection(view.state),
});
