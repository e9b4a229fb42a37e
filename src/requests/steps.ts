/**
 * The steps of a request's workflow, as database transactions (called by activities). Each step
 * is keyed by the workflow (`stepKey`): a retried activity whose first attempt committed finds
 * its timeline entry and changes nothing, so a step has exactly one audit entry and one set of
 * notices whatever happens to the worker.
 */
import { and, asc, desc, eq, isNotNull, isNull, lt, ne, notInArray, sql } from 'drizzle-orm';
import { appendAudit, type AuditActor } from '../audit/index.js';
import { Subject } from '../identity/rules/abilities.js';
import { loadCalendar } from '../calendar/index.js';
import type { Db, Tx } from '../platform/db/client.js';
import {
  grants,
  requestEvents,
  requests,
  requestSupplements,
  slaClockEvents,
  slaClocks,
  supervisions,
  writtenExplanations,
} from '../platform/db/schema.js';
import type { ConditionCheck } from '../catalogue/rules/conditions.js';
import { isOverdue, reminderDue } from '../sla/rules/clock.js';
import {
  nextState,
  responsibleParty,
  TERMINAL_STATES,
  workingParty,
  type Party,
  type RequestAction,
  type RequestState,
} from './rules/lifecycle.js';
import { extensionCap, trackDays, type Track } from './rules/policy.js';
import { refusalProblems, type WrittenExplanation } from './rules/refusal.js';
import type { RoutingDecision } from './rules/routing.js';
import { ConflictError, NotFoundError, RuleViolationError, TransientError } from '../platform/errors.js';
import { specialDepartment } from '../identity/index.js';
import { enqueueNotification } from '../notifications/index.js';
import * as sla from '../sla/index.js';
import { requestWorkflowId, type RequestRow, type RoutingSnapshot } from './filing.js';
import { policyAt } from './policy.js';

/** A person acting through the API; the workflow passes it on to the step. */
export interface StepActor {
  userId: string;
  departmentId: string;
  role: string;
  party: Party;
  httpRequestId?: string | null;
}

/** What the workflow needs to keep its timers and answer its validators. */
export interface RequestView {
  id: string;
  number: string;
  state: RequestState;
  track: Track;
  stateBeforeSupplement: RequestState | null;
  requesterDepartmentId: string;
  ownerDepartmentId: string;
  clockId: string | null;
  clockState: 'running' | 'paused' | 'stopped' | null;
  deadline: string | null;
  overdue: boolean;
  supervisionLevel: number;
  supplement: { id: string; clockId: string; due: string } | null;
  extension: 'none' | 'pending' | 'decided';
  checks: ConditionCheck[];
  ownerMayRefuse: boolean;
  scenarioKind: string | null;
  policy: { supplementAnswerDays: number; levelTwoAfterDays: number; supervisionReplyDays: number; extensionCapDays: number };
  /** When level 2 falls due (the latest level-1 notice + the policy's period), while overdue at level 1. */
  levelTwoAt?: string | null;
}

const system: AuditActor = { kind: 'system', role: 'workflow' };
const clockMeta = (actor: StepActor | null) => ({ actor: actor ? auditActorOf(actor) : system, requestId: actor?.httpRequestId ?? null });
const auditActorOf = (actor: StepActor): AuditActor => ({
  kind: 'user',
  userId: actor.userId,
  departmentId: actor.departmentId,
  role: actor.role,
});

/** The party a track's main clock is charged to while its first step is open. */
const FIRST_STEP_PARTY: Record<Track, Party> = { 1: 'center', 5: 'owner', 15: 'center' };
const FIRST_ACTION: Record<Track, RequestAction> = { 1: 'start_provisioning', 5: 'open_review', 15: 'open_coordination' };

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

/** An open supplement: asked, neither answered nor lapsed (a request has at most one). */
const supplementIsOpen = and(isNull(requestSupplements.answeredAt), isNull(requestSupplements.lapsedAt));
const isOpenSupplementOf = (requestId: string) => and(eq(requestSupplements.requestId, requestId), supplementIsOpen);

/** The open supplement with its clock, the truth about its due date (a correction may move it). */
async function openSupplement(db: Db | Tx, requestId: string) {
  const [supplement] = await db.select().from(requestSupplements).where(isOpenSupplementOf(requestId));
  if (!supplement) return undefined;
  return { supplement, clock: supplement.clockId ? await sla.getClock(db, supplement.clockId) : undefined };
}

