/**
 * A grant's life through the real workflows on a time-skipping Temporal server, in its own
 * database, read and acted on through the HTTP API. Dates are fixed and worked out by hand:
 *
 * - G1: a track-1 request for 1 month of use, delivered Mon 1 Mar 2038 10:00 (Shanghai). The
 *   period starts the next day, so its last day is Thu 1 Apr 2038 (民法典 art. 201–203): valid
 *   until 2038-04-01T23:59:59.999+08:00. The policy reminds 10 working days ahead: back from
 *   1 Apr the working days are Apr 1, Mar 31, 30, 29, 26, 25, 24, 23, 22, 19 (no holiday in
 *   March 2038), so "10 working days left after today" holds on Thu 18 Mar: the reminder is due
 *   at 00:00 on 18 Mar (2038-03-17T16:00Z); the expiry at 2038-04-01T16:00Z.
 * - The holder renews G1 on 18 Mar: a draft prefilled from it, filed and delivered the same day,
 *   gives G2 (last day Sun 18 Apr 2038), linked to G1, while G1 stays valid until 1 Apr.
 * - On G2 (reminded by 2 Apr) the police (owner) suspend, the center resumes (to expiring), the
 *   police revoke; the holder may not.
 */
import { eq } from 'drizzle-orm';
import t from 'tap';
import { importPublishedSchedules } from '../../src/calendar/index.js';
import { currentCommitment } from '../../src/requests/policy.js';
import { fileRequest } from '../../src/requests/filing.js';
import { grants, notificationOutbox } from '../../src/platform/db/schema.js';
import { startRequestWorkflow } from '../../src/requests/workflow-client.js';
import { openMigratedFreshDatabase } from '../helpers/db.js';
import { bearer, createTestDepartment, createTestUser } from '../helpers/identity.js';
import { createRequestWorld, draftFor, fileAs, requestWithClock, waitFor } from '../helpers/requests.js';
import { skipTo, startTimeSkipping } from '../helpers/time-skipping.js';

const { handle } = await openMigratedFreshDatabase(t, 5);
await importPublishedSchedules(handle.db, { actor: { kind: 'system', role: 'script' }, at: new Date() });
const { env, db, settings, now, harness } = await startTimeSkipping(t, { database: handle, app: true });
const world = await createRequestWorld(db);
const thirdRequester = await createTestUser(db, await createTestDepartment(db, { name: '测试税务局' }), ['requester']);

type User = typeof world.marketRequester;
const call = async (method: 'GET' | 'POST', url: string, user: User, payload?: object) => {
  const response = await harness.app.inject({
    method,
    url: `/api/v1${url}`,
    headers: await bearer(harness.config, user, await now()),
    ...(payload ? { payload } : {}),
  });
  return { status: response.statusCode, body: response.json() };
};
const grantOf = async (requestId: string) => (await db.select().from(grants).where(eq(grants.requestId, requestId)))[0]!;
const notices = async (grantId: string, kind: string) =>
  (await db.select().from(notificationOutbox).where(eq(notificationOutbox.subjectId, grantId))).filter((n) => n.kind === kind);
const deliverTrack1 = async (requestId: string) => {
  await startRequestWorkflow(env.client, settings, requestId);
  await waitFor(async () => ((await requestWithClock(db, requestId)).state === 'provisioning' ? true : undefined), 'provisioning');
  const delivered = await call('POST', `/requests/${requestId}/delivery`, world.centerOperator, {
    method: 'interface',
    reference: 'API-GX-0301',
  });
  if (delivered.status !== 200) throw new Error(JSON.stringify(delivered.body));
  const grant = await grantOf(requestId);
  if (!grant.workflowStartedAt) throw new Error('the delivery starts the grant’s workflow');
  return grant;
};

// The whole story first, then the assertions: tap ends a file whose root test has assertions
// when the event loop idles, and the test server's sleep holds no Node handle.
await skipTo(env, '2038-03-01');
const first = await fileAs(
  db,
  world,
  world.marketRequester,
  draftFor(world.unconditional.id, { fields: ['姓名'], usageMonths: 1 }),
  await now(),
);
const g1 = await deliverTrack1(first.id);
const issued = {
  holder: await call('GET', `/grants/${g1.id}`, world.marketRequester),
  owner: await call('GET', `/grants/${g1.id}`, world.policeReviewer),
  third: await call('GET', `/grants/${g1.id}`, thirdRequester),
};

