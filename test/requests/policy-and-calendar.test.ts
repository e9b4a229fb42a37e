/**
 * Changes of data that govern requests: a calendar correction moves an open request's deadline
 * (and its workflow's timer); a second policy profile with other limits runs a whole track-5
 * request without code changes; a new commitment text must be accepted. These change global
 * data, so the file has a database of its own.
 */
import { and, asc, eq } from 'drizzle-orm';
import t from 'tap';
import { publishedSchedulesFromPackage } from '../../src/calendar/chinese-days-source.js';
import { importPublishedSchedules, publishYears } from '../../src/calendar/service.js';
import { requestEvents, requestSupplements, slaClockEvents, slaClocks } from '../../src/platform/db/schema.js';
import { provisionalSchedule } from '../../src/calendar/rules/statutory-holidays.js';
import { SHANGHAI_1515 } from '../../src/requests/rules/policy.js';
import { createDraft, fileRequest } from '../../src/requests/filing.js';
import { requestWorkflowId } from '../../src/requests/open-step.js';
import { applyPolicyToOpenRequests, createPolicyVersion, currentCommitment, publishCommitment } from '../../src/requests/policy.js';
import { startRequestWorkflow, updateRequest } from '../../src/requests/workflow-client.js';
import * as sla from '../../src/sla/service.js';
import { signalMovedDeadlines } from '../../src/sla/signals.js';
import { openMigratedFreshDatabase } from '../helpers/db.js';
import { createRequestWorld, draftFor, fileAs, skipToPlainMonday, updateActor, waitFor } from '../helpers/requests.js';
import { requestWithClock } from '../helpers/requests.js';
import { recordHistory } from '../helpers/temporal.js';
import { startTimeSkipping } from '../helpers/time-skipping.js';
import { reconcilerWorkflow } from '../../workflows/reconciler.js';
import { requestView } from '../../workflows/request-api.js';

// Each skip of business time runs every open request's timers here; on a loaded machine (the whole
// suite on two cores) the file needs more than the default 300 s.
t.setTimeout(600_000);
const { handle } = await openMigratedFreshDatabase(t, 4);
const db = handle.db;
const system = { actor: { kind: 'system', role: 'script' } as const };
await importPublishedSchedules(db, { ...system, at: new Date() });
const { env, settings, now } = await startTimeSkipping(t, { database: handle });
const world = await createRequestWorld(db);
const requestRow = (id: string) => requestWithClock(db, id);
async function fileAndStart(policyName?: string) {
  const filed = await fileAs(db, world, world.marketRequester, draftFor(world.conditional.id), await now(), policyName);
  await startRequestWorkflow(env.client, settings, filed.id);
  return waitFor(
    async () => ((await requestRow(filed.id)).state !== 'routed' ? requestRow(filed.id) : undefined),
    'the workflow to open the request',
  );
}

/** Days declared by the tests so far, so each correction keeps the earlier ones. */
const declared = new Map<string, 'holiday' | 'makeup_workday'>();
/** The State Council corrects a year: an extra holiday or make-up working day; open clocks are recomputed. */
async function declareDay(date: string, kind: 'holiday' | 'makeup_workday' = 'holiday') {
  declared.set(date, kind);
  const year = Number(date.slice(0, 4));
  // The published schedule, or the statutory holidays for a year the State Council has not published.
  const base = publishedSchedulesFromPackage().get(year) ?? provisionalSchedule(year);
  const extra = [...declared].filter(([d]) => d.startsWith(`${year}-`)).map(([d, k]) => ({ date: d, kind: k, name: '更正' }));
  await publishYears(db, [{ year, notice: '补充通知', source: 'api', days: [...base.filter((b) => !declared.has(b.date)), ...extra] }], {
    ...system,
    at: await now(),
  });
  return sla.recomputeOpenClocks(db, await now(), system);
}
const declareHoliday = (date: string) => declareDay(date, 'holiday');

/** The request's view as its workflow holds it. */
const heldView = (id: string) => env.client.workflow.getHandle(requestWorkflowId(id)).query(requestView);

