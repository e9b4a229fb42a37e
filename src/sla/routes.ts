/**
 * Reading an SLA clock with its events. The parties of a clock's subject read it (who they are is
 * the subject's capability's business, handed in as a reader); the center, supervisors and
 * auditors read all.
 */
import { authorize } from '../identity/index.js';
import { Action, Subject } from '../identity/rules/abilities.js';
import type { RequestContext } from '../identity/index.js';
import { contextOf } from '../identity/index.js';
import type { Clock } from '../platform/clock.js';
import type { Db } from '../platform/db/client.js';
import { operation, type JsonBody } from '../platform/http/contract.js';
import { isOverdue } from './rules/clock.js';
import { clockEvents, getClock, toDomain, type ClockEventRow, type ClockRow } from './service.js';

/** Whether the caller may read a subject (e.g. a request) of the given type. */
export type SubjectReaders = Record<string, (ctx: RequestContext, subjectId: string) => Promise<boolean>>;

export function slaHandlers(deps: { db: Db; clock: Clock; subjectReaders: SubjectReaders }) {
  return {
    getSlaClock: operation<'getSlaClock'>(async (request): Promise<JsonBody<'getSlaClock', 200>> => {
      const ctx = await contextOf(request, deps);
      const { clockId } = request.params;
      const found = await getClock(deps.db, clockId);
      // The parties of a request read its clocks; the center, supervisors and auditors read all.
      const reader = found ? deps.subjectReaders[found.subjectType] : undefined;
      const partyReads = found !== undefined && reader !== undefined && (await reader(ctx, found.subjectId));
      const row = partyReads && found ? found : authorize(ctx.actor.ability, Action.read, Subject.SlaClock, found);
      return { clock: clockView(row), events: (await clockEvents(deps.db, clockId)).map(clockEventView) };
    }),
  };
}

const iso = (d: Date | null) => d?.toISOString() ?? null;

/** An SLA clock as the contract shows it (also inside a request's detail). */
export const clockView = (row: ClockRow): JsonBody<'getSlaClock', 200>['clock'] => ({
  id: row.id,
  subjectType: row.subjectType,
  subjectId: row.subjectId,
  step: row.step,
  chargedParty: row.chargedParty,
  policy: `${row.policyProfile}@${row.policyVersion}`,
  state: row.state,
  workingDays: row.workingDays,
  startedAt: row.startedAt.toISOString(),
  deadline: row.deadlineAt.toISOString(),
  deadlineDate: row.deadlineDate,
  provisional: row.provisional,
  calendarVersion: row.calendarVersion,
  pausedAt: iso(row.pausedAt),
  remainingAtPause: row.remainingAtPause,
  breachedAt: iso(row.breachedAt),
  outcome: row.outcome,
  overdue: isOverdue(toDomain(row)),
  stoppedAt: iso(row.stoppedAt),
  extension: row.extension,
});

export const clockEventView = (e: ClockEventRow): JsonBody<'getSlaClock', 200>['events'][number] => ({
  at: e.at.toISOString(),
  kind: e.kind,
  deadlineBefore: iso(e.deadlineBefore),
  deadlineAfter: iso(e.deadlineAfter),
  calendarVersion: e.calendarVersion,
  details: e.details as Record<string, unknown>,
});
