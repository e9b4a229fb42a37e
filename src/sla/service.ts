import { and, asc, eq, inArray, lt, ne, sql } from 'drizzle-orm';
import { appendAudit, type AuditActor } from '../audit/index.js';
import { currentCalendarVersion, loadCalendar } from '../calendar/index.js';
import type { Db, Tx } from '../platform/db/client.js';
import { slaClockEvents, slaClocks } from '../platform/db/schema.js';
import type { WorkingDayCalendar } from '../calendar/rules/working-days.js';
import * as rules from './rules/clock.js';
import { NotFoundError } from '../platform/errors.js';

export type ClockRow = typeof slaClocks.$inferSelect;
export type ClockEventRow = typeof slaClockEvents.$inferSelect;

export interface ChangeMeta {
  actor: AuditActor;
  requestId?: string | null;
}

export function toDomain(row: ClockRow): rules.Clock {
  const extension = row.extension as
    (Omit<rules.Extension, 'requestedAt' | 'decidedAt'> & { requestedAt: string; decidedAt: string | null }) | null;
  return {
    state: row.state,
    workingDays: row.workingDays,
    basisAt: row.basisAt,
    basisDays: row.basisDays,
    extensionDays: row.extensionDays,
    deadline: { at: row.deadlineAt, date: row.deadlineDate, provisional: row.provisional },
    calendarVersion: row.calendarVersion,
    pausedAt: row.pausedAt,
    remainingAtPause: row.remainingAtPause,
    breachedAt: row.breachedAt,
    outcome: row.outcome,
    stoppedAt: row.stoppedAt,
    extension: extension
      ? {
          ...extension,
          requestedAt: new Date(extension.requestedAt),
          decidedAt: extension.decidedAt ? new Date(extension.decidedAt) : null,
        }
      : null,
  };
}

function toColumns(clock: rules.Clock) {
  return {
    state: clock.state,
    workingDays: clock.workingDays,
    basisAt: clock.basisAt,
    basisDays: clock.basisDays,
    extensionDays: clock.extensionDays,
    deadlineAt: clock.deadline.at,
    deadlineDate: clock.deadline.date,
    provisional: clock.deadline.provisional,
    calendarVersion: clock.calendarVersion,
    pausedAt: clock.pausedAt,
    remainingAtPause: clock.remainingAtPause,
    breachedAt: clock.breachedAt,
    outcome: clock.outcome,
    stoppedAt: clock.stoppedAt,
    extension: clock.extension,
  };
}

const summary = (row: Pick<ClockRow, 'state' | 'deadlineAt' | 'outcome' | 'calendarVersion'>) => ({
  state: row.state,
  deadline: row.deadlineAt.toISOString(),
  outcome: row.outcome,
  calendarVersion: row.calendarVersion,
});

export interface StartInput {
  subjectType: string;
  subjectId: string;
  step: string;
  chargedParty: string;
  workflowId?: string | null;
  policyProfile: string;
  policyVersion: number;
  workingDays: number;
  /** The step's supervision periods under its policy (working days to reply; from level 1 to level 2). */
  escalation?: { replyDays: number; levelTwoAfterDays: number; handoverGraceDays: number };
  at: Date;
}

/** Starts a step's clock. Idempotent for the same subject, step and start (activity retries). */
export async function startSlaClock(tx: Tx, input: StartInput, meta: ChangeMeta): Promise<ClockRow> {
  const calendar = await loadCalendar(tx);
  const clock = rules.startClock(calendar, input.at, input.workingDays);
  const [inserted] = await tx
    .insert(slaClocks)
    .values({
      ...toColumns(clock),
      subjectType: input.subjectType,
      subjectId: input.subjectId,
      step: input.step,
      chargedParty: input.chargedParty,
      workflowId: input.workflowId ?? null,
      policyProfile: input.policyProfile,
      policyVersion: input.policyVersion,
      startedAt: input.at,
      ...(input.escalation ?? {}),
    })
    .onConflictDoNothing()
    .returning();
  if (!inserted) {
    const [existing] = await tx
      .select()
      .from(slaClocks)
      .where(
        and(
          eq(slaClocks.subjectType, input.subjectType),
          eq(slaClocks.subjectId, input.subjectId),
          eq(slaClocks.step, input.step),
          eq(slaClocks.startedAt, input.at),
        ),
      );
    return existing!;
  }
  await recordEvent(
    tx,
    inserted,
    'started',
    input.at,
    null,
    { workingDays: input.workingDays, chargedParty: input.chargedParty, policy: `${input.policyProfile}@${input.policyVersion}` },
    meta,
    null,
  );
  return inserted;
}