export async function viewRequest(db: Db | Tx, id: string): Promise<RequestView> {
  const [row] = await db.select().from(requests).where(eq(requests.id, id));
  if (!row) throw new NotFoundError('request_not_found', `No request ${id}`);
  const clock = row.clockId ? await sla.getClock(db, row.clockId) : undefined;
  const open = await openSupplement(db, id);
  const snapshot = row.snapshot as RoutingSnapshot;
  const policy = await policyAt(db, row.policyName!, row.policyVersion!);
  const stepDays = trackDays(policy.settings, row.track as Track);
  const extension = clock?.extension as { decision: string } | null | undefined;
  let levelTwoAt: string | null = null;
  if (row.overdue && row.supervisionLevel === 1) {
    const [levelOne] = await db
      .select({ issuedAt: supervisions.issuedAt })
      .from(supervisions)
      .where(and(eq(supervisions.requestId, id), eq(supervisions.level, 1)))
      .orderBy(desc(supervisions.issuedAt))
      .limit(1);
    if (levelOne)
      levelTwoAt = (await loadCalendar(db)).addWorkingDays(levelOne.issuedAt, policy.settings.levelTwoAfterDays).at.toISOString();
  }
  return {
    levelTwoAt,
    id: row.id,
    number: row.number!,
    state: row.state as RequestState,
    track: row.track as Track,
    stateBeforeSupplement: row.stateBeforeSupplement as RequestState | null,
    requesterDepartmentId: row.requesterDepartmentId,
    ownerDepartmentId: row.ownerDepartmentId,
    clockId: row.clockId,
    clockState: clock?.state ?? null,
    deadline: clock?.deadlineAt.toISOString() ?? null,
    overdue: row.overdue,
    supervisionLevel: row.supervisionLevel,
    supplement: open
      ? { id: open.supplement.id, clockId: open.supplement.clockId!, due: (open.clock?.deadlineAt ?? open.supplement.dueAt!).toISOString() }
      : null,
    extension: !extension ? 'none' : extension.decision === 'pending' ? 'pending' : 'decided',
    checks: (row.preCheck as ConditionCheck[] | null) ?? [],
    ownerMayRefuse: (row.routing as RoutingDecision).ownerMayRefuse,
    scenarioKind: snapshot.scenario?.kind ?? null,
    policy: {
      supplementAnswerDays: policy.settings.supplementAnswerDays,
      levelTwoAfterDays: policy.settings.levelTwoAfterDays,
      supervisionReplyDays: policy.settings.supervisionReplyDays,
      extensionCapDays: extensionCap(policy.settings, stepDays),
    },
  };
}

interface Change {
  requestId: string;
  stepKey: string;
  /** The lifecycle action (checked by the rules); null for steps that keep the state. */
  action: RequestAction | null | ((row: RequestRow) => RequestAction);
  /** The kind of timeline entry; for a transition, the action's past tense by default. */
  kind: string;
  actor: StepActor | null;
  at: Date;
  /** What the timeline and audit entry say; a function is read after `apply` has run. */
  details?: Record<string, unknown> | (() => Record<string, unknown>);
  reason?: string | null;
  /** Extra work in the same transaction, given the locked row and the state it moves to. */
  apply?: (tx: Tx, row: RequestRow, to: RequestState) => Promise<Partial<typeof requests.$inferInsert> | void>;
  /** The notices of the step, in its transaction. */
  notify?: (row: RequestRow, to: RequestState, tx: Tx) => Notice[] | Promise<Notice[]>;
}

type Notice = { departmentId: string; title: string; body: string };

/**
 * One step, all or nothing: lock, skip if already done, check the lifecycle rule, apply, record
 * the timeline entry, the audit entry and the notices.
 */
async function step(db: Db, change: Change): Promise<RequestView> {
  await db.transaction(async (tx) => {
    const row = await lockRequest(tx, change.requestId);
    if (await stepDone(tx, change.requestId, change.stepKey)) return;
    const from = row.state as RequestState;
    let to = from;
    const action = typeof change.action === 'function' ? change.action(row) : change.action;
    if (action) {
      const party = change.actor?.party ?? 'system';
      const result = nextState(
        { state: from, track: row.track as Track, stateBeforeSupplement: row.stateBeforeSupplement as RequestState | null },
        action,
        party,
      );
      if (!result.ok) throw new ConflictError(result.code, result.message);
      to = result.to;
    }
    const patch = (await change.apply?.(tx, row, to)) ?? {};
    const details = typeof change.details === 'function' ? change.details() : (change.details ?? {});
    await tx
      .update(requests)
      .set({ ...patch, state: to, updatedAt: change.at })
      .where(eq(requests.id, row.id));
    await tx.insert(requestEvents).values({
      requestId: row.id,
      stepKey: change.stepKey,
      kind: change.kind,
      at: change.at,
      fromState: from,
      toState: to,
      party: change.actor?.party ?? 'system',
      actorUserId: change.actor?.userId ?? null,
      actorDepartmentId: change.actor?.departmentId ?? null,
      details,
    });
    for (const notice of (await change.notify?.(row, to, tx)) ?? []) {
      await enqueueNotification(tx, {
        ...notice,
        kind: `request.${change.kind}`,
        subjectType: Subject.Request,
        subjectId: row.id,
        payload: { number: row.number, state: to },
        at: change.at,
      });
    }
    // The ledger's lock serializes every writer until commit: take it last.
    await appendAudit(tx, {
      actor: change.actor ? auditActorOf(change.actor) : system,
      action: `request.${change.kind}`,
      subjectType: Subject.Request,
      subjectId: row.id,
      before: { state: from },
      after: { state: to, number: row.number, ...details },
      reason: change.reason ?? null,
      requestId: change.actor?.httpRequestId ?? null,
      at: change.at,
    });
  });
  return viewRequest(db, change.requestId);
}

async function partyDepartment(tx: Tx | Db, row: RequestRow, party: Party): Promise<string> {
  if (party === 'requester') return row.requesterDepartmentId;
  if (party === 'owner') return row.ownerDepartmentId;
  const center = await specialDepartment(tx, 'center');
  if (!center) throw new MissingDepartmentError('the big-data center');
  return center.id;
}

/**
 * A timed step needs a department nobody has flagged (the center, the competent authority). Not
 * an AppError: the activity keeps retrying until an administrator fixes the directory, rather
 * than failing the request's workflow for good.
 */
export class MissingDepartmentError extends TransientError {
  constructor(which: string) {
    super(`No department is flagged as ${which}; the step waits until one is`);
  }
}

async function centerId(tx: Tx | Db): Promise<string | null> {
  return (await specialDepartment(tx, 'center'))?.id ?? null;
}

const both = (row: RequestRow, title: string, body: string) => [
  { departmentId: row.requesterDepartmentId, title, body },
  { departmentId: row.ownerDepartmentId, title, body },
];

