/**
 * The dashboard's working-day figures across the New Year holiday and a supplement pause, against
 * hand-computed numbers: two track-5 requests filed on Wednesday 30 December 2037 at 10:00 in their
 * own database, on a time-skipping Temporal server through the real workflows. 1 January 2038 (a
 * Friday) is a statutory holiday in the provisional 2038 calendar; weekends are off. (The
 * worked example was made for 2026–27; 2037–38 has the same weekdays and holidays and stays in the
 * future.)
 *
 * - F: the owner asks for a supplement on Thu 31 Dec (R = 4: Jan 4, 5, 6, 7), the requester answers
 *   on Tue 5 Jan — the deadline becomes 4 working days after it: Mon 11 Jan; approved and delivered
 *   on Mon 11 Jan: 7 working days to decide (Dec 31, Jan 4, 5, 6, 7, 8, 11), met.
 * - G: nobody acts. Day 1 is Thu 31 Dec, day 2 Mon 4 Jan … day 5 Thu 7 Jan: breached at the end of
 *   it, charged to the owner. Read on Mon 11 Jan: age 7, late 2 (Jan 8, 11).
 */
import t from 'tap';
import { importPublishedSchedules } from '../../src/calendar/index.js';
import { startRequestWorkflow, updateRequest } from '../../src/requests/workflow-client.js';
import { openMigratedFreshDatabase } from '../helpers/db.js';
import { bearer } from '../helpers/identity.js';
import { createRequestWorld, draftFor, fileAs, requestWithClock, updateActor, waitFor } from '../helpers/requests.js';
import { skipTo, startTimeSkipping } from '../helpers/time-skipping.js';

const { handle } = await openMigratedFreshDatabase(t, 5);
await importPublishedSchedules(handle.db, { actor: { kind: 'system', role: 'script' }, at: new Date() });
const { env, db, settings, now, harness } = await startTimeSkipping(t, { database: handle, app: true });
const world = await createRequestWorld(db);
const owner = () => updateActor(world, world.policeReviewer, 'owner');
const requester = () => updateActor(world, world.marketRequester, 'requester');
const center = () => updateActor(world, world.centerOperator, 'center');

// No assertion until the fixture is built: tap ends a file whose root test has assertions when the
// event loop idles, and the test server's sleep holds no Node handle.
await skipTo(env, '2037-12-30');
const file = async (fields: string[]) => {
  const filed = await fileAs(db, world, world.marketRequester, draftFor(world.conditional.id, { fields }), await now());
  await startRequestWorkflow(env.client, settings, filed.id);
  await waitFor(
    async () => ((await requestWithClock(db, filed.id)).state === 'owner_review' ? true : undefined),
    `${filed.number} in review`,
  );
  return filed;
};
const f = await file(['姓名', '公民身份号码']);
const g = await file(['姓名']);
const gDeadline = (await requestWithClock(db, g.id)).deadlineDate;

await skipTo(env, '2037-12-31');
await updateRequest(env.client, f.id, 'ask_supplement', { actor: owner(), question: '请补充授权文件' });
await skipTo(env, '2038-01-05');
await updateRequest(env.client, f.id, 'answer_supplement', { actor: requester(), answer: '已补充' });
const fDeadline = (await requestWithClock(db, f.id)).deadlineDate;
await skipTo(env, '2038-01-11');
await waitFor(async () => ((await requestWithClock(db, g.id)).overdue ? true : undefined), 'G breached');
await updateRequest(env.client, f.id, 'approve', { actor: owner() });
await updateRequest(env.client, f.id, 'confirm_delivery', { actor: center(), method: 'interface', reference: 'API-F' });
const asOf = await now();

const period = 'from=2037-12-28&to=2038-01-11';
const get = async (path: string) => {
  const response = await harness.app.inject({
    method: 'GET',
    url: `/api/v1/dashboard/${path}`,
    headers: await bearer(harness.config, world.centerOperator, asOf),
  });
  if (response.statusCode !== 200) throw new Error(`${path}: ${response.statusCode} ${response.body}`);
  return response.json();
};

t.test('deadlines across the holiday and the pause', async (t) => {
  t.equal(gDeadline, '2038-01-07', 'G: five working days, the New Year holiday and a weekend skipped');
  t.equal(fDeadline, '2038-01-11', 'F: the 4 working days left at the pause, counted from the answer');
});

t.test('overview and on time', async (t) => {
  const overview = await get(`overview?${period}`);
  t.same(overview.totals, { filed: 2, decided: 1, open: 1, overdueNow: 1 });
  t.same(overview.byTrackAndState, [
    { track: 5, state: 'granted', count: 1 },
    { track: 5, state: 'owner_review', count: 1 },
  ]);
  t.same(overview.onTime[1], { track: 5, met: 1, breached: 1, openBreached: 1, pending: 0, rate: 0.5 });
});

t.test('the league table counts working days across the holiday and the pause', async (t) => {
  const { rows } = await get(`departments?${period}`);
  t.same(rows, [
    {
      department: { id: world.police.id, code: world.police.code, name: world.police.name },
      filed: 2,
      met: 1,
      breached: 1,
      decided: 1,
      onTimeRate: 0.5,
      averageDaysToDecide: 7,
      p90DaysToDecide: 7,
      overdueNow: 1,
      refusals: 0,
      refusalsExplained: 0,
      supplementsAsked: 1,
      extensionsAsked: 0,
      extensionsApproved: 0,
      breachesCharged: 1,
      disputesLost: 0,
    },
  ]);
});

t.test('G overdue: its age and lateness in working days, charged to the owner', async (t) => {
  const open = await get('open-items');
  t.same(open.counts, { due_today: 0, due_next_working_day: 0, overdue: 1 });
  t.match(open.items, [
    {
      requestId: g.id,
      chargedParty: 'owner',
      chargedDepartment: { id: world.police.id },
      deadlineDate: '2038-01-07',
      ageWorkingDays: 7,
      lateWorkingDays: 2,
      supervisionLevel: 1,
    },
  ]);
  const items = await get(`items?${period}&outcome=met`);
  t.match(items.items, [{ requestId: f.id, daysToDecide: 7, decidedDate: '2038-01-11', deadlineDate: '2038-01-11', outcome: 'met' }]);
});

t.test('weeks, supervision and the center', async (t) => {
  t.same((await get(`trends?${period}`)).weeks, [
    { weekStart: '2037-12-28', filed: 2, decided: 0, met: 1, breached: 1, onTimeRate: 0.5 },
    { weekStart: '2038-01-04', filed: 0, decided: 0, met: 0, breached: 0, onTimeRate: null },
    { weekStart: '2038-01-11', filed: 0, decided: 1, met: 0, breached: 0, onTimeRate: null },
  ]);
  const supervision = await get(`supervision?${period}`);
  t.same(supervision.totals, { openLevel1: 1, openLevel2: 0, repliesGiven: 0, repliesOverdue: 0 }, "G's reply is due on Wed 13 Jan");
  const parties = (await get(`parties?${period}`)).rows;
  t.match(parties[0], { step: 'provisioning', handled: 1, breached: 0, openNow: 0, averageWorkingDays: 0 });
});
