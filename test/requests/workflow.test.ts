/**
 * The request workflow end to end on a time-skipping Temporal test server and real PostgreSQL:
 * filing, tracks 1 and 5, supplements, extensions, breaches and supervision, with deadlines
 * checked to the day in ordinary weeks.
 */
import { and, asc, eq } from 'drizzle-orm';
import t from 'tap';
import {
  auditEntries,
  grants,
  notificationOutbox,
  requestEvents,
  requestSupplements,
  slaClocks,
  supervisions,
  writtenExplanations,
} from '../../src/platform/db/schema.js';
import { takeAction } from '../../src/requests/steps.js';
import { actionProblem } from '../../src/requests/rules/actions.js';
import { startRequestWorkflow, updateRequest } from '../../src/requests/workflow-client.js';
import { createRequestWorld, draftFor, fileAs, skipToPlainMonday, updateActor, waitFor } from '../helpers/requests.js';
import { requestWithClock } from '../helpers/requests.js';
import { recordHistory } from '../helpers/temporal.js';
import { startTimeSkipping } from '../helpers/time-skipping.js';
import { requestWorkflowId } from '../../src/requests/open-step.js';
import { citeLegalBasis } from '../../src/legal-basis/index.js';

const { env, db, settings } = await startTimeSkipping(t);
const world = await createRequestWorld(db);
const requester = (u = world.marketRequester) => updateActor(world, u, 'requester');
const owner = () => updateActor(world, world.policeReviewer, 'owner');
const center = () => updateActor(world, world.centerOperator, 'center');

const requestRow = (id: string) => requestWithClock(db, id);
const opened = (id: string) =>
  waitFor(async () => ((await requestRow(id)).state !== 'routed' ? requestRow(id) : undefined), 'the workflow to open the request');
/** The timeline's kinds in order, without the markers of notices sent. */
const kinds = async (id: string) =>
  (await db.select({ kind: requestEvents.kind }).from(requestEvents).where(eq(requestEvents.requestId, id)).orderBy(asc(requestEvents.seq)))
    .map((e) => e.kind)
    .filter((k) => k !== 'notified');
const events = (id: string) => db.select().from(requestEvents).where(eq(requestEvents.requestId, id));
const now = async () => new Date(await env.currentTimeMs());
async function fileAndStart(draft: Parameters<typeof draftFor>[1] & { datasetId?: string } = {}) {
  const filed = await fileAs(db, world, world.marketRequester, draftFor(draft.datasetId ?? world.conditional.id, draft), await now());
  await startRequestWorkflow(env.client, settings, filed.id);
  return opened(filed.id);
}
/** Skips time by whole hours, letting the worker act on what falls due. */
const skip = async (hours: number) => env.sleep(hours * 60 * 60 * 1000);

t.test('track 1: an unconditional aggregated dataset is provisioned by the center within 1 working day', async (t) => {
  const { at, day } = await skipToPlainMonday(env, db);
  const request = await fileAndStart({ datasetId: world.unconditional.id, fields: ['姓名'] });
  t.match(request, { track: 1, state: 'provisioning', deadlineDate: day(1) }, 'filed Monday 10:00: due end of Tuesday');
  t.match(request.routing, { rule: 'unconditional' });
  t.match(request.number, /^GX-\d{4}-\d{6}$/);
  const centerNotice = await waitFor(async () => {
    const rows = await db
      .select()
      .from(notificationOutbox)
      .where(and(eq(notificationOutbox.subjectId, request.id), eq(notificationOutbox.departmentId, world.center.id)));
    return rows.find((n) => n.title.includes('请为申请'));
  }, 'the notice to the center');
  t.match(centerNotice.body, /1个工作日内供数/, 'the center is told to provision');

  await t.rejects(
    updateRequest(env.client, request.id, 'approve', { actor: owner() }),
    { status: 409, code: 'invalid_state' },
    'track 1 has no owner approval',
  );
  await t.rejects(updateRequest(env.client, request.id, 'confirm_delivery', { actor: owner(), method: 'interface', reference: 'x' }), {
    status: 409,
    code: 'not_your_step',
  });
  await skip(3);
  const view = await updateRequest(env.client, request.id, 'confirm_delivery', {
    actor: center(),
    method: 'interface',
    reference: 'API-KEY-0001',
  });
  t.equal(view.state, 'granted');
  const [grant] = await db.select().from(grants).where(eq(grants.requestId, request.id));
  t.match(grant, { state: 'active', fields: ['姓名'], deliveryMethod: 'interface', deliveryReference: 'API-KEY-0001' });
  t.match(grant!.number, /^SQ-\d{4}-\d{6}$/, 'a readable grant number');
  // Six months of use: through the same day of the sixth month after delivery, to its last instant in Shanghai.
  const delivered = new Date(grant!.validFrom.getTime() + 8 * 60 * 60 * 1000).toISOString().slice(0, 10);
  const months = (d: string) => Number(d.slice(0, 4)) * 12 + Number(d.slice(5, 7));
  const lastDay = new Date(grant!.validTo!.getTime() + 8 * 60 * 60 * 1000).toISOString().slice(0, 10);
  t.equal(months(lastDay) - months(delivered), 6);
  const monthLength = new Date(Date.UTC(Number(lastDay.slice(0, 4)), Number(lastDay.slice(5, 7)), 0)).getUTCDate();
  t.equal(Number(lastDay.slice(8)), Math.min(Number(delivered.slice(8)), monthLength), 'the same day, or the month’s last');
  t.equal(grant!.validTo!.toISOString(), `${lastDay}T15:59:59.999Z`, 'the last instant of the day in Shanghai');
  const [row] = await db.select().from(slaClocks).where(eq(slaClocks.id, request.clockId!));
  t.match(row, { state: 'stopped', outcome: 'met', chargedParty: 'center' });
  t.same(await kinds(request.id), ['filed', 'routed', 'opened', 'delivered']);
  t.equal(new Date(at.getTime() + 8 * 60 * 60 * 1000).getUTCDay(), 1, 'filed on a Monday (Asia/Shanghai)');
  await t.rejects(updateRequest(env.client, request.id, 'withdraw', { actor: requester(), reason: '不再需要' }), {
    status: 409,
    code: 'request_closed',
  });
  await recordHistory(env, requestWorkflowId(request.id), 'track1-delivered');
});

