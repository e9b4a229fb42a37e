import { randomUUID } from 'node:crypto';
import { and, asc, eq } from 'drizzle-orm';
import t from 'tap';
import { publishedSchedulesFromPackage } from '../../src/calendar/chinese-days-source.js';
import { importPublishedSchedules, loadCalendar, publishYears } from '../../src/calendar/service.js';
import { auditEntries, slaClockEvents } from '../../src/platform/db/schema.js';
import { provisionalSchedule } from '../../src/calendar/rules/statutory-holidays.js';
import * as sla from '../../src/sla/service.js';
import { openMigratedFreshDatabase } from '../helpers/db.js';

// Calendar corrections change every open clock, so this file has a database of its own.
const { handle } = await openMigratedFreshDatabase(t, 4);
const db = handle.db;
const system = { actor: { kind: 'system', role: 'script' } as const };
await importPublishedSchedules(db, { ...system, at: new Date() });
const sh = (local: string) => new Date(`${local}+08:00`);

async function correct(year: number, extra: { date: string; kind: 'holiday' | 'makeup_workday' }[]) {
  const calendar = await loadCalendar(db);
  const base = calendar.isPublishedYear(year) ? (publishedSchedulesFromPackage().get(year) ?? []) : provisionalSchedule(year);
  const days = [...base.filter((d) => !extra.some((e) => e.date === d.date)), ...extra.map((e) => ({ ...e, name: '更正' }))];
  return publishYears(db, [{ year, notice: `国务院办公厅关于${year}年部分节假日安排的补充通知`, source: 'api', days }], {
    ...system,
    at: new Date(),
  });
}

const start = (subjectId: string, at: Date, workingDays = 5) =>
  db.transaction((tx) =>
    sla.startSlaClock(
      tx,
      {
        subjectType: 'Probe',
        subjectId,
        step: 'owner_review',
        chargedParty: 'owner',
        policyProfile: 'shanghai-1515',
        policyVersion: 1,
        workingDays,
        at,
      },
      system,
    ),
  );

t.test('every operation is recorded as an event and an audit entry; starting twice is one clock', async (t) => {
  const subjectId = randomUUID();
  const clock = await start(subjectId, sh('2026-03-09T09:00:00'));
  t.equal(clock.deadlineDate, '2026-03-16');
  t.equal((await start(subjectId, sh('2026-03-09T09:00:00'))).id, clock.id, 'an activity retry does not start a second clock');
  await db.transaction((tx) => sla.pauseSlaClock(tx, clock.id, sh('2026-03-11T15:00:00'), system, '补正：缺少告知承诺'));
  const resumed = await db.transaction((tx) => sla.resumeSlaClock(tx, clock.id, sh('2026-03-19T10:00:00'), system));
  t.equal(resumed.deadlineDate, '2026-03-24', 'R = 3 carried over from the resume date');
  await db.transaction((tx) => sla.requestSlaExtension(tx, clock.id, sh('2026-03-20T10:00:00'), 2, '需要跨部门核对', system));
  const breached = await db.transaction((tx) => sla.breachSlaClock(tx, clock.id, sh('2026-03-25T00:00:01'), system));
  t.equal(breached.outcome, 'breached');
  const approved = await db.transaction((tx) => sla.decideSlaExtension(tx, clock.id, sh('2026-03-25T09:00:00'), true, system));
  t.equal(approved.deadlineDate, '2026-03-26');
  t.equal(approved.outcome, null, 'the late approval supersedes the breach');
  const stopped = await db.transaction((tx) => sla.stopSlaClock(tx, clock.id, sh('2026-03-26T16:00:00'), system));
  t.equal(stopped.outcome, 'met');
  const events = await sla.clockEvents(db, clock.id);
  t.same(
    events.map((e) => e.kind),
    ['started', 'paused', 'resumed', 'extension_requested', 'breached', 'extension_approved', 'stopped'],
  );
  t.match(
    events[2]!.details,
    { pausedAt: sh('2026-03-11T15:00:00').toISOString(), remainingCarried: 3, pausedMs: 8 * 86_400_000 - 5 * 3_600_000 },
    'the pause and its length are recorded',
  );
  t.equal(await db.$count(auditEntries, eq(auditEntries.subjectId, clock.id)), 7);
  await t.rejects(
    db.transaction((tx) => sla.resumeSlaClock(tx, clock.id, sh('2026-03-27T09:00:00'), system)),
    { code: 'clock_state' },
  );
  await t.rejects(
    db.transaction((tx) => sla.pauseSlaClock(tx, randomUUID(), new Date(), system)),
    { code: 'sla_clock_not_found' },
  );
});