/** The workflow's first step: start the track's clock and open its first step. */
export async function beginRequest(db: Db, requestId: string, at: Date): Promise<RequestView> {
  return step(db, {
    requestId,
    stepKey: 'begin',
    action: (row) => FIRST_ACTION[row.track as Track],
    kind: 'opened',
    actor: null,
    at,
    apply: async (tx, row) => {
      const track = row.track as Track;
      const policy = await policyAt(tx, row.policyName!, row.policyVersion!);
      const clock = await sla.startSlaClock(
        tx,
        // The track's working days count from filing, even if the workflow started late.
        {
          subjectType: Subject.Request,
          subjectId: row.id,
          step: `track${track}`,
          chargedParty: FIRST_STEP_PARTY[track],
          workflowId: requestWorkflowId(row.id),
          policyProfile: policy.name,
          policyVersion: policy.version,
          workingDays: trackDays(policy.settings, track),
          at: row.filedAt ?? at,
        },
        clockMeta(null),
      );
      return { clockId: clock.id, deadlineAt: clock.deadlineAt, deadlineDate: clock.deadlineDate };
    },
    notify: (row) => {
      const track = row.track as Track;
      return track === 5
        ? [
            {
              departmentId: row.ownerDepartmentId,
              title: `请审核数据共享申请 ${row.number}`,
              body: `第5类通道：请按已编目的共享条件审核（办理时限 ${trackDaysNote(row)}）`,
            },
          ]
        : [];
    },
  }).then(async (view) => {
    const center = view.track !== 5 ? await centerId(db) : null;
    if (center)
      await notifyOnce(
        db,
        requestId,
        'begin:center',
        {
          departmentId: center,
          title: view.track === 1 ? `请为申请 ${view.number} 供数` : `申请 ${view.number} 待三方协调`,
          body: view.track === 1 ? '第1类通道：无需数据责任部门审核，请在1个工作日内供数' : '第15类通道：请组织需求方、责任方三方协调',
        },
        at,
      );
    return view;
  });
}

const trackDaysNote = (row: RequestRow) => (row.deadlineDate ? `至 ${row.deadlineDate}` : '见申请详情');

export async function approveRequest(
  db: Db,
  input: {
    requestId: string;
    stepKey: string;
    actor: StepActor;
    at: Date;
    fields?: string[] | undefined;
    usageMonths?: number | undefined;
    note?: string | undefined;
  },
): Promise<RequestView> {
  await step(db, {
    requestId: input.requestId,
    stepKey: input.stepKey,
    action: 'approve',
    kind: 'approved',
    actor: input.actor,
    at: input.at,
    reason: input.note ?? null,
    details: { fields: input.fields ?? null, usageMonths: input.usageMonths ?? null },
    apply: async (_tx, row) => {
      const narrowedOutside = (input.fields ?? []).filter((f) => !row.fields.includes(f));
      if (narrowedOutside.length)
        throw new RuleViolationError('fields_not_requested', `An approval may narrow the fields, not add ${narrowedOutside.join(', ')}`);
      if (input.usageMonths !== undefined && row.usageMonths !== null && input.usageMonths > row.usageMonths)
        throw new RuleViolationError('usage_period_not_requested', 'An approval may shorten the usage period, not lengthen it');
      return { approvedFields: input.fields ?? row.fields, approvedUsageMonths: input.usageMonths ?? row.usageMonths, decidedAt: input.at };
    },
    notify: (row) => both(row, `申请 ${row.number} 已获批准`, '数据责任部门已同意共享，市大数据中心将按时限供数'),
  });
  return startProvisioning(db, input.requestId, `${input.stepKey}:provisioning`, input.at);
}

async function startProvisioning(db: Db, requestId: string, stepKey: string, at: Date): Promise<RequestView> {
  return step(db, {
    requestId,
    stepKey,
    action: 'start_provisioning',
    kind: 'provisioning_started',
    actor: null,
    at,
    apply: async (tx, row) => {
      if (row.clockId) await sla.handOverSlaClock(tx, row.clockId, 'center', at, clockMeta(null));
    },
    notify: () => [],
  }).then(async (view) => {
    const center = await centerId(db);
    if (center)
      await notifyOnce(
        db,
        requestId,
        `${stepKey}:center`,
        { departmentId: center, title: `请为申请 ${view.number} 供数`, body: '请按申请的交付方式（接口或批量交换）完成供数并确认' },
        at,
      );
    return view;
  });
}

/** A notice tied to a step key of its own, so a retry sends it once. */
async function notifyOnce(
  db: Db,
  requestId: string,
  stepKey: string,
  notice: { departmentId: string; title: string; body: string },
  at: Date,
): Promise<void> {
  await db.transaction(async (tx) => {
    await lockRequest(tx, requestId);
    if (await stepDone(tx, requestId, stepKey)) return;
    await tx.insert(requestEvents).values({
      requestId,
      stepKey,
      kind: 'notified',
      at,
      party: 'system',
      details: { departmentId: notice.departmentId, title: notice.title },
    });
    await enqueueNotification(tx, { ...notice, kind: 'request.notice', subjectType: Subject.Request, subjectId: requestId, at });
  });
}