t.test('track 5: the owner approves (narrowing the fields), the center provisions', async (t) => {
  const { day } = await skipToPlainMonday(env, db);
  const request = await fileAndStart({ fields: ['姓名', '公民身份号码', '户籍地址'] });
  t.match(request, { track: 5, state: 'owner_review', deadlineDate: day(7) }, 'filed Monday: 5 working days → end of next Monday');
  t.match(request.preCheck, [
    { condition: 'requesterLevels', result: 'pass' },
    { condition: 'restrictedFields', result: 'pass' },
    { condition: 'maxUsageMonths', result: 'pass' },
    { condition: 'securityCommitmentRequired', result: 'pass' },
  ]);

  await t.rejects(updateRequest(env.client, request.id, 'approve', { actor: requester() }), { status: 409, code: 'not_your_step' });
  await t.rejects(
    updateRequest(env.client, request.id, 'approve', { actor: { ...owner(), departmentId: world.market.id } }),
    { status: 409, code: 'not_your_step' },
    'the owner party must be the owner department',
  );
  await t.rejects(updateRequest(env.client, request.id, 'approve', { actor: owner(), fields: ['性别'] }), {
    status: 422,
    code: 'fields_not_requested',
  });
  const approved = await updateRequest(env.client, request.id, 'approve', {
    actor: owner(),
    fields: ['姓名', '公民身份号码'],
    note: '户籍地址不在用途范围内',
  });
  t.equal(approved.state, 'provisioning');
  const [clockRow] = await db.select().from(slaClocks).where(eq(slaClocks.id, request.clockId!));
  t.equal(clockRow!.chargedParty, 'center', 'the step passed to the center');
  await updateRequest(env.client, request.id, 'confirm_delivery', {
    actor: center(),
    method: 'batch',
    reference: 'BATCH-2026-01',
    methodChangeReason: '接口未开通，改为批量交换',
  });
  const [grant] = await db.select().from(grants).where(eq(grants.requestId, request.id));
  t.same(grant!.fields, ['姓名', '公民身份号码']);
  t.same(await kinds(request.id), ['filed', 'routed', 'opened', 'approved', 'provisioning_started', 'delivered']);
  const audit = await db.select({ action: auditEntries.action }).from(auditEntries).where(eq(auditEntries.subjectId, request.id));
  t.same(
    audit
      .map((a) => a.action)
      .filter((a) => a.startsWith('request.'))
      .sort(),
    [
      'request.approved',
      'request.delivered',
      'request.draft_saved',
      'request.filed',
      'request.opened',
      'request.provisioning_started',
      'request.routed',
    ].sort(),
  );
  await recordHistory(env, requestWorkflowId(request.id), 'track5-approved-delivered');
});

