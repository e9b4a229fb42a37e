/**
 * An objection's steps, each one transaction through `runObjectionStep` (state, history, clocks,
 * marks, notices, audit together), keyed by the workflow. People's actions are declared in
 * rules/actions.ts and checked there before they reach a step; here the lifecycle rules check the
 * state again under the row lock, and the step does the work.
 */
import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import type { Db, Tx } from '../platform/db/client.js';
import { datasets, objectionTasks } from '../platform/db/schema.js';
import { ConflictError, RuleViolationError } from '../platform/errors.js';
import { policyAt } from '../requests/index.js';
import { extensionCap } from '../requests/rules/policy.js';
import * as sla from '../sla/index.js';
import { lineageAround } from './catalogue.js';
import {
  clockMeta,
  currentTasks,
  runObjectionStep,
  stepSubject,
  type Notice,
  type ObjectionChange,
  type ObjectionRow,
  type TaskRow,
} from './case.js';
import { markNotices, revokeMark, setMark } from './marks.js';
import { openObjectionStep } from './raise.js';
import type { ObjectionActionInput, ObjectionActionName, ObjectionActor } from './rules/actions.js';
import { taskParty, type ObjectionState } from './rules/lifecycle.js';
import { objectionResult, type TaskOutcome } from './rules/result.js';
import { tasksOfTrace, traceField, type TraceHop } from './rules/trace.js';

export const RESULT_LABELS: Record<string, string> = {
  corrected: '已更正',
  confirmed_accurate: '经核实无误',
  partially_corrected: '部分更正',
};

const settingsOf = async (tx: Tx, row: ObjectionRow) => (await policyAt(tx, row.policyName, row.policyVersion)).settings;

const toCenter = async (tx: Tx, title: string, body: string): Promise<Notice[]> => {
  const center = await sla.centerDepartment(tx);
  return center ? [{ departmentId: center, title, body }] : [];
};

/** Stops the open step of the center or the objector (a supervised step's unrecorded lateness is charged first). */
async function stopOwnStep(tx: Tx, row: ObjectionRow, at: Date, actor: ObjectionActor | null): Promise<void> {
  const clock = row.clockId ? await sla.getClock(tx, row.clockId) : undefined;
  if (!clock || clock.state === 'stopped') return;
  // The contest window expires rather than breaches: nobody is late when the objector does not contest.
  if (row.state === 'feedback_given') await sla.stopSlaClock(tx, clock.id, at, clockMeta(actor));
  else await sla.stopStep(tx, stepSubject(row, await currentTasks(tx, row)), clock.id, at, clockMeta(actor));
}

async function openOwnStep(
  tx: Tx,
  row: ObjectionRow,
  name: 'trace' | 'feedback' | 'contest_window' | 'contest_decision',
  at: Date,
  actor: ObjectionActor | null,
) {
  const days = (await settingsOf(tx, row)).objectionDays;
  const workingDays = { trace: days.trace, feedback: days.feedback, contest_window: days.contest, contest_decision: days.contestDecision }[
    name
  ];
  const party = name === 'contest_window' ? 'objector' : 'center';
  // A step name is unique per subject and start: the round keeps a second feedback apart from the first.
  return openObjectionStep(tx, row, { name: `${name}:${row.round}`, party, workingDays, at }, actor);
}

/** One verification task per department of the trace's origins, each with its own clock, for the round. */
async function openTasks(
  tx: Tx,
  row: ObjectionRow,
  round: number,
  hops: readonly TraceHop[],
  at: Date,
  actor: ObjectionActor | null,
): Promise<void> {
  const days = (await settingsOf(tx, row)).objectionDays.verify;
  for (const task of tasksOfTrace(hops)) {
    const id = randomUUID();
    const clock = await openObjectionStep(
      tx,
      row,
      { name: `verify:${round}:${task.departmentId}`, party: taskParty(id), workingDays: days, at },
      actor,
    );
    await tx
      .insert(objectionTasks)
      .values({ id, objectionId: row.id, round, departmentId: task.departmentId, items: task.items, clockId: clock.id, createdAt: at });
  }
}

