/**
 * Reading requests: lists with the same visibility rules as single reads, and the detail with
 * its whole timeline (events, actors, clocks).
 */
import { subject as asSubject } from '@casl/ability';
import { and, asc, desc, eq, gte, inArray, lt, ne, or, sql, type SQL } from 'drizzle-orm';
import { Action, Subject } from '../identity/rules/abilities.js';
import { authorize } from '../identity/index.js';
import { accessibleWhere } from '../identity/index.js';
import type { Db } from '../platform/db/client.js';
import { preparedPerDatabase } from '../platform/db/prepared.js';
import {
  grants,
  requestAttachments,
  requestEvents,
  requests,
  requestSupplements,
  slaClocks,
  writtenExplanations,
} from '../platform/db/schema.js';
import { shanghaiDate } from '../calendar/rules/shanghai-time.js';
import { startOfShanghaiDay } from '../calendar/rules/working-days.js';
import { availableActions } from './rules/actions.js';
import { DISPUTABLE_STATES, isOpen, type Party, type RequestState } from './rules/lifecycle.js';
import { coordinationOf, disputeOf } from './coordination.js';
import { viewOfRequest } from './case.js';
import type { Track } from './rules/policy.js';
import { mayReplyToSupervision, supervisionsOf, type ClockRow } from '../sla/index.js';
import type { RequestContext } from '../identity/index.js';
import { requestFields, type RequestRow } from './filing.js';

export interface RequestFilters {
  state?: RequestState | undefined;
  track?: Track | undefined;
  overdue?: boolean | undefined;
  dueToday?: boolean | undefined;
  /** The step's party asked for an extension the center has not decided yet (the center's queue). */
  extensionPending?: boolean | undefined;
  /** Open requests under supervision (督办) now: their step breached and a notice issued. */
  supervised?: boolean | undefined;
  requesterDepartmentId?: string | undefined;
  ownerDepartmentId?: string | undefined;
  filedFrom?: string | undefined;
  filedTo?: string | undefined;
  /** Keyset cursor: (createdAt, id) of the last row of the previous page. */
  after?: { createdAt: string; id: string } | undefined;
  limit: number;
}

const OPEN_STATES = [
  'submitted',
  'routed',
  'provisioning',
  'owner_review',
  'approved',
  'coordination',
  'agreed_to_share',
  'awaiting_owner_delivery',
  'not_to_share',
  'explanation_due',
  'disputed',
  'awaiting_supplement',
];

/** A request as lists show it: the row and its step's clock (deadline, breach, supervision). */
export interface RequestListRow {
  row: RequestRow;
  clock: ClockRow | null;
}

/** A yes/no filter: the condition, its negation (a request without a clock counts as "no"), or nothing. */
const whether = (wanted: boolean | undefined, condition: SQL) =>
  wanted === undefined ? undefined : wanted ? condition : sql`not coalesce(${condition}, false)`;

const overdue = sql`${slaClocks.outcome} = 'breached'`;
const extensionPending = sql`${slaClocks.state} <> 'stopped' and ${slaClocks.extension}->>'decision' = 'pending'`;
const supervised = sql`${slaClocks.state} <> 'stopped' and ${slaClocks.supervisionLevel} > 0`;

export async function listRequests(ctx: RequestContext, f: RequestFilters): Promise<RequestListRow[]> {
  const visible = accessibleWhere(ctx.actor.ability, Action.read, Subject.Request, requestFields);
  const day = (date: string) => startOfShanghaiDay(date);
  const nextDay = (date: string) => new Date(startOfShanghaiDay(date).getTime() + 24 * 60 * 60 * 1000);
  const today = shanghaiDate(ctx.now);
  const dueToday = and(eq(slaClocks.deadlineDate, today), inArray(requests.state, OPEN_STATES), ne(requests.state, 'awaiting_supplement'));
  const rows = await ctx.db
    .select({ row: requests, clock: slaClocks })
    .from(requests)
    .leftJoin(slaClocks, eq(slaClocks.id, requests.clockId))
    .where(
      and(
        visible,
        f.state ? eq(requests.state, f.state) : undefined,
        f.track ? eq(requests.track, f.track) : undefined,
        whether(f.overdue, overdue),
        whether(f.dueToday, dueToday!),
        whether(f.extensionPending, extensionPending),
        whether(f.supervised, supervised),
        f.requesterDepartmentId ? eq(requests.requesterDepartmentId, f.requesterDepartmentId) : undefined,
        f.ownerDepartmentId ? eq(requests.ownerDepartmentId, f.ownerDepartmentId) : undefined,
        f.filedFrom ? gte(requests.filedAt, day(f.filedFrom)) : undefined,
        f.filedTo ? lt(requests.filedAt, nextDay(f.filedTo)) : undefined,
        f.after
          ? or(
              lt(requests.createdAt, new Date(f.after.createdAt)),
              and(eq(requests.createdAt, new Date(f.after.createdAt)), lt(requests.id, f.after.id)),
            )
          : undefined,
      ),
    )
    .orderBy(desc(requests.createdAt), desc(requests.id))
    .limit(f.limit);
  return rows;
}