t.test('track 5 refusal: a written explanation citing a failed catalogued condition; without one it is 422', async (t) => {
  await skipToPlainMonday(env, db);
  const request = await fileAndStart({ fields: ['姓名', '婚姻状况'] });
  t.match(request.preCheck, [
    { condition: 'requesterLevels', result: 'pass' },
    { condition: 'restrictedFields', result: 'fail' },
  ]);
  const explanation = {
    legalBasis: await citeLegalBasis(db, world.legalBases.permissive),
    citedConditions: ['maxUsageMonths' as const],
    reasons: '超出共享条件',
    alternatives: '删除婚姻状况后重新申请',
  };
  await t.rejects(updateRequest(env.client, request.id, 'refuse', { actor: owner(), explanation }), {
    status: 422,
    code: 'invalid_refusal',
    message: /the request meets "maxUsageMonths"/,
  });
  await t.rejects(
    updateRequest(env.client, request.id, 'refuse', { actor: owner(), explanation: { ...explanation, citedConditions: [] } }),
    { status: 422, code: 'invalid_refusal', message: /cites a catalogued condition/ },
  );
  const refused = await updateRequest(env.client, request.id, 'refuse', {
    actor: owner(),
    explanation: { ...explanation, citedConditions: ['restrictedFields'] },
  });
  t.equal(refused.state, 'refused');
  const [written] = await db.select().from(writtenExplanations).where(eq(writtenExplanations.requestId, request.id));
  t.match(written, { citedConditions: ['restrictedFields'], reasons: '超出共享条件', alternatives: '删除婚姻状况后重新申请' });
  await t.rejects(
    db.update(writtenExplanations).set({ reasons: '改写' }).where(eq(writtenExplanations.requestId, request.id)),
    { message: /Failed query/ },
    'the explanation is immutable for the application role',
  );
  const toRequester = await db
    .select()
    .from(notificationOutbox)
    .where(and(eq(notificationOutbox.subjectId, request.id), eq(notificationOutbox.departmentId, world.market.id)));
  t.ok(
    toRequester.some((n) => n.body.includes('书面说明')),
    'the requester receives the explanation',
  );
  await recordHistory(env, requestWorkflowId(request.id), 'track5-refused');
});

t.test('reminder at 00:00 on the deadline date; breach → level 1 → level 2; a late decision still works', async (t) => {
  const { day, endOf } = await skipToPlainMonday(env, db, 4);
  const request = await fileAndStart();
  t.equal(request.deadlineDate, day(7));
  await skip(24 * 7 - 10 + 1); // Monday next week 01:00
  await waitFor(async () => ((await kinds(request.id)).includes('reminded') ? true : undefined), 'the reminder');
  const [reminder] = (await events(request.id)).filter((e) => e.kind === 'reminded');
  t.same(reminder!.at, new Date(endOf(7).getTime() + 1 - 24 * 60 * 60 * 1000), 'at 00:00 Asia/Shanghai on the deadline date');
  t.notOk((await requestRow(request.id)).overdue);

  await skip(24); // Tuesday 01:00: the deadline (end of Monday) has passed
  const breached = await waitFor(async () => ((await requestRow(request.id)).overdue ? requestRow(request.id) : undefined), 'the breach');
  t.equal(breached.supervisionLevel, 1);
  const [level1] = await db
    .select()
    .from(supervisions)
    .where(and(eq(supervisions.subjectId, request.id), eq(supervisions.level, 1)));
  t.match(level1, { chargedParty: 'owner', responsibleDepartmentId: world.police.id });
  t.same(level1!.issuedAt, new Date(endOf(7).getTime() + 1), 'recorded at the deadline');
  const [clockRow] = await db.select().from(slaClocks).where(eq(slaClocks.id, request.clockId!));
  t.match(clockRow, { outcome: 'breached', chargedParty: 'owner' });

  await skip(24 * 8); // level 2 after 5 working days: breach Tuesday 00:00 → end of next Tuesday
  const escalated = await waitFor(
    async () => ((await requestRow(request.id)).supervisionLevel === 2 ? requestRow(request.id) : undefined),
    'level 2',
  );
  t.equal(escalated.state, 'owner_review', 'the request is never lost to a timeout');
  const [level2] = await db
    .select()
    .from(supervisions)
    .where(and(eq(supervisions.subjectId, request.id), eq(supervisions.level, 2)));
  t.ok(level2);
  const toAuthority = await db
    .select()
    .from(notificationOutbox)
    .where(and(eq(notificationOutbox.subjectId, request.id), eq(notificationOutbox.departmentId, world.authority.id)));
  t.equal(toAuthority.length, 1, 'the competent authority is told once');

  const late = await updateRequest(env.client, request.id, 'approve', { actor: owner() });
  t.equal(late.state, 'provisioning', 'decidable after the breach');
  t.same(await kinds(request.id), [
    'filed',
    'routed',
    'opened',
    'reminded',
    'deadline_breached',
    'escalated_level_two',
    'approved',
    'provisioning_started',
  ]);
  await recordHistory(env, requestWorkflowId(request.id), 'track5-breach-level2-late-approval');
});

t.test('supplement: the clock pauses; the answer resumes it carrying the remaining days, checked to the day', async (t) => {
  const { day } = await skipToPlainMonday(env, db, 4);
  const request = await fileAndStart();
  t.equal(request.deadlineDate, day(7));
  await skip(24 * 2); // Wednesday 10:00: remaining after today = Thu, Fri, Mon = 3
  const asked = await updateRequest(env.client, request.id, 'ask_supplement', { actor: owner(), question: '请补充法定代表人授权书' });
  t.equal(asked.state, 'awaiting_supplement');
  t.equal(asked.clock?.state, 'paused');
  await t.rejects(updateRequest(env.client, request.id, 'approve', { actor: owner() }), { status: 409, code: 'invalid_state' });
  await skip(24 * 7); // answered the next Wednesday
  const answered = await updateRequest(env.client, request.id, 'answer_supplement', { actor: requester(), answer: '已上传授权书' });
  t.equal(answered.state, 'owner_review', 'back to the state it left');
  const row = await requestRow(request.id);
  t.equal(row.deadlineDate, day(14), 'resumed Wednesday (day 9) + R = 3 working days: Thu, Fri, Mon (day 14)');
  await recordHistory(env, requestWorkflowId(request.id), 'track5-supplement-resumed');
});

