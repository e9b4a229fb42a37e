/**
 * Objections through the real workflows on a time-skipping Temporal server, in their own database,
 * raised and moved on through the HTTP API. Dates are fixed and worked out by hand (March 2038 has
 * no holiday; the policy's defaults: accept 1, trace 2, verify 5, feedback 1, contest 5 / decide 5
 * working days; level 2 five working days after a breach):
 *
 * Mon 1 Mar 10:00 the market regulator raises, through its grants:
 * - O1 (plain police data, 户籍地址): accepted and marked; the police's task (due Mon 8 Mar)
 *   corrects it; the center's feedback opens the contest window (due Mon 8 Mar); uncontested, it
 *   closes at the end of 8 Mar: archived, the mark revoked.
 * - O2 (姓名): rejected as out of scope. O4 (the same record's 姓名, raised after): accepted; the police
 *   let the task run out: breached at the end of Mon 8 Mar, level 1 at once, level 2 at the end of
 *   the fifth working day after (Tue 16 Mar); verified on Wed 17 Mar.
 * - O3 (fused data, 联系电话): traced to the police's 人口信息.联系电话 and the bureau's 社保登记.手机号码:
 *   the police correct, the bureau confirms — partially corrected; the market accepts the result:
 *   archived at once.
 * - O5 (公民身份号码): the police ask for 3 more working days, the center approves: due Thu 11 Mar.
 * - O6 (fused data, 姓名, from the police's source only): confirmed; the market contests, the center
 *   sustains the contest; the police correct it in round 2; the feedback then archives it.
 */
import { and, eq, like } from 'drizzle-orm';
import t from 'tap';
import { importPublishedSchedules } from '../../src/calendar/index.js';
import { auditEntries, notificationOutbox, objectionTasks, supervisions } from '../../src/platform/db/schema.js';
import { openMigratedFreshDatabase } from '../helpers/db.js';
import { createObjectionWorld, objectionApi, RECORD } from '../helpers/objections.js';
import { waitFor } from '../helpers/requests.js';
import { skipTo, startTimeSkipping } from '../helpers/time-skipping.js';

const { handle } = await openMigratedFreshDatabase(t, 5);
await importPublishedSchedules(handle.db, { actor: { kind: 'system', role: 'script' }, at: new Date() });
const { env, db, now, harness } = await startTimeSkipping(t, { database: handle, app: true });
const world = await createObjectionWorld(db, { validTo: new Date('2039-01-01T00:00:00+08:00') });
type User = typeof world.marketRequester;
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const { call, step, raise, detail, stateOf, until, taskOf, exchangeCheck: check } = objectionApi({ harness, now, db, world });
const center = world.centerOperator;
const police = world.policeReviewer;

// The whole story first, then the assertions: tap ends a file whose root test has assertions
// when the event loop idles, and the test server's sleep holds no Node handle.
await skipTo(env, '2038-03-01');
const o1 = await raise(world.grants.plain.id, '户籍地址');
const o2 = await raise(world.grants.plain.id, '姓名');
const o3 = await raise(world.grants.fused.id, '联系电话');
const o5 = await raise(world.grants.plain.id, '公民身份号码');
const o6 = await raise(world.grants.fused.id, '姓名');
const raised = { o1, deadline: o1.step.deadlineDate };
await step(`/objections/${o2.id}/rejection`, center, { reason: '该异议涉及具体行政行为，应通过行政复议途径处理' });
const o4 = await raise(world.grants.plain.id, '姓名');
for (const o of [o1, o3, o4, o5, o6]) await step(`/objections/${o.id}/acceptance`, center, {});
const marksWhileOpen = (await call('GET', `/datasets/${world.datasets.plain.id}/marks`, world.marketRequester)).body;
const gateway = (await step('/service-clients', world.centerAdmin, { name: `交换网关-${o1.id}` })).key as string;
const exchangeCheck = () =>
  check(gateway, { departmentId: world.market.id, datasetId: world.datasets.plain.id, fields: ['姓名', '户籍地址'] });