export async function refuseRequest(
  db: Db,
  input: { requestId: string; stepKey: string; actor: StepActor; at: Date; explanation: WrittenExplanation },
): Promise<RequestView> {
  return step(db, {
    requestId: input.requestId,
    stepKey: input.stepKey,
    action: 'refuse',
    kind: 'refused',
    actor: input.actor,
    at: input.at,
    reason: input.explanation.reasons,
    details: { citedConditions: input.explanation.citedConditions, legalBasis: input.explanation.legalBasis },
    apply: async (tx, row) => {
      const view = await viewRequest(tx, row.id);
      const problems = refusalProblems(input.explanation, {
        track: view.track,
        checks: view.checks,
        scenarioKind: view.scenarioKind,
        ownerMayRefuse: view.ownerMayRefuse,
      });
      if (problems.length) throw new RuleViolationError('invalid_refusal', problems.join('; '), { problems });
      await tx.insert(writtenExplanations).values({
        requestId: row.id,
        legalBasis: input.explanation.legalBasis,
        citedConditions: input.explanation.citedConditions,
        reasons: input.explanation.reasons,
        alternatives: input.explanation.alternatives,
        authorUserId: input.actor.userId,
        departmentId: input.actor.departmentId,
        filedAt: input.at,
      });
      if (row.clockId) await sla.stopSlaClock(tx, row.clockId, input.at, clockMeta(input.actor));
      return { decidedAt: input.at, closedAt: input.at };
    },
    notify: (row) => [
      {
        departmentId: row.requesterDepartmentId,
        title: `申请 ${row.number} 未获同意`,
        body: `书面说明：${input.explanation.reasons}；替代方案：${input.explanation.alternatives}`,
      },
    ],
  }).then(async (view) => {
    const center = await centerId(db);
    if (center)
      await notifyOnce(
        db,
        input.requestId,
        `${input.stepKey}:center`,
        { departmentId: center, title: `申请 ${view.number} 被拒绝`, body: `书面说明：${input.explanation.reasons}` },
        input.at,
      );
    return view;
  });
}

export async function askSupplement(
  db: Db,
  input: { requestId: string; stepKey: string; actor: StepActor; at: Date; question: string },
): Promise<RequestView> {
  let breachedByPause: SupervisionRow | null = null;
  return step(db, {
    requestId: input.requestId,
    stepKey: input.stepKey,
    action: 'ask_supplement',
    kind: 'supplement_requested',
    actor: input.actor,
    at: input.at,
    details: { question: input.question },
    apply: async (tx, row) => {
      const view = await viewRequest(tx, row.id);
      const paused = row.clockId
        ? await sla.pauseSlaClock(tx, row.clockId, input.at, clockMeta(input.actor), 'supplement requested (补正)')
        : undefined;
      // Asked after the deadline, before the breach timer ran: the pause recorded the breach, and
      // the request is flagged and supervised as the timer would have done.
      if (paused?.breachedAt && !row.overdue)
        breachedByPause = await issueSupervision(tx, row, 1, responsibleParty(row.state as RequestState) ?? 'owner', paused.breachedAt);
      const policy = await policyAt(tx, row.policyName!, row.policyVersion!);
      const clock = await sla.startSlaClock(
        tx,
        {
          subjectType: Subject.Request,
          subjectId: row.id,
          step: 'supplement',
          chargedParty: 'requester',
          workflowId: requestWorkflowId(row.id),
          policyProfile: policy.name,
          policyVersion: policy.version,
          workingDays: view.policy.supplementAnswerDays,
          at: input.at,
        },
        clockMeta(input.actor),
      );
      await tx.insert(requestSupplements).values({
        requestId: row.id,
        question: input.question,
        askedAt: input.at,
        askedBy: input.actor.userId,
        clockId: clock.id,
        dueAt: clock.deadlineAt,
      });
      return { stateBeforeSupplement: row.state, ...(breachedByPause ? { overdue: true, supervisionLevel: 1 } : {}) };
    },
    notify: async (row, _to, tx) => [
      {
        departmentId: row.requesterDepartmentId,
        title: `申请 ${row.number} 需要补正`,
        body: `${input.question}（请在规定时限内答复，逾期未答复申请将失效）`,
      },
      // As a breach recorded by the timer tells it.
      ...(breachedByPause ? supervisionNotices(row, breachedByPause, await centerId(tx)).map((n) => n.notice) : []),
    ],
  });
}

export async function answerSupplement(
  db: Db,
  input: { requestId: string; stepKey: string; actor: StepActor; at: Date; answer: string },
): Promise<RequestView> {
  return step(db, {
    requestId: input.requestId,
    stepKey: input.stepKey,
    action: 'answer_supplement',
    kind: 'supplement_answered',
    actor: input.actor,
    at: input.at,
    details: { answer: input.answer },
    apply: async (tx, row) => {
      const open = await openSupplement(tx, row.id);
      // The lapse timer may not have run yet (a worker was down): the limit holds all the same.
      if (open?.clock && input.at > open.clock.deadlineAt)
        throw new ConflictError('supplement_lapsed', `The supplement was due by ${open.clock.deadlineDate}; the request lapses`);
      if (open) {
        await tx
          .update(requestSupplements)
          .set({ answer: input.answer, answeredAt: input.at, answeredBy: input.actor.userId })
          .where(eq(requestSupplements.id, open.supplement.id));
        if (open.clock) await sla.stopSlaClock(tx, open.clock.id, input.at, clockMeta(input.actor));
      }
      let deadline = {};
      if (row.clockId) {
        const resumed = await sla.resumeSlaClock(tx, row.clockId, input.at, clockMeta(input.actor));
        deadline = { deadlineAt: resumed.deadlineAt, deadlineDate: resumed.deadlineDate };
      }
      return { stateBeforeSupplement: null, ...deadline };
    },
    notify: (row) => [
      { departmentId: row.ownerDepartmentId, title: `申请 ${row.number} 已补正`, body: '申请部门已答复补正，办理时限恢复计算' },
    ],
  });
}