t.test('a published correction moves open clocks later and earlier, audited with old and new dates', async (t) => {
  const later = await start(randomUUID(), sh('2026-04-13T09:00:00')); // Mon → deadline Mon 20 Apr
  const early = await start(randomUUID(), sh('2026-04-13T09:00:00'), 6); // → deadline Tue 21 Apr
  const paused = await start(randomUUID(), sh('2026-04-13T09:00:00'));
  await db.transaction((tx) => sla.pauseSlaClock(tx, paused.id, sh('2026-04-14T09:00:00'), system));
  t.equal(later.deadlineDate, '2026-04-20');
  t.equal(early.deadlineDate, '2026-04-21');

  // The correction: Fri 17 Apr becomes a holiday, Sat 18 Apr a make-up working day.
  await correct(2026, [
    { date: '2026-04-17', kind: 'holiday' },
    { date: '2026-04-18', kind: 'makeup_workday' },
    { date: '2026-04-16', kind: 'holiday' },
  ]);
  const now = sh('2026-04-20T12:00:00');
  const moved = await sla.recomputeOpenClocks(db, now, system);
  const byId = new Map(moved.map((m) => [m.clockId, m]));
  t.equal(byId.get(later.id)?.deadlineAfter, sh('2026-04-21T23:59:59.999').toISOString(), '16 and 17 lost, 18 gained: one day later');
  t.equal(byId.get(paused.id)?.deadlineAfter, sh('2026-04-21T23:59:59.999').toISOString(), 'a paused clock recounts from its basis too');
  t.match(
    await sla.getClock(db, paused.id),
    { state: 'paused', remainingAtPause: 4 },
    'R from the pause (Tue 14): 15, 18 (make-up), 20, 21',
  );
  const afterLater = await sla.getClock(db, later.id);
  t.equal(afterLater!.deadlineDate, '2026-04-21');
  t.equal(afterLater!.outcome, null);
  t.same(await sla.recomputeOpenClocks(db, now, system), [], 'a second run has nothing to do');

  // A make-up day two days back pulls the 6-day clock's deadline before "now": breached at once.
  await correct(2026, [
    { date: '2026-04-11', kind: 'makeup_workday' },
    { date: '2026-04-12', kind: 'makeup_workday' },
  ]);
  const movedAgain = await sla.recomputeOpenClocks(db, now, system);
  const pulled = movedAgain.find((m) => m.clockId === early.id);
  t.ok(pulled, 'moved');
  t.equal(pulled!.breachedNow, false, 'make-up days before the start do not count');
  const [event] = await db
    .select()
    .from(slaClockEvents)
    .where(and(eq(slaClockEvents.clockId, later.id), eq(slaClockEvents.kind, 'recomputed')))
    .orderBy(asc(slaClockEvents.at));
  t.match(event!.details, { deadlineDateBefore: '2026-04-20', deadlineDateAfter: '2026-04-21' });
  const [audit] = await db
    .select()
    .from(auditEntries)
    .where(and(eq(auditEntries.subjectId, later.id), eq(auditEntries.action, 'sla_clock.recomputed')));
  t.match(audit, {
    reason: 'calendar change',
    before: { deadline: sh('2026-04-20T23:59:59.999').toISOString() },
    after: { deadline: sh('2026-04-21T23:59:59.999').toISOString() },
  });
});

