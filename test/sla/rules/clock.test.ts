import t from 'tap';
import { publishedSchedulesFromPackage } from '../../../src/calendar/chinese-days-source.js';
import { provisionalSchedule } from '../../../src/calendar/rules/statutory-holidays.js';
import { WorkingDayCalendar, type DayException } from '../../../src/calendar/rules/working-days.js';
import {
  breachClock,
  changeStepLength,
  decideExtension,
  isOverdue,
  pauseClock,
  recomputeClock,
  reminderAt,
  reminderDue,
  requestExtension,
  resumeClock,
  startClock,
  stopClock,
} from '../../../src/sla/rules/clock.js';

const published = publishedSchedulesFromPackage();
const calendar = new WorkingDayCalendar({ published, provisional: provisionalSchedule, version: 1 });
const sh = (local: string) => new Date(`${local}+08:00`);

t.test('start: N working days from the event, deadline at the end of day N', async (t) => {
  const clock = startClock(calendar, sh('2026-10-03T10:00:00'), 5);
  t.equal(clock.deadline.date, '2026-10-13');
  t.equal(clock.state, 'running');
  t.equal(clock.calendarVersion, 1);
});

t.test('pause and resume carry R over, counted from the resume date', async (t) => {
  // Track 5 from Mon 9 Mar 2026: deadline Mon 16 Mar. Paused Wed 11 Mar: R = 12, 13, 16 = 3.
  const started = startClock(calendar, sh('2026-03-09T09:00:00'), 5);
  t.equal(started.deadline.date, '2026-03-16');
  const paused = pauseClock(calendar, started, sh('2026-03-11T15:00:00'));
  t.equal(paused.remainingAtPause, 3);
  // Resumed Thu 19 Mar: day 1 = Fri 20, day 3 = Tue 24 Mar.
  const resumed = resumeClock(calendar, paused, sh('2026-03-19T10:00:00'));
  t.equal(resumed.deadline.date, '2026-03-24');
  t.equal(resumed.state, 'running');
  // A pause on the deadline date (R = 0) still leaves one working day after resuming.
  const onDeadline = pauseClock(calendar, started, sh('2026-03-16T11:00:00'));
  t.equal(onDeadline.remainingAtPause, 0);
  t.equal(resumeClock(calendar, onDeadline, sh('2026-03-20T09:00:00')).deadline.date, '2026-03-23');
  t.throws(() => resumeClock(calendar, started, sh('2026-03-20T09:00:00')), { code: 'clock_state' });
  t.throws(() => pauseClock(calendar, paused, sh('2026-03-12T09:00:00')), { code: 'clock_state' });
});

t.test('breach at the deadline; a late extension approval supersedes it and clears overdue', async (t) => {
  const started = startClock(calendar, sh('2026-03-09T09:00:00'), 5);
  t.equal(breachClock(started, sh('2026-03-16T23:00:00')).breachedAt, null, 'not before the deadline has passed');
  const asked = requestExtension(started, sh('2026-03-12T09:00:00'), 3, '需要调取历史档案');
  const breached = breachClock(asked, sh('2026-03-17T00:00:01'));
  t.ok(isOverdue(breached));
  const approved = decideExtension(calendar, breached, sh('2026-03-17T10:00:00'), true);
  t.equal(approved.deadline.date, '2026-03-19', 'three working days after Mon 16 Mar');
  t.equal(approved.breachedAt, null);
  t.notOk(isOverdue(approved), 'the late approval clears overdue');
  t.equal(stopClock(approved, sh('2026-03-18T10:00:00')).outcome, 'met');
  const rejected = decideExtension(calendar, breached, sh('2026-03-17T10:00:00'), false);
  t.ok(isOverdue(rejected));
  t.equal(rejected.extension?.decision, 'rejected');
});

t.test('extension rules: once, before the deadline, capped at the step length, with a reason', async (t) => {
  const started = startClock(calendar, sh('2026-03-09T09:00:00'), 5);
  t.throws(() => requestExtension(started, sh('2026-03-17T09:00:00'), 2, 'late'), { code: 'extension_after_deadline' });
  t.throws(() => requestExtension(started, sh('2026-03-10T09:00:00'), 6, 'too long'), { code: 'extension_too_long' });
  t.throws(() => requestExtension(started, sh('2026-03-10T09:00:00'), 2, '  '), { code: 'extension_reason_required' });
  const asked = requestExtension(started, sh('2026-03-10T09:00:00'), 2, '理由');
  t.throws(() => requestExtension(asked, sh('2026-03-10T10:00:00'), 1, '再来一次'), { code: 'extension_already_requested' });
  const decided = decideExtension(calendar, asked, sh('2026-03-11T09:00:00'), true);
  t.throws(() => decideExtension(calendar, decided, sh('2026-03-11T09:00:00'), true), { code: 'no_pending_extension' });
  t.equal(decided.deadline.date, '2026-03-18');
});

