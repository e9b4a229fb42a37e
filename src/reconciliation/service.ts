/**
 * The reconciler's runs (对账): kept when the workflow reports them, listed for the center and
 * auditors, and started on demand. A run that repaired something is audited; runs that found
 * nothing are pruned after a week (one a minute would otherwise fill the table).
 */
import { ScheduleNotFoundError, type Client } from '@temporalio/client';
import { and, desc, gt, lt, sql, type SQL } from 'drizzle-orm';
import { appendAudit } from '../audit/index.js';
import type { RequestContext } from '../identity/index.js';
import { Action, Subject } from '../identity/rules/abilities.js';
import type { Db } from '../platform/db/client.js';
import { reconciliationRuns } from '../platform/db/schema.js';
import { ForbiddenError, ServiceUnavailableError } from '../platform/errors.js';
import { temporalUnimplemented } from '../platform/temporal/connection.js';
import type { JsonBody, QueryParams } from '../platform/http/contract.js';
import { decodeCursor, page } from '../platform/http/cursor.js';
import { countByDivergence, type RepairRecord, type RunReport } from './rules/divergence.js';
import { reconcilerScheduleId } from './schedule.js';

const QUIET_RUNS_KEPT_MS = 7 * 24 * 60 * 60 * 1000;

export async function recordRun(db: Db, run: { startedAt: Date; finishedAt: Date; report: RunReport }): Promise<string> {
  const { repairs } = run.report;
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(reconciliationRuns)
      .values({ startedAt: run.startedAt, finishedAt: run.finishedAt, checked: run.report.checked, repairs, repairCount: repairs.length })
      .returning({ id: reconciliationRuns.id });
    if (repairs.length)
      await appendAudit(tx, {
        actor: { kind: 'system', role: 'reconciler' },
        action: 'reconciliation.repaired',
        subjectType: 'reconciliation_run',
        subjectId: row!.id,
        after: { repairs: countByDivergence(repairs), cases: repairs.map((r) => `${r.kind}:${r.caseId}`) },
        at: run.finishedAt,
      });
    await tx
      .delete(reconciliationRuns)
      .where(
        and(
          sql`${reconciliationRuns.repairCount} = 0`,
          lt(reconciliationRuns.startedAt, new Date(run.finishedAt.getTime() - QUIET_RUNS_KEPT_MS)),
        ),
      );
    return row!.id;
  });
}

const isStart = (v: unknown): v is string => typeof v === 'string' && !Number.isNaN(Date.parse(v));

export class ReconciliationService {
  constructor(private readonly deps: { db: Db; temporal: { client: Client; settings: { taskQueue: string } } }) {}

  async list(ctx: RequestContext, query: QueryParams<'listReconciliationRuns'>): Promise<JsonBody<'listReconciliationRuns', 200>> {
    if (!ctx.actor.ability.can(Action.read, Subject.Reconciliation))
      throw new ForbiddenError('forbidden', 'Only the big-data center and auditors read the reconciler’s runs');
    const limit = query.limit ?? 20;
    const before = decodeCursor(query.cursor, isStart);
    const where: SQL[] = [];
    if (query.repairedOnly) where.push(gt(reconciliationRuns.repairCount, 0));
    if (before) where.push(lt(reconciliationRuns.startedAt, new Date(before)));
    const rows = await this.deps.db
      .select()
      .from(reconciliationRuns)
      .where(and(...where))
      .orderBy(desc(reconciliationRuns.startedAt))
      .limit(limit + 1);
    const result = page(rows, limit, (r) => r.startedAt.toISOString());
    return {
      items: result.items.map((r) => {
        const repairs = r.repairs as RepairRecord[];
        return {
          id: r.id,
          startedAt: r.startedAt.toISOString(),
          finishedAt: r.finishedAt.toISOString(),
          checked: r.checked as RunReport['checked'],
          repairCount: r.repairCount,
          byDivergence: countByDivergence(repairs),
          repairs: repairs.map((x) => ({ ...x, note: x.note ?? null })),
        };
      }),
      nextCursor: result.nextCursor,
    };
  }

  /** Starts a run now (the schedule's own, so two never overlap). */
  async runNow(ctx: RequestContext): Promise<JsonBody<'runReconciliation', 202>> {
    if (!ctx.actor.ability.can(Action.create, Subject.Reconciliation))
      throw new ForbiddenError('forbidden', 'Only the big-data center starts the reconciler');
    const { client, settings } = this.deps.temporal;
    try {
      await client.schedule.getHandle(reconcilerScheduleId(settings.taskQueue)).trigger();
    } catch (error) {
      // Not created yet (no worker has started), or a Temporal server without schedules.
      if (error instanceof ScheduleNotFoundError || temporalUnimplemented(error))
        throw new ServiceUnavailableError(
          'reconciler_not_scheduled',
          'The reconciler is not scheduled: a worker schedules it when it starts',
        );
      throw error;
    }
    return { triggered: true };
  }
}