export async function lapseRequest(db: Db, input: { requestId: string; stepKey: string; at: Date }): Promise<RequestView> {
  const caughtUp = await catchUpWithClocks(db, input);
  if (caughtUp) return caughtUp;
  return step(db, {
    requestId: input.requestId,
    stepKey: input.stepKey,
    action: 'lapse',
    kind: 'lapsed',
    actor: null,
    at: input.at,
    apply: async (tx, row) => {
      await tx.update(requestSupplements).set({ lapsedAt: input.at }).where(isOpenSupplementOf(row.id));
      await stopOpenClocks(tx, row, input.at, null);
      return { closedAt: input.at, stateBeforeSupplement: null };
    },
    notify: async (row, _to, tx) => [
      ...both(row, `申请 ${row.number} 已失效`, '补正未在时限内答复，申请失效；如仍需数据请重新申请'),
      ...(await toCenterIfItsWork(tx, row, '已失效')),
    ],
  });
}

/** When a request closes without a decision while the center works on it (provisioning, coordination), the center is told. */
async function toCenterIfItsWork(tx: Tx, row: RequestRow, what: string): Promise<Notice[]> {
  if (workingParty(row.state as RequestState, row.stateBeforeSupplement as RequestState | null) !== 'center') return [];
  const center = await centerId(tx);
  return center ? [{ departmentId: center, title: `申请 ${row.number} ${what}`, body: '该申请已终止，无需继续供数或协调' }] : [];
}

export async function withdrawRequest(
  db: Db,
  input: { requestId: string; stepKey: string; actor: StepActor; at: Date; reason: string },
): Promise<RequestView> {
  return step(db, {
    requestId: input.requestId,
    stepKey: input.stepKey,
    action: 'withdraw',
    kind: 'withdrawn',
    actor: input.actor,
    at: input.at,
    reason: input.reason,
    apply: async (tx, row) => {
      // An open supplement stays unanswered (not lapsed): the request's state says it was withdrawn.
      await stopOpenClocks(tx, row, input.at, input.actor);
      return { closedAt: input.at, stateBeforeSupplement: null };
    },
    notify: async (row, _to, tx) => [
      { departmentId: row.ownerDepartmentId, title: `申请 ${row.number} 已撤回`, body: input.reason },
      ...(await toCenterIfItsWork(tx, row, '已撤回')),
    ],
  });
}

async function stopOpenClocks(tx: Tx, row: RequestRow, at: Date, actor: StepActor | null): Promise<void> {
  const open = await tx.select().from(requestSupplements).where(eq(requestSupplements.requestId, row.id));
  for (const clockId of [row.clockId, ...open.map((s) => s.clockId)]) {
    if (!clockId) continue;
    const clock = await sla.getClock(tx, clockId);
    if (clock && clock.state !== 'stopped') await sla.stopSlaClock(tx, clockId, at, clockMeta(actor));
  }
}

export async function confirmDelivery(
  db: Db,
  input: { requestId: string; stepKey: string; actor: StepActor; at: Date; method: 'interface' | 'batch'; reference: string },
): Promise<RequestView> {
  return step(db, {
    requestId: input.requestId,
    stepKey: input.stepKey,
    action: 'confirm_delivery',
    kind: 'delivered',
    actor: input.actor,
    at: input.at,
    details: { method: input.method, reference: input.reference },
    apply: async (tx, row) => {
      if (row.clockId) await sla.stopSlaClock(tx, row.clockId, input.at, clockMeta(input.actor));
      const snapshot = row.snapshot as RoutingSnapshot;
      const months = row.approvedUsageMonths ?? row.usageMonths;
      const validTo = months ? new Date(input.at.getTime()) : null;
      if (validTo && months) validTo.setUTCMonth(validTo.getUTCMonth() + months);
      await tx
        .insert(grants)
        .values({
          requestId: row.id,
          requesterDepartmentId: row.requesterDepartmentId,
          datasetId: row.datasetId,
          datasetVersion: snapshot.datasetVersion,
          fields: row.approvedFields ?? row.fields,
          scenarioId: row.scenarioId,
          purpose: row.purpose,
          state: 'active',
          deliveryMethod: input.method,
          deliveryReference: input.reference,
          validFrom: input.at,
          validTo,
          createdAt: input.at,
        })
        .onConflictDoNothing();
      return { closedAt: input.at };
    },
    notify: (row) =>
      both(row, `申请 ${row.number} 已供数`, `交付方式：${input.method === 'interface' ? '接口' : '批量交换'}，凭证：${input.reference}`),
  });
}

export async function requestExtension(
  db: Db,
  input: { requestId: string; stepKey: string; actor: StepActor; at: Date; days: number; reason: string },
): Promise<RequestView> {
  return step(db, {
    requestId: input.requestId,
    stepKey: input.stepKey,
    action: null,
    kind: 'extension_requested',
    actor: input.actor,
    at: input.at,
    reason: input.reason,
    details: { days: input.days },
    apply: async (tx, row) => {
      if (row.state !== 'owner_review' && row.state !== 'coordination')
        throw new ConflictError('invalid_state', `An extension is asked while the step is open, not in state ${row.state}`);
      if (!row.clockId) throw new ConflictError('invalid_state', 'The request has no running clock');
      const view = await viewRequest(tx, row.id);
      await sla.requestSlaExtension(
        tx,
        row.clockId,
        input.at,
        input.days,
        input.reason,
        clockMeta(input.actor),
        view.policy.extensionCapDays,
      );
    },
    notify: () => [],
  }).then(async (view) => {
    const center = await centerId(db);
    if (center)
      await notifyOnce(
        db,
        input.requestId,
        `${input.stepKey}:center`,
        { departmentId: center, title: `申请 ${view.number} 申请延期 ${input.days} 个工作日`, body: input.reason },
        input.at,
      );
    return view;
  });
}