async function taskNotices(tx: Tx, row: ObjectionRow, round: number): Promise<Notice[]> {
  const tasks = await currentTasks(tx, { id: row.id, round });
  const notices: Notice[] = [];
  for (const t of tasks) {
    const clock = await sla.getClock(tx, t.clockId);
    notices.push({
      departmentId: t.departmentId,
      title: `异议核实任务：${row.number}（${t.items.map((i) => i.field).join('、')}）`,
      body: `请核实记录 ${row.recordKey} 的数据是否准确，于 ${clock!.deadlineDate} 前更正或说明。`,
    });
  }
  return notices;
}

async function codeOf(tx: Tx, datasetId: string): Promise<string> {
  const [d] = await tx.select({ code: datasets.code }).from(datasets).where(eq(datasets.id, datasetId));
  return d!.code;
}

/** Revokes the mark and closes the dossier (归档); the holders are told. */
export async function archive(tx: Tx, row: ObjectionRow, at: Date, actor: ObjectionActor | null) {
  await stopOwnStep(tx, row, at, actor);
  await revokeMark(tx, row, at);
  return { clockId: null, closedAt: at };
}

export const archiveNotices = async (tx: Tx, row: ObjectionRow, at: Date): Promise<Notice[]> => [
  {
    departmentId: row.objectorDepartmentId,
    title: `异议 ${row.number} 已办结归档`,
    body: `核实结果：${RESULT_LABELS[row.result ?? ''] ?? '—'}；异议标注已撤销。`,
  },
  { departmentId: row.ownerDepartmentId, title: `异议 ${row.number} 已办结归档`, body: '异议标注已撤销。' },
  ...(await markNotices(tx, row, at, false)),
];

type Step<K extends ObjectionActionName> = (input: ObjectionActionInput<K>, at: Date) => ObjectionChange[];

const accept: Step<'accept'> = (input, at) => [
  {
    transition: 'accept',
    kind: 'accepted',
    actor: input.actor,
    reason: input.note ?? null,
    details: {},
    apply: async (tx, row, to) => {
      await stopOwnStep(tx, row, at, input.actor);
      await setMark(tx, row, at);
      if (to === 'tracing') return { clockId: (await openOwnStep(tx, row, 'trace', at, input.actor)).id };
      // Data its owner holds itself: the owner verifies the disputed field.
      const hops = traceField(await lineageAround(tx, row.datasetId), await codeOf(tx, row.datasetId), row.field);
      await openTasks(tx, row, row.round, hops, at, input.actor);
      return { clockId: null, trace: hops };
    },
    notify: async (tx, row, to) => [
      {
        departmentId: row.objectorDepartmentId,
        title: `异议 ${row.number} 已受理`,
        body: to === 'tracing' ? '该数据为融合数据，中心正在溯源至源头数据。' : '已交数据责任部门核实。',
      },
      ...(await markNotices(tx, row, at, true)),
      ...(to === 'verifying' ? await taskNotices(tx, row, row.round) : []),
    ],
  },
];

const reject: Step<'reject'> = (input, at) => [
  {
    transition: 'reject',
    kind: 'rejected',
    actor: input.actor,
    reason: input.reason.trim(),
    apply: async (tx, row) => {
      await stopOwnStep(tx, row, at, input.actor);
      return { clockId: null, closedAt: at };
    },
    notify: (_tx, row) => [{ departmentId: row.objectorDepartmentId, title: `异议 ${row.number} 不予受理`, body: input.reason.trim() }],
  },
];

const trace: Step<'trace'> = (input, at) => [
  {
    transition: 'trace',
    kind: 'traced',
    actor: input.actor,
    reason: input.note ?? null,
    apply: async (tx, row) => {
      const hops = traceField(await lineageAround(tx, row.datasetId), await codeOf(tx, row.datasetId), row.field);
      const origins = hops.filter((h) => h.origin);
      const unknown = (input.origins ?? []).filter((code) => !origins.some((o) => o.datasetCode === code));
      if (unknown.length)
        throw new RuleViolationError(
          'not_an_origin',
          `origins: ${unknown.join(', ')} ${unknown.length > 1 ? 'are' : 'is'} not where the lineage leads (${origins.map((o) => o.datasetCode).join(', ')})`,
        );
      const kept = input.origins ? hops.filter((h) => !h.origin || input.origins!.includes(h.datasetCode)) : hops;
      await stopOwnStep(tx, row, at, input.actor);
      await openTasks(tx, row, row.round, kept, at, input.actor);
      return { clockId: null, trace: kept };
    },
    notify: async (tx, row) => taskNotices(tx, row, row.round),
  },
];