async function recordEvent(
  tx: Tx,
  row: ClockRow,
  kind: string,
  at: Date,
  before: ClockRow | null,
  details: Record<string, unknown>,
  meta: ChangeMeta,
  reason: string | null,
) {
  await tx.insert(slaClockEvents).values({
    clockId: row.id,
    at,
    kind,
    deadlineBefore: before?.deadlineAt ?? null,
    deadlineAfter: row.deadlineAt,
    calendarVersion: row.calendarVersion,
    details,
  });
  await appendAudit(tx, {
    actor: meta.actor,
    action: `sla_clock.${kind}`,
    subjectType: 'SlaClock',
    subjectId: row.id,
    before: before ? summary(before) : null,
    after: { ...summary(row), subject: `${row.subjectType}:${row.subjectId}`, step: row.step, ...details },
    reason,
    requestId: meta.requestId ?? null,
    at,
  });
}

/** Loads the clock under a row lock, applies a rule, stores the result, its event and its audit entry. */
async function change(
  tx: Tx,
  clockId: string,
  kind: string,
  at: Date,
  meta: ChangeMeta,
  apply: (calendar: WorkingDayCalendar, clock: rules.Clock) => rules.Clock,
  details: Record<string, unknown> = {},
  reason: string | null = null,
): Promise<ClockRow> {
  const [current] = await tx.select().from(slaClocks).where(eq(slaClocks.id, clockId)).for('update');
  if (!current) throw new NotFoundError('sla_clock_not_found', 'No SLA clock with that id');
  const domain = toDomain(current);
  const next = apply(await loadCalendar(tx), domain);
  // A rule with nothing to do (a breach already recorded, say) changes nothing and records nothing.
  if (next === domain) return current;
  const [updated] = await tx
    .update(slaClocks)
    .set({ ...toColumns(next), version: sql`${slaClocks.version} + 1` })
    .where(eq(slaClocks.id, clockId))
    .returning();
  await recordEvent(tx, updated!, kind, at, current, details, meta, reason);
  return updated!;
}

export const pauseSlaClock = (tx: Tx, id: string, at: Date, meta: ChangeMeta, reason?: string) =>
  change(tx, id, 'paused', at, meta, (c, clock) => rules.pauseClock(c, clock, at), {}, reason ?? null);

export async function resumeSlaClock(tx: Tx, id: string, at: Date, meta: ChangeMeta): Promise<ClockRow> {
  const [current] = await tx
    .select({ pausedAt: slaClocks.pausedAt, remainingAtPause: slaClocks.remainingAtPause })
    .from(slaClocks)
    .where(eq(slaClocks.id, id));
  // The pause's length is recorded with the resume: from when, and the R carried over.
  const details = current?.pausedAt
    ? {
        pausedAt: current.pausedAt.toISOString(),
        pausedMs: at.getTime() - current.pausedAt.getTime(),
        remainingCarried: current.remainingAtPause,
      }
    : {};
  return change(tx, id, 'resumed', at, meta, (c, clock) => rules.resumeClock(c, clock, at), details);
}

export async function requestSlaExtension(tx: Tx, id: string, at: Date, days: number, reason: string, meta: ChangeMeta, cap?: number) {
  const [asking] = await tx.select({ party: slaClocks.chargedParty }).from(slaClocks).where(eq(slaClocks.id, id));
  const asked = (clock: rules.Clock): rules.Clock => {
    const next = rules.requestExtension(clock, at, days, reason, cap);
    return next.extension && asking ? { ...next, extension: { ...next.extension, party: asking.party } } : next;
  };
  return change(tx, id, 'extension_requested', at, meta, (_c, clock) => asked(clock), { days }, reason);
}

export const decideSlaExtension = (tx: Tx, id: string, at: Date, approved: boolean, meta: ChangeMeta, reason?: string) =>
  change(
    tx,
    id,
    approved ? 'extension_approved' : 'extension_rejected',
    at,
    meta,
    (c, clock) => rules.decideExtension(c, clock, at, approved),
    {},
    reason ?? null,
  );

export const breachSlaClock = (tx: Tx, id: string, at: Date, meta: ChangeMeta) =>
  change(tx, id, 'breached', at, meta, (_c, clock) => rules.breachClock(clock, at));