export async function decideExtension(
  db: Db,
  input: { requestId: string; stepKey: string; actor: StepActor; at: Date; approved: boolean; reason: string },
): Promise<RequestView> {
  return step(db, {
    requestId: input.requestId,
    stepKey: input.stepKey,
    action: null,
    kind: input.approved ? 'extension_approved' : 'extension_rejected',
    actor: input.actor,
    at: input.at,
    reason: input.reason,
    apply: async (tx, row) => {
      if (!row.clockId) throw new ConflictError('invalid_state', 'The request has no clock');
      const clock = await sla.decideSlaExtension(tx, row.clockId, input.at, input.approved, clockMeta(input.actor), input.reason);
      // An approval after the deadline supersedes the breach (DESIGN.md): overdue clears, and
      // with it the supervision that breach started; a new breach starts over at level 1.
      const overdue = isOverdue(sla.toDomain(clock));
      return { deadlineAt: clock.deadlineAt, deadlineDate: clock.deadlineDate, overdue, ...(overdue ? {} : { supervisionLevel: 0 }) };
    },
    notify: (row) => both(row, `申请 ${row.number} 的延期申请${input.approved ? '已批准' : '未批准'}`, input.reason),
  });
}

/**
 * The clock service moved a deadline (a calendar correction, a policy applied to open requests):
 * the request follows its clocks — the main one and an open supplement's — and records it.
 */
export async function recordDeadlineMoved(db: Db, input: { requestId: string; stepKey: string; at: Date }): Promise<RequestView> {
  let before: { at: string | null; date: string | null } = { at: null, date: null };
  let supplementMove: { before: string | null; after: string } | null = null;
  return step(db, {
    requestId: input.requestId,
    stepKey: input.stepKey,
    action: null,
    kind: 'deadline_moved',
    actor: null,
    at: input.at,
    apply: async (tx, row) => {
      before = { at: row.deadlineAt?.toISOString() ?? null, date: row.deadlineDate };
      const open = await openSupplement(tx, row.id);
      if (open?.clock && open.clock.deadlineAt.getTime() !== open.supplement.dueAt?.getTime()) {
        supplementMove = { before: open.supplement.dueAt?.toISOString() ?? null, after: open.clock.deadlineAt.toISOString() };
        await tx.update(requestSupplements).set({ dueAt: open.clock.deadlineAt }).where(eq(requestSupplements.id, open.supplement.id));
      }
      const clock = row.clockId ? await sla.getClock(tx, row.clockId) : undefined;
      if (!clock) return;
      // A correction that moves a breached deadline back into the future clears the breach.
      const cleared = row.overdue && !isOverdue(sla.toDomain(clock));
      return {
        deadlineAt: clock.deadlineAt,
        deadlineDate: clock.deadlineDate,
        ...(cleared ? { overdue: false, supervisionLevel: 0 } : {}),
      };
    },
    details: () => ({
      deadlineDateBefore: before.date,
      deadlineBefore: before.at,
      ...(supplementMove ? { supplementDueBefore: supplementMove.before, supplementDue: supplementMove.after } : {}),
    }),
    notify: (row) => both(row, `申请 ${row.number} 的办理时限已调整`, '工作日历更正，办理时限随之调整，详见申请时间线'),
  });
}

/** 00:00 on the deadline date: the responsible department is reminded that the step is due today. */
export async function remindDeadline(db: Db, input: { requestId: string; stepKey: string; at: Date }): Promise<RequestView> {
  const caughtUp = await catchUpWithClocks(db, input);
  if (caughtUp) {
    // The workflow may have known the new deadline already (a step's view read it from the clock)
    // and timed this reminder for it: then, caught up, remind as well.
    const dueNow =
      caughtUp.clockState === 'running' && caughtUp.deadline !== null && reminderDue(Date.parse(caughtUp.deadline), input.at.getTime());
    return dueNow ? remindDeadline(db, { ...input, stepKey: `${input.stepKey}:reminder` }) : caughtUp;
  }
  return step(db, {
    requestId: input.requestId,
    stepKey: input.stepKey,
    action: null,
    kind: 'reminded',
    actor: null,
    at: input.at,
    notify: () => [],
  }).then(async (view) => {
    const party = responsibleParty(view.state);
    if (party) {
      const [row] = await db.select().from(requests).where(eq(requests.id, input.requestId));
      const departmentId = await partyDepartment(db, row!, party);
      await notifyOnce(
        db,
        input.requestId,
        `${input.stepKey}:notice`,
        { departmentId, title: `申请 ${view.number} 今日到期`, body: '办理时限今日届满，请及时处理' },
        input.at,
      );
    }
    return view;
  });
}

/**
 * The deadline passed: the breach is recorded on the clock and charged to the party whose step
 * is open; the request is flagged overdue; level-1 supervision (督办) goes to that party's
 * department with a reply due, visible to the center. The request stays decidable.
 */
