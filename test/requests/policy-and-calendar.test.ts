/**
 * Changes of data that govern requests: a calendar correction moves an open request's deadline
 * (and its workflow's timer); a second policy profile with other limits runs a whole track-5
 * request without code changes; a new commitment text must be accepted. These change global
 * data, so the file has a database of its own.
 */
import { and, asc, eq } from 'drizzle-orm';
import pino from 'pino';
import t from 'tap';
import { createActivities } from '../../src/server/activities.js';
import { publishedSchedulesFromPackage } from '../../src/calendar/chinese-days-source.js';
import { importPublishedSchedules, publishYears } from '../../src/calendar/service.js';
import { clockFrom } from '../../src/platform/clock.js';
import { requestEvents, requests, requestSupplements, slaClocks } from '../../src/platform/db/schema.js';
import { statutoryHolidays } from '../../src/calendar/rules/statutory-holidays.js';
import { SHANGHAI_1515 } from '../../src/requests/rules/policy.js';
import { createDraft, fileRequest, requestWorkflowId } from '../../src/requests/filing.js';
import { applyPolicyToOpenRequests, createPolicyVersion, currentCommitment, publishCommitment } from '../../src/requests/policy.js';
import { startRequestWorkflow, updateRequest } from '../../src/requests/workflow-client.js';
import * as sla from '../../src/sla/service.js';
import { signalMovedDeadlines } from '../../src/sla/signals.js';
import { openMigratedFreshDatabase } from '../helpers/db.js';
import { testConfig } from '../helpers/env.js';
import { createRequestWorld, draftFor, fileAs, skipToPlainMonday, updateActor, waitFor } from '../helpers/requests.js';
import { createTestWorker, recordHistory, startTimeSkippingServer } from '../helpers/temporal.js';
import { requestReconcilerWorkflow, requestView } from '../../workflows/request.js';

const { handle } = await openMigratedFreshDatabase(t, 4);
const db = handle.db;
const system = { actor: { kind: 'system', role: 'script' } as const };
await importPublishedSchedules(db, { ...system, at: new Date() });
const env = await startTimeSkippingServer();
t.teardown(() => env.teardown());
const clock = clockFrom(() => env.currentTimeMs());
const { worker, taskQueue } = await createTestWorker(
  env,
  new URL('../../workflows/index.ts', import.meta.url).pathname,
  createActivities({ db, log: pino({ level: 'silent' }), clock }),
);
const settings = { ...testConfig().temporal, taskQueue };
const running = worker.run();
t.teardown(async () => {
  worker.shutdown();
  await running;
});
const world = await createRequestWorld(db);
const now = async () => new Date(await env.currentTimeMs());
const requestRow = async (id: string) => (await db.select().from(requests).where(eq(requests.id, id)))[0]!;
async function fileAndStart(policyName?: string) {
  const filed = await fileAs(db, world, world.marketRequester, draftFor(world.conditional.id), await now(), policyName);
  await startRequestWorkflow(env.client, settings, filed.id);
  return waitFor(async () => ((await requestRow(filed.id)).clockId ? requestRow(filed.id) : undefined), 'the workflow to open the request');
}

/** Days declared by the tests so far, so each correction keeps the earlier ones. */
const declared = new Map<string, 'holiday' | 'makeup_workday'>();
/** The State Council corrects a year: an extra holiday or make-up working day; open clocks are recomputed. */
async function declareDay(date: string, kind: 'holiday' | 'makeup_workday' = 'holiday') {
  declared.set(date, kind);
  const year = Number(date.slice(0, 4));
  // The published schedule, or the statutory holidays for a year the State Council has not published.
  const base = publishedSchedulesFromPackage().get(year) ?? statutoryHolidays(year);
  const extra = [...declared].filter(([d]) => d.startsWith(`${year}-`)).map(([d, k]) => ({ date: d, kind: k, name: '更正' }));
  await publishYears(db, [{ year, notice: '补充通知', source: 'api', days: [...base.filter((b) => !declared.has(b.date)), ...extra] }], {
    ...system,
    at: await now(),
  });
  return sla.recomputeOpenClocks(db, await now(), system);
}
const declareHoliday = (date: string) => declareDay(date, 'holiday');

