/**
 * Supervision notices (督办) of any clocked case — a request, an objection: the notices on a case,
 * whether each awaits the caller, and the responsible department's reply. The engine issues them
 * (steps.ts); which cases exist is the composition's business: each capability hands in how its
 * callers read one of its cases and how a reply enters the case's history, so the one reply
 * endpoint dispatches by the notice's subject type.
 */
import { and, asc, eq } from 'drizzle-orm';
import type { RequestContext } from '../identity/index.js';
import type { Db } from '../platform/db/client.js';
import { supervisions } from '../platform/db/schema.js';
import { ConflictError, ForbiddenError, NotFoundError } from '../platform/errors.js';
import type { JsonBody } from '../platform/http/contract.js';
import { mayReplyToSupervision, supervisionReplyRole, type ReplyingRole } from './rules/supervision.js';
import type { SupervisionRow } from './steps.js';

export type SupervisionView = JsonBody<'replyToSupervision', 200>;

/** Who answers a notice: a user of the responsible department, in the role the rules found. */
export interface SupervisionReplier {
  userId: string;
  departmentId: string;
  role: ReplyingRole;
  httpRequestId: string | null;
}

/** A kind of case the engine supervises, as its capability describes it. */
export interface SupervisedCase {
  /** Whether the caller may read the case (a party's users, the center, supervisors, auditors). */
  canRead(ctx: RequestContext, subjectId: string): Promise<boolean>;
  /**
   * Records the reply in one transaction: `replyToSupervision` of the engine (which refuses a
   * second answer under the notice's row lock) with the case's history entry, notices and audit.
   */
  recordReply?(input: { notice: SupervisionRow; actor: SupervisionReplier; at: Date; text: string }): Promise<void>;
}

/** The supervised cases by subject type (Subject.Request, Subject.Objection, …). */
export type SupervisedCases = Partial<Record<string, SupervisedCase>>;

export async function supervisionsOf(db: Db, subjectType: string, subjectId: string): Promise<SupervisionRow[]> {
  return db
    .select()
    .from(supervisions)
    .where(and(eq(supervisions.subjectType, subjectType), eq(supervisions.subjectId, subjectId)))
    .orderBy(asc(supervisions.issuedAt), asc(supervisions.level));
}

/** A notice as the caller sees it: `mayReply` when it awaits the caller's answer (`mayReplyToSupervision`). */
export const supervisionView = (s: SupervisionRow, mayReply: boolean): SupervisionView => ({
  id: s.id,
  subjectType: s.subjectType as SupervisionView['subjectType'],
  subjectId: s.subjectId,
  level: s.level as 1 | 2,
  // A verification task's party is `verifier:<task id>`; the notice names the task by its subject.
  chargedParty: s.chargedParty.split(':')[0] as SupervisionView['chargedParty'],
  responsibleDepartmentId: s.responsibleDepartmentId,
  issuedAt: s.issuedAt.toISOString(),
  replyDueAt: s.replyDueAt.toISOString(),
  reply: s.reply,
  repliedAt: s.repliedAt?.toISOString() ?? null,
  mayReply,
});

export interface SupervisionRepliesDeps {
  db: Db;
  cases: SupervisedCases;
  /** Wakes the notification relay after a reply queued its notices. */
  afterNotify?: () => Promise<void> | void;
}

/** The responsible department answers a supervision notice on a case it can read. */
export async function replyToNotice(
  deps: SupervisionRepliesDeps,
  ctx: RequestContext,
  supervisionId: string,
  text: string,
): Promise<SupervisionView> {
  const unknown = () => new NotFoundError('supervision_not_found', 'No supervision notice with that id');
  const read = async () => (await deps.db.select().from(supervisions).where(eq(supervisions.id, supervisionId)))[0];
  const notice = await read();
  const supervised = notice ? deps.cases[notice.subjectType] : undefined;
  // A notice on a case the caller may not read does not exist for the caller either.
  if (!notice || !supervised?.recordReply || !(await supervised.canRead(ctx, notice.subjectId))) throw unknown();
  const role = supervisionReplyRole(ctx.actor, notice);
  if (!role) throw new ForbiddenError('forbidden', 'Only the responsible department answers a supervision notice');
  if (notice.repliedAt) throw new ConflictError('already_replied', 'The supervision notice has been answered');
  const actor = { userId: ctx.actor.userId, departmentId: ctx.actor.departmentId, role, httpRequestId: ctx.requestId };
  await supervised.recordReply({ notice, actor, at: ctx.now, text });
  await deps.afterNotify?.();
  const answered = (await read())!;
  return supervisionView(answered, mayReplyToSupervision(ctx.actor, answered));
}