export async function recordBreach(db: Db, input: { requestId: string; stepKey: string; at: Date }): Promise<RequestView> {
  const caughtUp = await catchUpWithClocks(db, input);
  if (caughtUp) return caughtUp;
  const [current] = await db.select().from(requests).where(eq(requests.id, input.requestId));
  const clock = current?.clockId ? await sla.getClock(db, current.clockId) : undefined;
  if (clock && clock.state === 'running' && !clock.breachedAt && clock.deadlineAt.getTime() >= input.at.getTime()) {
    return viewRequest(db, input.requestId); // not due yet: the workflow re-arms its timer
  }
  // The breach dates from the clock: its deadline, or the moment a correction moved it into the past.
  if (clock) input = { ...input, at: clock.breachedAt ?? new Date(clock.deadlineAt.getTime() + 1) };
  const view = await step(db, {
    requestId: input.requestId,
    stepKey: input.stepKey,
    action: null,
    kind: 'deadline_breached',
    actor: null,
    at: input.at,
    apply: async (tx, row) => {
      const party = responsibleParty(row.state as RequestState) ?? 'center';
      if (row.clockId) {
        const clock = await sla.getClock(tx, row.clockId);
        if (clock && clock.chargedParty !== party) await sla.handOverSlaClock(tx, row.clockId, party, input.at, clockMeta(null));
        if (clock && clock.state === 'running' && !clock.breachedAt) await sla.breachSlaClock(tx, row.clockId, input.at, clockMeta(null));
      }
      await issueSupervision(tx, row, 1, party, input.at);
      return { overdue: true, supervisionLevel: 1 };
    },
    notify: () => [],
  });
  const [row] = await db.select().from(requests).where(eq(requests.id, input.requestId));
  const [supervision] = await db
    .select()
    .from(supervisions)
    .where(and(eq(supervisions.requestId, input.requestId), eq(supervisions.level, 1)))
    .orderBy(desc(supervisions.issuedAt))
    .limit(1);
  if (supervision) {
    const center = await centerId(db);
    for (const { key, notice } of supervisionNotices(row!, supervision, center))
      await notifyOnce(db, input.requestId, `${input.stepKey}:${key}`, notice, input.at);
  }
  return view;
}

/**
 * Whether the request's recorded deadlines (its own, an open supplement's) lag behind its clocks:
 * a correction moved a clock and the workflow never heard of it (Temporal was unreachable).
 */
async function lagsBehindClocks(db: Db, requestId: string): Promise<boolean> {
  const [row] = await db.select().from(requests).where(eq(requests.id, requestId));
  const clock = row?.clockId ? await sla.getClock(db, row.clockId) : undefined;
  if (clock && clock.state !== 'stopped' && clock.deadlineAt.getTime() !== row!.deadlineAt?.getTime()) return true;
  const open = await openSupplement(db, requestId);
  return Boolean(open?.clock && open.clock.state !== 'stopped' && open.clock.deadlineAt.getTime() !== open.supplement.dueAt?.getTime());
}

/**
 * Before a timed step (reminder, breach, lapse): if the request lags behind its clocks, the
 * step records the move instead, and the workflow re-arms its timers from the fresh view. Keyed
 * like any step, so a retry after the move was recorded does not go on to the timed step.
 */
async function catchUpWithClocks(db: Db, input: { requestId: string; stepKey: string; at: Date }): Promise<RequestView | null> {
  const [done] = await db
    .select({ kind: requestEvents.kind })
    .from(requestEvents)
    .where(and(eq(requestEvents.requestId, input.requestId), eq(requestEvents.stepKey, input.stepKey)));
  if (done) return done.kind === 'deadline_moved' ? viewRequest(db, input.requestId) : null;
  return (await lagsBehindClocks(db, input.requestId)) ? recordDeadlineMoved(db, input) : null;
}

/** A supervision notice (督办) to the department of the party whose step is open, with a reply due. */
async function issueSupervision(tx: Tx, row: RequestRow, level: 1 | 2, party: Party, at: Date): Promise<SupervisionRow> {
  const policy = await policyAt(tx, row.policyName!, row.policyVersion!);
  const replyDue = (await loadCalendar(tx)).addWorkingDays(at, policy.settings.supervisionReplyDays);
  const [issued] = await tx
    .insert(supervisions)
    .values({
      requestId: row.id,
      level,
      chargedParty: party,
      responsibleDepartmentId: await partyDepartment(tx, row, party),
      issuedAt: at,
      replyDueAt: replyDue.at,
    })
    .onConflictDoNothing()
    .returning();
  if (issued) return issued;
  const [existing] = await tx
    .select()
    .from(supervisions)
    .where(and(eq(supervisions.requestId, row.id), eq(supervisions.level, level), eq(supervisions.issuedAt, at)));
  return existing!;
}

type SupervisionRow = typeof supervisions.$inferSelect;

/** What a level-1 supervision tells, keyed: the responsible department, the center (if another), the requester. */
function supervisionNotices(row: RequestRow, supervision: SupervisionRow, center: string | null): { key: string; notice: Notice }[] {
  return [
    {
      key: 'supervision',
      notice: {
        departmentId: supervision.responsibleDepartmentId,
        title: `督办：申请 ${row.number} 已超期`,
        body: `请于 ${supervision.replyDueAt.toISOString()} 前书面答复办理情况`,
      },
    },
    ...(center && center !== supervision.responsibleDepartmentId
      ? [
          {
            key: 'center',
            notice: { departmentId: center, title: `申请 ${row.number} 超期，已发出一级督办`, body: `责任方：${supervision.chargedParty}` },
          },
        ]
      : []),
    {
      key: 'requester',
      notice: { departmentId: row.requesterDepartmentId, title: `申请 ${row.number} 已超期`, body: '已启动督办，申请仍在办理中' },
    },
  ];
}

