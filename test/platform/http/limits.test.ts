/**
 * Limits and headers at the edge: rate limits on writes (per user) and sign-in (per address)
 * with RateLimit-* and Retry-After, the cap on one user's open drafts under a burst of parallel
 * creations, and the security headers on every response. Real HTTP (inject) and PostgreSQL.
 */
import { and, count, eq } from 'drizzle-orm';
import t from 'tap';
import { openDatabase } from '../../../src/platform/db/client.js';
import { requests } from '../../../src/platform/db/schema.js';
import { MAX_OPEN_DRAFTS_PER_USER } from '../../../src/requests/filing.js';
import { startTestApp } from '../../helpers/app.js';
import { testConfig } from '../../helpers/env.js';
import { bearer, createTestUser } from '../../helpers/identity.js';
import { createRequestWorld, draftFor } from '../../helpers/requests.js';

const database = await openDatabase(testConfig().database);
t.teardown(() => database.close());
const world = await createRequestWorld(database.db);

t.test('writes are limited per user; reads are not; another user keeps its own allowance', async (t) => {
  const harness = await startTestApp({ database, config: testConfig({ RATE_LIMIT_WRITES_PER_MINUTE: '5' }) });
  t.teardown(harness.close);
  const user = await createTestUser(database.db, world.market, ['requester']);
  const other = await createTestUser(database.db, world.market, ['requester']);
  const post = async (who: typeof user) =>
    harness.app.inject({
      method: 'POST',
      url: '/api/v1/requests',
      headers: await bearer(harness.config, who),
      payload: draftFor(world.conditional.id),
    });
  for (let i = 1; i <= 5; i++) {
    const res = await post(user);
    t.equal(res.statusCode, 201, `write ${i} of 5`);
    t.equal(res.headers['ratelimit-limit'], '5');
    t.equal(res.headers['ratelimit-remaining'], String(5 - i));
  }
  const refused = await post(user);
  t.equal(refused.statusCode, 429);
  t.match(refused.json(), { code: 'rate_limited', message: /try again/, requestId: /.+/, details: { limit: 5 } });
  t.ok(Number(refused.headers['retry-after']) > 0 && Number(refused.headers['retry-after']) <= 60, 'Retry-After in seconds');
  t.equal(refused.headers['ratelimit-remaining'], '0');
  for (let i = 0; i < 10; i++) {
    const read = await harness.app.inject({ method: 'GET', url: '/api/v1/requests', headers: await bearer(harness.config, user) });
    t.equal(read.statusCode, 200, `read ${i + 1} is not limited`);
  }
  t.equal((await post(other)).statusCode, 201, 'another user is not held back');
});

t.test('sign-in is limited per address', async (t) => {
  const harness = await startTestApp({ database, config: testConfig({ DEMO_MODE: 'true', RATE_LIMIT_SIGN_INS_PER_MINUTE: '3' }) });
  t.teardown(harness.close);
  const signIn = (address: string) =>
    harness.app.inject({
      method: 'POST',
      url: '/api/v1/auth/demo-sign-in',
      remoteAddress: address,
      payload: { username: world.marketRequester.username },
    });
  for (let i = 1; i <= 3; i++) t.equal((await signIn('192.0.2.10')).statusCode, 200, `sign-in ${i} of 3`);
  const refused = await signIn('192.0.2.10');
  t.equal(refused.statusCode, 429);
  t.equal(refused.json().code, 'rate_limited');
  t.ok(refused.headers['retry-after'], 'Retry-After');
  t.equal((await signIn('192.0.2.11')).statusCode, 200, 'another address signs in');
});

t.test('a burst of parallel draft creations by one user stops at the open-draft cap', async (t) => {
  const harness = await startTestApp({ database });
  t.teardown(harness.close);
  const user = await createTestUser(database.db, world.market, ['requester']);
  const headers = await bearer(harness.config, user);
  // A busy machine may answer some with 503 `database_unavailable` (no connection free in time,
  // nothing changed): a client retries those, as Retry-After says.
  const create = async () => {
    for (;;) {
      const answer = await harness.app.inject({
        method: 'POST',
        url: '/api/v1/requests',
        headers,
        payload: draftFor(world.conditional.id),
      });
      if (answer.statusCode !== 503) return answer;
      t.equal(answer.json().code, 'database_unavailable');
      t.ok(answer.headers['retry-after']);
    }
  };
  const results = await Promise.all(Array.from({ length: 100 }, create));
  const created = results.filter((r) => r.statusCode === 201).length;
  const capped = results.filter((r) => r.statusCode === 409 && r.json().code === 'too_many_drafts');
  t.equal(MAX_OPEN_DRAFTS_PER_USER, 50, 'the cap the contract states');
  t.equal(created, 50, 'exactly the cap is created');
  t.equal(capped.length, 50, 'the rest are refused with a typed 409');
  t.match(capped[0]!.json(), { details: { limit: 50 } });
  const [stored] = await database.db
    .select({ n: count() })
    .from(requests)
    .where(and(eq(requests.requesterUserId, user.id), eq(requests.state, 'draft')));
  t.equal(stored!.n, 50, 'and stored');
  // Discarding one makes room for one.
  const one = results.find((r) => r.statusCode === 201)!.json().request.id;
  t.equal((await harness.app.inject({ method: 'DELETE', url: `/api/v1/requests/${one}`, headers })).statusCode, 204);
  t.equal(
    (await harness.app.inject({ method: 'POST', url: '/api/v1/requests', headers, payload: draftFor(world.conditional.id) })).statusCode,
    201,
  );
});

t.test('every response carries the security headers; API answers are never cached; HSTS in production only', async (t) => {
  const harness = await startTestApp({ database, config: testConfig({ DEMO_MODE: 'true' }) });
  t.teardown(harness.close);
  const token = await harness.app.inject({
    method: 'POST',
    url: '/api/v1/auth/demo-sign-in',
    payload: { username: world.marketRequester.username },
  });
  const me = await harness.app.inject({ method: 'GET', url: '/api/v1/me', headers: await bearer(harness.config, world.marketRequester) });
  const failed = await harness.app.inject({ method: 'GET', url: '/api/v1/me' });
  const health = await harness.app.inject({ method: 'GET', url: '/healthz' });
  for (const [name, res] of [
    ['token', token],
    ['personal data', me],
    ['an error', failed],
    ['health', health],
  ] as const) {
    t.equal(res.headers['x-content-type-options'], 'nosniff', `${name}: nosniff`);
    t.equal(res.headers['x-frame-options'], 'DENY', `${name}: no framing`);
    t.notOk(res.headers['strict-transport-security'], `${name}: no HSTS outside production`);
  }
  for (const [name, res] of [
    ['token', token],
    ['personal data', me],
    ['an error', failed],
  ] as const)
    t.equal(res.headers['cache-control'], 'no-store', `${name}: no-store`);

  const production = await startTestApp({ database, config: testConfig({ NODE_ENV: 'production' }) });
  t.teardown(production.close);
  const secure = await production.app.inject({ method: 'GET', url: '/healthz' });
  t.match(secure.headers['strict-transport-security'], /max-age=31536000/);
});