t.test('an unanswered supplement lapses the request at the end of its limit, with notice to both parties', async (t) => {
  const { day, endOf } = await skipToPlainMonday(env, db, 4);
  const request = await fileAndStart();
  await updateRequest(env.client, request.id, 'ask_supplement', { actor: owner(), question: '请补充授权文件' });
  const [supplementClock] = await db
    .select()
    .from(slaClocks)
    .where(and(eq(slaClocks.subjectId, request.id), eq(slaClocks.step, 'supplement')));
  t.match(
    supplementClock,
    { deadlineDate: day(14), chargedParty: 'requester', workingDays: 10 },
    '10 working days from Monday: Monday two weeks on',
  );
  await skip(24 * 14 + 15); // Tuesday of the third week, 01:00
  const lapsed = await waitFor(
    async () => ((await requestRow(request.id)).state === 'lapsed' ? requestRow(request.id) : undefined),
    'the lapse',
  );
  t.same(lapsed.closedAt, new Date(endOf(14).getTime() + 1), 'at the end of the limit');
  // Like any step's, the answer's due date is reminded to the requester at 00:00 that day.
  const reminders = (await events(request.id)).filter((e) => e.kind === 'reminded');
  t.same(
    reminders.map((e) => e.at),
    [new Date(endOf(14).getTime() + 1 - 24 * 60 * 60 * 1000)],
    'one reminder, at 00:00 on the due date',
  );
  const reminderNotices = await db
    .select()
    .from(notificationOutbox)
    .where(and(eq(notificationOutbox.subjectId, request.id), eq(notificationOutbox.kind, 'request.reminded')));
  t.same(
    reminderNotices.map((n) => [n.departmentId, n.title]),
    [[world.market.id, `申请 ${request.number} 补正期限今日届满`]],
    'to the requesting department, saying what lapses',
  );
  const clocks = await db.select().from(slaClocks).where(eq(slaClocks.subjectId, request.id));
  t.same(
    clocks.map((c) => c.state),
    ['stopped', 'stopped'],
    'both clocks stop',
  );
  const notices = await db
    .select()
    .from(notificationOutbox)
    .where(and(eq(notificationOutbox.subjectId, request.id), eq(notificationOutbox.kind, 'request.lapsed')));
  t.same(notices.map((n) => n.departmentId).sort(), [world.market.id, world.police.id].sort());
  await t.rejects(updateRequest(env.client, request.id, 'answer_supplement', { actor: requester(), answer: '迟到的答复' }), {
    status: 409,
    code: 'request_closed',
  });
  await recordHistory(env, requestWorkflowId(request.id), 'track5-supplement-lapsed');
});

t.test('an extension asked before the deadline and approved after it supersedes the breach', async (t) => {
  const { day } = await skipToPlainMonday(env, db, 4);
  const request = await fileAndStart();
  await skip(24 * 3); // Thursday
  await t.rejects(updateRequest(env.client, request.id, 'request_extension', { actor: owner(), days: 6, reason: '需协调源系统' }), {
    status: 422,
    code: 'extension_too_long',
  });
  await updateRequest(env.client, request.id, 'request_extension', { actor: owner(), days: 3, reason: '需协调源系统核对口径' });
  await t.rejects(updateRequest(env.client, request.id, 'request_extension', { actor: owner(), days: 1, reason: '再次' }), {
    status: 409,
    code: 'extension_already_requested',
  });
  await skip(24 * 5); // the next Tuesday: the deadline (Monday) passed while the center had not decided
  const breached = await waitFor(async () => ((await requestRow(request.id)).overdue ? requestRow(request.id) : undefined), 'the breach');
  t.equal(breached.deadlineDate, day(7));
  const decided = await updateRequest(env.client, request.id, 'decide_extension', {
    actor: center(),
    approved: true,
    reason: '同意延期3个工作日',
  });
  t.equal(decided.clock?.overdue, false, 'the late approval clears overdue');
  t.equal(decided.clock?.supervisionLevel, 0, 'and the supervision the breach started');
  const row = await requestRow(request.id);
  t.match(row, { overdue: false, deadlineDate: day(10) }, 'Monday + 3 working days = Thursday');
  const [clockRow] = await db.select().from(slaClocks).where(eq(slaClocks.id, request.clockId!));
  t.match(clockRow, { outcome: null, breachedAt: null });
  const approved = await updateRequest(env.client, request.id, 'approve', { actor: owner() });
  t.equal(approved.state, 'provisioning');
  await updateRequest(env.client, request.id, 'confirm_delivery', {
    actor: center(),
    method: 'batch',
    reference: 'B-1',
    methodChangeReason: '接口未开通，改为批量交换',
  });
  const [stopped] = await db.select().from(slaClocks).where(eq(slaClocks.id, request.clockId!));
  t.equal(stopped!.outcome, 'met', 'met within the extended deadline');
  await recordHistory(env, requestWorkflowId(request.id), 'track5-extension-after-breach');
});