t.test('a correction that pulls an open deadline into the past breaches it at once', async (t) => {
  const clock = await start(randomUUID(), sh('2026-05-11T09:00:00'), 5); // deadline Mon 18 May
  await correct(2026, [{ date: '2026-05-16', kind: 'makeup_workday' }]); // Sat 16 May counts: deadline Sat 16
  const moved = await sla.recomputeOpenClocks(db, sh('2026-05-18T08:00:00'), system);
  const mine = moved.find((m) => m.clockId === clock.id)!;
  t.equal(mine.breachedNow, true);
  const row = await sla.getClock(db, clock.id);
  t.match(row, { outcome: 'breached', deadlineDate: '2026-05-16' });
  t.same(row!.breachedAt, sh('2026-05-18T08:00:00'));
  t.equal(await db.$count(slaClockEvents, and(eq(slaClockEvents.clockId, clock.id), eq(slaClockEvents.kind, 'recomputed_breached'))), 1);
});

t.test('publishing the year a deadline falls in records the end of its provisional status, though the date stays', async (t) => {
  // Mon 28 Dec 2026 + 5 working days: 29, 30, 31 Dec, (元旦 off) 4 and 5 Jan 2027 — in the unpublished 2027.
  const clock = await start(randomUUID(), sh('2026-12-28T09:00:00'), 5);
  t.match(clock, { deadlineDate: '2027-01-05', provisional: true });
  await correct(2027, []); // the notice keeps January as the statutory rule had it
  const moved = await sla.recomputeOpenClocks(db, sh('2026-12-29T08:00:00'), system);
  t.notOk(
    moved.some((m) => m.clockId === clock.id),
    'the deadline did not move: nothing to announce',
  );
  t.match(await sla.getClock(db, clock.id), { deadlineDate: '2027-01-05', provisional: false });
  const events = await db
    .select()
    .from(slaClockEvents)
    .where(and(eq(slaClockEvents.clockId, clock.id), eq(slaClockEvents.kind, 'provisional_changed')));
  t.equal(events.length, 1, 'the flip is on the clock');
  t.match(events[0]!.details, { provisional: false });
  t.equal(
    await db.$count(auditEntries, and(eq(auditEntries.subjectId, clock.id), eq(auditEntries.action, 'sla_clock.provisional_changed'))),
    1,
  );
});

t.test('the API: publishing a correction recomputes open clocks; a clock and its history are readable by the center', async (t) => {
  const { startTestApp } = await import('../helpers/app.js');
  const { bearer, createTestWorld } = await import('../helpers/identity.js');
  const harness = await startTestApp({ database: handle });
  t.teardown(harness.close);
  const world = await createTestWorld(db);
  const clock = await start(randomUUID(), sh('2026-06-01T09:00:00')); // Mon → Mon 8 Jun
  const days = [...publishedSchedulesFromPackage().get(2026)!, { date: '2026-06-03', kind: 'holiday' as const, name: '更正' }];
  const res = await harness.app.inject({
    method: 'PUT',
    url: '/api/v1/calendar/years/2026',
    headers: await bearer(harness.config, world.centerAdmin),
    payload: { notice: '更正通知', days },
  });
  t.equal(res.statusCode, 200);
  t.ok(res.json().movedClocks >= 1);
  const history = await harness.app.inject({
    method: 'GET',
    url: `/api/v1/sla-clocks/${clock.id}`,
    headers: await bearer(harness.config, world.centerOperator),
  });
  t.equal(history.statusCode, 200);
  // Recomputed "now" (the business clock, after June): the moved deadline is past, so breached at once.
  t.match(history.json().clock, { deadlineDate: '2026-06-09', state: 'running', overdue: true, policy: 'shanghai-1515@1' });
  t.same(
    history.json().events.map((e: { kind: string }) => e.kind),
    ['started', 'recomputed_breached'],
  );
  t.equal(
    (
      await harness.app.inject({
        method: 'GET',
        url: `/api/v1/sla-clocks/${clock.id}`,
        headers: await bearer(harness.config, world.policeRequester),
      })
    ).statusCode,
    404,
  );
});
