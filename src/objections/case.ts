/**
 * An objection as a case of the engine: its view (read in one place, deadlines from its clocks)
 * and its step — one transaction per change: the state and history entry, the engine's clock
 * changes, the notices and the audit entry. Each step is keyed by the workflow (`stepKey`): a
 * retried activity whose first attempt committed changes nothing twice.
 */
import { and, eq } from 'drizzle-orm';
import { appendAudit, type AuditActor } from '../audit/index.js';
export { objectionWorkflowId } from '../../workflows/objection-api.js';
import { Subject } from '../identity/rules/abilities.js';
import { enqueueNotification } from '../notifications/index.js';
import type { Db, Tx } from '../platform/db/client.js';
import { objectionEvents, objections, objectionTasks } from '../platform/db/schema.js';
import { ConflictError, NotFoundError } from '../platform/errors.js';
import { failpoint } from '../platform/failpoints.js';
import { policyAt } from '../requests/index.js';
import { extensionCap } from '../requests/rules/policy.js';
import * as sla from '../sla/index.js';
import type { ObjectionActor } from './rules/actions.js';
import { nextObjectionState, taskParty, type ObjectionResult, type ObjectionState, type ObjectionTransition } from './rules/lifecycle.js';
import type { ObjectionView } from './rules/view.js';

export type ObjectionRow = typeof objections.$inferSelect;
export type TaskRow = typeof objectionTasks.$inferSelect;

const systemActor: AuditActor = { kind: 'system', role: 'workflow' };
export const auditActorOf = (actor: ObjectionActor | null): AuditActor =>
  actor ? { kind: 'user', userId: actor.userId, departmentId: actor.departmentId, role: actor.role } : systemActor;
export const clockMeta = (actor: ObjectionActor | null): sla.ChangeMeta => ({
  actor: auditActorOf(actor),
  requestId: actor?.httpRequestId ?? null,
});

export async function currentTasks(db: Db | Tx, row: Pick<ObjectionRow, 'id' | 'round'>): Promise<TaskRow[]> {
  return db
    .select()
    .from(objectionTasks)
    .where(and(eq(objectionTasks.objectionId, row.id), eq(objectionTasks.round, row.round)))
    .orderBy(objectionTasks.createdAt, objectionTasks.id);
}

export async function viewObjection(db: Db | Tx, id: string): Promise<ObjectionView> {
  const [row] = await db.select().from(objections).where(eq(objections.id, id));
  if (!row) throw new NotFoundError('objection_not_found', `No objection ${id}`);
  const clock = row.clockId ? await sla.getClock(db, row.clockId) : undefined;
  const tasks = await currentTasks(db, row);
  const policy = await policyAt(db, row.policyName, row.policyVersion);
  return {
    id: row.id,
    number: row.number,
    state: row.state as ObjectionState,
    fused: row.fused,
    contested: row.contested,
    round: row.round,
    objectorDepartmentId: row.objectorDepartmentId,
    ownerDepartmentId: row.ownerDepartmentId,
    clock: clock ? sla.clockedStep(clock) : null,
    tasks: await Promise.all(
      tasks.map(async (t) => ({
        id: t.id,
        round: t.round,
        departmentId: t.departmentId,
        decided: t.outcome !== null,
        clock: sla.clockedStep((await sla.getClock(db, t.clockId))!),
      })),
    ),
    extensionCapDays: extensionCap(policy.settings, policy.settings.objectionDays.verify),
  };
}

/** The objection as the engine names it in notices and supervision; a task's party is `verifier:<task id>`. */
export function stepSubject(row: ObjectionRow, tasks: readonly Pick<TaskRow, 'id' | 'departmentId'>[]): sla.StepSubject {
  return {
    subjectType: Subject.Objection,
    subjectId: row.id,
    label: `异议 ${row.number}`,
    departments: {
      objector: row.objectorDepartmentId,
      owner: row.ownerDepartmentId,
      ...Object.fromEntries(tasks.map((t) => [taskParty(t.id), t.departmentId])),
    },
    watchers: [row.objectorDepartmentId],
    noticeKind: 'objection',
    reminder: (step) =>
      step.startsWith('contest_window:')
        ? {
            title: `异议 ${row.number} 申请复核的期限今日届满`,
            body: '如对核实结果有异议，请于今日内申请复核；逾期未申请的，异议办结归档，标注撤销。',
          }
        : null,
  };
}

export type Notice = { departmentId: string; title: string; body: string };

type TransitionDetail = { result?: ObjectionResult; sustained?: boolean };

