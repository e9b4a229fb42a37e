/**
 * An objection's clocks and refusals through the real workflows on a time-skipping Temporal
 * server, in their own database, through the HTTP API. Dates worked out by hand (March 2038 has no
 * holiday; the policy's defaults: accept 1, trace 2, verify 5, feedback 1, contest 5 / decide 5
 * working days; level 2 five working days after a breach). The human-resources bureau also holds a
 * grant on the plain police data: a second holder of the marks.
 *
 * Mon 1 Mar 10:00 the market regulator raises:
 * - P1 (plain data, 户籍地址): the center leaves its acceptance (due Tue 2 Mar): reminded at 00:00
 *   Tue 2 Mar, breached at the end of it — level 1, charged to the center and so supervised by the
 *   competent authority — and level 2 at the end of the fifth working day after (Wed 10 Mar).
 *   Accepted on Thu 11 Mar, confirmed, fed back: the contest window (due Thu 18 Mar) reminds the
 *   objector at 00:00 Thu 18 Mar and archives the dossier when it runs out; a contest on Fri 19 Mar
 *   is refused.
 * - P2 (fused data, 联系电话): accepted — the trace due Wed 3 Mar; traced — the police's and the
 *   bureau's tasks due Mon 8 Mar; the police's extension rejected (still due Mon 8 Mar) and a second
 *   one refused; both confirm — the feedback due Tue 2 Mar; the market accepts the result.
 * - P3 (plain data, 姓名): accepted and marked — both holders told, both see the mark; confirmed,
 *   fed back, contested — the decision due Mon 8 Mar; dismissed: archived, the mark revoked, both
 *   holders told, neither sees it any more.
 */
import { and, eq } from 'drizzle-orm';
import t from 'tap';
import { importPublishedSchedules } from '../../src/calendar/index.js';
import { toActor } from '../../src/identity/actor.js';
import { objectionWorkflowId } from '../../src/objections/case.js';
import { notificationOutbox, supervisions } from '../../src/platform/db/schema.js';
import { openMigratedFreshDatabase } from '../helpers/db.js';
import { grantFor } from '../helpers/grants.js';
import { createObjectionWorld, objectionApi } from '../helpers/objections.js';
import { recordHistory } from '../helpers/temporal.js';
import { waitFor } from '../helpers/requests.js';
import { skipTo, startTimeSkipping } from '../helpers/time-skipping.js';

const { handle } = await openMigratedFreshDatabase(t, 5);
await importPublishedSchedules(handle.db, { actor: { kind: 'system', role: 'script' }, at: new Date() });
const { env, db, now, harness } = await startTimeSkipping(t, { database: handle, app: true });
const validTo = new Date('2039-01-01T00:00:00+08:00');
const world = await createObjectionWorld(db, { validTo });
type User = typeof world.marketRequester;
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const bureauGrant = await grantFor(db, world, world.bureauRequester, world.datasets.plain.id, ['姓名', '户籍地址'], {
  patch: { validTo },
  as: (user) => ({ db, actor: toActor(user, world.bureau), requestId: 'test', now: new Date() }),
});

const { call, step, raise, detail, until, taskOf, exchangeCheck } = objectionApi({ harness, now, db, world });
const center = world.centerOperator;
const police = world.policeReviewer;
const verify = (id: string, task: Json, user: User, explanation = '与登记信息一致') =>
  step(`/objections/${id}/tasks/${task.id}/verification`, user, { outcome: 'confirmed_accurate', explanation });
const marksOf = async (user: User) =>
  ((await call('GET', `/datasets/${world.datasets.plain.id}/marks`, user)).body.items as Json[]).map((m) => m.objectionNumber);
const gateway = (await step('/service-clients', world.centerAdmin, { name: `交换网关-clocks` })).key as string;
const bureauCheck = () =>
  exchangeCheck(gateway, { departmentId: world.bureau.id, datasetId: world.datasets.plain.id, fields: ['姓名', '户籍地址'] });
const toldOf = (objectionId: string) => db.select().from(notificationOutbox).where(eq(notificationOutbox.subjectId, objectionId));

// The whole story first, then the assertions (see loop.test.ts: the test server's sleep holds no Node handle).
await skipTo(env, '2038-03-01');
const p1 = await raise(world.grants.plain.id, '户籍地址');
const p2 = await raise(world.grants.fused.id, '联系电话');
const p3 = await raise(world.grants.plain.id, '姓名');

