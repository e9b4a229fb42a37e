/**
 * The steps of a request's workflow, each one transaction through `runStep` (called by
 * activities): opening the track's clocked step, every declared action, the clocked step's timed
 * events and the lapse of an unanswered supplement.
 */
import { eq } from 'drizzle-orm';
import { appendAudit } from '../audit/index.js';
import { Subject } from '../identity/rules/abilities.js';
import { enqueueNotifications } from '../notifications/index.js';
import { issueGrant } from '../grants/index.js';
import type { Db } from '../platform/db/client.js';
import { requestEvents, requests, requestSupplements } from '../platform/db/schema.js';
import { NotFoundError } from '../platform/errors.js';
import * as sla from '../sla/index.js';
import type { TimedEvent } from '../sla/rules/step.js';
import { auditActorOf, clockMeta, openSupplementOf, runStep, stepSubject, type ActionStep, type StepActor } from './case.js';
import type { RoutingSnapshot } from './filing.js';
import { FIRST_STEP, openFirstStep, openStep } from './open-step.js';
import { COORDINATION_STEPS } from './coordination-steps.js';
import { both, METHOD_LABELS, openDisputeWindow, recordExplanation, stopOpenClocks, toCenter, toCenterIfItsWork } from './step-helpers.js';
import { policyAt } from './policy.js';
import { canReadRequest } from './queries.js';
import { recheckConditions } from './pre-check.js';
import type { ActionInput, ActionName } from './rules/actions.js';
import { trackExtensionCap, type Track } from './rules/policy.js';
import type { RequestView } from './rules/view.js';
import type { Party } from './rules/lifecycle.js';

/** The workflow's first step: the track's clocked step opens, counting from filing even if the workflow started late. */
export async function beginRequest(db: Db, requestId: string, at: Date): Promise<RequestView> {
  let deadlineDate = '';
  return runStep(db, requestId, 'begin', at, {
    action: (row) => FIRST_STEP[row.track as Track].action,
    kind: 'opened',
    actor: null,
    apply: async (tx, row) => {
      const clock = await openFirstStep(tx, row, null);
      deadlineDate = clock.deadlineDate;
      return { clockId: clock.id };
    },
    notify: async (row, tx) => {
      if (row.track === 5)
        return [
          {
            departmentId: row.ownerDepartmentId,
            title: `请审核数据共享申请 ${row.number}`,
            body: `第5类通道：请按已编目的共享条件审核（办理时限 至 ${deadlineDate}）`,
          },
        ];
      return row.track === 1
        ? toCenter(tx, `请为申请 ${row.number} 供数`, '第1类通道：无需数据责任部门审核，请在1个工作日内供数')
        : toCenter(tx, `申请 ${row.number} 待三方协调`, '第15类通道：请组织需求方、责任方三方协调');
    },
  });
}

/** What each declared action does, as the changes of its one transaction. */
/** What a supplement answer changes of the request (only what it restates). */
const amendmentsOf = (input: ActionInput<'answer_supplement'>) => ({
  ...(input.purpose !== undefined ? { purpose: input.purpose } : {}),
  ...(input.legalBasis !== undefined ? { legalBasis: input.legalBasis } : {}),
  ...(input.securityCommitmentAccepted ? { securityCommitmentAccepted: true } : {}),
});

