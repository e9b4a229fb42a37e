/**
 * The clocked-step engine's steps, each inside the caller's transaction (the case's own step, so
 * the case's state, timeline, clock, supervision, audit entries and notices commit together).
 * Requests use it today; grants and objections reuse it: a case names itself (`StepSubject`) and
 * the engine keeps the clock, reminds, charges a breach to the step's party, supervises at level
 * 1 and 2, extends once and pauses. Every step reads the clock under a row lock and does nothing
 * when it is not (or no longer) due, so a retried or late activity changes nothing twice.
 */
import { and, desc, eq, sql } from 'drizzle-orm';
import { loadCalendar } from '../calendar/index.js';
import { specialDepartment } from '../identity/index.js';
import { enqueueNotifications } from '../notifications/index.js';
import type { Tx } from '../platform/db/client.js';
import { slaClocks, supervisions } from '../platform/db/schema.js';
import { ConflictError, NotFoundError, TransientError } from '../platform/errors.js';
import { isOverdue, reminderDue } from './rules/clock.js';
import type { ClockedStep } from './rules/step.js';
import * as clocks from './service.js';
import type { ChangeMeta, ClockRow } from './service.js';

/** The case a step belongs to, as its notices and supervision name it. */
export interface StepSubject {
  subjectType: string;
  subjectId: string;
  /** How notices name the case, e.g. "申请 SQ-2026-000045". */
  label: string;
  /** The department acting as a party of the case; the center and the competent authority are found by the engine. */
  departments: Partial<Record<string, string>>;
  /** Told of a breach besides the charged department and the center (e.g. the requester). */
  watchers: string[];
  /** The prefix of the notices' kinds, e.g. "request". */
  noticeKind: string;
  /**
   * The due-day reminder's wording for a step whose party is not late when it lets the step run out
   * (a supplement to answer, a window to contest in); null for the engine's ("…今日到期").
   */
  reminder?(step: string): { title: string; body: string } | null;
}

export type SupervisionRow = typeof supervisions.$inferSelect;

/**
 * A step needs a department nobody has flagged (the center, the competent authority). Not an
 * AppError: the activity keeps retrying until an administrator fixes the directory, rather than
 * failing the case's workflow for good.
 */
export class MissingDepartmentError extends TransientError {
  constructor(which: string) {
    super(`No department is flagged as ${which}; the step waits until one is`);
  }
}

export async function centerDepartment(tx: Tx): Promise<string | null> {
  return (await specialDepartment(tx, 'center'))?.id ?? null;
}

/** The competent authority (公共数据主管部门), if the directory flags one. */
export async function authorityDepartment(tx: Tx): Promise<string | null> {
  return (await specialDepartment(tx, 'authority'))?.id ?? null;
}

async function departmentOf(tx: Tx, subject: StepSubject, party: string): Promise<string> {
  if (party === 'center') {
    const center = await centerDepartment(tx);
    if (!center) throw new MissingDepartmentError('the big-data center');
    return center;
  }
  if (party === 'authority') {
    const authority = await authorityDepartment(tx);
    if (!authority) throw new MissingDepartmentError('the competent authority');
    return authority;
  }
  const department = subject.departments[party];
  if (!department) throw new Error(`the ${subject.subjectType} names no department for party ${party}`);
  return department;
}

async function notify(
  tx: Tx,
  subject: StepSubject,
  kind: string,
  at: Date,
  notices: { departmentId: string; title: string; body: string }[],
) {
  await enqueueNotifications(
    tx,
    notices.map((notice) => ({
      ...notice,
      kind: `${subject.noticeKind}.${kind}`,
      subjectType: subject.subjectType,
      subjectId: subject.subjectId,
      at,
    })),
  );
}

/** The workflow's view of a clock. */
export function clockedStep(row: ClockRow): ClockedStep {
  const extension = row.extension as { decision: string } | null;
  return {
    clockId: row.id,
    version: row.version,
    state: row.state,
    deadline: row.deadlineAt.toISOString(),
    deadlineDate: row.deadlineDate,
    chargedParty: row.chargedParty,
    graceUntil: row.graceUntil?.toISOString() ?? null,
    overdue: isOverdue(clocks.toDomain(row)),
    supervisionLevel: row.supervisionLevel,
    levelTwoAt: row.levelTwoAt?.toISOString() ?? null,
    remindedFor: row.remindedFor?.toISOString() ?? null,
    extension: !extension ? 'none' : extension.decision === 'pending' ? 'pending' : 'decided',
  };
}