t.test('a calendar correction moves an open deadline; the request records it and its timer follows', async (t) => {
  const { day, endOf } = await skipToPlainMonday(env, db, 4);
  const request = await fileAndStart();
  t.equal(request.deadlineDate, day(7));
  // Wednesday of the first week becomes a holiday: the deadline moves a day.
  const moved = await declareHoliday(day(2));
  const mine = moved.filter((m) => m.clockId === request.clockId);
  t.equal(mine.length, 1);
  t.equal(await signalMovedDeadlines(env.client, mine), 1);
  const followed = await waitFor(
    async () => ((await requestRow(request.id)).deadlineDate === day(8) ? requestRow(request.id) : undefined),
    'the request to follow',
  );
  t.same(followed.deadlineAt, endOf(8));
  const [event] = await db
    .select()
    .from(requestEvents)
    .where(and(eq(requestEvents.requestId, request.id), eq(requestEvents.kind, 'deadline_moved')));
  t.match(event!.details, { deadlineDateBefore: day(7) });

  await env.sleep(endOf(7).getTime() + 60 * 60 * 1000 - (await env.currentTimeMs())); // past the old deadline
  // The old breach instant is the new deadline's reminder (00:00 on the new deadline date): once
  // that is recorded, the workflow has acted on that instant; had it kept the old timer it would
  // have breached instead.
  const [reminder] = await waitFor(async () => {
    const rows = await db
      .select()
      .from(requestEvents)
      .where(and(eq(requestEvents.requestId, request.id), eq(requestEvents.kind, 'reminded')));
    return rows.length ? rows : undefined;
  }, 'the new deadline’s reminder');
  t.same(reminder!.at, new Date(endOf(7).getTime() + 1));
  t.equal((await requestRow(request.id)).overdue, false, 'no breach at the old deadline');
  await env.sleep(24 * 60 * 60 * 1000);
  const breached = await waitFor(
    async () => ((await requestRow(request.id)).overdue ? requestRow(request.id) : undefined),
    'the breach at the new deadline',
  );
  const [clockRow] = await db.select().from(slaClocks).where(eq(slaClocks.id, request.clockId!));
  t.same(clockRow!.breachedAt, new Date(endOf(8).getTime() + 1), 'breached at the new deadline');
  t.equal(breached.supervisionLevel, 1);
  await recordHistory(env, requestWorkflowId(request.id), 'track5-calendar-correction');
});

t.test('a correction the workflow never hears of: its old timer finds the clock moved, records it and waits', async (t) => {
  const { day, endOf } = await skipToPlainMonday(env, db, 4);
  const request = await fileAndStart();
  t.equal(request.deadlineDate, day(7));
  const moved = await declareHoliday(day(3)); // Thursday: the deadline moves to Tuesday
  t.equal(moved.find((m) => m.clockId === request.clockId)?.deadlineAfter, endOf(8).toISOString());
  // No signal: as if Temporal had been unreachable when the calendar was published.
  await env.sleep(endOf(7).getTime() + 60 * 60 * 1000 - (await env.currentTimeMs()));
  const followed = await waitFor(
    async () => ((await requestRow(request.id)).deadlineDate === day(8) ? requestRow(request.id) : undefined),
    'the request to catch up with its clock',
  );
  t.equal(followed.overdue, false, 'no breach at the old deadline');
  const [event] = await db
    .select()
    .from(requestEvents)
    .where(and(eq(requestEvents.requestId, request.id), eq(requestEvents.kind, 'deadline_moved')));
  t.match(
    event,
    { at: new Date(endOf(6).getTime() + 1), details: { deadlineDateBefore: day(7) } },
    'recorded when the old reminder fell due, instead of a reminder',
  );
  const [clockBefore] = await db.select().from(slaClocks).where(eq(slaClocks.id, request.clockId!));
  t.equal(clockBefore!.breachedAt, null, 'the clock is not breached');
  await env.sleep(24 * 60 * 60 * 1000);
  await waitFor(async () => ((await requestRow(request.id)).overdue ? true : undefined), 'the breach at the real deadline');
  const [clockRow] = await db.select().from(slaClocks).where(eq(slaClocks.id, request.clockId!));
  t.same(clockRow!.breachedAt, new Date(endOf(8).getTime() + 1));
  t.same(
    (
      await db
        .select({ kind: requestEvents.kind })
        .from(requestEvents)
        .where(eq(requestEvents.requestId, request.id))
        .orderBy(asc(requestEvents.seq))
    )
      .map((e) => e.kind)
      .filter((k) => k !== 'notified'),
    ['filed', 'routed', 'opened', 'deadline_moved', 'reminded', 'deadline_breached'],
  );
});