const ACTION_STEPS: { [K in ActionName]: ActionStep<K> } = {
  approve: (input, at) => [
    {
      action: 'approve',
      kind: 'approved',
      actor: input.actor,
      reason: input.note ?? null,
      details: {
        fields: input.fields ?? null,
        usageMonths: input.usageMonths ?? null,
        ...(input.legalBasis ? { legalBasis: input.legalBasis } : {}),
      },
      apply: async (_tx, row) => ({
        approvedFields: input.fields ?? row.fields,
        approvedUsageMonths: input.usageMonths ?? row.usageMonths,
        decidedAt: at,
      }),
      notify: (row) => both(row, `申请 ${row.number} 已获批准`, '数据责任部门已同意共享，市大数据中心将按时限供数'),
    },
    {
      action: 'start_provisioning',
      kind: 'provisioning_started',
      actor: null,
      apply: async (tx, row) => {
        if (row.clockId) await sla.handOverStep(tx, stepSubject(row), row.clockId, 'center', at, clockMeta(null));
      },
      notify: (row, tx) => toCenter(tx, `请为申请 ${row.number} 供数`, '请按申请的交付方式（接口或批量交换）完成供数并确认'),
    },
  ],
  refuse: (input, at) => [
    {
      action: 'refuse',
      kind: 'refused',
      actor: input.actor,
      reason: input.explanation.reasons,
      details: { citedConditions: input.explanation.citedConditions, legalBasis: input.explanation.legalBasis },
      apply: async (tx, row) => {
        await recordExplanation(tx, row, input.explanation, input.actor, at);
        if (row.clockId) await sla.stopStep(tx, stepSubject(row), row.clockId, at, clockMeta(input.actor));
        const window = await openDisputeWindow(tx, row, at, input.actor);
        return { decidedAt: at, closedAt: at, disputeWindowClockId: window.id };
      },
      notify: async (row, tx) => [
        {
          departmentId: row.requesterDepartmentId,
          title: `申请 ${row.number} 未获同意`,
          body: `书面说明：${input.explanation.reasons}；替代方案：${input.explanation.alternatives}`,
        },
        ...(await toCenter(tx, `申请 ${row.number} 被拒绝`, `书面说明：${input.explanation.reasons}`)),
      ],
    },
  ],
  ask_supplement: (input, at) => [
    {
      action: 'ask_supplement',
      kind: 'supplement_requested',
      actor: input.actor,
      details: { question: input.question },
      apply: async (tx, row) => {
        // Asked after the deadline, before the breach timer ran: the pause records the breach and
        // supervision starts, as the timer would have done.
        if (row.clockId) await sla.pauseStep(tx, stepSubject(row), row.clockId, at, clockMeta(input.actor), 'supplement requested (补正)');
        const policy = await policyAt(tx, row.policyName!, row.policyVersion!);
        const workingDays = policy.settings.supplementAnswerDays;
        const clock = await openStep(tx, row, { name: 'supplement', party: 'requester', workingDays, at }, input.actor);
        await tx
          .insert(requestSupplements)
          .values({ requestId: row.id, question: input.question, askedAt: at, askedBy: input.actor.userId, clockId: clock.id });
        return { stateBeforeSupplement: row.state };
      },
      notify: (row) => [
        {
          departmentId: row.requesterDepartmentId,
          title: `申请 ${row.number} 需要补正`,
          body: `${input.question}（请在规定时限内答复，逾期未答复申请将失效）`,
        },
      ],
    },
  ],
  answer_supplement: (input, at) => [
    {
      action: 'answer_supplement',
      kind: 'supplement_answered',
      actor: input.actor,
      details: { answer: input.answer, amended: amendmentsOf(input) },
      apply: async (tx, row) => {
        const amended = { ...row, ...amendmentsOf(input) };
        // What a refusal may cite is what fails now: the conditions are checked again on the answer.
        const preCheck = await recheckConditions(tx, amended, (row.snapshot as RoutingSnapshot).datasetVersion);
        const open = await openSupplementOf(tx, row.id);
        if (open) {
          await tx
            .update(requestSupplements)
            .set({ answer: input.answer, answeredAt: at, answeredBy: input.actor.userId })
            .where(eq(requestSupplements.id, open.id));
          if (open.clockId) await sla.stopSlaClock(tx, open.clockId, at, clockMeta(input.actor));
        }
        if (row.clockId) await sla.resumeSlaClock(tx, row.clockId, at, clockMeta(input.actor));
        return { stateBeforeSupplement: null, ...amendmentsOf(input), preCheck, updatedAt: at };
      },
      notify: (row) => [
        { departmentId: row.ownerDepartmentId, title: `申请 ${row.number} 已补正`, body: '申请部门已答复补正，办理时限恢复计算' },
      ],
    },
  ],
  withdraw: (input, at) => [
    {
      action: 'withdraw',
      kind: 'withdrawn',
      actor: input.actor,
      reason: input.reason,
      apply: async (tx, row) => {
        // An open supplement stays unanswered (not lapsed): the request's state says it was withdrawn.
        await stopOpenClocks(tx, row, at, input.actor);
        return { closedAt: at, stateBeforeSupplement: null };
      },
      notify: async (row, tx) => [
        { departmentId: row.ownerDepartmentId, title: `申请 ${row.number} 已撤回`, body: input.reason },
        ...(await toCenterIfItsWork(tx, row, '已撤回')),
      ],
    },
  ],
  confirm_delivery: (input, at) => [
    {
      action: 'confirm_delivery',
      kind: 'delivered',
      actor: input.actor,
      // Another method than requested is a change the timeline keeps with its reason.
      details: (row) => ({
        method: input.method,
        reference: input.reference,
        ...(input.method !== row.deliveryMethod
          ? { methodChanged: true, methodChangeReason: input.methodChangeReason?.trim() ?? null }
          : {}),
      }),
      reason: (row) => (input.method !== row.deliveryMethod ? (input.methodChangeReason?.trim() ?? null) : null),
      apply: async (tx, row) => {
        if (row.clockId) await sla.stopStep(tx, stepSubject(row), row.clockId, at, clockMeta(input.actor));
        const policy = await policyAt(tx, row.policyName!, row.policyVersion!);
        await issueGrant(tx, {
          requestId: row.id,
          requesterDepartmentId: row.requesterDepartmentId,
          datasetId: row.datasetId,
          datasetVersion: (row.snapshot as RoutingSnapshot).datasetVersion,
          fields: row.approvedFields ?? row.fields,
          scenarioId: row.scenarioId,
          purpose: row.purpose,
          method: input.method,
          reference: input.reference,
          // Filing requires a usage period; an approval may only shorten it.
          usageMonths: row.approvedUsageMonths ?? row.usageMonths!,
          reminderDays: policy.settings.grantExpiryReminderDays,
          at,
        });
        return { closedAt: at };
      },
      notify: (row) =>
        both(
          row,
          `申请 ${row.number} 已供数`,
          `交付方式：${METHOD_LABELS[input.method]}，凭证：${input.reference}` +
            (input.method !== row.deliveryMethod
              ? `；申请的交付方式为${METHOD_LABELS[row.deliveryMethod]}，变更原因：${input.methodChangeReason ?? ''}`
              : ''),
        ),
    },
  ],
  request_extension: (input, at) => [
    {
      action: null,
      kind: 'extension_requested',
      actor: input.actor,
      reason: input.reason,
      details: { days: input.days },
      apply: async (tx, row) => {
        const policy = await policyAt(tx, row.policyName!, row.policyVersion!);
        const cap = trackExtensionCap(policy.settings, row.track as Track);
        await sla.requestStepExtension(
          tx,
          stepSubject(row),
          row.clockId!,
          { days: input.days, reason: input.reason, cap },
          at,
          clockMeta(input.actor),
        );
      },
    },
  ],
  decide_extension: (input, at) => [
    {
      action: null,
      kind: input.approved ? 'extension_approved' : 'extension_rejected',
      actor: input.actor,
      reason: input.reason,
      apply: async (tx, row) => {
        await sla.decideStepExtension(
          tx,
          stepSubject(row),
          row.clockId!,
          { approved: input.approved, reason: input.reason },
          at,
          clockMeta(input.actor),
        );
      },
    },
  ],
  ...COORDINATION_STEPS,
};