const checkWhileMarked = await exchangeCheck();
const o3Tracing = await detail(o3.id);
const o3Traced = await step(`/objections/${o3.id}/trace`, center, {});
await step(`/objections/${o6.id}/trace`, center, {});
// O5: an extension, approved.
let d5 = await detail(o5.id);
const o5Task = taskOf(d5, world.police.id);
const overCap = await call('POST', `/objections/${o5.id}/tasks/${o5Task.id}/extension`, police, { days: 9, reason: '需调取档案' });
await step(`/objections/${o5.id}/tasks/${o5Task.id}/extension`, police, { days: 3, reason: '需调取纸质档案核对' });
// The lists now: every objection accepted and traced is with its sources; only O5's extension waits for the center.
const list = async (query: string, user: User) => (await call('GET', `/objections?${query}`, user)).body.items as Json[];
const queues = {
  center: await list('scope=center_queue', center),
  police: await list('scope=tasks', police),
  bureau: await list('scope=tasks', world.bureauReviewer),
};
await step(`/objections/${o5.id}/tasks/${o5Task.id}/extension-decision`, center, { approved: true, reason: '同意延期' });
d5 = await detail(o5.id);
// O1: corrected, feedback.
const d1 = await detail(o1.id, police);
const verifyO1 = (user: User) =>
  call('POST', `/objections/${o1.id}/tasks/${taskOf(d1, world.police.id).id}/verification`, user, {
    outcome: 'confirmed_accurate',
    explanation: '无误',
  });
const wrongDepartment = await verifyO1(world.bureauReviewer);
const objectorVerifies = await verifyO1(world.marketRequester);
const incomplete = await call('POST', `/objections/${o1.id}/tasks/${taskOf(d1, world.police.id).id}/verification`, police, {
  outcome: 'corrected',
});
await step(`/objections/${o1.id}/tasks/${taskOf(d1, world.police.id).id}/verification`, police, {
  outcome: 'corrected',
  valueBefore: '旧值',
  valueAfter: '新值',
  correctionReference: 'HJ-2038-0301-001',
});
await until(o1.id, 'corrected');
await step(`/objections/${o1.id}/feedback`, center, { feedback: '经核实已更正户籍地址' });
// O3: the two sources differ.
const d3 = await detail(o3.id);
await step(`/objections/${o3.id}/tasks/${taskOf(d3, world.police.id).id}/verification`, police, {
  outcome: 'corrected',
  valueAfter: '13800000000',
  correctionReference: 'RK-2038-0301-007',
});
await step(`/objections/${o3.id}/tasks/${taskOf(d3, world.bureau.id).id}/verification`, world.bureauReviewer, {
  outcome: 'confirmed_accurate',
  explanation: '社保登记手机号码与本人申报一致',
});
await until(o3.id, 'partially_corrected');
await step(`/objections/${o3.id}/feedback`, center, { feedback: '公安源头已更正，人社源头经核实无误' });
await step(`/objections/${o3.id}/result-acceptance`, world.marketRequester, { note: '认可' });
// O6: confirmed, contested, sustained, corrected in round 2.
const d6 = await detail(o6.id);
await step(`/objections/${o6.id}/tasks/${taskOf(d6, world.police.id).id}/verification`, police, {
  outcome: 'confirmed_accurate',
  explanation: '与户籍登记一致',
});
await until(o6.id, 'confirmed_accurate');
await step(`/objections/${o6.id}/feedback`, center, { feedback: '经核实无误' });
await step(`/objections/${o6.id}/contest`, world.marketRequester, { reasons: '另有婚姻登记证明姓名已变更' });
const secondContest = await call('POST', `/objections/${o6.id}/contest`, world.marketRequester, { reasons: '再次申请' });
await step(`/objections/${o6.id}/contest-decision`, center, { sustained: true, reasons: '申请人提供了新的证明材料，请重新核实' });
const d6b = await detail(o6.id);
await step(`/objections/${o6.id}/tasks/${taskOf(d6b, world.police.id, 2).id}/verification`, police, {
  outcome: 'corrected',
  valueAfter: '新值',
  correctionReference: 'RK-2038-0301-009',
});
await until(o6.id, 'corrected');
await step(`/objections/${o6.id}/feedback`, center, { feedback: '经重新核实已更正' });
const o6Final = await detail(o6.id);