async function lockClock(tx: Tx, clockId: string): Promise<ClockRow> {
  const [row] = await tx.select().from(slaClocks).where(eq(slaClocks.id, clockId)).for('update');
  if (!row) throw new NotFoundError('sla_clock_not_found', 'No SLA clock with that id');
  return row;
}

/** A party that received the step overdue is in its grace period while the breach stands (as `schedule` reads it). */
const graceHolds = (clock: ClockRow) => clock.graceUntil !== null && isOverdue(clocks.toDomain(clock));

/**
 * The instant the step's current party became late, when nothing has been charged for it yet:
 * the deadline (or the breach a correction recorded), or — for a party that received the step
 * overdue — the end of its grace period. Null while the party is not late or already supervised.
 */
function lateSince(clock: ClockRow, at: Date): Date | null {
  if (clock.supervisionLevel > 0) return null;
  // The grace holds while the step is overdue; an extension or a correction that supersedes the
  // breach puts the party back on the deadline.
  if (graceHolds(clock)) return at > clock.graceUntil! ? new Date(clock.graceUntil!.getTime() + 1) : null;
  if (clock.breachedAt) return clock.breachedAt;
  return at > clock.deadlineAt ? new Date(clock.deadlineAt.getTime() + 1) : null;
}

/** Records the lateness of the current party at the instant it began and starts level-1 supervision. */
async function chargeLateness(tx: Tx, subject: StepSubject, clock: ClockRow, since: Date, meta: ChangeMeta): Promise<void> {
  let charged = clock;
  if (graceHolds(clock)) await clocks.chargeAfterGrace(tx, clock, since, meta);
  else if (!clock.breachedAt) charged = await clocks.breachSlaClock(tx, clock.id, since, meta);
  await superviseBreach(tx, subject, charged, since);
}

async function setEngineState(
  tx: Tx,
  clockId: string,
  patch: Partial<Pick<ClockRow, 'supervisionLevel' | 'levelTwoAt' | 'remindedFor'>>,
): Promise<ClockRow> {
  const [row] = await tx
    .update(slaClocks)
    .set({ ...patch, version: sql`${slaClocks.version} + 1` })
    .where(eq(slaClocks.id, clockId))
    .returning();
  return row!;
}

/**
 * 00:00 on the deadline date: the charged department is reminded that the step is due today.
 * Returns whether a reminder went out (false: not due, sent already, or the day has passed).
 */
export async function remindStep(tx: Tx, subject: StepSubject, clockId: string, at: Date): Promise<boolean> {
  const clock = await lockClock(tx, clockId);
  if (clock.state !== 'running' || clock.remindedFor?.getTime() === clock.deadlineAt.getTime()) return false;
  if (!reminderDue(clock.deadlineAt.getTime(), at.getTime())) {
    // Past the deadline the reminder is moot; before its day it is not due yet.
    if (at > clock.deadlineAt) await setEngineState(tx, clockId, { remindedFor: clock.deadlineAt });
    return false;
  }
  await setEngineState(tx, clockId, { remindedFor: clock.deadlineAt });
  const departmentId = await departmentOf(tx, subject, clock.chargedParty);
  const text = subject.reminder?.(clock.step) ?? { title: `${subject.label} 今日到期`, body: '办理时限今日届满，请及时处理' };
  await notify(tx, subject, 'reminded', at, [{ departmentId, ...text }]);
  return true;
}

/** A supervision notice (督办) to the charged department, with a reply due in working days. */
async function issueSupervision(tx: Tx, subject: StepSubject, clock: ClockRow, level: 1 | 2, party: string, at: Date) {
  const replyDue = (await loadCalendar(tx)).addWorkingDays(at, clock.replyDays);
  const values = {
    subjectType: subject.subjectType,
    subjectId: subject.subjectId,
    clockId: clock.id,
    level,
    chargedParty: party,
    responsibleDepartmentId: await departmentOf(tx, subject, party),
    issuedAt: at,
    replyDueAt: replyDue.at,
  };
  const [issued] = await tx.insert(supervisions).values(values).onConflictDoNothing().returning();
  if (issued) return issued;
  const [existing] = await tx
    .select()
    .from(supervisions)
    .where(and(eq(supervisions.clockId, clock.id), eq(supervisions.level, level), eq(supervisions.issuedAt, at)));
  return existing!;
}

/**
 * Who supervises a level-1 breach: the center, unless the center itself breached — nobody
 * supervises itself, so the competent authority does.
 */
async function supervisorOf(tx: Tx, responsibleDepartmentId: string): Promise<string> {
  const center = await centerDepartment(tx);
  if (center && center !== responsibleDepartmentId) return center;
  const authority = await specialDepartment(tx, 'authority');
  if (!authority) throw new MissingDepartmentError('the competent authority');
  return authority.id;
}