export interface ObjectionChange {
  /** The lifecycle transition (checked by the rules); null for steps that keep the state. */
  transition: ObjectionTransition | null;
  /**
   * What a transition's target depends on: the verification result, whether a contest is
   * sustained — or a function of the locked row giving it (null: nothing to record yet).
   */
  detail?: TransitionDetail | ((tx: Tx, row: ObjectionRow) => Promise<TransitionDetail | null>);
  /** The history entry's kind (accepted, traced, verified, …). */
  kind: string;
  actor: ObjectionActor | null;
  reason?: string | null;
  details?: Record<string, unknown>;
  /**
   * Work in the same transaction, given the locked row and the state it moves to. Returning
   * `false` records nothing (a timed step that found nothing due).
   */
  apply?: (tx: Tx, row: ObjectionRow, to: ObjectionState) => Promise<Partial<typeof objections.$inferInsert> | false | void>;
  notify?: (tx: Tx, row: ObjectionRow, to: ObjectionState) => Notice[] | Promise<Notice[]>;
}

export async function lockObjection(tx: Tx, id: string): Promise<ObjectionRow> {
  const [row] = await tx.select().from(objections).where(eq(objections.id, id)).for('update');
  if (!row) throw new NotFoundError('objection_not_found', `No objection ${id}`);
  return row;
}

async function record(tx: Tx, objectionId: string, stepKey: string, at: Date, change: ObjectionChange): Promise<void> {
  const row = await lockObjection(tx, objectionId);
  const from = row.state as ObjectionState;
  let to = from;
  if (change.transition) {
    const detail = typeof change.detail === 'function' ? await change.detail(tx, row) : change.detail;
    if (detail === null) return;
    const outcome = nextObjectionState(
      { state: from, fused: row.fused, contested: row.contested },
      change.transition,
      change.actor?.party ?? 'system',
      detail,
    );
    if (!outcome.ok) throw new ConflictError(outcome.code, outcome.message);
    to = outcome.to;
  }
  const patch = await change.apply?.(tx, row, to);
  if (patch === false) return;
  await tx
    .update(objections)
    .set({ ...patch, state: to, updatedAt: at })
    .where(eq(objections.id, row.id));
  failpoint(`objection.${change.kind}.state_written`);
  const details = change.details ?? {};
  await tx.insert(objectionEvents).values({
    objectionId: row.id,
    stepKey,
    kind: change.kind,
    at,
    fromState: from,
    toState: to,
    party: change.actor?.party ?? 'system',
    actorUserId: change.actor?.userId ?? null,
    actorDepartmentId: change.actor?.departmentId ?? null,
    reason: change.reason ?? null,
    details,
  });
  // A department that is a party twice (the objector holding a grant on the data) gets each notice once.
  const seen = new Set<string>();
  for (const notice of (await change.notify?.(tx, row, to)) ?? []) {
    const key = `${notice.departmentId}\u0000${notice.title}`;
    if (seen.has(key)) continue;
    seen.add(key);
    await enqueueNotification(tx, {
      ...notice,
      kind: `objection.${change.kind}`,
      subjectType: Subject.Objection,
      subjectId: row.id,
      payload: { number: row.number, state: to },
      at,
    });
  }
  // The ledger's lock serializes every writer until commit: take it last.
  await appendAudit(tx, {
    actor: auditActorOf(change.actor),
    action: `objection.${change.kind}`,
    subjectType: Subject.Objection,
    subjectId: row.id,
    before: { state: from },
    after: { state: to, number: row.number, ...details },
    reason: change.reason ?? null,
    requestId: change.actor?.httpRequestId ?? null,
    at,
  });
}

/** One step, all or nothing: the changes in order, each checked, recorded, notified and audited — skipped whole if its key was recorded. */
export async function runObjectionStep(
  db: Db,
  objectionId: string,
  stepKey: string,
  at: Date,
  ...changes: ObjectionChange[]
): Promise<ObjectionView> {
  await db.transaction(async (tx) => {
    await lockObjection(tx, objectionId);
    const [done] = await tx
      .select({ id: objectionEvents.id })
      .from(objectionEvents)
      .where(and(eq(objectionEvents.objectionId, objectionId), eq(objectionEvents.stepKey, stepKey)));
    if (done) return;
    for (const [index, change] of changes.entries())
      await record(tx, objectionId, index === 0 ? stepKey : `${stepKey}:${change.kind}`, at, change);
  });
  return viewObjection(db, objectionId);
}