/** The parties the caller acts as on this request (what its roles allow it to do here); usually one. */
export function partiesOf(ctx: RequestContext, row: RequestRow): Exclude<Party, 'system'>[] {
  const { ability } = ctx.actor;
  const subject = asSubject(Subject.Request, { ...row }) as never;
  const parties: Exclude<Party, 'system'>[] = [];
  if (ability.can(Action.coordinate, subject)) parties.push('center');
  if (ability.can(Action.adjudicate, subject)) parties.push('authority');
  if (ability.can(Action.decide, subject)) parties.push('owner');
  if (row.requesterDepartmentId === ctx.actor.departmentId && ability.can(Action.update, subject)) parties.push('requester');
  return parties;
}

/** The detail's reads, prepared once per database handle: a request's page is the platform's hottest read. */
const detailReads = preparedPerDatabase((db) => {
  const id = sql.placeholder('id');
  return {
    request: db.select().from(requests).where(eq(requests.id, id)).prepare('request_by_id'),
    timeline: db
      .select()
      .from(requestEvents)
      .where(and(eq(requestEvents.requestId, id), ne(requestEvents.kind, 'notified')))
      .orderBy(asc(requestEvents.seq))
      .prepare('request_detail_timeline'),
    clocks: db
      .select()
      .from(slaClocks)
      .where(and(eq(slaClocks.subjectType, Subject.Request), eq(slaClocks.subjectId, id)))
      .orderBy(asc(slaClocks.startedAt))
      .prepare('request_detail_clocks'),
    explanation: db.select().from(writtenExplanations).where(eq(writtenExplanations.requestId, id)).prepare('request_detail_explanation'),
    supplements: db
      .select()
      .from(requestSupplements)
      .where(eq(requestSupplements.requestId, id))
      .orderBy(asc(requestSupplements.askedAt))
      .prepare('request_detail_supplements'),
    attachments: db
      .select({
        id: requestAttachments.id,
        fileName: requestAttachments.fileName,
        mediaType: requestAttachments.mediaType,
        sizeBytes: requestAttachments.sizeBytes,
        sha256: requestAttachments.sha256,
        supplementId: requestAttachments.supplementId,
        uploadedAt: requestAttachments.uploadedAt,
      })
      .from(requestAttachments)
      .where(eq(requestAttachments.requestId, id))
      .orderBy(asc(requestAttachments.uploadedAt))
      .prepare('request_detail_attachments'),
    grant: db.select().from(grants).where(eq(grants.requestId, id)).prepare('request_detail_grant'),
  };
});

export async function loadRequest(ctx: RequestContext, id: string): Promise<RequestRow> {
  const [row] = await detailReads(ctx.db).request.execute({ id });
  return authorize(ctx.actor.ability, Action.read, Subject.Request, row);
}

/** Whether the caller may read the request (a party's users, the center, supervisors, auditors). */
export async function canReadRequest(ctx: RequestContext, id: string): Promise<boolean> {
  const [row] = await detailReads(ctx.db).request.execute({ id });
  return row !== undefined && ctx.actor.ability.can(Action.read, asSubject(Subject.Request, { ...row }) as never);
}

export async function requestDetail(ctx: RequestContext, id: string) {
  const row = await loadRequest(ctx, id);
  const db: Db = ctx.db;
  const reads = detailReads(db);
  const [timeline, clocks, explanation, supplements, supervisionRows, attachments, grant] = await Promise.all([
    reads.timeline.execute({ id }),
    reads.clocks.execute({ id }),
    reads.explanation.execute({ id }),
    reads.supplements.execute({ id }),
    supervisionsOf(db, Subject.Request, id),
    reads.attachments.execute({ id }),
    reads.grant.execute({ id }),
  ]);
  const parties = partiesOf(ctx, row);
  const state = row.state as RequestState;
  const actions = new Set<string>();
  if (state === 'draft') {
    if (parties.includes('requester')) ['edit', 'pre_check', 'file', 'discard'].forEach((a) => actions.add(a));
  } else if (parties.length && (isOpen(state) || DISPUTABLE_STATES.includes(state))) {
    const view = await viewOfRequest(db, row, { clocks, supplements });
    for (const party of parties) availableActions(view, party, ctx.now.getTime()).forEach((a) => actions.add(a));
  }
  return {
    row,
    timeline,
    clocks,
    explanation: explanation[0] ?? null,
    supplements,
    supervisions: supervisionRows,
    repliable: supervisionRows.filter((s) => mayReplyToSupervision(ctx.actor, s)).map((s) => s.id),
    attachments,
    grant: grant[0] ?? null,
    coordination: await coordinationOf(db, row),
    dispute: await disputeOf(db, row.id),
    availableActions: [...actions],
  };
}

export async function getAttachment(ctx: RequestContext, requestId: string, attachmentId: string) {
  await loadRequest(ctx, requestId);
  const [file] = await ctx.db
    .select()
    .from(requestAttachments)
    .where(and(eq(requestAttachments.id, attachmentId), eq(requestAttachments.requestId, requestId)));
  return file;
}

export type RequestDetailRows = Awaited<ReturnType<typeof requestDetail>>;