t.test('a deadline moved earlier while Temporal was unreachable: the reconciler signals the workflow again', async (t) => {
  const { day, endOf } = await skipToPlainMonday(env, db, 4);
  const request = await fileAndStart();
  t.equal(request.deadlineDate, day(7));
  const moved = await declareDay(day(5), 'makeup_workday'); // Saturday becomes a working day
  t.equal(moved.find((m) => m.clockId === request.clockId)?.deadlineAfter, endOf(5).toISOString(), 'due Saturday now');
  // No signal. The reconciler finds the request lagging behind its clock once the grace has passed.
  const reconciler = await env.client.workflow.start(requestReconcilerWorkflow, {
    taskQueue,
    workflowId: `reconciler-lag-${request.id}`,
    args: [{ intervalMs: 60 * 60 * 1000, graceMs: 60 * 1000 }],
  });
  t.teardown(() => reconciler.terminate());
  await env.sleep(2 * 60 * 60 * 1000);
  const followed = await waitFor(
    async () => ((await requestRow(request.id)).deadlineDate === day(5) ? requestRow(request.id) : undefined),
    'the re-signalled workflow to record the move',
  );
  t.equal(followed.overdue, false);
  await env.sleep(endOf(5).getTime() + 60 * 60 * 1000 - (await env.currentTimeMs()));
  await waitFor(async () => ((await requestRow(request.id)).overdue ? true : undefined), 'the breach at the earlier deadline');
  const [clockRow] = await db.select().from(slaClocks).where(eq(slaClocks.id, request.clockId!));
  t.same(clockRow!.breachedAt, new Date(endOf(5).getTime() + 1), 'breached on Saturday’s deadline, not Monday’s');
  const moves = await db
    .select()
    .from(requestEvents)
    .where(and(eq(requestEvents.requestId, request.id), eq(requestEvents.kind, 'deadline_moved')));
  t.equal(moves.length, 1, 'recorded once');
});

t.test('a correction moves an open supplement’s due date: recorded on the request, and the lapse follows', async (t) => {
  const { day, endOf } = await skipToPlainMonday(env, db, 4);
  const request = await fileAndStart();
  const asked = await updateRequest(env.client, request.id, 'askSupplement', {
    actor: updateActor(world, world.policeReviewer, 'owner'),
    question: '请补充授权文件',
  });
  t.equal(asked.supplement!.due, endOf(14).toISOString(), '10 working days');
  const moved = await declareHoliday(day(10)); // Thursday of the second week
  const mine = moved.filter((m) => m.clockId === asked.supplement!.clockId);
  t.equal(mine.length, 1);
  t.equal(await signalMovedDeadlines(env.client, mine), 1);
  const event = await waitFor(async () => {
    const [e] = await db
      .select()
      .from(requestEvents)
      .where(and(eq(requestEvents.requestId, request.id), eq(requestEvents.kind, 'deadline_moved')));
    return e;
  }, 'the move to be recorded');
  t.match(event.details, { supplementDueBefore: endOf(14).toISOString(), supplementDue: endOf(15).toISOString() });
  const [supplement] = await db.select().from(requestSupplements).where(eq(requestSupplements.requestId, request.id));
  t.same(supplement!.dueAt, endOf(15), 'the supplement shows its new due date');

  // The workflow itself holds the new due date (its timer was re-armed by the signal) …
  const held = await env.client.workflow.getHandle(requestWorkflowId(request.id)).query(requestView);
  t.equal(held?.supplement?.due, endOf(15).toISOString(), 'the workflow waits for the new due date');
  await env.sleep(endOf(14).getTime() + 60 * 60 * 1000 - (await env.currentTimeMs()));
  t.equal((await requestRow(request.id)).state, 'awaiting_supplement', '… so nothing lapses at the old one');
  await env.sleep(24 * 60 * 60 * 1000);
  const lapsed = await waitFor(
    async () => ((await requestRow(request.id)).state === 'lapsed' ? requestRow(request.id) : undefined),
    'the lapse at the new due date',
  );
  t.same(lapsed.closedAt, new Date(endOf(15).getTime() + 1));
  await recordHistory(env, requestWorkflowId(request.id), 'track5-supplement-deadline-moved');
});

