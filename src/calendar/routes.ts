/** The calendar capability's HTTP operations: each one service call, typed from the contract. */
import { contextOf } from '../identity/index.js';
import type { Clock } from '../platform/clock.js';
import { operation } from '../platform/http/contract.js';
import { CalendarService, type CalendarServiceDeps } from './service.js';

export function calendarHandlers(deps: CalendarServiceDeps & { clock: Clock }) {
  const service = new CalendarService(deps);
  const context = (request: Parameters<typeof contextOf>[0]) => contextOf(request, deps);

  return {
    listCalendarDays: operation<'listCalendarDays'>(async (request) => {
      await context(request);
      return service.days(request.query);
    }),
    listCalendarYears: operation<'listCalendarYears'>(async (request) => {
      await context(request);
      return service.years();
    }),
    publishCalendarYear: operation<'publishCalendarYear'>(async (request) =>
      service.publishYear(await context(request), request.params.year, request.body),
    ),
    computeDeadline: operation<'computeDeadline'>(async (request) => service.deadline(await context(request), request.body)),
  };
}
