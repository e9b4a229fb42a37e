/** SLA clocks and their events as the contract shows them (on their own and inside a request's detail). */
import type { JsonBody } from '../platform/http/contract.js';
import type { WorkingDayCalendar } from '../calendar/rules/working-days.js';
import { isOverdue } from './rules/clock.js';
import { stepTiming } from './rules/timing.js';
import { toDomain, type ClockEventRow, type ClockRow } from './service.js';

const iso = (d: Date | null) => d?.toISOString() ?? null;

/** A clock as the contract shows it, with where it stands at `now` in working days. */
export const clockView = (row: ClockRow, calendar: WorkingDayCalendar, now: Date): JsonBody<'getSlaClock', 200>['clock'] => ({
  id: row.id,
  subjectType: row.subjectType,
  subjectId: row.subjectId,
  step: row.step,
  chargedParty: row.chargedParty,
  graceUntil: iso(row.graceUntil),
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
  ...stepTiming(calendar, row, now),
});

export const clockEventView = (e: ClockEventRow): JsonBody<'getSlaClock', 200>['events'][number] => ({
  at: e.at.toISOString(),
  kind: e.kind,
  deadlineBefore: iso(e.deadlineBefore),
  deadlineAfter: iso(e.deadlineAfter),
  calendarVersion: e.calendarVersion,
  details: e.details as Record<string, unknown>,
});
