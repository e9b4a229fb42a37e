/**
 * The steps of track 15's decision and of disputes, each one transaction (see `steps.ts`): a
 * party's position, the center's meetings, minutes and outcome; the owner's delivery (归集) or
 * written explanation; a dispute (争议) and the competent authority's decision. One 15-working-day
 * clock carries the track from coordination to provisioning, handed from party to party; a dispute
 * has its own decision clock, and an order to share opens a new step of the track's length.
 */
import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { confirmAggregated, isAggregated } from '../catalogue/index.js';
import type { Tx } from '../platform/db/client.js';
import {
  coordinationMeetings,
  coordinationMinutes,
  coordinationOutcomes,
  coordinationPositions,
  disputeDecisions,
  requestDisputes,
} from '../platform/db/schema.js';
import { ConflictError } from '../platform/errors.js';
import * as sla from '../sla/index.js';
import { auditActorOf, clockMeta, stepSubject, type ActionStep, type Change, type StepActor } from './case.js';
import type { RequestRow } from './filing.js';
import { chineseTime } from './documents.js';
import { openStep } from './open-step.js';
import { policyAt } from './policy.js';
import type { ActionName } from './rules/actions.js';
import type { Party } from './rules/lifecycle.js';
import { trackDays, type Track } from './rules/policy.js';
import { both, openDisputeWindow, recordExplanation, toAuthority, toCenter, toParties } from './step-helpers.js';

const PARTY_LABELS: Record<string, string> = { requester: '需求方', owner: '数据责任部门', center: '市大数据中心' };

/**
 * After sharing is agreed (or ordered): data the center holds goes to provisioning; data it does
 * not hold yet to the owner, who delivers it or has it aggregated (归集). The clock passes to
 * whichever party acts next (`reopen`: an order to share opens a new step instead).
 */
function deliveryStep(decided: { held: boolean }, at: Date, reopen: boolean): Change {
  const toOwner = (row: RequestRow) => row.track === 15 && !decided.held;
  return {
    action: (row) => (toOwner(row) ? 'await_owner_delivery' : 'start_provisioning'),
    kind: (row) => (toOwner(row) ? 'owner_delivery_requested' : 'provisioning_started'),
    actor: null,
    apply: async (tx, row) => {
      const party: Party = toOwner(row) ? 'owner' : 'center';
      if (reopen) {
        const policy = await policyAt(tx, row.policyName!, row.policyVersion!);
        const workingDays = trackDays(policy.settings, row.track as Track);
        const clock = await openStep(tx, row, { name: 'sharing_ordered', party, workingDays, at }, null);
        return { clockId: clock.id };
      }
      if (row.clockId) await sla.handOverStep(tx, stepSubject(row), row.clockId, party, at, clockMeta(null));
    },
    notify: async (row, tx) =>
      toOwner(row)
        ? [
            {
              departmentId: row.ownerDepartmentId,
              title: `请为申请 ${row.number} 交付数据`,
              body: '请将约定的数据交付市大数据中心或完成归集，由中心确认后供数',
            },
          ]
        : toCenter(tx, `请为申请 ${row.number} 供数`, '请按申请的交付方式（接口或批量交换）完成供数并确认'),
  };
}

const held = async (tx: Tx, row: RequestRow) => isAggregated(tx, row.datasetId);