await skipTo(env, '2038-03-18');
await waitFor(async () => ((await grantOf(first.id)).state === 'expiring' ? true : undefined), 'the reminder');
const reminded = { detail: await call('GET', `/grants/${g1.id}`, world.marketRequester), notices: await notices(g1.id, 'grant.reminded') };

const renewed = await call('POST', `/grants/${g1.id}/renewal`, world.marketRequester);
const renewalId = renewed.body.requestId as string;
const renewal = {
  renewed,
  draft: await call('GET', `/requests/${renewalId}`, world.marketRequester),
  again: await call('POST', `/grants/${g1.id}/renewal`, world.marketRequester),
  byOwner: await call('POST', `/grants/${g1.id}/renewal`, world.policeReviewer),
};
const { version } = await currentCommitment(db);
await fileRequest({ ...world.as(world.marketRequester), now: await now() }, renewalId, { version, accepted: true });
const g2 = await deliverTrack1(renewalId);
Object.assign(renewal, {
  g2: await call('GET', `/grants/${g2.id}`, world.marketRequester),
  old: await call('GET', `/grants/${g1.id}`, world.marketRequester),
});

await skipTo(env, '2038-04-02');
await waitFor(async () => ((await grantOf(first.id)).state === 'expired' ? true : undefined), 'the expiry');
const expired = {
  detail: await call('GET', `/grants/${g1.id}`, world.marketRequester),
  notices: await notices(g1.id, 'grant.expired'),
  renewalState: (await grantOf(renewalId)).state,
  suspendExpired: await call('POST', `/grants/${g1.id}/suspension`, world.policeReviewer, { reason: '核查' }),
};

const reason = (text: string) => ({ reason: text });
const acts = {
  byHolder: await call('POST', `/grants/${g2.id}/suspension`, world.marketRequester, reason('自行暂停')),
  blank: await call('POST', `/grants/${g2.id}/suspension`, world.policeReviewer, reason(' ')),
  suspended: await call('POST', `/grants/${g2.id}/suspension`, world.policeReviewer, reason('发现超范围使用，暂停核查')),
  suspendNotices: await notices(g2.id, 'grant.suspended'),
  twice: await call('POST', `/grants/${g2.id}/suspension`, world.policeReviewer, reason('再次暂停')),
  resumed: await call('POST', `/grants/${g2.id}/resumption`, world.centerOperator, reason('核查完毕')),
  revoked: await call('POST', `/grants/${g2.id}/revocation`, world.policeReviewer, reason('场景已终止')),
};
const ended = await waitFor(async () => {
  const description = await env.client.workflow.getHandle(`grant-${g2.id}`).describe();
  return description.status.name === 'COMPLETED' ? description.status.name : undefined;
}, 'the grant workflow to end');

t.test('delivery issues a numbered grant valid for the approved period', async (t) => {
  const { status, body } = issued.holder;
  t.equal(status, 200);
  t.match(body.grant, {
    number: 'SQ-2038-000001',
    state: 'active',
    requestId: first.id,
    fields: ['姓名'],
    lastDay: '2038-04-01',
    validTo: '2038-04-01T15:59:59.999Z',
    validFrom: /^2038-03-01T02:00:/,
    deliveryMethod: 'interface',
    deliveryReference: 'API-GX-0301',
    renewsGrant: null,
    renewal: null,
  });
  t.equal(body.reminderAt, '2038-03-17T16:00:00.000Z', 'reminded 10 working days ahead, at 00:00 on 18 March');
  t.same(
    body.events.map((e: { kind: string }) => e.kind),
    ['issued'],
  );
  t.same(body.availableActions, [], 'the holder may not suspend or revoke');
  t.equal(body.mayRenew, true, 'the holder’s requester may renew');
  t.same(issued.owner.body.availableActions, ['suspend', 'revoke'], 'the owner’s reviewer may suspend or revoke');
  t.equal(issued.owner.body.mayRenew, false, 'but not renew');
  t.equal(issued.third.status, 404, 'a third department does not see it');
});