t.test('a breach after a late extension approval starts supervision over: a new level-1 notice with its own reply date', async (t) => {
  const { day, endOf } = await skipToPlainMonday(env, db, 6);
  const request = await fileAndStart();
  await skip(24 * 3); // Thursday
  await updateRequest(env.client, request.id, 'request_extension', { actor: owner(), days: 2, reason: '需协调源系统核对口径' });
  await skip(24 * 5); // Tuesday: breached while the extension waited for the center
  await waitFor(async () => ((await requestRow(request.id)).overdue ? true : undefined), 'the first breach');
  const decided = await updateRequest(env.client, request.id, 'decide_extension', {
    actor: center(),
    approved: true,
    reason: '同意延期2个工作日',
  });
  t.match(decided.clock, { overdue: false, supervisionLevel: 0 }, 'the approval supersedes the breach and its supervision');
  t.equal((await requestRow(request.id)).deadlineDate, day(9), 'Monday + 2 working days = Wednesday');
  await skip(24 * 2); // Thursday: the extended deadline has passed too
  const again = await waitFor(
    async () => ((await requestRow(request.id)).overdue ? requestRow(request.id) : undefined),
    'the second breach',
  );
  t.equal(again.supervisionLevel, 1);
  const levelOne = await db
    .select()
    .from(supervisions)
    .where(and(eq(supervisions.subjectId, request.id), eq(supervisions.level, 1)))
    .orderBy(asc(supervisions.issuedAt));
  t.same(
    levelOne.map((s) => s.issuedAt),
    [new Date(endOf(7).getTime() + 1), new Date(endOf(9).getTime() + 1)],
    'one notice per breach, each at its deadline',
  );
  const notices = (
    await db
      .select()
      .from(notificationOutbox)
      .where(and(eq(notificationOutbox.subjectId, request.id), eq(notificationOutbox.departmentId, world.police.id)))
  ).filter((n) => n.title.startsWith('督办'));
  t.equal(notices.length, 2);
  for (const [i, supervision] of levelOne.entries()) {
    t.ok(
      notices.some((n) => n.body.includes(supervision.replyDueAt.toISOString())),
      `notice ${i + 1} quotes its own reply date`,
    );
  }
});

t.test('withdrawal before a decision stops the clock; track 15 opens coordination and waits', async (t) => {
  await skipToPlainMonday(env, db);
  const request = await fileAndStart({ datasetId: world.notAggregated.id, fields: ['号牌号码'] });
  t.match(request, { track: 15, state: 'coordination' });
  t.match(request.routing, { rule: 'not_aggregated', ownerMayRefuse: false });
  await t.rejects(
    updateRequest(env.client, request.id, 'withdraw', { actor: requester(world.policeRequester), reason: 'x' }),
    { status: 409, code: 'not_your_step' },
    'only the requesting department withdraws',
  );
  const withdrawn = await updateRequest(env.client, request.id, 'withdraw', { actor: requester(), reason: '改用其他数据' });
  t.equal(withdrawn.state, 'withdrawn');
  const [clockRow] = await db.select().from(slaClocks).where(eq(slaClocks.id, request.clockId!));
  t.match(clockRow, { state: 'stopped', outcome: 'met', step: 'track15' });
  const toCenter = await waitFor(async () => {
    const rows = await db
      .select()
      .from(notificationOutbox)
      .where(and(eq(notificationOutbox.subjectId, request.id), eq(notificationOutbox.departmentId, world.center.id)));
    return rows.find((n) => n.title.includes('已撤回'));
  }, 'the notice to the center');
  t.match(toCenter.body, /无需继续供数或协调/, 'the center, which was coordinating, is told');
  await recordHistory(env, requestWorkflowId(request.id), 'track15-withdrawn');
});

t.test('a track-5 withdrawal before any decision is no news to the center', async (t) => {
  await skipToPlainMonday(env, db);
  const request = await fileAndStart();
  await updateRequest(env.client, request.id, 'withdraw', { actor: requester(), reason: '需求取消' });
  const notices = await db.select().from(notificationOutbox).where(eq(notificationOutbox.subjectId, request.id));
  t.same(
    notices.filter((n) => n.kind === 'request.withdrawn').map((n) => n.departmentId),
    [world.police.id],
    'the owner is told',
  );
  t.notOk(
    notices.some((n) => n.departmentId === world.center.id),
    'the center is not',
  );
});