/** The round's result once every task is decided: the objection moves to it, and the center's feedback step opens. */
function conclusion(at: Date): ObjectionChange {
  const resultOf = async (tx: Tx, row: ObjectionRow) =>
    objectionResult((await currentTasks(tx, row)).map((t) => t.outcome as TaskOutcome | null));
  return {
    transition: 'conclude',
    // Nothing to conclude while a task of the round is open.
    detail: async (tx, row) => {
      const result = await resultOf(tx, row);
      return result ? { result } : null;
    },
    kind: 'concluded',
    actor: null,
    apply: async (tx, row) => ({ result: await resultOf(tx, row), clockId: (await openOwnStep(tx, row, 'feedback', at, null)).id }),
    notify: async (tx, row) => toCenter(tx, `异议 ${row.number} 核实完毕`, '各源头部门均已核实，请向提出异议的部门反馈结果。'),
  };
}

const verify: Step<'verify'> = (input, at) => [
  {
    transition: null,
    kind: 'verified',
    actor: input.actor,
    reason: input.explanation ?? null,
    details: {
      taskId: input.taskId,
      outcome: input.outcome,
      ...(input.outcome === 'corrected'
        ? { valueBefore: input.valueBefore ?? null, valueAfter: input.valueAfter, correctionReference: input.correctionReference }
        : {}),
    },
    apply: async (tx, row) => {
      const [task] = await tx
        .select()
        .from(objectionTasks)
        .where(and(eq(objectionTasks.id, input.taskId), eq(objectionTasks.objectionId, row.id)))
        .for('update');
      if (!task || task.round !== row.round || task.outcome) throw new ConflictError('task_decided', 'The verification task is not open');
      const corrected = input.outcome === 'corrected';
      await tx
        .update(objectionTasks)
        .set({
          outcome: input.outcome,
          valueBefore: corrected ? (input.valueBefore ?? row.valueReceived) : null,
          valueAfter: corrected ? input.valueAfter! : null,
          correctionReference: corrected ? input.correctionReference! : null,
          explanation: input.explanation ?? null,
          decidedByUserId: input.actor.userId,
          decidedAt: at,
        })
        .where(eq(objectionTasks.id, task.id));
      await sla.stopStep(tx, stepSubject(row, [task]), task.clockId, at, clockMeta(input.actor));
    },
    notify: async (tx, row) =>
      toCenter(
        tx,
        `异议 ${row.number}：源头部门已核实`,
        input.outcome === 'corrected' ? `已更正（${input.correctionReference}）` : '经核实无误',
      ),
  },
  conclusion(at),
];

async function taskOf(tx: Tx, row: ObjectionRow, taskId: string): Promise<TaskRow> {
  const [task] = await tx
    .select()
    .from(objectionTasks)
    .where(and(eq(objectionTasks.id, taskId), eq(objectionTasks.objectionId, row.id)));
  if (!task || task.round !== row.round || task.outcome) throw new ConflictError('task_decided', 'The verification task is not open');
  return task;
}

const requestExtension: Step<'request_extension'> = (input, at) => [
  {
    transition: null,
    kind: 'extension_requested',
    actor: input.actor,
    reason: input.reason,
    details: { taskId: input.taskId, days: input.days },
    apply: async (tx, row) => {
      const task = await taskOf(tx, row, input.taskId);
      const settings = await settingsOf(tx, row);
      const cap = extensionCap(settings, settings.objectionDays.verify);
      await sla.requestStepExtension(
        tx,
        stepSubject(row, [task]),
        task.clockId,
        { days: input.days, reason: input.reason, cap },
        at,
        clockMeta(input.actor),
      );
    },
  },
];