await skipTo(env, '2038-03-09');
await until(o1.id, 'archived');
await until(o3.id, 'archived');
await waitFor(async () => ((await detail(o4.id)).tasks[0].step.overdue ? true : undefined), 'O4 breached');
// O4: the police answer the level-1 notice (督办答复), found on the objection's detail.
const o4Breached = await detail(o4.id, police);
const notice4 = o4Breached.supervisions[0] as Json;
const replyTo4 = (user: User, reply = '已安排专人核实，三个工作日内办结') =>
  call('POST', `/supervisions/${notice4.id}/reply`, user, { reply });
const o4Task = (await db.select().from(objectionTasks).where(eq(objectionTasks.objectionId, o4.id)))[0]!;
const o4Replies = {
  objector: await replyTo4(world.marketRequester),
  stranger: await replyTo4(world.bureauReviewer),
  blank: await replyTo4(police, '  '),
  police: await replyTo4(police),
  again: await replyTo4(police, '再答一次'),
  clockForPolice: (await call('GET', `/sla-clocks/${o4Task.clockId}`, police)).status,
  clockForBureau: (await call('GET', `/sla-clocks/${o4Task.clockId}`, world.bureauReviewer)).status,
};
const o4Replied = await detail(o4.id, police);
const marksAfter = (await call('GET', `/datasets/${world.datasets.plain.id}/marks`, world.marketRequester)).body;
const checkAfter = await exchangeCheck();
await skipTo(env, '2038-03-10');
await step(`/objections/${o5.id}/tasks/${o5Task.id}/verification`, police, {
  outcome: 'corrected',
  valueAfter: '新值',
  correctionReference: 'HJ-2038-0310-002',
});
await until(o5.id, 'corrected');
await skipTo(env, '2038-03-17');
await waitFor(
  async () => ((await db.select().from(supervisions).where(eq(supervisions.subjectId, o4.id))).length === 2 ? true : undefined),
  'O4 at level 2',
);
const d4 = await detail(o4.id);
await step(`/objections/${o4.id}/tasks/${taskOf(d4, world.police.id).id}/verification`, police, {
  outcome: 'confirmed_accurate',
  explanation: '与户籍登记一致',
});
await until(o4.id, 'confirmed_accurate');
const report = async (user: User, filter = '') =>
  (await call('GET', `/objections/report?from=2038-03-01&to=2038-03-31${filter}`, user)).body;
const reports = {
  center: await report(center),
  police: await report(police),
  market: await report(world.marketRequester),
  ofPolice: await report(center, `&departmentId=${world.police.id}`),
  ofMarket: await report(center, `&departmentId=${world.market.id}`),
  marketAsksPolice: await report(world.marketRequester, `&departmentId=${world.police.id}`),
};
const supervisionFigures = (await call('GET', '/dashboard/supervision?from=2038-03-01&to=2038-03-31', center)).body;
const reportXlsx = await call('GET', '/objections/report?from=2038-03-01&to=2038-03-31&format=csv', center);

t.test('raising: a readable number and the center’s acceptance step due the next working day', async (t) => {
  t.match(raised.o1, { number: /^YY-2038-\d{6}$/, state: 'submitted', step: { step: 'accept', chargedParty: 'center' } });
  t.equal(raised.deadline, '2038-03-02');
});