t.test('level 2 is charged to the party that breached, even after it sent the request back for a supplement', async (t) => {
  const { endOf } = await skipToPlainMonday(env, db, 4);
  const request = await fileAndStart();
  await skip(24 * 8 - 10 + 1); // Tuesday of the second week, 01:00: the owner's deadline has passed
  await waitFor(async () => ((await requestRow(request.id)).overdue ? true : undefined), 'the breach');
  const asked = await updateRequest(env.client, request.id, 'ask_supplement', { actor: owner(), question: '请补充用途说明' });
  t.equal(asked.state, 'awaiting_supplement', 'a breached request may still be sent back');
  await skip(24 * 8); // level 2 falls due while the requester holds the supplement
  const escalated = await waitFor(
    async () => ((await requestRow(request.id)).supervisionLevel === 2 ? requestRow(request.id) : undefined),
    'level 2',
  );
  t.equal(escalated.state, 'awaiting_supplement', 'the request is still open');
  const [level2] = await db
    .select()
    .from(supervisions)
    .where(and(eq(supervisions.subjectId, request.id), eq(supervisions.level, 2)));
  t.match(level2, { chargedParty: 'owner', responsibleDepartmentId: world.police.id }, 'the owner breached; the requester did not');
  t.ok(level2!.issuedAt > endOf(7));
});

t.test('a supplement asked after the deadline, before the breach timer ran, keeps the breach: flagged and supervised', async (t) => {
  const { endOf } = await skipToPlainMonday(env, db, 4);
  const request = await fileAndStart();
  // The step itself, as a worker that was down would run it late: its time is past the deadline.
  const late = new Date(endOf(7).getTime() + 2 * 60 * 60 * 1000);
  const view = await takeAction(db, {
    requestId: request.id,
    name: 'ask_supplement',
    input: { actor: owner(), question: '请补充授权文件' },
    stepKey: 'late-supplement',
    at: late,
  });
  t.match(view, { state: 'awaiting_supplement', clock: { overdue: true, supervisionLevel: 1 } });
  t.equal(
    view.clock?.levelTwoAt,
    endOf(15).toISOString(),
    'the clock tells the workflow when level 2 falls due: 5 working days after the breach',
  );
  const [clockRow] = await db.select().from(slaClocks).where(eq(slaClocks.id, request.clockId!));
  t.match(clockRow, { state: 'paused', outcome: 'breached' });
  t.same(clockRow!.breachedAt, new Date(endOf(7).getTime() + 1), 'breached at the deadline, not at the late pause');
  const [level1] = await db.select().from(supervisions).where(eq(supervisions.subjectId, request.id));
  t.match(level1, { level: 1, chargedParty: 'owner', responsibleDepartmentId: world.police.id });
  const notices = await db
    .select()
    .from(notificationOutbox)
    .where(and(eq(notificationOutbox.subjectId, request.id), eq(notificationOutbox.departmentId, world.police.id)));
  t.ok(
    notices.some((n) => n.title.startsWith('督办')),
    'the owner is told',
  );
});

t.test('a supplement answer after its limit is refused even if the lapse has not run yet', async (t) => {
  const { endOf, day } = await skipToPlainMonday(env, db, 4);
  const request = await fileAndStart();
  const view = await updateRequest(env.client, request.id, 'ask_supplement', { actor: owner(), question: '请补充授权文件' });
  t.equal(view.supplement!.clock.deadline, endOf(14).toISOString());
  // The declared rule guards the limit (a worker that was down may see the answer before the
  // lapse timer): the workflow's validator asks it with the workflow's time.
  const late = new Date(endOf(14).getTime() + 1);
  t.match(actionProblem('answer_supplement', view, { actor: requester(), answer: '迟到的答复' }, late.getTime()), {
    status: 409,
    code: 'supplement_lapsed',
    message: new RegExp(day(14)),
  });
  t.equal(
    actionProblem('answer_supplement', view, { actor: requester(), answer: '按时的答复' }, endOf(14).getTime()),
    null,
    'until the end of the due date',
  );
  const row = await requestRow(request.id);
  t.equal(row.state, 'awaiting_supplement', 'nothing changed');
  t.notOk((await kinds(request.id)).includes('supplement_answered'));
  await updateRequest(env.client, request.id, 'withdraw', { actor: requester(), reason: '结束测试' });
  const [supplement] = await db.select().from(requestSupplements).where(eq(requestSupplements.requestId, request.id));
  t.match(supplement, { answeredAt: null, lapsedAt: null }, 'a withdrawal does not pretend the supplement lapsed');
});