t.test('a second policy profile with other limits runs track 5 without code changes', async (t) => {
  const { day } = await skipToPlainMonday(env, db, 4);
  const admin = world.as(world.centerAdmin);
  const profile = await createPolicyVersion(
    { ...admin, now: await now() },
    'national-809',
    {
      ...SHANGHAI_1515,
      trackDays: { track1: 1, track5: 3, track15: 20 },
      supplementAnswerDays: 5,
      levelTwoAfterDays: 2,
      extensionCapDays: 2,
    },
    '国务院令第809号口径（测试）',
  );
  t.match(profile, { name: 'national-809', version: 1 });
  const request = await fileAndStart('national-809');
  t.match(request, { policyName: 'national-809', policyVersion: 1, deadlineDate: day(3) }, 'track 5 takes 3 working days here: Thursday');
  await t.rejects(
    updateRequest(env.client, request.id, 'requestExtension', {
      actor: updateActor(world, world.policeReviewer, 'owner'),
      days: 3,
      reason: '需核对',
    }),
    { status: 422, code: 'extension_too_long', message: /1 to 2 working days/ },
  );
  await updateRequest(env.client, request.id, 'askSupplement', {
    actor: updateActor(world, world.policeReviewer, 'owner'),
    question: '请补充',
  });
  const [supplementClock] = await db
    .select()
    .from(slaClocks)
    .where(and(eq(slaClocks.subjectId, request.id), eq(slaClocks.step, 'supplement')));
  t.match(supplementClock, { workingDays: 5, deadlineDate: day(7), policyProfile: 'national-809' });
  await updateRequest(env.client, request.id, 'answerSupplement', {
    actor: updateActor(world, world.marketRequester, 'requester'),
    answer: '已补充',
  });
  await env.sleep(4 * 24 * 60 * 60 * 1000); // Friday 10:00: the 3-day deadline (Thursday) has passed
  const breached = await waitFor(async () => ((await requestRow(request.id)).overdue ? requestRow(request.id) : undefined), 'the breach');
  t.equal(breached.supervisionLevel, 1);
  await env.sleep(5 * 24 * 60 * 60 * 1000); // level 2 two working days after the breach (Friday 00:00): end of Tuesday; now Wednesday
  await waitFor(
    async () => ((await requestRow(request.id)).supervisionLevel === 2 ? true : undefined),
    'level 2 after the profile’s period',
  );
  await updateRequest(env.client, request.id, 'approve', { actor: updateActor(world, world.policeReviewer, 'owner') });
  const done = await updateRequest(env.client, request.id, 'confirmDelivery', {
    actor: updateActor(world, world.centerOperator, 'center'),
    method: 'interface',
    reference: 'X',
  });
  t.equal(done.state, 'granted');
  const clocks = await db.select().from(slaClocks).where(eq(slaClocks.subjectId, request.id)).orderBy(asc(slaClocks.startedAt));
  t.ok(clocks.length > 0);
  t.ok(clocks.every((c) => c.policyProfile === 'national-809' && c.policyVersion === 1));
});