export const stopSlaClock = (tx: Tx, id: string, at: Date, meta: ChangeMeta) =>
  change(tx, id, 'stopped', at, meta, (_c, clock) => rules.stopClock(clock, at));

/**
 * The step passes to another party (e.g. approved → the center provisions): a later breach is
 * charged to it — from `graceUntil` when it receives the step already overdue.
 */
export async function handOverSlaClock(
  tx: Tx,
  id: string,
  chargedParty: string,
  at: Date,
  meta: ChangeMeta,
  graceUntil: Date | null = null,
): Promise<ClockRow> {
  const [current] = await tx.select().from(slaClocks).where(eq(slaClocks.id, id)).for('update');
  if (!current) throw new NotFoundError('sla_clock_not_found', 'No SLA clock with that id');
  if (current.chargedParty === chargedParty) return current;
  const [updated] = await tx
    .update(slaClocks)
    .set({ chargedParty, graceUntil, version: sql`${slaClocks.version} + 1` })
    .where(eq(slaClocks.id, id))
    .returning();
  const details = { from: current.chargedParty, to: chargedParty, ...(graceUntil ? { graceUntil: graceUntil.toISOString() } : {}) };
  await recordEvent(tx, updated!, 'handed_over', at, current, details, meta, null);
  return updated!;
}

/** The party that received the step overdue let its grace period pass: from now on the lateness is its own. */
export async function chargeAfterGrace(tx: Tx, row: ClockRow, at: Date, meta: ChangeMeta): Promise<void> {
  await recordEvent(
    tx,
    row,
    'grace_expired',
    at,
    row,
    { party: row.chargedParty, graceUntil: row.graceUntil?.toISOString() ?? null },
    meta,
    null,
  );
}

export interface MovedClock {
  clockId: string;
  /** The clock's version after the move: its workflow reads the clock again when told of it. */
  version: number;
  workflowId: string | null;
  deadlineBefore: string;
  deadlineAfter: string;
  breachedNow: boolean;
}

/**
 * Brings every open clock to the current calendar version. Clocks whose deadline moves get an
 * event and an audit entry with both dates and versions (a deadline moved into the past breaches
 * at once); the others only record the version. Safe to run again (e.g. at start, after a crash).
 */
export async function recomputeOpenClocks(db: Db, now: Date, meta: ChangeMeta): Promise<MovedClock[]> {
  const version = await currentCalendarVersion(db);
  const stale = await db
    .select({ id: slaClocks.id })
    .from(slaClocks)
    .where(and(ne(slaClocks.state, 'stopped'), lt(slaClocks.calendarVersion, version)))
    .orderBy(asc(slaClocks.deadlineAt));
  const moved: MovedClock[] = [];
  for (const { id } of stale) {
    await db.transaction(async (tx) => {
      const [current] = await tx.select().from(slaClocks).where(eq(slaClocks.id, id)).for('update');
      if (!current || current.state === 'stopped') return;
      const calendar = await loadCalendar(tx);
      if (current.calendarVersion >= calendar.version) return;
      const next = rules.recomputeClock(calendar, toDomain(current), now);
      const [updated] = await tx.update(slaClocks).set(toColumns(next)).where(eq(slaClocks.id, id)).returning();
      // Only the calendar version changed: nothing to record. A changed breach or R is recorded,
      // and so is a deadline that stays put but is no longer (or now) provisional.
      const same = (a: Date | null, b: Date | null) => (a?.getTime() ?? null) === (b?.getTime() ?? null);
      if (
        same(updated!.deadlineAt, current.deadlineAt) &&
        same(updated!.breachedAt, current.breachedAt) &&
        updated!.remainingAtPause === current.remainingAtPause
      ) {
        if (updated!.provisional !== current.provisional) {
          const details = {
            calendarVersionBefore: current.calendarVersion,
            calendarVersionAfter: calendar.version,
            provisional: updated!.provisional,
          };
          await recordEvent(tx, updated!, 'provisional_changed', now, current, details, meta, 'calendar change');
        }
        return;
      }
      const announced = await markMoved(tx, updated!);
      const breachedNow = !current.breachedAt && updated!.breachedAt !== null;
      await recordEvent(
        tx,
        announced,
        breachedNow ? 'recomputed_breached' : 'recomputed',
        now,
        current,
        {
          calendarVersionBefore: current.calendarVersion,
          calendarVersionAfter: calendar.version,
          deadlineDateBefore: current.deadlineDate,
          deadlineDateAfter: updated!.deadlineDate,
        },
        meta,
        'calendar change',
      );
      moved.push({
        clockId: id,
        version: announced.version,
        workflowId: updated!.workflowId,
        deadlineBefore: current.deadlineAt.toISOString(),
        deadlineAfter: updated!.deadlineAt.toISOString(),
        breachedNow,
      });
    });
  }
  return moved;
}

