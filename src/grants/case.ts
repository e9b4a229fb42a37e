/**
 * A grant as a case of the engine: its view (read in one place; the reminder from the working-day
 * calendar) and its step — one transaction per change: the state and history entry, the notices
 * to the holder, the owner and the center, and the audit entry. Each step is keyed by the
 * workflow (`stepKey`): a retried activity whose first attempt committed changes nothing twice.
 */
import { and, eq } from 'drizzle-orm';
import { appendAudit, type AuditActor } from '../audit/index.js';
import { loadCalendar } from '../calendar/index.js';
import { Subject } from '../identity/rules/abilities.js';
import { enqueueNotifications } from '../notifications/index.js';
import type { Db, Tx } from '../platform/db/client.js';
import { datasets, grantEvents, grants } from '../platform/db/schema.js';
import { ConflictError, NotFoundError } from '../platform/errors.js';
import { failpoint } from '../platform/failpoints.js';
import { centerDepartment } from '../sla/index.js';
import type { GrantActor } from './rules/actions.js';
import { nextGrantState, type GrantAction, type GrantState } from './rules/lifecycle.js';
import { expiryReminderAt, lastDayOfValidity } from './rules/validity.js';
import type { GrantView } from './rules/view.js';

export type GrantRow = typeof grants.$inferSelect;

const systemActor: AuditActor = { kind: 'system', role: 'workflow' };
const auditActorOf = (actor: GrantActor | null): AuditActor =>
  actor ? { kind: 'user', userId: actor.userId, departmentId: actor.departmentId, role: actor.role } : systemActor;

export async function ownerOf(db: Db | Tx, datasetId: string): Promise<string> {
  const [dataset] = await db.select({ owner: datasets.ownerDepartmentId }).from(datasets).where(eq(datasets.id, datasetId));
  return dataset!.owner;
}

export async function viewGrant(db: Db | Tx, id: string): Promise<GrantView> {
  const [row] = await db.select().from(grants).where(eq(grants.id, id));
  if (!row) throw new NotFoundError('grant_not_found', `No grant ${id}`);
  const [reminder] = await db
    .select({ id: grantEvents.id })
    .from(grantEvents)
    .where(and(eq(grantEvents.grantId, id), eq(grantEvents.kind, 'reminded')))
    .limit(1);
  const calendar = await loadCalendar(db);
  const validTo = row.validTo!;
  const validity = { validFrom: row.validFrom, validTo, lastDay: lastDayOfValidity(validTo) };
  return {
    id: row.id,
    number: row.number,
    state: row.state as GrantState,
    requesterDepartmentId: row.requesterDepartmentId,
    ownerDepartmentId: await ownerOf(db, row.datasetId),
    validTo: validTo.toISOString(),
    reminderAt: expiryReminderAt(calendar, validity, row.expiryReminderDays).toISOString(),
    reminded: Boolean(reminder),
  };
}

export interface GrantChange {
  action: GrantAction;
  /** The history entry's kind: reminded, expired, suspended, resumed, revoked. */
  kind: string;
  actor: GrantActor | null;
  reason: string | null;
  details?: Record<string, unknown>;
  notice: (row: GrantRow, to: GrantState) => { title: string; body: string };
}

async function lockGrant(tx: Tx, id: string): Promise<GrantRow> {
  const [row] = await tx.select().from(grants).where(eq(grants.id, id)).for('update');
  if (!row) throw new NotFoundError('grant_not_found', `No grant ${id}`);
  return row;
}

/** The holder, the owner and the center are told of every change to a grant. */
export async function grantParties(tx: Tx, row: GrantRow): Promise<string[]> {
  const center = await centerDepartment(tx);
  return [...new Set([row.requesterDepartmentId, await ownerOf(tx, row.datasetId), ...(center ? [center] : [])])];
}

/** One step of a grant, all or nothing, skipped whole if its key was recorded already. */
export async function runGrantStep(db: Db, grantId: string, stepKey: string, at: Date, change: GrantChange): Promise<GrantView> {
  await db.transaction(async (tx) => {
    const row = await lockGrant(tx, grantId);
    const [done] = await tx
      .select({ id: grantEvents.id })
      .from(grantEvents)
      .where(and(eq(grantEvents.grantId, grantId), eq(grantEvents.stepKey, stepKey)));
    if (done) return;
    const from = row.state as GrantState;
    // Resumed after its reminder fell due, a grant is `expiring` (reminded or not while suspended).
    const view = await viewGrant(tx, grantId);
    const reminded = view.reminded || Date.parse(view.reminderAt) <= at.getTime();
    const to = nextGrantState(from, change.action, change.actor?.party ?? 'system', reminded);
    if (!to) throw new ConflictError('grant_state_conflict', `A grant ${from} cannot be ${change.kind}`);
    await tx.update(grants).set({ state: to }).where(eq(grants.id, grantId));
    failpoint(`grant.${change.kind}.state_written`);
    const details = change.details ?? {};
    await tx.insert(grantEvents).values({
      grantId,
      stepKey,
      kind: change.kind,
      at,
      fromState: from,
      toState: to,
      party: change.actor?.party ?? 'system',
      actorUserId: change.actor?.userId ?? null,
      actorDepartmentId: change.actor?.departmentId ?? null,
      reason: change.reason,
      details,
    });
    const notice = change.notice(row, to);
    await enqueueNotifications(
      tx,
      (await grantParties(tx, row)).map((departmentId) => ({
        departmentId,
        kind: `grant.${change.kind}`,
        subjectType: Subject.Grant,
        subjectId: grantId,
        title: notice.title,
        body: notice.body,
        payload: { number: row.number, state: to },
        at,
      })),
    );
    // The ledger's lock serializes every writer until commit: take it last.
    await appendAudit(tx, {
      actor: auditActorOf(change.actor),
      action: `grant.${change.kind}`,
      subjectType: Subject.Grant,
      subjectId: grantId,
      before: { state: from },
      after: { state: to, number: row.number, ...details },
      reason: change.reason,
      requestId: change.actor?.httpRequestId ?? null,
      at,
    });
  });
  return viewGrant(db, grantId);
}