t.test('O1: accepted and marked, corrected, fed back, archived when the contest window ran out', async (t) => {
  const d = await detail(o1.id);
  t.equal(d.state, 'archived');
  t.equal(d.result, 'corrected');
  t.same(
    d.events.map((e: Json) => e.kind),
    ['raised', 'accepted', 'verified', 'concluded', 'feedback_given', 'reminded', 'archived'],
  );
  t.equal(d.events.at(-2).at, '2038-03-07T16:00:00.000Z', 'the objector reminded at 00:00 on the contest window’s last day');
  t.match(d.tasks, [{ outcome: 'corrected', valueBefore: '旧值', valueAfter: '新值', correctionReference: 'HJ-2038-0301-001' }]);
  t.equal(d.events.at(-1).at, '2038-03-08T16:00:00.000Z', 'archived the moment the window (Mon 8 Mar) ran out');
  t.ok(d.mark.revokedAt, 'the mark revoked');
  t.same(
    (marksWhileOpen.items as Json[]).map((m) => m.objectionNumber).sort(),
    [o1.number, o4.number, o5.number].sort(),
    'while open, the holder sees the marks on the plain dataset (not the rejected one)',
  );
  t.notOk(
    (marksAfter.items as Json[]).some((m) => m.objectionNumber === o1.number),
    'and not once archived',
  );
  t.equal(checkWhileMarked.allowed, true);
  t.same(
    (checkWhileMarked.marks as Json[]).map((m) => [m.objectionNumber, m.recordKey, m.field]),
    [
      [o1.number, RECORD, '户籍地址'],
      [o4.number, RECORD, '姓名'],
    ],
    'the exchange’s check carries the open marks on the asked fields',
  );
  t.same(
    (checkAfter.marks as Json[]).map((m) => m.objectionNumber),
    [o4.number],
    'once O1 is archived, only the mark still open on the asked fields (O4 on 姓名)',
  );
  const audited = await db.$count(auditEntries, and(eq(auditEntries.subjectId, o1.id), like(auditEntries.action, 'objection.%')));
  t.equal(audited, d.events.length, 'every step audited');
  const told = await db.select().from(notificationOutbox).where(eq(notificationOutbox.subjectId, o1.id));
  t.ok(
    told.some((n) => n.kind === 'objection.accepted' && n.departmentId === world.market.id && /数据异议标注/.test(n.title)),
    'the holder told of the mark',
  );
  t.ok(
    told.some((n) => n.kind === 'objection.archived' && /异议标注已撤销/.test(n.title)),
    'and of its revocation',
  );
  const pdf = await call('GET', `/objections/${o1.id}/dossier`, world.marketRequester);
  t.equal(pdf.status, 200);
  t.equal(
    Buffer.from(pdf.body as unknown as Buffer)
      .subarray(0, 5)
      .toString(),
    '%PDF-',
    'the dossier prints',
  );
});

t.test('O1: the rules of each step', async (t) => {
  t.match(
    [wrongDepartment.status, wrongDepartment.body.code],
    [404, 'objection_not_found'],
    'a department without a part in it does not even see it',
  );
  t.match(
    [objectorVerifies.status, objectorVerifies.body.code],
    [403, 'objection_action_forbidden'],
    'the objector sees it but does not verify',
  );
  t.match([incomplete.status, incomplete.body.code], [422, 'correction_incomplete'], 'a correction states its value and reference');
  t.match([overCap.status, overCap.body.code], [422, 'extension_over_cap'], 'an extension within the cap (the verify step’s 5 days)');
  t.match([secondContest.status, secondContest.body.code], [409, 'objection_state_conflict'], 'contested once');
  t.equal(
    (await call('GET', `/objections/${o1.id}`, world.bureauRequester)).status,
    404,
    'a department without a part in it does not see it',
  );
  t.equal((await call('GET', `/objections/${o3.id}`, world.bureauReviewer)).status, 200, 'a source department verifying sees it');
});

t.test('O2: rejected as out of scope, with its reason; no mark', async (t) => {
  const d = await detail(o2.id, world.marketRequester);
  t.match(d, { state: 'rejected_out_of_scope', mark: null, closedAt: /^2038-03-01T/ });
  t.match(d.events.at(-1), { kind: 'rejected', reason: /行政复议/ });
});

t.test('O3: fused data traced to two sources; one corrects, one confirms — partially corrected', async (t) => {
  t.same(
    (o3Tracing.traceProposal as Json[]).map((h) => [h.datasetCode, h.field, h.origin]),
    [
      [world.datasets.fused.code, '联系电话', false],
      [world.datasets.sourceA.code, '联系电话', true],
      [world.datasets.sourceB.code, '手机号码', true],
    ],
  );
  t.same(
    (o3Traced.tasks as Json[]).map((x) => x.department.id).sort(),
    [world.police.id, world.bureau.id].sort(),
    'one task per source department',
  );
  const d = await detail(o3.id);
  t.match(d, { state: 'archived', result: 'partially_corrected', fused: true, closedAt: /^2038-03-01T/ });
  t.equal(d.events.at(-1).kind, 'result_accepted', 'archived at once when the objector accepted the result');
  t.ok(d.mark.revokedAt, 'its mark revoked');
  t.same(d.trace.length, 3, 'the trace chain recorded');
});