/** A person's action, as the workflow accepted it (its validator checked the declaration's rules). */
export async function takeAction<K extends ActionName>(
  db: Db,
  action: { requestId: string; name: K; input: ActionInput<K>; stepKey: string; at: Date },
): Promise<RequestView> {
  const changes = (ACTION_STEPS[action.name] as ActionStep<K>)(action.input, action.at);
  return runStep(db, action.requestId, action.stepKey, action.at, ...changes);
}

/** The timeline entry each timed event of the clocked step records. */
const TIMED_KINDS: Record<TimedEvent, string> = { remind: 'reminded', breach: 'deadline_breached', level_two: 'escalated_level_two' };

/**
 * A timed event of the request's clocked step, run by the engine: the due-today reminder, the
 * breach with level-1 supervision, level 2. Nothing is recorded when the clock says it is not due.
 */
export async function clockEvent(db: Db, input: { requestId: string; clockId: string; event: TimedEvent; stepKey: string; at: Date }) {
  return runStep(db, input.requestId, input.stepKey, input.at, {
    action: null,
    kind: TIMED_KINDS[input.event],
    actor: null,
    apply: async (tx, row) => {
      const subject = stepSubject(row);
      if (input.event === 'remind') return (await sla.remindStep(tx, subject, input.clockId, input.at)) ? undefined : false;
      if (input.event === 'breach')
        return (await sla.breachStep(tx, subject, input.clockId, input.at, clockMeta(null))) ? undefined : false;
      return (await sla.escalateStep(tx, subject, input.clockId, input.at)) ? undefined : false;
    },
  });
}