/** Level 1 at the breach: the charged department must reply; the center and the watchers are told. */
async function superviseBreach(tx: Tx, subject: StepSubject, clock: ClockRow, breachedAt: Date): Promise<SupervisionRow> {
  const supervision = await issueSupervision(tx, subject, clock, 1, clock.chargedParty, breachedAt);
  const levelTwoAt = (await loadCalendar(tx)).addWorkingDays(breachedAt, clock.levelTwoAfterDays).at;
  await setEngineState(tx, clock.id, { supervisionLevel: 1, levelTwoAt });
  const supervisor = await supervisorOf(tx, supervision.responsibleDepartmentId);
  await notify(tx, subject, 'supervision', breachedAt, [
    {
      departmentId: supervision.responsibleDepartmentId,
      title: `督办：${subject.label} 已超期`,
      body: `请于 ${supervision.replyDueAt.toISOString()} 前书面答复办理情况`,
    },
    { departmentId: supervisor, title: `${subject.label} 超期，已发出一级督办`, body: `责任方：${supervision.chargedParty}` },
    ...subject.watchers
      .filter((d) => d !== supervision.responsibleDepartmentId && d !== supervisor)
      .map((departmentId) => ({ departmentId, title: `${subject.label} 已超期`, body: '已启动督办，仍在办理中' })),
  ]);
  return supervision;
}

/**
 * The deadline passed with the step open: the breach is recorded on the clock at the instant it
 * happened (the deadline, or the moment a correction moved it into the past) and charged to the
 * step's party, and level-1 supervision starts. Returns the breach instant, or null when nothing
 * is due (not late yet, or supervised already).
 */
export async function breachStep(tx: Tx, subject: StepSubject, clockId: string, at: Date, meta: ChangeMeta): Promise<Date | null> {
  const clock = await lockClock(tx, clockId);
  const since = clock.state === 'running' ? lateSince(clock, at) : null;
  if (!since) return null;
  await chargeLateness(tx, subject, clock, since, meta);
  return since;
}

/** Still overdue when level 2 falls due: the competent authority's supervisors take it up. Returns the instant, or null. */
export async function escalateStep(tx: Tx, subject: StepSubject, clockId: string, at: Date): Promise<Date | null> {
  const clock = await lockClock(tx, clockId);
  if (clock.supervisionLevel !== 1 || !clock.levelTwoAt || at < clock.levelTwoAt || !isOverdue(clocks.toDomain(clock))) return null;
  const [levelOne] = await tx
    .select()
    .from(supervisions)
    .where(and(eq(supervisions.clockId, clockId), eq(supervisions.level, 1)))
    .orderBy(desc(supervisions.issuedAt))
    .limit(1);
  // Level 2 follows up the same breach, and only while the party charged with it still holds the
  // step (paused for a supplement included): a party that has since acted is not escalated.
  const party = levelOne?.chargedParty ?? clock.chargedParty;
  if (party !== clock.chargedParty) {
    await setEngineState(tx, clockId, { levelTwoAt: null });
    return null;
  }
  const authority = await specialDepartment(tx, 'authority');
  if (!authority) throw new MissingDepartmentError('the competent authority');
  const due = clock.levelTwoAt;
  const levelTwo = await issueSupervision(tx, subject, clock, 2, party, due);
  await setEngineState(tx, clockId, { supervisionLevel: 2, levelTwoAt: null });
  await notify(tx, subject, 'supervision', due, [
    { departmentId: authority.id, title: `二级督办：${subject.label} 超期未办结`, body: '一级督办后仍未办结，请公共数据主管部门督促' },
    // The responsible department learns it has been escalated, with its reply due.
    ...(levelTwo.responsibleDepartmentId !== authority.id
      ? [
          {
            departmentId: levelTwo.responsibleDepartmentId,
            title: `二级督办：${subject.label} 已报公共数据主管部门`,
            body: `请于 ${levelTwo.replyDueAt.toISOString()} 前书面答复办理情况`,
          },
        ]
      : []),
  ]);
  return due;
}

/**
 * The step is paused (补正). A pause after the deadline records the breach the timer had not yet
 * recorded, and supervision starts as the timer would have done.
 */
export async function pauseStep(
  tx: Tx,
  subject: StepSubject,
  clockId: string,
  at: Date,
  meta: ChangeMeta,
  reason: string,
): Promise<ClockRow> {
  const clock = await lockClock(tx, clockId);
  const since = clock.state === 'running' ? lateSince(clock, at) : null;
  const paused = await clocks.pauseSlaClock(tx, clockId, at, meta, reason);
  if (since) await chargeLateness(tx, subject, paused, since, meta);
  return paused;
}