t.test('O4: the task ran out — breached, level 1, then level 2 — and was completed', async (t) => {
  const levels = await db.select().from(supervisions).where(eq(supervisions.subjectId, o4.id)).orderBy(supervisions.level);
  t.match(
    levels.map((s) => [s.level, s.responsibleDepartmentId, s.issuedAt.toISOString()]),
    [
      [1, world.police.id, '2038-03-08T16:00:00.000Z'],
      [2, world.police.id, '2038-03-16T15:59:59.999Z'],
    ],
  );
  const d = await detail(o4.id);
  t.equal(d.state, 'confirmed_accurate');
  t.same(
    (d.events as Json[])
      .filter((e) => ['reminded', 'deadline_breached', 'escalated_level_two'].includes(e.kind))
      .map((e) => [e.kind, e.party, e.at]),
    [
      ['reminded', 'system', '2038-03-07T16:00:00.000Z'],
      ['deadline_breached', 'system', '2038-03-08T16:00:00.000Z'],
      ['escalated_level_two', 'system', '2038-03-16T15:59:59.999Z'],
    ],
    'the task reminded at 00:00 on its due day, breached at its end, level 2 five working days later',
  );
  const told = await db.select().from(notificationOutbox).where(eq(notificationOutbox.subjectId, o4.id));
  t.ok(
    told.some((n) => n.kind === 'objection.reminded' && n.departmentId === world.police.id && /今日到期/.test(n.title)),
    'the verifying department reminded',
  );
});

t.test('O4: the responsible department answers its level-1 notice once; the objection records it', async (t) => {
  t.match(notice4, {
    subjectType: 'Objection',
    subjectId: o4.id,
    level: 1,
    chargedParty: 'verifier',
    responsibleDepartmentId: world.police.id,
    reply: null,
    mayReply: true,
  });
  t.equal((await detail(o4.id)).supervisions[0].mayReply, false, 'the center reads the notice; it is not the center’s to answer');
  t.match(
    o4Replies.objector,
    { status: 403, body: { code: 'forbidden' } },
    'the objector reads the objection but does not answer for the police',
  );
  t.match(
    o4Replies.stranger,
    { status: 404, body: { code: 'supervision_not_found' } },
    'a department outside the objection does not see the notice',
  );
  t.equal(o4Replies.blank.status, 400, 'a blank reply is refused by the contract');
  t.match(o4Replies.police, { status: 200, body: { id: notice4.id, reply: '已安排专人核实，三个工作日内办结', mayReply: false } });
  t.match(o4Replies.again, { status: 409, body: { code: 'already_replied' } });
  t.equal(o4Replies.clockForPolice, 200, 'the verifying department reads its task’s clock');
  t.equal(o4Replies.clockForBureau, 404, 'a department outside the objection does not');
  const [replied] = o4Replied.supervisions;
  t.match(replied, { reply: '已安排专人核实，三个工作日内办结', mayReply: false });
  t.ok(replied.repliedAt);
  const event = (o4Replied.events as Json[]).find((e) => e.kind === 'supervision_replied');
  t.match(event, {
    party: 'verifier',
    actorDepartment: { id: world.police.id },
    reason: '已安排专人核实，三个工作日内办结',
    details: { level: 1 },
  });
  t.equal(event?.fromState, event?.toState, 'the reply keeps the objection’s state');
  const audit = await db
    .select()
    .from(auditEntries)
    .where(and(eq(auditEntries.subjectId, o4.id), eq(auditEntries.action, 'objection.supervision_replied')));
  t.equal(audit.length, 1, 'audited once');
  const told = await db
    .select()
    .from(notificationOutbox)
    .where(and(eq(notificationOutbox.subjectId, o4.id), eq(notificationOutbox.kind, 'objection.supervision_replied')));
  t.equal(told.length, 1, 'the center told once');
  t.match(told[0], { departmentId: world.center.id, title: /督办答复（1级）/ });
});

t.test('the dashboard counts the objection’s notices with the requests’', async (t) => {
  // O4's two notices were issued in March, the level-1 one answered; the task is done, so none is open.
  const police = (supervisionFigures.rows as Json[]).find((r) => r.department.id === world.police.id);
  t.match(police, { openLevel1: 0, openLevel2: 0, repliesGiven: 1, repliesOverdue: 0 });
});

t.test('O5: one extension, approved: the task is due three working days later', async (t) => {
  t.match(taskOf(d5, world.police.id).step, { deadlineDate: '2038-03-11', extension: { days: 3, decision: 'approved' } });
  t.equal(await stateOf(o5.id), 'corrected');
});

