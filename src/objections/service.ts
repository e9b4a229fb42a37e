/**
 * Objections' use cases: raising one (then starting its workflow), the detail (evidence, trace,
 * tasks, mark, history, what the caller may do), people's actions handed to the workflow, the
 * evidence files, the marks on a dataset and the printable dossier.
 */
import type { Client } from '@temporalio/client';
import type { Logger } from 'pino';
import { and, asc, eq, isNull } from 'drizzle-orm';
import { OBJECTION_WORKFLOW, objectionUpdates, objectionWorkflowId } from '../../workflows/objection-api.js';
import type { objectionWorkflow } from '../../workflows/objection.js';
import { loadCalendar } from '../calendar/index.js';
import { authorize, type RequestContext } from '../identity/index.js';
import { Action, Subject } from '../identity/rules/abilities.js';
import type { Config } from '../platform/config.js';
import type { Db } from '../platform/db/client.js';
import {
  dataMarks,
  datasets,
  departments,
  objectionEvents,
  objectionEvidence,
  objections,
  objectionTasks,
  slaClocks,
} from '../platform/db/schema.js';
import { ConflictError, ForbiddenError, NotFoundError } from '../platform/errors.js';
import type { JsonBody } from '../platform/http/contract.js';
import { sendCaseUpdate, START_DEADLINE_MS } from '../platform/temporal/case-update.js';
import * as sla from '../sla/index.js';
import { lineageAround } from './catalogue.js';
import { viewObjection } from './case.js';
import { holdersOf, openMarks } from './marks.js';
import { mayActAs, readObjection, readsEveryObjection, stepOf, summaryOf } from './queries.js';
import { addEvidence, raiseObjection } from './raise.js';
import {
  availableObjectionActions,
  OBJECTION_ACTIONS,
  type ObjectionActionArgs,
  type ObjectionActionName,
  type ObjectionActor,
} from './rules/actions.js';
import { traceField } from './rules/trace.js';

type Detail = JsonBody<'getObjection', 200>;
export type ObjectionTemporal = { client: Client; settings: Config['temporal'] };

const evidenceView = (e: typeof objectionEvidence.$inferSelect) => ({
  id: e.id,
  fileName: e.fileName,
  mediaType: e.mediaType,
  sizeBytes: e.sizeBytes,
  sha256: e.sha256,
  supplementId: null,
  uploadedAt: e.uploadedAt.toISOString(),
});

export async function objectionDetail(ctx: RequestContext, id: string): Promise<Detail> {
  const { row, subject } = await readObjection(ctx, id);
  const o = row.objection;
  const calendar = await loadCalendar(ctx.db);
  const evidence = await ctx.db
    .select()
    .from(objectionEvidence)
    .where(eq(objectionEvidence.objectionId, id))
    .orderBy(asc(objectionEvidence.uploadedAt));
  const tasks = await ctx.db
    .select({ task: objectionTasks, department: { id: departments.id, code: departments.code, name: departments.name }, clock: slaClocks })
    .from(objectionTasks)
    .innerJoin(departments, eq(departments.id, objectionTasks.departmentId))
    .innerJoin(slaClocks, eq(slaClocks.id, objectionTasks.clockId))
    .where(eq(objectionTasks.objectionId, id))
    .orderBy(asc(objectionTasks.round), asc(objectionTasks.createdAt));
  const events = await ctx.db
    .select({ event: objectionEvents, department: { id: departments.id, code: departments.code, name: departments.name } })
    .from(objectionEvents)
    .leftJoin(departments, eq(departments.id, objectionEvents.actorDepartmentId))
    .where(eq(objectionEvents.objectionId, id))
    .orderBy(asc(objectionEvents.seq));
  const [mark] = await ctx.db.select().from(dataMarks).where(eq(dataMarks.objectionId, id));
  const traceProposal = o.state === 'tracing' ? traceField(await lineageAround(ctx.db, o.datasetId), row.dataset.code, o.field) : null;
  return {
    objection: summaryOf(row, calendar, ctx.now),
    valueReceived: o.valueReceived,
    valueClaimed: o.valueClaimed,
    reason: o.reason,
    fused: o.fused,
    round: o.round,
    contested: o.contested,
    evidence: evidence.map(evidenceView),
    trace: o.trace ?? null,
    traceProposal,
    tasks: tasks.map(({ task, department, clock }) => ({
      id: task.id,
      round: task.round,
      department,
      items: task.items,
      outcome: task.outcome as 'corrected' | 'confirmed_accurate' | null,
      valueBefore: task.valueBefore,
      valueAfter: task.valueAfter,
      correctionReference: task.correctionReference,
      explanation: task.explanation,
      decidedAt: task.decidedAt?.toISOString() ?? null,
      step: stepOf(clock, calendar, ctx.now) ?? { ...stepOf({ ...clock, state: 'running' }, calendar, ctx.now)!, workingDaysRemaining: 0 },
    })),
    mark: mark ? { setAt: mark.setAt.toISOString(), revokedAt: mark.revokedAt?.toISOString() ?? null } : null,
    supervisions: (await sla.supervisionsOf(ctx.db, Subject.Objection, id)).map((s) =>
      sla.supervisionView(s, sla.mayReplyToSupervision(ctx.actor, s)),
    ),
    events: events.map(({ event, department }) => ({
      kind: event.kind,
      at: event.at.toISOString(),
      fromState: event.fromState,
      toState: event.toState,
      party: event.party,
      actorDepartment: department?.id ? department : null,
      reason: event.reason,
      details: event.details as Detail['events'][number]['details'],
    })),
    availableActions: await availableActionsFor(ctx, id, subject),
  };
}

