/**
 * Reading track 15's records for the request detail: the coordination (positions, meetings with
 * their minutes, the outcome), the dispute and its decision; and checking what a position or the
 * minutes refer to before the workflow sees them.
 */
import { and, asc, eq, inArray } from 'drizzle-orm';
import type { Db, Tx } from '../platform/db/client.js';
import {
  coordinationMeetings,
  coordinationMinutes,
  coordinationOutcomes,
  coordinationPositions,
  disputeDecisions,
  requestAttachments,
  requestDisputes,
  users,
} from '../platform/db/schema.js';
import { NotFoundError, RuleViolationError } from '../platform/errors.js';
import type { JsonBody } from '../platform/http/contract.js';
import type { RequestRow } from './filing.js';

type Detail = JsonBody<'getRequest', 200>;
const iso = (d: Date) => d.toISOString();

export async function coordinationOf(db: Db, row: RequestRow): Promise<Detail['coordination']> {
  if (row.track !== 15) return null;
  const [positions, meetings, [outcome]] = await Promise.all([
    db
      .select()
      .from(coordinationPositions)
      .where(eq(coordinationPositions.requestId, row.id))
      .orderBy(asc(coordinationPositions.recordedAt)),
    db
      .select()
      .from(coordinationMeetings)
      .leftJoin(coordinationMinutes, eq(coordinationMinutes.meetingId, coordinationMeetings.id))
      .where(eq(coordinationMeetings.requestId, row.id))
      .orderBy(asc(coordinationMeetings.startsAt)),
    db.select().from(coordinationOutcomes).where(eq(coordinationOutcomes.requestId, row.id)),
  ]);
  return {
    positions: positions.map((p) => ({
      id: p.id,
      party: p.party,
      departmentId: p.departmentId,
      authorUserId: p.authorUserId,
      position: p.position,
      attachmentIds: p.attachmentIds,
      recordedAt: iso(p.recordedAt),
    })),
    meetings: meetings.map(({ coordination_meetings: m, coordination_minutes: minutes }) => ({
      id: m.id,
      startsAt: iso(m.startsAt),
      place: m.place,
      link: m.link,
      participants: m.participants,
      agenda: m.agenda,
      scheduledBy: m.scheduledBy,
      scheduledAt: iso(m.scheduledAt),
      minutes: minutes
        ? { text: minutes.minutes, attendees: minutes.attendees, recordedBy: minutes.recordedBy, recordedAt: iso(minutes.recordedAt) }
        : null,
    })),
    outcome: outcome
      ? {
          outcome: outcome.outcome,
          fields: outcome.fields,
          usageMonths: outcome.usageMonths,
          conditions: outcome.conditions,
          reasons: outcome.reasons,
          legalBasis: (outcome.legalBasis ?? null) as NonNullable<Detail['explanation']>['legalBasis'] | null,
          decidedBy: outcome.decidedBy,
          decidedAt: iso(outcome.decidedAt),
        }
      : null,
  };
}

export async function disputeOf(db: Db | Tx, requestId: string): Promise<Detail['dispute']> {
  const [found] = await db
    .select()
    .from(requestDisputes)
    .leftJoin(disputeDecisions, eq(disputeDecisions.disputeId, requestDisputes.id))
    .where(eq(requestDisputes.requestId, requestId));
  if (!found) return null;
  const { request_disputes: d, dispute_decisions: decision } = found;
  return {
    id: d.id,
    party: d.party,
    departmentId: d.departmentId,
    raisedBy: d.raisedBy,
    reasons: d.reasons,
    raisedAt: iso(d.raisedAt),
    decision: decision
      ? {
          decision: decision.decision,
          reasons: decision.reasons,
          decidedBy: decision.decidedBy,
          departmentId: decision.departmentId,
          decidedAt: iso(decision.decidedAt),
        }
      : null,
  };
}

/** A meeting of this request, or 404. */
export async function meetingOf(db: Db, requestId: string, meetingId: string) {
  const [found] = await db
    .select()
    .from(coordinationMeetings)
    .leftJoin(coordinationMinutes, eq(coordinationMinutes.meetingId, coordinationMeetings.id))
    .where(and(eq(coordinationMeetings.id, meetingId), eq(coordinationMeetings.requestId, requestId)));
  if (!found) throw new NotFoundError('meeting_not_found', 'No coordination meeting with that id on this request');
  return { meeting: found.coordination_meetings, minutes: found.coordination_minutes };
}

/**
 * The files a position cites: attached to this request by a user of the party's department, and
 * cited by no other position.
 */
export async function checkPositionAttachments(db: Db, row: RequestRow, departmentId: string, ids: readonly string[]): Promise<void> {
  if (!ids.length) return;
  const files = await db
    .select({ id: requestAttachments.id, departmentId: users.departmentId })
    .from(requestAttachments)
    .innerJoin(users, eq(users.id, requestAttachments.uploadedBy))
    .where(and(eq(requestAttachments.requestId, row.id), inArray(requestAttachments.id, [...ids])));
  const cited = new Set(
    (
      await db
        .select({ ids: coordinationPositions.attachmentIds })
        .from(coordinationPositions)
        .where(eq(coordinationPositions.requestId, row.id))
    ).flatMap((p) => p.ids),
  );
  const unknown = ids.filter((id) => !files.some((f) => f.id === id && f.departmentId === departmentId) || cited.has(id));
  if (unknown.length)
    throw new RuleViolationError(
      'unknown_attachment',
      `attachmentIds: ${unknown.join(', ')} — a position cites files its own department attached to this request, each once`,
    );
}