t.test('an invalid approval, refusal, supplement or extension is refused by the validator: no activity runs or fails for it', async (t) => {
  await skipToPlainMonday(env, db, 4);
  const request = await fileAndStart();
  const handle = env.client.workflow.getHandle(requestWorkflowId(request.id));
  const activityEvents = async () => {
    const events = (await handle.fetchHistory()).events ?? [];
    return {
      scheduled: events.filter((e) => e.activityTaskScheduledEventAttributes).length,
      failed: events.filter((e) => e.activityTaskFailedEventAttributes).length,
      accepted: events.filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes).length,
    };
  };
  const before = await activityEvents();
  const notCatalogued = { law: '《上海市公共数据共享管理办法》' };
  const invalid = [
    ['approve', { actor: owner(), fields: ['婚姻状况'] }, 422, 'fields_not_requested'],
    ['approve', { actor: owner(), usageMonths: 120 }, 422, 'usage_period_not_requested'],
    [
      'refuse',
      { actor: owner(), explanation: { legalBasis: notCatalogued, citedConditions: [], reasons: '不予共享', alternatives: '无' } },
      422,
      'invalid_refusal',
    ],
    ['answer_supplement', { actor: requester(), answer: '未被要求补正' }, 409, 'invalid_state'],
    ['request_extension', { actor: owner(), days: 6, reason: '超过上限' }, 422, 'extension_too_long'],
    ['decide_extension', { actor: center(), approved: true, reason: '没有延期申请' }, 409, 'no_pending_extension'],
  ] as const;
  for (const [name, args, status, code] of invalid) {
    await t.rejects(updateRequest(env.client, request.id, name, args as never), { status, code }, `${name}: ${code}`);
  }
  t.same(await activityEvents(), before, 'the history has no update accepted, no activity scheduled and none failed for any of them');
  t.equal((await requestRow(request.id)).state, 'owner_review', 'and the request did not move');
  // The same workflow takes a valid action at once.
  const approved = await updateRequest(env.client, request.id, 'approve', { actor: owner(), fields: request.fields.slice(0, 1) });
  t.equal(approved.state, 'provisioning');
  t.equal((await activityEvents()).failed, 0);
});

t.test('a late approval the breach timer has not yet seen still charges the breach to the owner, not the center', async (t) => {
  const { endOf } = await skipToPlainMonday(env, db, 4);
  const request = await fileAndStart();
  // The owner approves a day after its deadline; the worker was backlogged and recorded nothing.
  const late = new Date(endOf(8).getTime() - 12 * 60 * 60 * 1000);
  const view = await takeAction(db, {
    requestId: request.id,
    name: 'approve',
    input: { actor: owner() },
    stepKey: 'late-approval',
    at: late,
  });
  t.equal(view.state, 'provisioning');
  t.match(
    view.clock,
    { chargedParty: 'center', overdue: true, supervisionLevel: 0, graceUntil: endOf(9).toISOString() },
    'handed to the center overdue, with one working day of grace (policy default) before it is charged',
  );
  const [level1] = await db.select().from(supervisions).where(eq(supervisions.subjectId, request.id));
  t.match(level1, { level: 1, chargedParty: 'owner', responsibleDepartmentId: world.police.id }, 'the owner breached');
  t.same(level1!.issuedAt, new Date(endOf(7).getTime() + 1), 'at the deadline instant, not at the late approval');
  const [clockRow] = await db.select().from(slaClocks).where(eq(slaClocks.id, request.clockId!));
  t.same(clockRow!.breachedAt, new Date(endOf(7).getTime() + 1));
});

t.test('a late refusal the breach timer has not yet seen still records the breach at the deadline, charged to the owner', async (t) => {
  const { endOf } = await skipToPlainMonday(env, db, 4);
  const request = await fileAndStart({ fields: ['姓名', '婚姻状况'] });
  const late = new Date(endOf(8).getTime() - 12 * 60 * 60 * 1000); // Tuesday noon, the day after the deadline
  const view = await takeAction(db, {
    requestId: request.id,
    name: 'refuse',
    input: {
      actor: owner(),
      explanation: {
        legalBasis: await citeLegalBasis(db, world.legalBases.permissive),
        citedConditions: ['restrictedFields'],
        reasons: '婚姻状况为不予共享数据项',
        alternatives: '可申请其余数据项',
      },
    },
    stepKey: 'late-refusal',
    at: late,
  });
  t.equal(view.state, 'refused');
  const [clockRow] = await db.select().from(slaClocks).where(eq(slaClocks.id, request.clockId!));
  t.match(clockRow, { state: 'stopped', outcome: 'breached' });
  t.same(clockRow!.breachedAt, new Date(endOf(7).getTime() + 1), 'breached at the deadline instant, not at the refusal');
  const [level1] = await db.select().from(supervisions).where(eq(supervisions.subjectId, request.id));
  t.match(level1, { level: 1, chargedParty: 'owner', responsibleDepartmentId: world.police.id });
  t.same(level1!.issuedAt, new Date(endOf(7).getTime() + 1));
});