async function availableActionsFor(ctx: RequestContext, id: string, subject: object): Promise<Detail['availableActions']> {
  const parties = (['center', 'verifier', 'objector'] as const).filter((p) => mayActAs(ctx, subject, p));
  if (!parties.length) return [];
  const view = await viewObjection(ctx.db, id);
  const actions: Detail['availableActions'] = availableObjectionActions(view, parties, ctx.actor.departmentId, ctx.now.getTime());
  if (view.state === 'submitted' && parties.includes('objector')) actions.push('add_evidence');
  return actions;
}

/**
 * Starts an objection's workflow (or finds it running) and records that it runs. Raising starts
 * it; an objection whose start failed (Temporal unreachable) is started by the reconciler, and an
 * action on it starts it rather than wait.
 */
export async function startObjectionWorkflow(db: Db, temporal: ObjectionTemporal, id: string, at: Date): Promise<void> {
  await temporal.client.connection.withDeadline(Date.now() + START_DEADLINE_MS, () =>
    temporal.client.workflow.start<typeof objectionWorkflow>(OBJECTION_WORKFLOW, {
      taskQueue: temporal.settings.taskQueue,
      workflowId: objectionWorkflowId(id),
      args: [{ objectionId: id }],
      workflowIdConflictPolicy: 'USE_EXISTING',
    }),
  );
  await markObjectionWorkflowStarted(db, id, at);
}

/** Records that the objection's workflow runs (the reconciler starts those that do not). */
export async function markObjectionWorkflowStarted(db: Db, id: string, at: Date): Promise<void> {
  await db
    .update(objections)
    .set({ workflowStartedAt: at })
    .where(and(eq(objections.id, id), isNull(objections.workflowStartedAt)));
}

export async function raise(
  ctx: RequestContext,
  deps: { temporal: ObjectionTemporal; policyName: string; log: Pick<Logger, 'warn'> },
  body: Parameters<typeof raiseObjection>[2],
) {
  const id = await raiseObjection(ctx, deps.policyName, body);
  try {
    await startObjectionWorkflow(ctx.db, deps.temporal, id, ctx.now);
  } catch (error) {
    // The objection is recorded and its clock runs: the reconciler starts the workflow.
    deps.log.warn({ err: error, objectionId: id }, 'objection workflow not started; the reconciler will');
  }
  return objectionDetail(ctx, id);
}

/** Hands a person's action to the objection's workflow (its validator refuses what the rules do not allow). */
export async function actOnObjection<K extends ObjectionActionName>(
  ctx: RequestContext,
  temporal: ObjectionTemporal,
  id: string,
  name: K,
  args: ObjectionActionArgs[K],
): Promise<Detail> {
  const { subject, row } = await readObjection(ctx, id);
  const party = OBJECTION_ACTIONS[name].party;
  if (!mayActAs(ctx, subject, party))
    throw new ForbiddenError(
      'objection_action_forbidden',
      `Only the ${party === 'verifier' ? 'verifying department’s reviewer' : party === 'center' ? 'center’s operator' : 'objector department’s requester'} may do this`,
    );
  const actor: ObjectionActor = {
    userId: ctx.actor.userId,
    departmentId: ctx.actor.departmentId,
    role: party === 'center' ? 'center_operator' : party === 'verifier' ? 'reviewer' : 'requester',
    party,
    httpRequestId: ctx.requestId,
  };
  if (!row.objection.workflowStartedAt) await startObjectionWorkflow(ctx.db, temporal, id, ctx.now);
  await sendCaseUpdate(
    temporal.client,
    objectionWorkflowId(id),
    objectionUpdates[name],
    { ...args, actor },
    {
      step: `objection step ${name}`,
      closed: () => new ConflictError('objection_closed', 'The objection is closed; nothing changes it any more'),
    },
  );
  return objectionDetail(ctx, id);
}

export async function evidenceFile(ctx: RequestContext, id: string, evidenceId: string) {
  await readObjection(ctx, id);
  const [file] = await ctx.db
    .select()
    .from(objectionEvidence)
    .where(and(eq(objectionEvidence.id, evidenceId), eq(objectionEvidence.objectionId, id)));
  if (!file) throw new NotFoundError('evidence_not_found', 'No evidence with that id on this objection');
  return file;
}

export const addObjectionEvidence = async (ctx: RequestContext, id: string, file: Parameters<typeof addEvidence>[2]) =>
  evidenceView(await addEvidence(ctx, id, file));

/** The open marks on a dataset: for the holders of a valid grant on it, its owner, and those who read every objection. */
export async function datasetMarks(ctx: RequestContext, datasetId: string): Promise<JsonBody<'listDataMarks', 200>> {
  const [dataset] = await ctx.db.select().from(datasets).where(eq(datasets.id, datasetId));
  if (!dataset) throw new NotFoundError('dataset_not_found', 'No dataset with that id');
  const seesAll = readsEveryObjection(ctx);
  const holds = (await holdersOf(ctx.db, datasetId, ctx.now)).includes(ctx.actor.departmentId);
  const owns = dataset.ownerDepartmentId === ctx.actor.departmentId;
  // Whoever may see the dataset learns it exists; only the holders, the owner and the all-seeing read its marks.
  authorize(ctx.actor.ability, Action.read, Subject.Dataset, dataset);
  if (!seesAll && !holds && !owns)
    throw new ForbiddenError('marks_need_grant', 'The marks on a dataset are shown to the holders of a valid grant on it and its owner');
  const marks = await openMarks(ctx.db, datasetId, undefined, 500);
  return {
    items: marks.map((m) => ({
      objectionId: m.objectionId,
      objectionNumber: m.objectionNumber,
      datasetId,
      recordKey: m.recordKey,
      field: m.field,
      setAt: m.setAt.toISOString(),
    })),
  };
}