/**
 * The step passes to another party (an approval hands provisioning to the center). If its
 * deadline passed and the breach timer has not run yet (a backlogged worker), the breach is
 * recorded first, at the deadline, and charged to the party whose step was open then — not to the
 * party receiving it, which gets the policy's grace period (`handoverGraceDays`) before it is
 * charged itself.
 */
export async function handOverStep(tx: Tx, subject: StepSubject, clockId: string, party: string, at: Date, meta: ChangeMeta) {
  const clock = await lockClock(tx, clockId);
  const since = clock.state === 'running' ? lateSince(clock, at) : null;
  if (since) await chargeLateness(tx, subject, clock, since, meta);
  // Received overdue, the step gives its new party a grace period before the lateness is its own;
  // the previous party's supervision stays with it but does not go on to level 2 (it has acted).
  const overdue = clock.state === 'running' && at > clock.deadlineAt;
  const graceUntil = overdue ? (await loadCalendar(tx)).addWorkingDays(at, clock.handoverGraceDays).at : null;
  const handed = await clocks.handOverSlaClock(tx, clockId, party, at, meta, graceUntil);
  return graceUntil ? setEngineState(tx, clockId, { supervisionLevel: 0, levelTwoAt: null }) : handed;
}

/**
 * The step ends (decided, delivered, withdrawn). Lateness the breach timer had not recorded yet
 * (a backlogged worker) is charged first, at the instant it began, to the party it belongs to.
 */
export async function stopStep(tx: Tx, subject: StepSubject, clockId: string, at: Date, meta: ChangeMeta): Promise<ClockRow> {
  const clock = await lockClock(tx, clockId);
  const since = clock.state === 'running' ? lateSince(clock, at) : null;
  if (since) await chargeLateness(tx, subject, clock, since, meta);
  return clocks.stopSlaClock(tx, clockId, at, meta);
}

/** One extension per step, asked before the deadline and at most `cap` working days; the center decides. */
export async function requestStepExtension(
  tx: Tx,
  subject: StepSubject,
  clockId: string,
  ask: { days: number; reason: string; cap: number },
  at: Date,
  meta: ChangeMeta,
): Promise<ClockRow> {
  const clock = await clocks.requestSlaExtension(tx, clockId, at, ask.days, ask.reason, meta, ask.cap);
  const center = await centerDepartment(tx);
  if (center)
    await notify(tx, subject, 'extension_requested', at, [
      { departmentId: center, title: `${subject.label} 申请延期 ${ask.days} 个工作日`, body: ask.reason },
    ]);
  return clock;
}

/**
 * The center decides. An approval after the breach supersedes it (DESIGN.md): overdue clears and,
 * with it, the supervision that breach started; a new breach starts over at level 1.
 */
export async function decideStepExtension(
  tx: Tx,
  subject: StepSubject,
  clockId: string,
  decision: { approved: boolean; reason: string },
  at: Date,
  meta: ChangeMeta,
): Promise<ClockRow> {
  const decided = await clocks.decideSlaExtension(tx, clockId, at, decision.approved, meta, decision.reason);
  const cleared = !isOverdue(clocks.toDomain(decided)) && decided.supervisionLevel > 0;
  const clock = cleared ? await setEngineState(tx, clockId, { supervisionLevel: 0, levelTwoAt: null }) : decided;
  const departments = [...new Set(Object.values(subject.departments).filter((d): d is string => Boolean(d)))];
  await notify(
    tx,
    subject,
    'extension_decided',
    at,
    departments.map((departmentId) => ({
      departmentId,
      title: `${subject.label} 的延期申请${decision.approved ? '已批准' : '未批准'}`,
      body: decision.reason,
    })),
  );
  return clock;
}

/** The responsible department answers a supervision notice (once). */
export async function replyToSupervision(
  tx: Tx,
  supervisionId: string,
  reply: { departmentId: string; userId: string; text: string },
  at: Date,
): Promise<SupervisionRow> {
  const [row] = await tx.select().from(supervisions).where(eq(supervisions.id, supervisionId)).for('update');
  if (!row) throw new NotFoundError('supervision_not_found', 'No such supervision notice');
  if (row.responsibleDepartmentId !== reply.departmentId)
    throw new ConflictError('not_your_step', 'Only the responsible department replies to a supervision notice');
  if (row.repliedAt) throw new ConflictError('already_replied', 'The supervision notice has been answered');
  const [updated] = await tx
    .update(supervisions)
    .set({ reply: reply.text, repliedAt: at, repliedBy: reply.userId })
    .where(eq(supervisions.id, row.id))
    .returning();
  return updated!;
}
