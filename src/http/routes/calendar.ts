import type { Client } from '@temporalio/client';
import type { FastifyRequest } from 'fastify';
import { asc } from 'drizzle-orm';
import { Action, Subject } from '../../auth/abilities.js';
import { authorize } from '../../auth/authorize.js';
import { loadCalendar, publishYears } from '../../calendar/service.js';
import { isOverdue } from '../../domain/sla/clock.js';
import { clockEvents, getClock, recomputeOpenClocks, toDomain, type ClockEventRow, type ClockRow } from '../../sla/service.js';
import { signalMovedDeadlines } from '../../sla/signals.js';
import { canReadRequest } from '../../requests/queries.js';
import type { Clock } from '../../clock.js';
import type { Db } from '../../db/client.js';
import { calendarYears } from '../../db/schema.js';
import { ForbiddenError, RuleViolationError } from '../../errors.js';
import { auditActor } from '../../identity/actor.js';
import type { JsonBody, JsonRequest } from '../contract.js';
import { contextOf } from '../plugins/authentication.js';

const MAX_RANGE_DAYS = 400;

/**
 * A deadline beyond the calendar's span is the caller's mistake, not a server error: each value
 * is well-formed (the contract bounds the dates), their combination breaks a rule (422).
 */
function withinCalendar<T>(compute: () => T): T {
  try {
    return compute();
  } catch (error) {
    if (error instanceof RangeError) throw new RuleViolationError('outside_calendar', error.message);
    throw error;
  }
}

export function calendarHandlers(deps: { db: Db; clock: Clock; temporal: { client: Client } }) {
  return {
    listCalendarDays: async (request: FastifyRequest): Promise<JsonBody<'listCalendarDays', 200>> => {
      await contextOf(request, deps);
      const { from, to } = request.query as { from: string; to: string };
      const span = (Date.parse(to) - Date.parse(from)) / 86_400_000;
      if (span < 0 || span >= MAX_RANGE_DAYS) throw new RuleViolationError('invalid_date_range', `from must not be after to, and the range is at most ${MAX_RANGE_DAYS} days`);
      const calendar = await loadCalendar(deps.db);
      const days = withinCalendar(() => [...calendar.days(from, to)]);
      return { version: calendar.version, days: days.map((d) => ({ date: d.date, working: d.working, ordinal: d.ordinal, provisional: d.provisional, kind: d.exception?.kind ?? null, name: d.exception?.name ?? null })) };
    },

    listCalendarYears: async (request: FastifyRequest): Promise<JsonBody<'listCalendarYears', 200>> => {
      await contextOf(request, deps);
      const calendar = await loadCalendar(deps.db);
      const years = await deps.db.select().from(calendarYears).orderBy(asc(calendarYears.year));
      return { version: calendar.version, years: years.map((y) => ({ ...y, publishedAt: y.publishedAt.toISOString() })) };
    },

    publishCalendarYear: async (request: FastifyRequest): Promise<JsonBody<'publishCalendarYear', 200>> => {
      const ctx = await contextOf(request, deps);
      if (!ctx.actor.ability.can(Action.update, Subject.Calendar)) throw new ForbiddenError('forbidden', 'Only the center administrator publishes the calendar');
      const { year } = request.params as { year: number };
      const body = request.body as JsonRequest<'publishCalendarYear'>;
      const meta = { actor: auditActor(ctx.actor, 'center_admin'), requestId: ctx.requestId };
      const result = await publishYears(deps.db, [{ year, notice: body.notice, source: 'api', days: body.days }], { ...meta, at: ctx.now });
      // After the commit: every open clock whose deadline moves is recomputed and its workflow told.
      const moved = await recomputeOpenClocks(deps.db, ctx.now, meta);
      await signalMovedDeadlines(deps.temporal.client, moved);
      return { version: result.version, changedDates: result.changedDates, movedClocks: moved.length };
    },

    getSlaClock: async (request: FastifyRequest): Promise<JsonBody<'getSlaClock', 200>> => {
      const ctx = await contextOf(request, deps);
      const { clockId } = request.params as { clockId: string };
      const found = await getClock(deps.db, clockId);
      // The parties of a request read its clocks; the center, supervisors and auditors read all.
      const partyReads = found?.subjectType === Subject.Request && (await canReadRequest(ctx, found.subjectId));
      const row = partyReads ? found : authorize(ctx.actor.ability, Action.read, Subject.SlaClock, found);
      return { clock: clockView(row), events: (await clockEvents(deps.db, clockId)).map(clockEventView) };
    },

    computeDeadline: async (request: FastifyRequest): Promise<JsonBody<'computeDeadline', 200>> => {
      const ctx = await contextOf(request, deps);
      const { from, workingDays } = request.body as JsonRequest<'computeDeadline'>;
      const calendar = await loadCalendar(deps.db);
      return withinCalendar(() => {
        const deadline = calendar.addWorkingDays(new Date(from), workingDays);
        return {
          deadline: deadline.at.toISOString(),
          deadlineDate: deadline.date,
          provisional: deadline.provisional,
          calendarVersion: calendar.version,
          remainingWorkingDays: calendar.remainingWorkingDays(ctx.now, deadline.at),
        };
      });
    },
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
