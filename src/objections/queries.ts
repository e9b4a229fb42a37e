/**
 * Reading objections: lists with the same visibility rules as single reads (raised by the caller's
 * department, on its data, verified by it, or all for the center, the authority and auditors), the
 * newest first; and the summary of each with its open step.
 */
import { subject as asSubject } from '@casl/ability';
import { and, desc, eq, ilike, inArray, lt, notInArray, or, sql, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { loadCalendar } from '../calendar/index.js';
import type { WorkingDayCalendar } from '../calendar/rules/working-days.js';
import { accessibleWhere, authorize, type RequestContext } from '../identity/index.js';
import { Action, Subject } from '../identity/rules/abilities.js';
import type { Db, Tx } from '../platform/db/client.js';
import { dataMarks, datasets, departments, grants, objections, objectionTasks, slaClocks } from '../platform/db/schema.js';
import type { JsonBody, QueryParams } from '../platform/http/contract.js';
import { decodeCursor, isTimeIdCursor, page } from '../platform/http/cursor.js';
import * as sla from '../sla/index.js';
import { isOverdue } from '../sla/rules/clock.js';
import { stepTiming } from '../sla/rules/timing.js';
import {
  FINAL_OBJECTION_STATES,
  OBJECTION_STATES,
  partyOfCharge,
  waitingParty,
  type ObjectionResult,
  type ObjectionState,
} from './rules/lifecycle.js';

export type ObjectionSummary = JsonBody<'listObjections', 200>['items'][number];
type Step = NonNullable<ObjectionSummary['step']>;

const objector = alias(departments, 'objector');
const owner = alias(departments, 'owner');

/** Where each condition field of an objection lives; the verifying departments are its tasks'. */
export const objectionFields = {
  objectorDepartmentId: objections.objectorDepartmentId,
  ownerDepartmentId: objections.ownerDepartmentId,
  verifierDepartmentIds: (departmentId: unknown) =>
    sql`exists (select 1 from ${objectionTasks} where ${objectionTasks.objectionId} = ${objections.id} and ${objectionTasks.departmentId} = ${departmentId})`,
};

const marked = sql<boolean>`exists (select 1 from ${dataMarks} where ${dataMarks.objectionId} = ${objections.id} and ${dataMarks.revokedAt} is null)`;

/**
 * The step an objection waits on: its own clock, or while its sources verify (tasks, no clock of
 * its own) the undecided task due first.
 */
const currentClockId = sql`coalesce(${objections.clockId}, (
  select t.clock_id from objection_tasks t join sla_clocks tc on tc.id = t.clock_id
  where t.objection_id = ${objections.id} and t.decided_at is null and tc.state <> 'stopped'
  order by tc.deadline_at, t.id limit 1))`;

/** Waiting for the center: a state whose step is the center's (the rules say which), or a task's extension to decide. */
const CENTER_STATES = OBJECTION_STATES.filter((state) => waitingParty(state) === 'center');
const waitingForCenter = sql`(${inArray(objections.state, CENTER_STATES)} or exists (
  select 1 from objection_tasks t join sla_clocks tc on tc.id = t.clock_id
  where t.objection_id = ${objections.id} and t.decided_at is null and tc.extension->>'decision' = 'pending'))`;

function base(db: Db | Tx) {
  return db
    .select({
      objection: objections,
      objector: { id: objector.id, code: objector.code, name: objector.name },
      owner: { id: owner.id, code: owner.code, name: owner.name },
      dataset: { id: datasets.id, code: datasets.code, name: datasets.name },
      grantNumber: grants.number,
      clock: slaClocks,
      marked,
    })
    .from(objections)
    .innerJoin(objector, eq(objector.id, objections.objectorDepartmentId))
    .innerJoin(owner, eq(owner.id, objections.ownerDepartmentId))
    .innerJoin(datasets, eq(datasets.id, objections.datasetId))
    .innerJoin(grants, eq(grants.id, objections.grantId))
    .leftJoin(slaClocks, eq(slaClocks.id, currentClockId));
}
type Row = Awaited<ReturnType<ReturnType<typeof base>['where']>>[number];

/** An open step as the API shows it: the deadline, who it is charged to, how it stands in working days. */
export function stepOf(clock: typeof slaClocks.$inferSelect | null, calendar: WorkingDayCalendar, now: Date): Step | null {
  if (!clock || clock.state === 'stopped') return null;
  const domain = sla.toDomain(clock);
  const extension = clock.extension as { days: number; reason: string; decision: 'pending' | 'approved' | 'rejected' } | null;
  return {
    step: clock.step.split(':')[0]!,
    chargedParty: partyOfCharge(clock.chargedParty),
    deadline: clock.deadlineAt.toISOString(),
    deadlineDate: clock.deadlineDate,
    workingDaysRemaining: stepTiming(calendar, clock, now).workingDaysRemaining ?? 0,
    overdue: isOverdue(domain),
    supervisionLevel: clock.supervisionLevel,
    extension: extension ? { days: extension.days, reason: extension.reason, decision: extension.decision } : null,
  };
}

export function summaryOf(row: Row, calendar: WorkingDayCalendar, now: Date): ObjectionSummary {
  const o = row.objection;
  return {
    id: o.id,
    number: o.number,
    state: o.state as ObjectionState,
    result: o.result as ObjectionResult | null,
    objectorDepartment: row.objector,
    ownerDepartment: row.owner,
    dataset: { ...row.dataset, version: o.datasetVersion },
    grant: { id: o.grantId, number: row.grantNumber },
    recordKey: o.recordKey,
    field: o.field,
    raisedAt: o.raisedAt.toISOString(),
    closedAt: o.closedAt?.toISOString() ?? null,
    marked: row.marked,
    step: stepOf(row.clock, calendar, now),
  };
}

function scopeCondition(ctx: RequestContext, scope: QueryParams<'listObjections'>['scope']): SQL | undefined {
  const own = ctx.actor.departmentId;
  if (scope === 'raised') return eq(objections.objectorDepartmentId, own);
  if (scope === 'on_my_data') return eq(objections.ownerDepartmentId, own);
  if (scope === 'tasks')
    return sql`exists (select 1 from ${objectionTasks} where ${objectionTasks.objectionId} = ${objections.id}
      and ${objectionTasks.departmentId} = ${own} and ${objectionTasks.decidedAt} is null)`;
  if (scope === 'center_queue') return waitingForCenter;
  return undefined;
}

export async function listObjections(ctx: RequestContext, query: QueryParams<'listObjections'>): Promise<JsonBody<'listObjections', 200>> {
  const limit = query.limit ?? 50;
  const after = decodeCursor(query.cursor, isTimeIdCursor);
  const rows = await base(ctx.db)
    .where(
      and(
        accessibleWhere(ctx.actor.ability, Action.read, Subject.Objection, objectionFields),
        scopeCondition(ctx, query.scope),
        query.state ? eq(objections.state, query.state) : undefined,
        query.open === true ? notInArray(objections.state, [...FINAL_OBJECTION_STATES]) : undefined,
        query.open === false ? inArray(objections.state, [...FINAL_OBJECTION_STATES]) : undefined,
        query.datasetId ? eq(objections.datasetId, query.datasetId) : undefined,
        query.q ? ilike(objections.number, `%${query.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`) : undefined,
        after
          ? or(
              lt(objections.raisedAt, new Date(after.createdAt)),
              and(eq(objections.raisedAt, new Date(after.createdAt)), lt(objections.id, after.id)),
            )
          : undefined,
      ),
    )
    .orderBy(desc(objections.raisedAt), desc(objections.id))
    .limit(limit + 1);
  const calendar = await loadCalendar(ctx.db);
  const result = page(rows, limit, (r) => ({ createdAt: r.objection.raisedAt.toISOString(), id: r.objection.id }));
  return { items: result.items.map((r) => summaryOf(r, calendar, ctx.now)), nextCursor: result.nextCursor };
}

/** The departments verifying an objection (any round), for the authorization rules. */
export async function verifierDepartments(db: Db | Tx, objectionId: string): Promise<string[]> {
  const rows = await db
    .selectDistinct({ id: objectionTasks.departmentId })
    .from(objectionTasks)
    .where(eq(objectionTasks.objectionId, objectionId));
  return rows.map((r) => r.id);
}

/** An objection as its authorization rules read it: the row and the departments verifying it. */
export const objectionSubject = async (db: Db | Tx, row: typeof objections.$inferSelect) => ({
  ...row,
  verifierDepartmentIds: await verifierDepartments(db, row.id),
});

/** One objection the caller may read (404 otherwise), with the row and the fields its rules read. */
export async function readObjection(ctx: RequestContext, id: string) {
  const [row] = await base(ctx.db).where(eq(objections.id, id));
  const subject = row ? await objectionSubject(ctx.db, row.objection) : undefined;
  authorize(ctx.actor.ability, Action.read, Subject.Objection, subject);
  return { row: row!, subject: subject! };
}

/** Whether the caller may read the objection (its objector, owner and verifying departments, the center, supervisors, auditors). */
export async function canReadObjection(ctx: RequestContext, id: string): Promise<boolean> {
  const [row] = await ctx.db.select().from(objections).where(eq(objections.id, id));
  return (
    row !== undefined && ctx.actor.ability.can(Action.read, asSubject(Subject.Objection, await objectionSubject(ctx.db, row)) as never)
  );
}

/** Whether the caller reads every objection (the center, the competent authority, auditors). */
export const readsEveryObjection = (ctx: RequestContext): boolean =>
  accessibleWhere(ctx.actor.ability, Action.read, Subject.Objection, objectionFields) === undefined;

/** Whether the caller may take the steps of a party on the objection (the abilities behind each declared party). */
export function mayActAs(ctx: RequestContext, subject: object, party: 'center' | 'verifier' | 'objector'): boolean {
  const action = party === 'center' ? Action.coordinate : party === 'verifier' ? Action.decide : Action.update;
  return ctx.actor.ability.can(action, asSubject(Subject.Objection, { ...subject }) as never);
}