/** Still open after the level-2 period: the competent authority's supervisors are notified. */
export async function escalateLevelTwo(db: Db, input: { requestId: string; stepKey: string; at: Date }): Promise<RequestView> {
  const authority = await specialDepartment(db, 'authority');
  const view = await step(db, {
    requestId: input.requestId,
    stepKey: input.stepKey,
    action: null,
    kind: 'escalated_level_two',
    actor: null,
    at: input.at,
    apply: async (tx, row) => {
      if (!authority) throw new MissingDepartmentError('the competent authority');
      // Level 2 follows up the same breach: it is charged to the party level 1 was, even if the
      // request has since moved on (a supplement asked, a late approval now being provisioned).
      const [levelOne] = await tx
        .select()
        .from(supervisions)
        .where(and(eq(supervisions.requestId, row.id), eq(supervisions.level, 1)))
        .orderBy(desc(supervisions.issuedAt))
        .limit(1);
      await issueSupervision(
        tx,
        row,
        2,
        (levelOne?.chargedParty as Party | undefined) ?? responsibleParty(row.state as RequestState) ?? 'center',
        input.at,
      );
      return { supervisionLevel: 2 };
    },
    notify: (row) => [
      { departmentId: authority!.id, title: `二级督办：申请 ${row.number} 超期未办结`, body: '一级督办后仍未办结，请公共数据主管部门督促' },
    ],
  });
  return view;
}

/** The responsible department answers a supervision notice. */
export async function replyToSupervision(
  db: Db,
  input: { supervisionId: string; actor: StepActor; at: Date; reply: string },
): Promise<typeof supervisions.$inferSelect> {
  return db.transaction(async (tx) => {
    const [row] = await tx.select().from(supervisions).where(eq(supervisions.id, input.supervisionId)).for('update');
    if (!row) throw new NotFoundError('supervision_not_found', 'No such supervision notice');
    if (row.responsibleDepartmentId !== input.actor.departmentId)
      throw new ConflictError('not_your_step', 'Only the responsible department replies to a supervision notice');
    if (row.repliedAt) throw new ConflictError('already_replied', 'The supervision notice has been answered');
    const [updated] = await tx
      .update(supervisions)
      .set({ reply: input.reply, repliedAt: input.at, repliedBy: input.actor.userId })
      .where(eq(supervisions.id, row.id))
      .returning();
    await tx.insert(requestEvents).values({
      requestId: row.requestId,
      stepKey: `supervision:${row.id}:reply`,
      kind: 'supervision_replied',
      at: input.at,
      party: input.actor.party,
      actorUserId: input.actor.userId,
      actorDepartmentId: input.actor.departmentId,
      details: { level: row.level },
    });
    await appendAudit(tx, {
      actor: auditActorOf(input.actor),
      action: 'request.supervision_replied',
      subjectType: Subject.Request,
      subjectId: row.requestId,
      after: { supervisionId: row.id, level: row.level },
      reason: input.reply,
      requestId: input.actor.httpRequestId ?? null,
      at: input.at,
    });
    const center = await centerId(tx);
    if (center)
      await enqueueNotification(tx, {
        departmentId: center,
        kind: 'request.supervision_replied',
        subjectType: Subject.Request,
        subjectId: row.requestId,
        title: `督办答复（${row.level}级）`,
        body: input.reply,
        at: input.at,
      });
    return updated!;
  });
}

/** Filed requests whose workflow was never started (Temporal was unreachable at filing). */
export async function unstartedRequests(db: Db, filedBefore: Date, limit: number): Promise<string[]> {
  const rows = await db
    .select({ id: requests.id })
    .from(requests)
    .where(and(isNull(requests.workflowStartedAt), lt(requests.filedAt, filedBefore)))
    .orderBy(asc(requests.filedAt))
    .limit(limit);
  return rows.map((r) => r.id);
}

/** A clock whose workflow has not caught up with its deadline. */
export interface LaggingDeadline {
  workflowId: string;
  clockId: string;
  deadline: string;
}

/**
 * Open requests whose recorded deadline (their own, or an open supplement's) still differs from
 * their clock's after the clock last changed before `settledBefore`: the workflow missed the
 * signal (Temporal was unreachable when the calendar or policy changed) and is told again.
 */
export async function laggingDeadlines(db: Db, settledBefore: Date, limit: number): Promise<LaggingDeadline[]> {
  const settled = sql`not exists (select 1 from ${slaClockEvents} where ${slaClockEvents.clockId} = ${slaClocks.id} and ${slaClockEvents.at} > ${settledBefore})`;
  const open = and(
    notInArray(requests.state, ['draft', ...TERMINAL_STATES]),
    ne(slaClocks.state, 'stopped'),
    isNotNull(slaClocks.workflowId),
    settled,
  );
  const columns = { workflowId: sql<string>`${slaClocks.workflowId}`, clockId: slaClocks.id, deadline: slaClocks.deadlineAt };
  const main = await db
    .select(columns)
    .from(requests)
    .innerJoin(slaClocks, eq(slaClocks.id, requests.clockId))
    .where(and(open, sql`${requests.deadlineAt} is distinct from ${slaClocks.deadlineAt}`))
    // In random order: rows that lag for good (a failed workflow) must not starve the others.
    .orderBy(sql`random()`)
    .limit(limit);
  const supplements = await db
    .select(columns)
    .from(requestSupplements)
    .innerJoin(requests, eq(requests.id, requestSupplements.requestId))
    .innerJoin(slaClocks, eq(slaClocks.id, requestSupplements.clockId))
    .where(and(open, supplementIsOpen, sql`${requestSupplements.dueAt} is distinct from ${slaClocks.deadlineAt}`))
    .orderBy(sql`random()`)
    .limit(limit);
  return [...main, ...supplements].slice(0, limit).map((l) => ({ ...l, deadline: l.deadline.toISOString() }));
}