t.test('stop: met on time, breached when late', async (t) => {
  const started = startClock(calendar, sh('2026-03-09T09:00:00'), 1);
  t.equal(stopClock(started, sh('2026-03-10T23:59:00')).outcome, 'met');
  const late = stopClock(started, sh('2026-03-11T00:01:00'));
  t.equal(late.outcome, 'breached');
  t.ok(late.breachedAt);
  t.throws(() => stopClock(late, sh('2026-03-12T00:00:00')), { code: 'clock_state' });
});

t.test('recompute under a corrected calendar moves the deadline, and breaches at once when it moved into the past', async (t) => {
  const started = startClock(calendar, sh('2026-03-09T09:00:00'), 5); // deadline Mon 16 Mar
  const corrected = new Map<number, DayException[]>(published);
  corrected.set(2026, [...published.get(2026)!, { date: '2026-03-12', kind: 'holiday', name: '更正' }]);
  const v2 = new WorkingDayCalendar({ published: corrected, provisional: provisionalSchedule, version: 2 });
  const moved = recomputeClock(v2, started, sh('2026-03-10T09:00:00'));
  t.equal(moved.deadline.date, '2026-03-17');
  t.equal(moved.calendarVersion, 2);
  t.equal(moved.breachedAt, null);

  // A make-up day inserted earlier pulls the deadline before "now": breached at once.
  const pulled = new Map<number, DayException[]>(published);
  pulled.set(2026, [...published.get(2026)!, { date: '2026-03-14', kind: 'makeup_workday', name: '更正' }]);
  const v3 = new WorkingDayCalendar({ published: pulled, provisional: provisionalSchedule, version: 3 });
  const now = sh('2026-03-16T08:00:00');
  const early = recomputeClock(v3, started, now);
  t.equal(early.deadline.date, '2026-03-14');
  t.same(early.breachedAt, now);
  t.ok(isOverdue(early));
  t.equal(recomputeClock(v2, stopClock(started, now), now).calendarVersion, 1, 'a stopped clock is left alone');
});

t.test('a policy change applied to open steps moves the deadline by the difference in length', async (t) => {
  const started = startClock(calendar, sh('2026-03-09T09:00:00'), 5); // Mon 9 Mar: deadline Mon 16 Mar
  const longer = changeStepLength(calendar, started, 7, sh('2026-03-10T09:00:00'));
  t.match(longer, { workingDays: 7, basisDays: 7, breachedAt: null });
  t.equal(longer.deadline.date, '2026-03-18');
  const shorter = changeStepLength(calendar, started, 3, sh('2026-03-10T09:00:00'));
  t.equal(shorter.deadline.date, '2026-03-12');
  const pastNow = sh('2026-03-13T09:00:00');
  const tooLate = changeStepLength(calendar, started, 3, pastNow);
  t.same(tooLate.breachedAt, pastNow, 'a deadline moved into the past breaches at once');
  t.ok(isOverdue(tooLate));
  const breached = breachClock(started, sh('2026-03-17T00:00:00'));
  t.match(
    changeStepLength(calendar, breached, 10, sh('2026-03-17T09:00:00')),
    { breachedAt: null, outcome: null },
    'a longer step can supersede a breach',
  );
  // Resumed after a pause the basis is R; the change still adds the difference.
  const resumed = resumeClock(calendar, pauseClock(calendar, started, sh('2026-03-11T15:00:00')), sh('2026-03-19T10:00:00')); // R = 3 → Tue 24 Mar
  t.equal(changeStepLength(calendar, resumed, 6, sh('2026-03-19T11:00:00')).deadline.date, '2026-03-25');
  const paused = pauseClock(calendar, started, sh('2026-03-11T15:00:00'));
  t.match(changeStepLength(calendar, paused, 3, sh('2026-03-12T09:00:00')), { remainingAtPause: 1, workingDays: 3 }, 'never below one day');
  t.equal(
    changeStepLength(calendar, stopClock(started, sh('2026-03-10T09:00:00')), 9, sh('2026-03-10T10:00:00')).workingDays,
    5,
    'a stopped step is left alone',
  );
  t.equal(changeStepLength(calendar, started, 5, sh('2026-03-10T10:00:00')), started, 'the same length changes nothing');
});