t.test('the reminder comes once, on its day, to the holder, the owner and the center', async (t) => {
  const { body } = reminded.detail;
  t.equal(body.grant.state, 'expiring');
  t.match(body.events[1], { kind: 'reminded', at: '2038-03-17T16:00:00.000Z', fromState: 'active', toState: 'expiring', party: 'system' });
  t.equal(reminded.notices.length, 3, 'one notice each');
  t.equal(new Set(reminded.notices.map((n) => n.departmentId)).size, 3, 'three departments');
  t.match(reminded.notices[0]!.title, /SQ-2038-000001 即将到期/);
  t.match(reminded.notices[0]!.body, /2038-04-01/);
});

t.test('the holder renews: a draft prefilled from the grant, then a linked grant', async (t) => {
  const r = renewal as typeof renewal & { g2: typeof renewed; old: typeof renewed };
  t.equal(r.renewed.status, 201, JSON.stringify(r.renewed.body));
  t.match(r.draft.body.request, { state: 'draft', fields: ['姓名'], usageMonths: 1, deliveryMethod: 'interface' });
  t.match(r.again, { status: 409, body: { code: 'renewal_open', details: { requestId: renewalId } } }, 'one renewal at a time');
  t.equal(r.byOwner.status, 403, 'the owner does not renew');
  // Delivered Thu 18 Mar 10:00 for a month: the last day is Sun 18 Apr.
  t.match(r.g2.body.grant, { number: 'SQ-2038-000002', renewsGrant: { id: g1.id, number: 'SQ-2038-000001' }, lastDay: '2038-04-18' });
  t.match(
    r.old.body.grant,
    { state: 'expiring', renewal: { requestId: renewalId, state: 'granted', grant: { id: g2.id } } },
    'the old grant stays valid',
  );
});

t.test('the old grant expires at the end of its last day; the renewal runs on', async (t) => {
  t.match(expired.detail.body.events.at(-1), {
    kind: 'expired',
    at: '2038-04-01T16:00:00.000Z',
    fromState: 'expiring',
    toState: 'expired',
  });
  t.equal(expired.notices.length, 3, 'told once each');
  // G2 (last day Sun 18 Apr) is reminded 10 working days ahead: back from Fri 16 Apr that reaches
  // Fri 2 Apr (Mon 5 Apr, Qingming, off) or Mon 5 Apr (were it worked) — due by 2 Apr 00:00 either way.
  t.equal(expired.renewalState, 'expiring', 'the renewal is still valid, itself reminded by now');
  t.match(expired.suspendExpired, { status: 409, body: { code: 'grant_closed' } }, 'an ended grant takes no action');
});

t.test('the owner suspends, resumes and revokes with reasons; the holder may not', async (t) => {
  t.match(acts.byHolder, { status: 403, body: { code: 'grant_action_forbidden' } });
  t.equal(acts.blank.status, 400, 'a blank reason');
  t.match(acts.suspended, { status: 200, body: { grant: { state: 'suspended' }, availableActions: ['resume', 'revoke'] } });
  t.match(acts.suspended.body.events.at(-1), {
    kind: 'suspended',
    party: 'owner',
    reason: '发现超范围使用，暂停核查',
    actor: { userId: world.policeReviewer.id },
  });
  t.equal(acts.suspendNotices.length, 3, 'the holder, the owner and the center are told');
  t.match(acts.twice, { status: 409, body: { code: 'grant_state_conflict' } });
  t.match(
    acts.resumed,
    { status: 200, body: { grant: { state: 'expiring' } } },
    'the center resumes it: back to expiring, its reminder was due',
  );
  t.equal(acts.resumed.body.events.at(-1).party, 'center');
  t.match(acts.revoked, { status: 200, body: { grant: { state: 'revoked' }, availableActions: [], mayRenew: false } });
  t.equal(ended, 'COMPLETED', 'a revoked grant’s workflow has ended');
});