/**
 * A clock moved outside its workflow: a new version, owed to the workflow (announced by the
 * caller, or by the reconciler if that fails). A deadline moved back into the future clears the
 * breach, and with it the supervision the breach started.
 */
async function markMoved(tx: Tx, row: ClockRow): Promise<ClockRow> {
  const cleared = !rules.isOverdue(toDomain(row)) && row.supervisionLevel > 0;
  const [updated] = await tx
    .update(slaClocks)
    .set({ version: sql`${slaClocks.version} + 1`, announcePending: true, ...(cleared ? { supervisionLevel: 0, levelTwoAt: null } : {}) })
    .where(eq(slaClocks.id, row.id))
    .returning();
  return updated!;
}

/**
 * A policy version the center applies to open steps: every open clock of the profile whose step
 * length changed gets the new length and version (`lengths`: step → working days), with an event
 * and audit entry naming both deadlines and versions. Returns the clocks whose deadline moved.
 */
export async function applyStepLengths(
  db: Db,
  match: { subjectType: string; policyProfile: string; policyVersion: number; lengths: Record<string, number> },
  now: Date,
  meta: ChangeMeta,
): Promise<MovedClock[]> {
  const open = await db
    .select({ id: slaClocks.id })
    .from(slaClocks)
    .where(
      and(
        eq(slaClocks.subjectType, match.subjectType),
        eq(slaClocks.policyProfile, match.policyProfile),
        ne(slaClocks.state, 'stopped'),
        lt(slaClocks.policyVersion, match.policyVersion),
      ),
    );
  const moved: MovedClock[] = [];
  for (const { id } of open) {
    await db.transaction(async (tx) => {
      const [current] = await tx.select().from(slaClocks).where(eq(slaClocks.id, id)).for('update');
      if (!current || current.state === 'stopped' || current.policyVersion >= match.policyVersion) return;
      const days = match.lengths[current.step] ?? current.workingDays;
      const next = rules.changeStepLength(await loadCalendar(tx), toDomain(current), days, now);
      const [updated] = await tx
        .update(slaClocks)
        .set({ ...toColumns(next), policyVersion: match.policyVersion })
        .where(eq(slaClocks.id, id))
        .returning();
      const moves = updated!.deadlineAt.getTime() !== current.deadlineAt.getTime();
      const after = moves ? await markMoved(tx, updated!) : updated!;
      const breachedNow = !current.breachedAt && updated!.breachedAt !== null;
      await recordEvent(
        tx,
        after,
        breachedNow ? 'policy_changed_breached' : 'policy_changed',
        now,
        current,
        {
          policyVersionBefore: current.policyVersion,
          policyVersionAfter: match.policyVersion,
          workingDaysBefore: current.workingDays,
          workingDaysAfter: days,
          deadlineDateBefore: current.deadlineDate,
          deadlineDateAfter: updated!.deadlineDate,
        },
        meta,
        'policy change applied to open steps',
      );
      if (moves) {
        moved.push({
          clockId: id,
          version: after.version,
          workflowId: updated!.workflowId,
          deadlineBefore: current.deadlineAt.toISOString(),
          deadlineAfter: updated!.deadlineAt.toISOString(),
          breachedNow,
        });
      }
    });
  }
  return moved;
}

export async function getClock(db: Db | Tx, id: string): Promise<ClockRow | undefined> {
  const [row] = await db.select().from(slaClocks).where(eq(slaClocks.id, id));
  return row;
}

/** A clock's events in time order. */
export const clockEvents = async (db: Db, id: string): Promise<ClockEventRow[]> => (await clockEventsOf(db, [id])).get(id)!;

/** The events of several clocks in one read, by clock, each in time order (a case's detail shows them all). */
export async function clockEventsOf(db: Db, ids: string[]): Promise<Map<string, ClockEventRow[]>> {
  const byClock = new Map<string, ClockEventRow[]>(ids.map((id) => [id, []]));
  const rows = ids.length
    ? await db.select().from(slaClockEvents).where(inArray(slaClockEvents.clockId, ids)).orderBy(asc(slaClockEvents.at))
    : [];
  for (const row of rows) byClock.get(row.clockId)!.push(row);
  return byClock;
}