t.test('a pause after the deadline keeps the breach the timer had not recorded yet', async (t) => {
  const started = startClock(calendar, sh('2026-03-09T09:00:00'), 5); // deadline Mon 16 Mar
  const paused = pauseClock(calendar, started, sh('2026-03-18T09:00:00'));
  t.same(paused.breachedAt, new Date(started.deadline.at.getTime() + 1), 'breached at the deadline, not at the pause');
  t.ok(isOverdue(paused));
  const resumed = resumeClock(calendar, paused, sh('2026-03-18T10:00:00'));
  t.equal(stopClock(resumed, sh('2026-03-19T09:00:00')).outcome, 'breached', 'the late step stays late');
  t.equal(stopClock(paused, sh('2026-03-18T11:00:00')).outcome, 'breached', 'also when it stops while paused');
  t.throws(
    () => requestExtension(paused, sh('2026-03-18T09:30:00'), 2, '补救'),
    { code: 'extension_after_deadline' },
    'no extension once breached, paused or not',
  );
  const inTime = pauseClock(calendar, started, sh('2026-03-16T23:00:00'));
  t.equal(inTime.breachedAt, null, 'a pause on the deadline date is in time');
});

t.test('an extension approved while paused supersedes an earlier breach only if the extended deadline lies after the pause', async (t) => {
  // Five days from Mon 9 Mar: due Mon 16 Mar; extended by 3: due Thu 19 Mar.
  const started = startClock(calendar, sh('2026-03-09T09:00:00'), 5);
  const asked = requestExtension(started, sh('2026-03-12T09:00:00'), 3, '需要调取历史档案');
  const breached = breachClock(asked, sh('2026-03-17T00:00:01'));
  const paused = pauseClock(calendar, breached, sh('2026-03-17T09:00:00'));
  t.ok(isOverdue(paused));
  const approved = decideExtension(calendar, paused, sh('2026-03-17T10:00:00'), true);
  t.notOk(isOverdue(approved), 'the extended deadline (Thu 19) is after the pause (Tue 17): overdue clears');
  t.equal(approved.deadline.date, '2026-03-19');
  t.equal(approved.remainingAtPause, 2, 'R from the pause to the extended deadline: Wed 18, Thu 19');
  const resumed = resumeClock(calendar, approved, sh('2026-03-17T11:00:00'));
  t.equal(resumed.deadline.date, '2026-03-19');
  t.equal(stopClock(resumed, sh('2026-03-18T09:00:00')).outcome, 'met');

  // Extended by 1 only: due Tue 17 Mar, and the pause came on Wed 18: the breach stands.
  const short = requestExtension(started, sh('2026-03-12T09:00:00'), 1, '需要调取历史档案');
  const pausedLate = pauseClock(calendar, breachClock(short, sh('2026-03-17T00:00:01')), sh('2026-03-18T09:00:00'));
  const tooShort = decideExtension(calendar, pausedLate, sh('2026-03-18T10:00:00'), true);
  t.ok(isOverdue(tooShort), 'the extended deadline had passed before the pause: still overdue');
  t.equal(tooShort.deadline.date, '2026-03-17');
  t.equal(tooShort.remainingAtPause, 0);
});

t.test('a correction that moves a breached deadline back into the future clears the breach', async (t) => {
  const started = startClock(calendar, sh('2026-03-09T09:00:00'), 5); // deadline Mon 16 Mar
  const breached = breachClock(started, sh('2026-03-17T00:00:00'));
  t.ok(isOverdue(breached));
  const corrected = new Map<number, DayException[]>(published);
  corrected.set(2026, [
    ...published.get(2026)!,
    { date: '2026-03-12', kind: 'holiday', name: '更正' },
    { date: '2026-03-13', kind: 'holiday', name: '更正' },
  ]);
  const v2 = new WorkingDayCalendar({ published: corrected, provisional: provisionalSchedule, version: 2 });
  const recomputed = recomputeClock(v2, breached, sh('2026-03-17T09:00:00'));
  t.equal(recomputed.deadline.date, '2026-03-18');
  t.notOk(isOverdue(recomputed), 'the deadline lies ahead again');
  t.equal(stopClock(recomputed, sh('2026-03-17T10:00:00')).outcome, 'met');
  t.equal(
    breachClock(breached, sh('2026-03-18T00:00:00')),
    breached,
    'breaching twice changes nothing (the same object: nothing to record)',
  );
});