// P2: accepted, traced; an extension rejected, a second one refused; confirmed twice; the result accepted.
const p2Tracing = (await step(`/objections/${p2.id}/acceptance`, center, {})).objection as Json;
await step(`/objections/${p2.id}/trace`, center, {});
let d2 = await detail(p2.id);
const policeTask2 = taskOf(d2, world.police.id);
const extension = `/objections/${p2.id}/tasks/${policeTask2.id}/extension`;
await step(extension, police, { days: 2, reason: '需调取纸质档案核对' });
await step(`/objections/${p2.id}/tasks/${policeTask2.id}/extension-decision`, center, { approved: false, reason: '理由不充分' });
const p2AskedAgain = await call('POST', extension, police, { days: 1, reason: '再申请一次' });
d2 = await detail(p2.id);
const p2Tasks = d2.tasks as Json[];
await verify(p2.id, policeTask2, police);
await verify(p2.id, taskOf(d2, world.bureau.id), world.bureauReviewer);
await until(p2.id, 'confirmed_accurate');
const p2Concluded = await detail(p2.id);
await step(`/objections/${p2.id}/feedback`, center, { feedback: '两个源头经核实均无误' });
await step(`/objections/${p2.id}/result-acceptance`, world.marketRequester, { note: '认可' });

// P3: marked for both holders; confirmed, fed back, contested, dismissed.
await step(`/objections/${p3.id}/acceptance`, center, {});
const p3Marked = { market: await marksOf(world.marketRequester), bureau: await marksOf(world.bureauRequester), check: await bureauCheck() };
await verify(p3.id, taskOf(await detail(p3.id), world.police.id), police);
await until(p3.id, 'confirmed_accurate');
await step(`/objections/${p3.id}/feedback`, center, { feedback: '经核实无误' });
const p3Contested = (await step(`/objections/${p3.id}/contest`, world.marketRequester, { reasons: '另有证明材料' })).objection as Json;
await step(`/objections/${p3.id}/contest-decision`, center, { sustained: false, reasons: '所附材料不足以证明数据有误，维持核实结果' });
const p3Final = await detail(p3.id, world.marketRequester);
const p3Unmarked = {
  market: await marksOf(world.marketRequester),
  bureau: await marksOf(world.bureauRequester),
  check: await bureauCheck(),
};

// P1: the center's acceptance runs out.
await skipTo(env, '2038-03-03');
await waitFor(async () => ((await detail(p1.id)).step?.overdue ? true : undefined), 'P1 breached');
const p1Breached = await detail(p1.id);
await skipTo(env, '2038-03-11');
const levelsOf = () => db.select().from(supervisions).where(eq(supervisions.subjectId, p1.id)).orderBy(supervisions.level);
await waitFor(async () => ((await levelsOf()).length === 2 ? true : undefined), 'P1 at level 2');
const p1Accepted = (await step(`/objections/${p1.id}/acceptance`, center, {})).objection as Json;
await verify(p1.id, taskOf(await detail(p1.id), world.police.id), police);
await until(p1.id, 'confirmed_accurate');
const p1Concluded = await detail(p1.id);
const p1Fed = (await step(`/objections/${p1.id}/feedback`, center, { feedback: '经核实无误' })).objection as Json;
await skipTo(env, '2038-03-19');
await until(p1.id, 'archived');
const p1Late = await call('POST', `/objections/${p1.id}/contest`, world.marketRequester, { reasons: '逾期申请复核' });
const p1Final = await detail(p1.id);
await recordHistory(env, objectionWorkflowId(p1.id), 'objection-center-breach-window-reminded');
await recordHistory(env, objectionWorkflowId(p3.id), 'objection-contest-dismissed');

t.test('P1: the center’s own step — reminded, breached, level 1 to the authority, level 2 — then taken late', async (t) => {
  t.match(p1Breached.step, { step: 'accept', chargedParty: 'center', deadlineDate: '2038-03-02', overdue: true });
  const levels = await levelsOf();
  t.match(
    levels.map((s) => [s.level, s.chargedParty, s.responsibleDepartmentId, s.issuedAt.toISOString()]),
    [
      [1, 'center', world.center.id, '2038-03-02T16:00:00.000Z'],
      [2, 'center', world.center.id, '2038-03-10T15:59:59.999Z'],
    ],
    'breached at the end of Tue 2 Mar; level 2 at the end of Wed 10 Mar',
  );
  const events = p1Final.events as Json[];
  t.match(
    events.filter((e) => ['reminded', 'deadline_breached', 'escalated_level_two'].includes(e.kind)).map((e) => [e.kind, e.at]),
    [
      ['reminded', '2038-03-01T16:00:00.000Z'],
      ['deadline_breached', '2038-03-02T16:00:00.000Z'],
      ['escalated_level_two', '2038-03-10T15:59:59.999Z'],
      ['reminded', '2038-03-17T16:00:00.000Z'],
    ],
    'the acceptance reminded at 00:00 on its due day; the contest window at 00:00 on its last day',
  );
  const told = await toldOf(p1.id);
  const titled = (departmentId: string, title: RegExp) => told.some((n) => n.departmentId === departmentId && title.test(n.title));
  t.ok(titled(world.center.id, /今日到期/), 'the center reminded of its acceptance');
  t.ok(titled(world.center.id, /^督办：.*已超期/), 'the center told to answer the level-1 notice');
  t.ok(titled(world.authority.id, /超期，已发出一级督办/), 'the competent authority supervises the center’s breach');
  t.ok(titled(world.authority.id, /^二级督办/), 'and is told of level 2');
  t.ok(titled(world.market.id, /申请复核的期限今日届满/), 'the objector reminded on the contest window’s last day, in its own words');
  t.match(p1Accepted, { state: 'verifying' }, 'accepted late, the objection goes on');
});