t.test('a new commitment text must be accepted; filing with the old version is refused', async (t) => {
  const before = await currentCommitment(db);
  const ctx = { ...world.as(world.marketRequester), now: await now() };
  const draft = await createDraft(ctx, draftFor(world.conditional.id));
  await t.rejects(publishCommitment(ctx, '不应生效的文本'), { status: 403, code: 'forbidden' });
  const published = await publishCommitment(
    { ...world.as(world.centerAdmin), now: await now() },
    '本部门承诺：所获数据仅用于申请所述用途……（2027年修订）',
  );
  t.equal(published.version, before.version + 1);
  await t.rejects(fileRequest(ctx, draft.id, { version: before.version, accepted: true }), { status: 422, code: 'commitment_outdated' });
  const filed = await fileRequest(ctx, draft.id, { version: published.version, accepted: true });
  t.match(filed, { commitmentVersion: published.version, commitmentAcceptedBy: world.marketRequester.id });
});

t.test('a request filed while Temporal was unreachable is started by the reconciler, its clock counting from filing', async (t) => {
  const { day } = await skipToPlainMonday(env, db);
  const filed = await fileAs(db, world, world.marketRequester, draftFor(world.conditional.id), await now());
  t.equal(filed.workflowStartedAt, null, 'as if the start after filing had failed');
  await env.sleep(2 * 24 * 60 * 60 * 1000); // found two days later
  const reconciler = await env.client.workflow.start(requestReconcilerWorkflow, {
    taskQueue,
    workflowId: `reconciler-${filed.id}`,
    args: [{ intervalMs: 60_000, graceMs: 1_000 }],
  });
  t.teardown(() => reconciler.terminate());
  const row = await waitFor(async () => {
    const r = await requestRow(filed.id);
    return r.clockId && r.workflowStartedAt ? r : undefined;
  }, 'the reconciler to start the workflow');
  t.match(row, { state: 'owner_review', deadlineDate: day(7) }, 'the 5 working days count from Monday’s filing, not from the late start');
});

t.test('a policy change moves open deadlines only when the center applies it to open requests', async (t) => {
  const { day } = await skipToPlainMonday(env, db, 4);
  const admin = async () => ({ ...world.as(world.centerAdmin), now: await now() });
  const v1 = await createPolicyVersion(await admin(), 'pudong-1515', SHANGHAI_1515, '浦东新区口径');
  const a = await fileAndStart('pudong-1515');
  t.match(a, { policyVersion: v1.version, deadlineDate: day(7) });
  const v2 = await createPolicyVersion(
    await admin(),
    'pudong-1515',
    { ...SHANGHAI_1515, trackDays: { track1: 1, track5: 3, track15: 15 } },
    '新版本，仅适用于新申请',
  );
  t.match(
    await requestRow(a.id),
    { policyVersion: v1.version, deadlineDate: day(7) },
    'an open request keeps the version it was filed under',
  );
  const b = await fileAndStart('pudong-1515');
  t.match(b, { policyVersion: v2.version, deadlineDate: day(3) });

  const v3 = await createPolicyVersion(
    await admin(),
    'pudong-1515',
    { ...SHANGHAI_1515, trackDays: { track1: 1, track5: 7, track15: 15 } },
    '更正：适用于在办申请',
  );
  const moved = await applyPolicyToOpenRequests(await admin(), v3);
  t.equal(moved.length, 2);
  t.equal(await signalMovedDeadlines(env.client, moved), 2);
  const movedA = await waitFor(
    async () => ((await requestRow(a.id)).deadlineDate === day(9) ? requestRow(a.id) : undefined),
    'A to follow',
  );
  const movedB = await waitFor(
    async () => ((await requestRow(b.id)).deadlineDate === day(9) ? requestRow(b.id) : undefined),
    'B to follow',
  );
  t.equal(movedA.policyVersion, v3.version);
  t.equal(movedB.policyVersion, v3.version, 'both now run under the applied version: 7 working days from Monday');
  const [event] = await db
    .select()
    .from(requestEvents)
    .where(and(eq(requestEvents.requestId, a.id), eq(requestEvents.kind, 'deadline_moved')));
  t.match(event!.details, { deadlineDateBefore: day(7) });
  const clockEvents = await sla.clockEvents(db, a.clockId!);
  t.match(clockEvents.at(-1), {
    kind: 'policy_changed',
    details: {
      policyVersionBefore: v1.version,
      policyVersionAfter: v3.version,
      workingDaysBefore: 5,
      workingDaysAfter: 7,
      deadlineDateAfter: day(9),
    },
  });
});
