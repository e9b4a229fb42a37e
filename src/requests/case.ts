/**
 * A request as a case of the engine: its view (read in one place, deadlines from its clocks) and
 * its step — one transaction per action, all or nothing: the state and timeline entry, the
 * engine's clock and supervision changes, the audit entry and every notice. Each step is keyed by
 * the workflow (`stepKey`): a retried activity whose first attempt committed finds its timeline
 * entry and changes nothing, so a step has one audit entry and one set of notices whatever
 * happens to the worker.
 */
import { and, eq } from 'drizzle-orm';
import { appendAudit, type AuditActor } from '../audit/index.js';
import type { ConditionCheck } from '../catalogue/rules/conditions.js';
import { Subject } from '../identity/rules/abilities.js';
import { enqueueNotifications } from '../notifications/index.js';
import type { Db, Tx } from '../platform/db/client.js';
import { requestEvents, requests, requestSupplements } from '../platform/db/schema.js';
import { ConflictError, NotFoundError } from '../platform/errors.js';
import { failpoint } from '../platform/failpoints.js';
import * as sla from '../sla/index.js';
import type { RequestRow, RoutingSnapshot } from './filing.js';
import { policyAt } from './policy.js';
import type { ActionActor, ActionInput, ActionName } from './rules/actions.js';
import { nextState, type Party, type RequestAction, type RequestState } from './rules/lifecycle.js';
import { trackExtensionCap, type Track } from './rules/policy.js';
import type { RoutingDecision } from './rules/routing.js';
import { isSupplementOpen, type RequestView } from './rules/view.js';

export type StepActor = Omit<ActionActor, 'party' | 'role' | 'httpRequestId'> & {
  party: Party;
  role: string;
  httpRequestId?: string | null;
};

export const systemActor: AuditActor = { kind: 'system', role: 'workflow' };
export const auditActorOf = (actor: StepActor | null): AuditActor =>
  actor ? { kind: 'user', userId: actor.userId, departmentId: actor.departmentId, role: actor.role } : systemActor;
export const clockMeta = (actor: StepActor | null): sla.ChangeMeta => ({
  actor: auditActorOf(actor),
  requestId: actor?.httpRequestId ?? null,
});

/** The request's open supplement, if any: its few supplements read, the rule picks (`isSupplementOpen`). */
export async function openSupplementOf(db: Db | Tx, requestId: string) {
  const asked = await db.select().from(requestSupplements).where(eq(requestSupplements.requestId, requestId));
  return asked.find(isSupplementOpen);
}

export async function viewRequest(db: Db | Tx, id: string): Promise<RequestView> {
  const [row] = await db.select().from(requests).where(eq(requests.id, id));
  if (!row) throw new NotFoundError('request_not_found', `No request ${id}`);
  return viewOfRequest(db, row);
}

/**
 * The view of a loaded request. A caller that has read the request's clocks and supplements
 * already (the detail) passes them, and only the policy is read.
 */
export async function viewOfRequest(
  db: Db | Tx,
  row: RequestRow,
  known?: { clocks: sla.ClockRow[]; supplements: (typeof requestSupplements.$inferSelect)[] },
): Promise<RequestView> {
  const clockOf = async (clockId: string | null) =>
    clockId ? (known?.clocks.find((c) => c.id === clockId) ?? (await sla.getClock(db, clockId))) : undefined;
  const clock = await clockOf(row.clockId);
  const supplement = known ? known.supplements.find(isSupplementOpen) : await openSupplementOf(db, row.id);
  const supplementClock = await clockOf(supplement?.clockId ?? null);
  const policy = await policyAt(db, row.policyName!, row.policyVersion!);
  const window = await clockOf(row.disputeWindowClockId);
  return {
    id: row.id,
    number: row.number!,
    state: row.state as RequestState,
    track: row.track as Track,
    stateBeforeSupplement: row.stateBeforeSupplement as RequestState | null,
    requesterDepartmentId: row.requesterDepartmentId,
    ownerDepartmentId: row.ownerDepartmentId,
    fields: row.fields,
    usageMonths: row.usageMonths,
    deliveryMethod: row.deliveryMethod,
    checks: (row.preCheck as ConditionCheck[] | null) ?? [],
    ownerMayRefuse: (row.routing as RoutingDecision).ownerMayRefuse,
    scenarioKind: (row.snapshot as RoutingSnapshot).scenario?.kind ?? null,
    extensionCapDays: trackExtensionCap(policy.settings, row.track as Track),
    clock: clock ? sla.clockedStep(clock) : null,
    supplement: supplement && supplementClock ? { id: supplement.id, clock: sla.clockedStep(supplementClock) } : null,
    disputeWindow: window && window.state !== 'stopped' ? sla.clockedStep(window) : null,
  };
}

/** The request as the engine names it in notices and supervision. */
export function stepSubject(row: RequestRow): sla.StepSubject {
  return {
    subjectType: Subject.Request,
    subjectId: row.id,
    label: `申请 ${row.number}`,
    departments: { requester: row.requesterDepartmentId, owner: row.ownerDepartmentId },
    watchers: [row.requesterDepartmentId],
    noticeKind: 'request',
    reminder: (step) =>
      step === 'supplement'
        ? { title: `申请 ${row.number} 补正期限今日届满`, body: '请于今日内提交补正材料；逾期未补正的，申请失效。' }
        : null,
  };
}