export const COORDINATION_STEPS = {
  record_position: (input, at) => [
    {
      action: null,
      kind: 'position_recorded',
      actor: input.actor,
      details: { position: input.position, attachmentIds: input.attachmentIds ?? [] },
      apply: async (tx, row) => {
        await tx.insert(coordinationPositions).values({
          requestId: row.id,
          party: input.actor.party as 'requester',
          departmentId: input.actor.departmentId,
          authorUserId: input.actor.userId,
          position: input.position,
          attachmentIds: input.attachmentIds ?? [],
          recordedAt: at,
        });
      },
      notify: async (row, tx) =>
        (await toParties(tx, row, `申请 ${row.number} 三方协调：${PARTY_LABELS[input.actor.party]}已表明意见`, input.position)).filter(
          (n) => n.departmentId !== input.actor.departmentId,
        ),
    },
  ],
  schedule_meeting: (input, at) => {
    const meetingId = randomUUID();
    return [
      {
        action: null,
        kind: 'meeting_scheduled',
        actor: input.actor,
        details: {
          meetingId,
          startsAt: input.startsAt,
          place: input.place ?? null,
          link: input.link ?? null,
          participants: input.participants,
        },
        apply: async (tx, row) => {
          await tx.insert(coordinationMeetings).values({
            id: meetingId,
            requestId: row.id,
            startsAt: new Date(input.startsAt),
            place: input.place ?? null,
            link: input.link ?? null,
            participants: input.participants,
            agenda: input.agenda ?? null,
            scheduledBy: input.actor.userId,
            scheduledAt: at,
          });
        },
        notify: (row, tx) =>
          toParties(
            tx,
            row,
            `申请 ${row.number} 三方协调会议`,
            `时间：${chineseTime(new Date(input.startsAt))}；地点：${input.place ?? input.link ?? ''}`,
          ),
      },
    ];
  },
  record_minutes: (input, at) => [
    {
      action: null,
      kind: 'minutes_recorded',
      actor: input.actor,
      details: { meetingId: input.meetingId },
      apply: async (tx) => {
        const inserted = await tx
          .insert(coordinationMinutes)
          .values({
            meetingId: input.meetingId,
            minutes: input.minutes,
            attendees: input.attendees ?? [],
            recordedBy: input.actor.userId,
            recordedAt: at,
          })
          .onConflictDoNothing()
          .returning();
        if (!inserted.length) throw new ConflictError('minutes_already_recorded', 'The minutes of this meeting are recorded already');
      },
      notify: (row, tx) => toParties(tx, row, `申请 ${row.number} 协调会议纪要已记录`, input.minutes.slice(0, 200)),
    },
  ],
  agree_to_share: (input, at) => {
    const decided = { held: false };
    return [
      {
        action: 'agree_to_share',
        kind: 'coordination_agreed',
        actor: input.actor,
        reason: input.note ?? null,
        details: {
          fields: input.fields ?? null,
          usageMonths: input.usageMonths ?? null,
          conditions: input.conditions ?? null,
          ...(input.legalBasis ? { legalBasis: input.legalBasis } : {}),
        },
        apply: async (tx, row) => {
          decided.held = await held(tx, row);
          await tx.insert(coordinationOutcomes).values({
            requestId: row.id,
            outcome: 'share',
            fields: input.fields ?? null,
            usageMonths: input.usageMonths ?? null,
            conditions: input.conditions ?? null,
            reasons: input.note ?? null,
            legalBasis: input.legalBasis ?? null,
            decidedBy: input.actor.userId,
            decidedAt: at,
          });
          return { approvedFields: input.fields ?? row.fields, approvedUsageMonths: input.usageMonths ?? row.usageMonths, decidedAt: at };
        },
        notify: (row) =>
          both(row, `申请 ${row.number} 经三方协调同意共享`, input.conditions ? `约定条件：${input.conditions}` : '三方协调同意共享'),
      },
      deliveryStep(decided, at, false),
    ];
  },
  decide_not_to_share: (input, at) => [
    {
      action: 'decide_not_to_share',
      kind: 'coordination_not_to_share',
      actor: input.actor,
      reason: input.reasons,
      details: input.legalBasis ? { legalBasis: input.legalBasis } : {},
      apply: async (tx, row) => {
        await tx.insert(coordinationOutcomes).values({
          requestId: row.id,
          outcome: 'not_to_share',
          reasons: input.reasons,
          legalBasis: input.legalBasis ?? null,
          decidedBy: input.actor.userId,
          decidedAt: at,
        });
        return { decidedAt: at };
      },
      notify: (row) => [{ departmentId: row.requesterDepartmentId, title: `申请 ${row.number} 经三方协调不予共享`, body: input.reasons }],
    },
    {
      action: 'ask_explanation',
      kind: 'explanation_requested',
      actor: null,
      // The owner explains within the time the track has left.
      apply: async (tx, row) => {
        if (row.clockId) await sla.handOverStep(tx, stepSubject(row), row.clockId, 'owner', at, clockMeta(null));
      },
      notify: (row) => [
        {
          departmentId: row.ownerDepartmentId,
          title: `请就申请 ${row.number} 提交书面说明`,
          body: '三方协调决定不予共享，请在办理时限内提交书面说明（法律依据、理由、替代方案）',
        },
      ],
    },
  ],
  confirm_aggregation: (input, at) => [
    {
      action: 'confirm_aggregation',
      kind: 'aggregation_confirmed',
      actor: input.actor,
      reason: input.note ?? null,
      details: { reference: input.reference },
      apply: async (tx, row) => {
        const reason = `申请 ${row.number} 的数据已交付或归集（${input.reference}）`;
        const audit = auditActorOf(input.actor);
        await confirmAggregated(tx, row.datasetId, { at, userId: input.actor.userId, reason, audit, requestId: input.actor.httpRequestId });
        if (row.clockId) await sla.handOverStep(tx, stepSubject(row), row.clockId, 'center', at, clockMeta(input.actor));
      },
      notify: async (row, tx) => [
        ...both(row, `申请 ${row.number} 的数据已归集`, `凭证：${input.reference}；市大数据中心将按时限供数`),
        ...(await toCenter(tx, `请为申请 ${row.number} 供数`, '数据已归集，请按申请的交付方式完成供数并确认')),
      ],
    },
  ],
  file_explanation: (input, at) => [
    {
      action: 'file_explanation',
      kind: 'refused',
      actor: input.actor,
      reason: input.explanation.reasons,
      details: { legalBasis: input.explanation.legalBasis, alternatives: input.explanation.alternatives },
      apply: async (tx, row) => {
        await recordExplanation(tx, row, input.explanation, input.actor, at);
        if (row.clockId) await sla.stopStep(tx, stepSubject(row), row.clockId, at, clockMeta(input.actor));
        const window = await openDisputeWindow(tx, row, at, input.actor);
        return { closedAt: at, disputeWindowClockId: window.id };
      },
      notify: async (row, tx) => [
        {
          departmentId: row.requesterDepartmentId,
          title: `申请 ${row.number} 不予共享的书面说明`,
          body: `理由：${input.explanation.reasons}；替代方案：${input.explanation.alternatives}（如有异议，可在规定期限内提出争议）`,
        },
        ...(await toCenter(tx, `申请 ${row.number} 书面说明已提交`, input.explanation.reasons)),
      ],
    },
  ],
  dispute: (input, at) => [
    {
      action: 'dispute',
      kind: 'disputed',
      actor: input.actor,
      reason: input.reasons,
      apply: async (tx, row) => {
        if (row.disputeWindowClockId) await sla.stopSlaClock(tx, row.disputeWindowClockId, at, clockMeta(input.actor));
        const policy = await policyAt(tx, row.policyName!, row.policyVersion!);
        const workingDays = policy.settings.disputeDecisionDays;
        const clock = await openStep(tx, row, { name: 'dispute_decision', party: 'authority', workingDays, at }, input.actor);
        await tx.insert(requestDisputes).values({
          requestId: row.id,
          party: input.actor.party as 'requester',
          departmentId: input.actor.departmentId,
          raisedBy: input.actor.userId,
          reasons: input.reasons,
          raisedAt: at,
          clockId: clock.id,
        });
        return { clockId: clock.id, closedAt: null };
      },
      notify: async (row, tx) => [
        ...(await toAuthority(tx, `申请 ${row.number} 的拒绝被提出争议`, `请在规定期限内裁决：${input.reasons}`)),
        ...(await toParties(tx, row, `申请 ${row.number} 已提出争议`, input.reasons)).filter(
          (n) => n.departmentId !== input.actor.departmentId,
        ),
      ],
    },
  ],
  uphold_refusal: (input, at) => [
    {
      action: 'uphold_refusal',
      kind: 'dispute_upheld',
      actor: input.actor,
      reason: input.reasons,
      apply: async (tx, row) => {
        await decide(tx, row, 'upheld', input.reasons, input.actor, at);
        return { closedAt: at };
      },
      notify: (row, tx) => toParties(tx, row, `申请 ${row.number} 争议裁决：维持不予共享`, input.reasons),
    },
  ],
  order_sharing: (input, at) => {
    const decided = { held: false };
    return [
      {
        action: 'order_sharing',
        kind: 'sharing_ordered',
        actor: input.actor,
        reason: input.reasons,
        apply: async (tx, row) => {
          decided.held = await held(tx, row);
          await decide(tx, row, 'ordered', input.reasons, input.actor, at);
          return { decidedAt: at };
        },
        notify: (row, tx) => toParties(tx, row, `申请 ${row.number} 争议裁决：责令共享`, input.reasons),
      },
      deliveryStep(decided, at, true),
    ];
  },
} satisfies { [K in ActionName]?: ActionStep<K> };

/** The dispute's decision, recorded once, and its clock stopped. */
async function decide(tx: Tx, row: RequestRow, decision: 'upheld' | 'ordered', reasons: string, actor: StepActor, at: Date) {
  const [dispute] = await tx.select().from(requestDisputes).where(eq(requestDisputes.requestId, row.id));
  if (!dispute) throw new ConflictError('invalid_state', 'The request has no dispute to decide');
  await tx
    .insert(disputeDecisions)
    .values({ disputeId: dispute.id, decision, reasons, decidedBy: actor.userId, departmentId: actor.departmentId, decidedAt: at });
  if (dispute.clockId) await sla.stopStep(tx, stepSubject(row), dispute.clockId, at, clockMeta(actor));
}