t.test('a calendar correction moves an open deadline; the workflow follows the clock and its timer with it', async (t) => {
  const { day, endOf } = await skipToPlainMonday(env, db, 4);
  const request = await fileAndStart();
  t.equal(request.deadlineDate, day(7));
  // Wednesday of the first week becomes a holiday: the deadline moves a day.
  const moved = await declareHoliday(day(2));
  const mine = moved.filter((m) => m.clockId === request.clockId);
  t.equal(mine.length, 1);
  t.equal(await signalMovedDeadlines(env.client, mine, db), 1);
  t.equal((await requestRow(request.id)).deadlineDate, day(8), 'the request reads its deadline from the clock: moved at once');
  const followed = await waitFor(
    async () => ((await heldView(request.id))?.clock?.deadline === endOf(8).toISOString() ? true : undefined),
    'the workflow to read the moved clock',
  );
  t.ok(followed);
  const [clockRow0] = await db.select().from(slaClocks).where(eq(slaClocks.id, request.clockId!));
  t.equal(clockRow0!.announcePending, false, 'the announcement was delivered');
  const [event] = await db
    .select()
    .from(slaClockEvents)
    .where(and(eq(slaClockEvents.clockId, request.clockId!), eq(slaClockEvents.kind, 'recomputed')));
  t.match(event!.details, { deadlineDateBefore: day(7), deadlineDateAfter: day(8) }, 'the clock records the move');

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
    async () => ((await requestRow(request.id)).supervisionLevel === 1 ? requestRow(request.id) : undefined),
    'the breach at the new deadline',
  );
  const [clockRow] = await db.select().from(slaClocks).where(eq(slaClocks.id, request.clockId!));
  t.same(clockRow!.breachedAt, new Date(endOf(8).getTime() + 1), 'breached at the new deadline');
  t.equal(breached.overdue, true);
  await recordHistory(env, requestWorkflowId(request.id), 'track5-calendar-correction');
});

t.test('a correction the workflow never hears of: its old timer finds the clock moved and waits for the new deadline', async (t) => {
  const { day, endOf } = await skipToPlainMonday(env, db, 4);
  const request = await fileAndStart();
  t.equal(request.deadlineDate, day(7));
  const moved = await declareHoliday(day(3)); // Thursday: the deadline moves to Tuesday
  t.equal(moved.find((m) => m.clockId === request.clockId)?.deadlineAfter, endOf(8).toISOString());
  // No signal: as if Temporal had been unreachable when the calendar was published. The old
  // reminder wakes the workflow; the step reads the clock, finds nothing due, and the workflow
  // re-arms on the clock as it is.
  await env.sleep(endOf(7).getTime() + 60 * 60 * 1000 - (await env.currentTimeMs()));
  await waitFor(
    async () => ((await heldView(request.id))?.clock?.deadline === endOf(8).toISOString() ? true : undefined),
    'the workflow to read the moved clock',
  );
  t.equal((await requestRow(request.id)).overdue, false, 'no breach at the old deadline');
  const [clockBefore] = await db.select().from(slaClocks).where(eq(slaClocks.id, request.clockId!));
  t.equal(clockBefore!.breachedAt, null, 'the clock is not breached');
  await env.sleep(24 * 60 * 60 * 1000);
  await waitFor(async () => ((await requestRow(request.id)).supervisionLevel === 1 ? true : undefined), 'the breach at the real deadline');
  const [clockRow] = await db.select().from(slaClocks).where(eq(slaClocks.id, request.clockId!));
  t.same(clockRow!.breachedAt, new Date(endOf(8).getTime() + 1));
  t.same(
    (
      await db
        .select({ kind: requestEvents.kind, at: requestEvents.at })
        .from(requestEvents)
        .where(eq(requestEvents.requestId, request.id))
        .orderBy(asc(requestEvents.seq))
    ).map((e) => e.kind),
    ['filed', 'routed', 'opened', 'reminded', 'deadline_breached'],
    'nothing was recorded at the old reminder; the reminder came on the new deadline date',
  );
});

t.test('a deadline moved earlier while Temporal was unreachable: the reconciler announces it and the workflow follows', async (t) => {
  const { day, endOf } = await skipToPlainMonday(env, db, 4);
  const request = await fileAndStart();
  t.equal(request.deadlineDate, day(7));
  const moved = await declareDay(day(5), 'makeup_workday'); // Saturday becomes a working day
  t.equal(moved.find((m) => m.clockId === request.clockId)?.deadlineAfter, endOf(5).toISOString(), 'due Saturday now');
  const [owed] = await db.select().from(slaClocks).where(eq(slaClocks.id, request.clockId!));
  t.equal(owed!.announcePending, true, 'the move is owed to the workflow');
  // No signal. The reconciler announces the move once the grace has passed.
  await env.sleep(2 * 60 * 1000);
  const pass = await env.client.workflow.execute(reconcilerWorkflow, {
    taskQueue: settings.taskQueue,
    workflowId: `reconciler-lag-${request.id}`,
    args: [{ graceMs: 60 * 1000, pageSize: 100 }],
  });
  t.ok(
    pass.repairs.some((r) => r.caseId === request.id && r.divergence === 'clock_unannounced' && r.done),
    'the pass reports the announcement it delivered',
  );
  await waitFor(
    async () => ((await heldView(request.id))?.clock?.deadline === endOf(5).toISOString() ? true : undefined),
    'the announced workflow to read the moved clock',
  );
  const [announced] = await db.select().from(slaClocks).where(eq(slaClocks.id, request.clockId!));
  t.equal(announced!.announcePending, false, 'announced once');
  t.equal((await requestRow(request.id)).overdue, false);
  await env.sleep(endOf(5).getTime() + 60 * 60 * 1000 - (await env.currentTimeMs()));
  await waitFor(
    async () => ((await requestRow(request.id)).supervisionLevel === 1 ? true : undefined),
    'the breach at the earlier deadline',
  );
  const [clockRow] = await db.select().from(slaClocks).where(eq(slaClocks.id, request.clockId!));
  t.same(clockRow!.breachedAt, new Date(endOf(5).getTime() + 1), 'breached on Saturday’s deadline, not Monday’s');
});