t.test('O6: contested once, sustained, verified again, archived at the feedback', async (t) => {
  t.match(o6Final, { state: 'archived', result: 'corrected', contested: true, round: 2 });
  t.same(
    (o6Final.tasks as Json[]).map((x) => [x.round, x.outcome]),
    [
      [1, 'confirmed_accurate'],
      [2, 'corrected'],
    ],
  );
  t.ok(o6Final.mark.revokedAt, 'the mark revoked');
});

t.test('the report matches the story, worked out by hand (read on Wed 17 Mar)', async (t) => {
  const rows = reports.center.rows as Json[];
  const plain = rows.find((r) => r.dataset.id === world.datasets.plain.id)!;
  const fused = rows.find((r) => r.dataset.id === world.datasets.fused.id)!;
  // The plain data: O1 corrected (task 1 Mar → 1 Mar: 0 days), O2 rejected, O4 confirmed (1 → 17 Mar:
  // 12 working days), O5 corrected (1 → 10 Mar: 7); O4 and O5 wait for the center's feedback, O5's
  // (due Thu 11 Mar) overdue.
  t.match(plain, {
    ownerDepartment: { id: world.police.id },
    raised: 4,
    rejected: 1,
    open: 2,
    corrected: 2,
    confirmedAccurate: 1,
    partiallyCorrected: 0,
    averageVerificationDays: 6.3,
    overdueNow: 1,
  });
  t.same(plain.topFields[0], { field: '姓名', objections: 2 }, 'O2 and O4 on 姓名');
  t.same(new Set((plain.topFields as Json[]).slice(1).map((f) => f.field)), new Set(['户籍地址', '公民身份号码']));
  // The fused data: O3 partially corrected, O6 corrected in round 2; four tasks, each decided the day it opened.
  t.match(fused, {
    raised: 2,
    rejected: 0,
    open: 0,
    corrected: 1,
    partiallyCorrected: 1,
    confirmedAccurate: 0,
    averageVerificationDays: 0,
    overdueNow: 0,
  });
  // Together: six raised; seven tasks decided (0, 12, 7 on the plain data, four of 0 on the fused): 19 / 7 = 2.7.
  t.same(reports.center.totals, {
    raised: 6,
    rejected: 1,
    open: 2,
    corrected: 3,
    confirmedAccurate: 1,
    partiallyCorrected: 1,
    verifiedTasks: 7,
    averageVerificationDays: 2.7,
    overdueNow: 1,
  });
  t.same(reports.ofPolice.totals, reports.center.totals, 'the center filters by the owner department');
  t.same(reports.ofMarket.rows, [], 'a department owning none of the data has no row');
  t.equal(reports.ofMarket.totals.raised, 0);
  t.match(reports.marketAsksPolice, { code: 'dashboard_scope' }, 'a department asks for its own figures only');
  t.same(reports.police.rows.length, 2, 'the owner sees its own data');
  t.same(reports.market.rows, [], 'a department owning none of the data sees no row');
  const csv = Buffer.from(reportXlsx.body as unknown as Buffer).toString('utf8');
  t.match(csv, new RegExp(`${world.datasets.plain.code}.*,4,1,2,2,1,0,6\\.3,1,`), 'the CSV carries the same figures');
  t.match(csv, /\r?\n合计,,,6,1,2,3,1,1,2\.7,1,\r?\n?$/, 'and the totals as its last row');
});

t.test('the center’s queue and a department’s open tasks, with the step each waits on', async (t) => {
  const numbers = (items: Json[]) => items.map((i) => i.number as string).sort();
  t.same(numbers(queues.center), [o5.number], 'only O5: its extension waits for the center');
  t.same(numbers(queues.police), [o1, o3, o4, o5, o6].map((o) => o.number).sort(), "the police's undecided tasks");
  t.same(numbers(queues.bureau), [o3.number], "the bureau's: O3's second source");
  const first = queues.police.find((i) => i.id === o1.id)!;
  t.match(
    first,
    { state: 'verifying', step: { deadlineDate: '2038-03-08', overdue: false } },
    "O1's task, due Mon 8 Mar, shown as its step",
  );
  const later = await call('GET', '/objections?scope=tasks', police);
  t.notOk(
    (later.body.items as Json[]).some((i) => i.id === o1.id),
    'a decided task leaves the list',
  );
});
