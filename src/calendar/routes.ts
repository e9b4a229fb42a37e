import { asc } from 'drizzle-orm';
import { Action, Subject } from '../identity/rules/abilities.js';
import { loadCalendar, publishYearAndFollow, type CalendarFollower } from './service.js';
import type { Clock } from '../platform/clock.js';
import type { Db } from '../platform/db/client.js';
import { calendarYears } from '../platform/db/schema.js';
import { ForbiddenError, RuleViolationError } from '../platform/errors.js';
import { auditActor } from '../identity/index.js';
import { operation, type JsonBody } from '../platform/http/contract.js';
import { contextOf } from '../identity/index.js';

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

export function calendarHandlers(deps: { db: Db; clock: Clock; followCalendar: CalendarFollower }) {
  return {
    listCalendarDays: operation<'listCalendarDays'>(async (request): Promise<JsonBody<'listCalendarDays', 200>> => {
      await contextOf(request, deps);
      const { from, to } = request.query;
      const span = (Date.parse(to) - Date.parse(from)) / 86_400_000;
      if (span < 0 || span >= MAX_RANGE_DAYS)
        throw new RuleViolationError('invalid_date_range', `from must not be after to, and the range is at most ${MAX_RANGE_DAYS} days`);
      const calendar = await loadCalendar(deps.db);
      const days = withinCalendar(() => [...calendar.days(from, to)]);
      return {
        version: calendar.version,
        days: days.map((d) => ({
          date: d.date,
          working: d.working,
          ordinal: d.ordinal,
          provisional: d.provisional,
          kind: d.exception?.kind ?? null,
          name: d.exception?.name ?? null,
        })),
      };
    }),

    listCalendarYears: operation<'listCalendarYears'>(async (request): Promise<JsonBody<'listCalendarYears', 200>> => {
      await contextOf(request, deps);
      const calendar = await loadCalendar(deps.db);
      const years = await deps.db.select().from(calendarYears).orderBy(asc(calendarYears.year));
      return { version: calendar.version, years: years.map((y) => ({ ...y, publishedAt: y.publishedAt.toISOString() })) };
    }),

    publishCalendarYear: operation<'publishCalendarYear'>(async (request): Promise<JsonBody<'publishCalendarYear', 200>> => {
      const ctx = await contextOf(request, deps);
      if (!ctx.actor.ability.can(Action.update, Subject.Calendar))
        throw new ForbiddenError('forbidden', 'Only the center administrator publishes the calendar');
      const { year } = request.params;
      const body = request.body;
      const meta = { actor: auditActor(ctx.actor, 'center_admin'), requestId: ctx.requestId, at: ctx.now };
      const result = await publishYearAndFollow(
        deps.db,
        { year, notice: body.notice, source: 'api', days: body.days },
        meta,
        deps.followCalendar,
      );
      return { version: result.version, changedDates: result.changedDates, movedClocks: result.movedClocks };
    }),

    computeDeadline: operation<'computeDeadline'>(async (request): Promise<JsonBody<'computeDeadline', 200>> => {
      const ctx = await contextOf(request, deps);
      const { from, workingDays } = request.body;
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
    }),
  };
}
