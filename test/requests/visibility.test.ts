/**
 * Who sees what (DESIGN, roles and visibility): every user of a party department sees the
 * request and its SLA clocks whatever their roles; a department that is no party sees nothing;
 * listing the audit ledger without any right to it is 403; the Bearer scheme is
 * case-insensitive. Real HTTP (inject), PostgreSQL and Temporal.
 */
import t from 'tap';
import { startTestAppWithWorker } from '../helpers/app.js';
import { bearer, createTestDepartment, createTestUser } from '../helpers/identity.js';
import { createRequestWorld, draftFor } from '../helpers/requests.js';

const harness = await startTestAppWithWorker();
const { config, database } = harness;
t.teardown(harness.close);
const world = await createRequestWorld(database.db);
type User = typeof world.marketRequester;
const get = async (url: string, user: User) =>
  harness.app.inject({ method: 'GET', url: `/api/v1${url}`, headers: await bearer(config, user) });

// The market department requests the police's conditional dataset (track 5).
const draft = await harness.app.inject({
  method: 'POST',
  url: '/api/v1/requests',
  headers: await bearer(config, world.marketRequester),
  payload: draftFor(world.conditional.id),
});
const requestId = draft.json().request.id as string;
const version = (await get('/commitment', world.marketRequester)).json().version;
await harness.app.inject({
  method: 'POST',
  url: `/api/v1/requests/${requestId}/filing`,
  headers: await bearer(config, world.marketRequester),
  payload: { commitmentVersion: version, acceptCommitment: true },
});
let clockId = '';
for (let i = 0; i < 300 && !clockId; i++) {
  const detail = (await get(`/requests/${requestId}`, world.marketRequester)).json();
  clockId = detail.clocks[0]?.clock.id ?? '';
  if (!clockId) await new Promise((r) => setTimeout(r, 50));
}

t.test('every user of a party department sees the request and its clocks, whatever their roles', async (t) => {
  t.ok(clockId, 'the request has its review clock');
  const ownerRequesterRole = await createTestUser(database.db, world.police, ['requester']);
  const requesterReviewerRole = await createTestUser(database.db, world.market, ['reviewer']);
  const parties: Array<[string, User]> = [
    ['the requester', world.marketRequester],
    ["the owner's reviewer", world.policeReviewer],
    ['a requester-role user of the owner department', ownerRequesterRole],
    ['a reviewer-role user of the requester department', requesterReviewerRole],
    ['the owner department admin', world.policeAdmin],
    ['the requester department admin', world.marketAdmin],
  ];
  for (const [who, user] of parties) {
    t.equal((await get(`/requests/${requestId}`, user)).statusCode, 200, `${who} reads the request`);
    const clock = await get(`/sla-clocks/${clockId}`, user);
    t.equal(clock.statusCode, 200, `${who} reads its clock`);
    t.equal(clock.json().clock.subjectId, requestId);
    const listed = (await get('/requests', user)).json().items.map((r: { id: string }) => r.id);
    t.ok(listed.includes(requestId), `${who} finds it in the list`);
  }
  for (const [who, user] of [
    ['the center operator', world.centerOperator],
    ['the supervisor', world.supervisor],
    ['an auditor', world.centerAuditor],
  ] as const) {
    t.equal((await get(`/sla-clocks/${clockId}`, user)).statusCode, 200, `${who} reads every clock`);
  }
});

t.test('a department that is no party sees neither the request nor its clock', async (t) => {
  const outsider = await createTestDepartment(database.db, { name: '测试无关部门' });
  for (const roles of [['requester'], ['reviewer'], ['dept_admin']] as const) {
    const user = await createTestUser(database.db, outsider, [...roles]);
    t.equal((await get(`/requests/${requestId}`, user)).statusCode, 404, `${roles[0]}: request not found`);
    t.equal((await get(`/sla-clocks/${clockId}`, user)).statusCode, 404, `${roles[0]}: clock not found`);
    t.notOk(
      (await get('/requests', user)).json().items.some((r: { id: string }) => r.id === requestId),
      `${roles[0]}: not listed`,
    );
  }
});

t.test('listing the audit ledger without any right to it is 403, not an empty page', async (t) => {
  for (const user of [world.marketRequester, world.policeReviewer, world.centerOperator, world.supervisor]) {
    const res = await get('/audit-entries', user);
    t.equal(res.statusCode, 403);
    t.equal(res.json().code, 'forbidden');
  }
  t.equal((await get('/audit-entries', world.policeAdmin)).statusCode, 200, 'a department admin reads its own department’s entries');
  t.equal((await get('/audit-entries', world.centerAuditor)).statusCode, 200, 'an auditor reads all');
});

t.test('the Bearer scheme is case-insensitive', async (t) => {
  const { authorization } = await bearer(config, world.marketRequester);
  const token = authorization.slice('Bearer '.length);
  for (const scheme of ['bearer', 'BEARER', 'BeArEr']) {
    const res = await harness.app.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization: `${scheme} ${token}` } });
    t.equal(res.statusCode, 200, scheme);
  }
  t.equal(
    (await harness.app.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization: `Basic ${token}` } })).statusCode,
    401,
    'another scheme is not a bearer token',
  );
});