export type Notice = { departmentId: string; title: string; body: string };

/** What a declared action does, as the changes of its one transaction. */
export type ActionStep<K extends ActionName> = (input: ActionInput<K>, at: Date) => Change[];

export interface Change {
  /** The lifecycle action (checked by the rules); null for steps that keep the state. */
  action: RequestAction | null | ((row: RequestRow) => RequestAction);
  /** The kind of timeline entry (of the locked row, when it depends on where the step leads). */
  kind: string | ((row: RequestRow) => string);
  actor: StepActor | null;
  /** What the timeline and the audit entry record (of the locked row, when it depends on it). */
  details?: Record<string, unknown> | ((row: RequestRow) => Record<string, unknown>);
  reason?: string | null | ((row: RequestRow) => string | null);
  /**
   * Work in the same transaction, given the locked row and the state it moves to. Returning
   * `false` records nothing (a timed step that found nothing due).
   */
  apply?: (tx: Tx, row: RequestRow, to: RequestState) => Promise<Partial<typeof requests.$inferInsert> | false | void>;
  /** The step's notices, in its transaction. */
  notify?: (row: RequestRow, tx: Tx) => Notice[] | Promise<Notice[]>;
}

async function lockRequest(tx: Tx, id: string): Promise<RequestRow> {
  const [row] = await tx.select().from(requests).where(eq(requests.id, id)).for('update');
  if (!row) throw new NotFoundError('request_not_found', `No request ${id}`);
  return row;
}

async function stepDone(tx: Tx, requestId: string, stepKey: string): Promise<boolean> {
  const [event] = await tx
    .select({ id: requestEvents.id })
    .from(requestEvents)
    .where(and(eq(requestEvents.requestId, requestId), eq(requestEvents.stepKey, stepKey)));
  return Boolean(event);
}

async function record(tx: Tx, requestId: string, stepKey: string, at: Date, change: Change): Promise<void> {
  const row = await lockRequest(tx, requestId);
  const from = row.state as RequestState;
  let to = from;
  const action = typeof change.action === 'function' ? change.action(row) : change.action;
  const kind = typeof change.kind === 'function' ? change.kind(row) : change.kind;
  if (action) {
    const party = change.actor?.party ?? 'system';
    const position = { state: from, track: row.track as Track, stateBeforeSupplement: row.stateBeforeSupplement as RequestState | null };
    const result = nextState(position, action, party);
    if (!result.ok) throw new ConflictError(result.code, result.message);
    to = result.to;
  }
  const patch = await change.apply?.(tx, row, to);
  if (patch === false) return;
  const details = (typeof change.details === 'function' ? change.details(row) : change.details) ?? {};
  const reason = typeof change.reason === 'function' ? change.reason(row) : (change.reason ?? null);
  await tx
    .update(requests)
    .set({ ...patch, state: to, updatedAt: at })
    .where(eq(requests.id, row.id));
  // A test kills the worker here: the state is written, the timeline, notices and audit not yet.
  failpoint(`request.${kind}.state_written`);
  await tx.insert(requestEvents).values({
    requestId: row.id,
    stepKey,
    kind,
    at,
    fromState: from,
    toState: to,
    party: change.actor?.party ?? 'system',
    actorUserId: change.actor?.userId ?? null,
    actorDepartmentId: change.actor?.departmentId ?? null,
    details,
  });
  await enqueueNotifications(
    tx,
    ((await change.notify?.(row, tx)) ?? []).map((notice) => ({
      ...notice,
      kind: `request.${kind}`,
      subjectType: Subject.Request,
      subjectId: row.id,
      payload: { number: row.number, state: to },
      at,
    })),
  );
  // The ledger's lock serializes every writer until commit: take it last.
  await appendAudit(tx, {
    actor: auditActorOf(change.actor),
    action: `request.${kind}`,
    subjectType: Subject.Request,
    subjectId: row.id,
    before: { state: from },
    after: { state: to, number: row.number, ...details },
    reason,
    requestId: change.actor?.httpRequestId ?? null,
    at,
  });
}

/**
 * One step, all or nothing: the changes in order (an approval and the provisioning it starts),
 * each checked by the lifecycle rules, recorded on the timeline, audited and notified — in one
 * transaction, skipped whole if its key was recorded already.
 */
export async function runStep(db: Db, requestId: string, stepKey: string, at: Date, ...changes: Change[]): Promise<RequestView> {
  await db.transaction(async (tx) => {
    await lockRequest(tx, requestId);
    if (await stepDone(tx, requestId, stepKey)) return;
    for (const [index, change] of changes.entries())
      await record(
        tx,
        requestId,
        index === 0 ? stepKey : `${stepKey}:${typeof change.kind === 'string' ? change.kind : index}`,
        at,
        change,
      );
  });
  return viewRequest(db, requestId);
}