t.test('a correction of days before a pause recounts R from the pause instant', async (t) => {
  // Track 5 from Mon 9 Mar 2026 (deadline 16 Mar), paused Wed 11 Mar: R = 12, 13, 16 = 3.
  const paused = pauseClock(calendar, startClock(calendar, sh('2026-03-09T09:00:00'), 5), sh('2026-03-11T15:00:00'));
  t.equal(paused.remainingAtPause, 3);
  // 10 Mar becomes a holiday: the working days from the basis now run to 17 Mar, so R = 4.
  const corrected = new Map<number, DayException[]>(published);
  corrected.set(2026, [...published.get(2026)!, { date: '2026-03-10', kind: 'holiday', name: '更正' }]);
  const v2 = new WorkingDayCalendar({ published: corrected, provisional: provisionalSchedule, version: 2 });
  const recounted = recomputeClock(v2, paused, sh('2026-03-18T09:00:00'));
  t.equal(recounted.remainingAtPause, 4);
  t.equal(recounted.state, 'paused');
  t.equal(resumeClock(v2, recounted, sh('2026-03-19T10:00:00')).deadline.date, '2026-03-25', 'resumed Thu 19 Mar + 4 working days');

  // A pause that was late (after the deadline) stays late unless the correction moves the
  // deadline past the pause instant.
  const late = pauseClock(calendar, startClock(calendar, sh('2026-03-09T09:00:00'), 5), sh('2026-03-17T09:00:00'));
  t.ok(isOverdue(late));
  const inTimeAfterAll = recomputeClock(v2, late, sh('2026-03-18T09:00:00'));
  t.notOk(isOverdue(inTimeAfterAll), 'the corrected deadline is the end of 17 Mar: the pause at 09:00 that day was in time');
  t.equal(inTimeAfterAll.remainingAtPause, 0, 'paused on its deadline date: R = 0 (one day after resuming)');
  const v3 = new WorkingDayCalendar({ published, provisional: provisionalSchedule, version: 3 });
  t.ok(isOverdue(recomputeClock(v3, late, sh('2026-03-18T09:00:00'))), 'under the uncorrected calendar it stays late');
});

t.test('a breach before a supplement pause stands through later corrections and policy changes', async (t) => {
  const started = startClock(calendar, sh('2026-03-09T09:00:00'), 5); // deadline 16 Mar
  const breached = breachClock(started, sh('2026-03-17T00:00:00'));
  const paused = pauseClock(calendar, breached, sh('2026-03-17T09:00:00'));
  const resumed = resumeClock(calendar, paused, sh('2026-03-18T09:00:00')); // a fresh deadline ahead
  t.ok(isOverdue(resumed), 'the resumed step carries its breach');
  const corrected = new Map<number, DayException[]>(published);
  corrected.set(2026, [...published.get(2026)!, { date: '2026-03-19', kind: 'holiday', name: '更正' }]);
  const v2 = new WorkingDayCalendar({ published: corrected, provisional: provisionalSchedule, version: 2 });
  const recomputed = recomputeClock(v2, resumed, sh('2026-03-18T12:00:00'));
  t.not(recomputed.deadline.date, resumed.deadline.date, 'the deadline moved');
  t.ok(isOverdue(recomputed), 'but the breach of the first segment stands');
  t.same(recomputed.breachedAt, breached.breachedAt);
  t.ok(isOverdue(changeStepLength(calendar, resumed, 7, sh('2026-03-18T12:00:00'))), 'and through a longer policy');
});

t.test('the reminder falls at 00:00 Asia/Shanghai on the deadline date and is due until the deadline', async (t) => {
  const deadline = sh('2026-03-16T23:59:59.999').getTime();
  t.equal(reminderAt(deadline), sh('2026-03-16T00:00:00').getTime());
  t.equal(reminderDue(deadline, sh('2026-03-15T23:59:59.999').getTime()), false, 'not the day before');
  t.equal(reminderDue(deadline, sh('2026-03-16T00:00:00').getTime()), true);
  t.equal(reminderDue(deadline, deadline), true);
  t.equal(reminderDue(deadline, deadline + 1), false, 'past the deadline it is a breach, not a reminder');
});