const decideExtension: Step<'decide_extension'> = (input, at) => [
  {
    transition: null,
    kind: 'extension_decided',
    actor: input.actor,
    reason: input.reason,
    details: { taskId: input.taskId, approved: input.approved },
    apply: async (tx, row) => {
      const task = await taskOf(tx, row, input.taskId);
      await sla.decideStepExtension(
        tx,
        stepSubject(row, [task]),
        task.clockId,
        { approved: input.approved, reason: input.reason },
        at,
        clockMeta(input.actor),
      );
    },
  },
];

const giveFeedback: Step<'give_feedback'> = (input, at) => [
  {
    transition: 'give_feedback',
    kind: 'feedback_given',
    actor: input.actor,
    reason: input.feedback,
    apply: async (tx, row, to) => {
      if (to === 'archived') return archive(tx, row, at, input.actor);
      await stopOwnStep(tx, row, at, input.actor);
      return { clockId: (await openOwnStep(tx, row, 'contest_window', at, input.actor)).id };
    },
    notify: async (tx, row, to) => [
      {
        departmentId: row.objectorDepartmentId,
        title: `异议 ${row.number} 核实结果：${RESULT_LABELS[row.result ?? '']}`,
        body: input.feedback,
      },
      { departmentId: row.ownerDepartmentId, title: `异议 ${row.number} 已反馈`, body: `核实结果：${RESULT_LABELS[row.result ?? '']}` },
      ...(to === 'archived' ? await archiveNotices(tx, row, at) : []),
    ],
  },
];

const contest: Step<'contest'> = (input, at) => [
  {
    transition: 'contest',
    kind: 'contested',
    actor: input.actor,
    reason: input.reasons,
    apply: async (tx, row) => {
      await stopOwnStep(tx, row, at, input.actor);
      const reopened = { ...row, state: 'contested' as ObjectionState };
      return { contested: true, clockId: (await openOwnStep(tx, reopened, 'contest_decision', at, input.actor)).id };
    },
    notify: async (tx, row) => toCenter(tx, `异议 ${row.number} 申请复核`, input.reasons),
  },
];

const acceptResult: Step<'accept_result'> = (input, at) => [
  {
    transition: 'accept_result',
    kind: 'result_accepted',
    actor: input.actor,
    reason: input.note ?? null,
    apply: (tx, row) => archive(tx, row, at, input.actor),
    notify: async (tx, row) => [
      ...(await toCenter(tx, `异议 ${row.number} 提出部门认可核实结果`, '异议已办结归档，标注已撤销。')),
      ...(await archiveNotices(tx, row, at)),
    ],
  },
];

const decideContest: Step<'decide_contest'> = (input, at) => [
  {
    transition: 'decide_contest',
    detail: { sustained: input.sustained },
    kind: 'contest_decided',
    actor: input.actor,
    reason: input.reasons,
    details: { sustained: input.sustained },
    apply: async (tx, row, to) => {
      if (to === 'archived') return archive(tx, row, at, input.actor);
      // Sustained: the same sources verify again, in a second round.
      await stopOwnStep(tx, row, at, input.actor);
      const round = row.round + 1;
      await openTasks(tx, row, round, row.trace ?? [], at, input.actor);
      return { clockId: null, round, result: null };
    },
    notify: async (tx, row, to) => [
      {
        departmentId: row.objectorDepartmentId,
        title: `异议 ${row.number} 复核决定：${input.sustained ? '重新核实' : '维持核实结果'}`,
        body: input.reasons,
      },
      ...(to === 'archived' ? await archiveNotices(tx, row, at) : await taskNotices(tx, row, row.round + 1)),
    ],
  },
];

export const OBJECTION_STEPS: { [K in ObjectionActionName]: Step<K> } = {
  accept,
  reject,
  trace,
  verify,
  request_extension: requestExtension,
  decide_extension: decideExtension,
  give_feedback: giveFeedback,
  contest,
  accept_result: acceptResult,
  decide_contest: decideContest,
};

export async function takeObjectionAction(
  db: Db,
  input: { objectionId: string; name: ObjectionActionName; input: ObjectionActionInput; stepKey: string; at: Date },
) {
  const step = OBJECTION_STEPS[input.name] as Step<ObjectionActionName>;
  return runObjectionStep(db, input.objectionId, input.stepKey, input.at, ...step(input.input, input.at));
}