t.test('a correction moves an open supplement’s due date: the workflow follows and the lapse with it', async (t) => {
  const { day, endOf } = await skipToPlainMonday(env, db, 4);
  const request = await fileAndStart();
  const asked = await updateRequest(env.client, request.id, 'ask_supplement', {
    actor: updateActor(world, world.policeReviewer, 'owner'),
    question: '请补充授权文件',
  });
  t.equal(asked.supplement!.clock.deadline, endOf(14).toISOString(), '10 working days');
  const moved = await declareHoliday(day(10)); // Thursday of the second week
  const mine = moved.filter((m) => m.clockId === asked.supplement!.clock.clockId);
  t.equal(mine.length, 1);
  t.equal(await signalMovedDeadlines(env.client, mine, db), 1);
  const [supplement] = await db.select().from(requestSupplements).where(eq(requestSupplements.requestId, request.id));
  const [supplementClock] = await db.select().from(slaClocks).where(eq(slaClocks.id, supplement!.clockId!));
  t.same(supplementClock!.deadlineAt, endOf(15), 'the supplement’s clock has its new due date (the only place it is kept)');

  // The workflow itself holds the new due date (its timer was re-armed by the announcement) …
  const held = await waitFor(
    async () => ((await heldView(request.id))?.supplement?.clock.deadline === endOf(15).toISOString() ? true : undefined),
    'the workflow to read the moved supplement clock',
  );
  t.ok(held, 'the workflow waits for the new due date');
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
    updateRequest(env.client, request.id, 'request_extension', {
      actor: updateActor(world, world.policeReviewer, 'owner'),
      days: 3,
      reason: '需核对',
    }),
    { status: 422, code: 'extension_too_long', message: /1 to 2 working days/ },
  );
  await updateRequest(env.client, request.id, 'ask_supplement', {
    actor: updateActor(world, world.policeReviewer, 'owner'),
    question: '请补充',
  });
  const [supplementClock] = await db
    .select()
    .from(slaClocks)
    .where(and(eq(slaClocks.subjectId, request.id), eq(slaClocks.step, 'supplement')));
  t.match(supplementClock, { workingDays: 5, deadlineDate: day(7), policyProfile: 'national-809' });
  await updateRequest(env.client, request.id, 'answer_supplement', {
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
  const done = await updateRequest(env.client, request.id, 'confirm_delivery', {
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
  await t.rejects(publishCommitment(ctx, '不应生效的文本', false), { status: 403, code: 'forbidden' });
  const published = await publishCommitment(
    { ...world.as(world.centerAdmin), now: await now() },
    '本部门承诺：所获数据仅用于申请所述用途……（2027年修订）',
    false,
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
  await env.client.workflow.execute(reconcilerWorkflow, {
    taskQueue: settings.taskQueue,
    workflowId: `reconciler-${filed.id}`,
    args: [{ graceMs: 1_000, pageSize: 100 }],
  });
  const row = await waitFor(async () => {
    const r = await requestRow(filed.id);
    return r.state !== 'routed' && r.workflowStartedAt ? r : undefined;
  }, 'the reconciler to start the workflow');
  t.match(row, { state: 'owner_review', deadlineDate: day(7) }, 'the 5 working days count from Monday’s filing, not from the late start');
});

t.test('a policy change moves open deadlines only when the center applies it to open requests', async (t) => {
  const { day, endOf } = await skipToPlainMonday(env, db, 4);
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
  t.equal(await signalMovedDeadlines(env.client, moved, db), 2);
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
  await waitFor(
    async () => ((await heldView(a.id))?.clock?.deadline === endOf(9).toISOString() ? true : undefined),
    'A’s workflow to follow',
  );
  const clockEvents = await sla.clockEvents(db, a.clockId!);
  t.match(clockEvents.at(-1), {
    kind: 'policy_changed',
    details: {
      deadlineDateBefore: day(7),
      policyVersionBefore: v1.version,
      policyVersionAfter: v3.version,
      workingDaysBefore: 5,
      workingDaysAfter: 7,
      deadlineDateAfter: day(9),
    },
  });
});