t.test('handover after a breach: the center gets a working day of grace; level 2 never reaches the owner who has acted', async (t) => {
  const { endOf } = await skipToPlainMonday(env, db, 4);
  const request = await fileAndStart();
  await skip(24 * 8 - 10 + 1); // Tuesday of the second week, 01:00: the owner's deadline (end of Monday) has passed
  await waitFor(async () => ((await requestRow(request.id)).supervisionLevel === 1 ? true : undefined), "the owner's breach");
  const approved = await updateRequest(env.client, request.id, 'approve', { actor: owner() });
  t.equal(approved.state, 'provisioning');
  const supervisionsOf = () =>
    db.select().from(supervisions).where(eq(supervisions.subjectId, request.id)).orderBy(asc(supervisions.issuedAt));

  await skip(24); // Wednesday 01:00: the center's grace (until the end of Wednesday) still runs
  t.equal((await supervisionsOf()).length, 1, 'nothing charged to the center within its grace');
  await skip(24); // Thursday 01:00: the grace has passed with the delivery still open
  await waitFor(async () => ((await supervisionsOf()).length === 2 ? true : undefined), "the center's charge");
  const [ownerLevel1, centerLevel1] = await supervisionsOf();
  t.match(ownerLevel1, { level: 1, chargedParty: 'owner', responsibleDepartmentId: world.police.id });
  t.match(centerLevel1, { level: 1, chargedParty: 'center', responsibleDepartmentId: world.center.id });
  t.same(centerLevel1!.issuedAt, new Date(endOf(9).getTime() + 1), 'charged from the end of its grace');
  const toAuthority = await db
    .select()
    .from(notificationOutbox)
    .where(and(eq(notificationOutbox.subjectId, request.id), eq(notificationOutbox.departmentId, world.authority.id)));
  t.ok(
    toAuthority.some((n) => n.title.includes('一级督办')),
    "the center's lateness is supervised by the competent authority",
  );

  // The owner's level 2 would have fallen due at the end of Tuesday next week; the center's falls
  // 5 working days after its own charge (Thursday 00:00 → the end of Thursday next week).
  await skip(24 * 8); // Friday of the third week, 01:00
  const levelTwo = await waitFor(async () => {
    const rows = (await supervisionsOf()).filter((s) => s.level === 2);
    return rows.length ? rows : undefined;
  }, 'level 2');
  t.equal(levelTwo.length, 1, 'one level-2 notice');
  t.match(levelTwo[0], { chargedParty: 'center', responsibleDepartmentId: world.center.id }, 'to the party whose step is still open');
  t.same(levelTwo[0]!.issuedAt, endOf(17));
  await updateRequest(env.client, request.id, 'confirm_delivery', { actor: center(), method: 'interface', reference: 'X' });
});

t.test('a center that delivers within its grace is charged nothing, and the owner who acted never reaches level 2', async (t) => {
  await skipToPlainMonday(env, db, 4);
  const request = await fileAndStart();
  await skip(24 * 8 - 10 + 1); // Tuesday 01:00, second week: breached
  await waitFor(async () => ((await requestRow(request.id)).supervisionLevel === 1 ? true : undefined), "the owner's breach");
  await updateRequest(env.client, request.id, 'approve', { actor: owner() });
  await skip(12); // Tuesday 13:00
  const granted = await updateRequest(env.client, request.id, 'confirm_delivery', { actor: center(), method: 'interface', reference: 'X' });
  t.equal(granted.state, 'granted');
  await skip(24 * 10); // past the owner's level-2 date
  const all = await db.select().from(supervisions).where(eq(supervisions.subjectId, request.id));
  t.match(all, [{ level: 1, chargedParty: 'owner' }], "only the owner's level-1 notice, never a level 2");
  t.equal(all.length, 1);
});

t.test(
  "nobody supervises itself: the center's breach is supervised by the competent authority, and level 2 also tells the responsible department",
  async (t) => {
    await skipToPlainMonday(env, db, 4);
    const request = await fileAndStart({ datasetId: world.unconditional.id, fields: ['姓名'] });
    t.equal(request.track, 1);
    await skip(24 * 2); // Wednesday: the center's 1-day deadline (Tuesday) has passed
    await waitFor(async () => ((await requestRow(request.id)).supervisionLevel === 1 ? true : undefined), 'the breach');
    const notices = async (kind: string) =>
      db
        .select()
        .from(notificationOutbox)
        .where(and(eq(notificationOutbox.subjectId, request.id), eq(notificationOutbox.kind, kind)));
    const levelOne = await notices('request.supervision');
    t.ok(
      levelOne.some((n) => n.departmentId === world.center.id && n.title.startsWith('督办')),
      'the center is the responsible department',
    );
    t.ok(
      levelOne.some((n) => n.departmentId === world.authority.id && n.title.includes('一级督办')),
      'the competent authority supervises it',
    );
    t.notOk(
      levelOne.some((n) => n.departmentId === world.center.id && n.title.includes('一级督办')),
      'the center is not told it supervises itself',
    );
    await skip(24 * 8); // level 2: 5 working days after the breach (Wednesday 00:00) is the end of next Wednesday; now Thursday
    await waitFor(async () => ((await requestRow(request.id)).supervisionLevel === 2 ? true : undefined), 'level 2');
    const levelTwo = (await notices('request.supervision')).filter((n) => n.title.startsWith('二级督办'));
    t.same(
      levelTwo.map((n) => n.departmentId).sort(),
      [world.center.id, world.authority.id].sort(),
      'level 2 reaches the competent authority and the responsible department',
    );
    await updateRequest(env.client, request.id, 'confirm_delivery', { actor: center(), method: 'interface', reference: 'X' });
  },
);