/** The supplement's clock ran out unanswered: the request lapses. */
export async function lapseRequest(db: Db, input: { requestId: string; stepKey: string; at: Date }): Promise<RequestView> {
  return runStep(db, input.requestId, input.stepKey, input.at, {
    action: 'lapse',
    kind: 'lapsed',
    actor: null,
    apply: async (tx, row) => {
      const open = await openSupplementOf(tx, row.id);
      const clock = open?.clockId ? await sla.getClock(tx, open.clockId) : undefined;
      // A correction may have moved the due date since the workflow looked: the clock decides.
      if (!open || !clock || clock.deadlineAt >= input.at) return false;
      await tx.update(requestSupplements).set({ lapsedAt: input.at }).where(eq(requestSupplements.id, open.id));
      await stopOpenClocks(tx, row, input.at, null);
      return { closedAt: input.at, stateBeforeSupplement: null };
    },
    notify: async (row, tx) => [
      ...both(row, `申请 ${row.number} 已失效`, '补正未在时限内答复，申请失效；如仍需数据请重新申请'),
      ...(await toCenterIfItsWork(tx, row, '已失效')),
    ],
  });
}

/** The window to dispute a refusal ran out: the refusal is final and the request's workflow ends. */
export async function closeDisputeWindow(db: Db, input: { requestId: string; stepKey: string; at: Date }): Promise<RequestView> {
  return runStep(db, input.requestId, input.stepKey, input.at, {
    action: null,
    kind: 'dispute_window_closed',
    actor: null,
    apply: async (tx, row) => {
      const clock = row.disputeWindowClockId ? await sla.getClock(tx, row.disputeWindowClockId) : undefined;
      // A correction may have moved the window since the workflow looked: the clock decides.
      if (!clock || clock.state === 'stopped' || clock.deadlineAt >= input.at) return false;
      await sla.stopSlaClock(tx, clock.id, input.at, clockMeta(null));
    },
  });
}

/** Requests as the engine's supervised cases: the clocks' reads and the supervision reply dispatch here. */
export const supervisedRequests = (db: Db): sla.SupervisedCase => ({
  canRead: canReadRequest,
  recordReply: (input) => recordSupervisionReply(db, input),
});

/** The responsible department's answer to a supervision notice on a request: one transaction with its timeline entry. */
export async function recordSupervisionReply(
  db: Db,
  input: { notice: sla.SupervisionRow; actor: sla.SupervisionReplier; at: Date; text: string },
) {
  const { notice, at, text } = input;
  const actor: StepActor = { ...input.actor, party: notice.chargedParty as Party };
  await db.transaction(async (tx) => {
    const updated = await sla.replyToSupervision(tx, notice.id, { departmentId: actor.departmentId, userId: actor.userId, text }, at);
    const [row] = await tx.select().from(requests).where(eq(requests.id, updated.subjectId));
    if (!row) throw new NotFoundError('request_not_found', 'The supervised request is gone');
    await tx.insert(requestEvents).values({
      requestId: row.id,
      stepKey: `supervision:${updated.id}:reply`,
      kind: 'supervision_replied',
      at,
      party: actor.party,
      actorUserId: actor.userId,
      actorDepartmentId: actor.departmentId,
      details: { level: updated.level },
    });
    await enqueueNotifications(
      tx,
      (await toCenter(tx, `督办答复（${updated.level}级）`, text)).map((notice) => ({
        ...notice,
        kind: 'request.supervision_replied',
        subjectType: Subject.Request,
        subjectId: row.id,
        at,
      })),
    );
    await appendAudit(tx, {
      actor: auditActorOf(actor),
      action: 'request.supervision_replied',
      subjectType: Subject.Request,
      subjectId: row.id,
      after: { supervisionId: updated.id, level: updated.level },
      reason: text,
      requestId: actor.httpRequestId ?? null,
      at,
    });
  });
}