t.test('P1: the feedback and the contest window, then a contest after it refused', async (t) => {
  t.match(p1Concluded.step, { step: 'feedback', chargedParty: 'center', deadlineDate: '2038-03-12' }, 'feedback due the next working day');
  t.match(p1Fed.step, { step: 'contest_window', chargedParty: 'objector', deadlineDate: '2038-03-18' }, 'five working days to contest');
  t.match(p1Final, { state: 'archived', result: 'confirmed_accurate', contested: false });
  t.equal((p1Final.events as Json[]).at(-1)!.at, '2038-03-18T16:00:00.000Z', 'archived the moment the window ran out');
  t.ok(p1Final.mark.revokedAt, 'the mark revoked');
  t.match(
    [p1Late.status, p1Late.body.code],
    [409, 'objection_closed'],
    'no contest once the window has closed and the dossier is archived',
  );
});

t.test('P2: the trace and feedback deadlines; an extension rejected, a second one refused', async (t) => {
  t.match(p2Tracing, { state: 'tracing', step: { step: 'trace', chargedParty: 'center', deadlineDate: '2038-03-03' } });
  const mine = p2Tasks.find((x) => x.id === policeTask2.id)!;
  t.match(mine.step, { deadlineDate: '2038-03-08', extension: { days: 2, decision: 'rejected' } }, 'still due Mon 8 Mar');
  t.equal(taskOf(d2, world.bureau.id).step.deadlineDate, '2038-03-08');
  t.match([p2AskedAgain.status, p2AskedAgain.body.code], [409, 'extension_already_requested'], 'a task is extended once');
  t.match(p2Concluded.step, { step: 'feedback', deadlineDate: '2038-03-02' });
  t.match(await detail(p2.id), { state: 'archived', result: 'confirmed_accurate' });
});

t.test('P3: a dismissed contest: archived, the mark revoked, every holder told', async (t) => {
  t.match(p3Contested, { state: 'contested', step: { step: 'contest_decision', chargedParty: 'center', deadlineDate: '2038-03-08' } });
  t.match(p3Final, { state: 'archived', result: 'confirmed_accurate', contested: true, round: 1 });
  t.same(
    (p3Final.events as Json[]).map((e) => e.kind),
    ['raised', 'accepted', 'verified', 'concluded', 'feedback_given', 'contested', 'contest_decided'],
  );
  t.match((p3Final.events as Json[]).at(-1), { toState: 'archived', reason: /维持核实结果/, details: { sustained: false } });
  t.ok(p3Final.mark.revokedAt, 'the mark revoked');
  t.ok(p3Marked.market.includes(p3.number) && p3Marked.bureau.includes(p3.number), 'while open, both holders see the mark');
  t.same(
    (p3Marked.check.marks as Json[]).map((m) => [m.objectionNumber, m.field]),
    [[p3.number, '姓名']],
    'and the exchange check for the second holder carries it',
  );
  t.notOk(p3Unmarked.market.includes(p3.number) || p3Unmarked.bureau.includes(p3.number), 'once archived, neither does');
  t.same(p3Unmarked.check.marks, [], 'nor the exchange check');
  t.equal(p3Unmarked.check.allowed, true, 'the bureau’s grant still allows the fields');
  const told = await toldOf(p3.id);
  for (const holder of [world.market.id, world.bureau.id]) {
    t.ok(
      told.some((n) => n.departmentId === holder && n.kind === 'objection.accepted' && /数据异议标注/.test(n.title)),
      'each holder told of the mark',
    );
    t.ok(
      told.some((n) => n.departmentId === holder && n.kind === 'objection.contest_decided' && /异议标注已撤销/.test(n.title)),
      'and of its revocation',
    );
  }
  t.ok(
    told.some((n) => n.departmentId === world.market.id && /复核决定：维持核实结果/.test(n.title)),
    'the objector told of the decision',
  );
  const bureauNotices = await db
    .select()
    .from(notificationOutbox)
    .where(and(eq(notificationOutbox.subjectId, p2.id), eq(notificationOutbox.departmentId, world.bureau.id)));
  t.notOk(
    bureauNotices.some((n) => /数据异议标注/.test(n.title)),
    'the bureau holds no grant on the fused data: no mark notice for P2',
  );
  t.ok(bureauGrant.id);
});
