/**
 * Tokens over HTTP, as a client lives with them: a token signed in through the API works until
 * its expiry on the platform's business clock and is then 401 `token_expired`; across a key
 * rotation (README, Production: prepend a new key, drop the old one after the token lifetime)
 * a token signed by an older key still listed verifies, one signed by a dropped key is 401
 * `unknown_signing_key`, and one whose key id was given a new secret is 401 `invalid_token`.
 * Each deployment is the real application on the shared database with its own TOKEN_SIGNING_KEYS.
 */
import t, { type Test } from 'tap';
import type { LightMyRequestResponse } from 'fastify';
import { clockFrom } from '../../src/platform/clock.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { signingKey, testConfig } from '../helpers/env.js';
import { createTestWorld } from '../helpers/identity.js';

const TTL_SECONDS = 600;
let nowMs = Date.parse('2026-03-09T01:00:00Z');
const clock = clockFrom(async () => nowMs);

const [k1, k2] = [signingKey('k1'), signingKey('k2')];
/** A deployment of the platform with these signing keys (the first signs), all on one business clock. */
async function deployment(keys: string[]): Promise<TestApp> {
  const harness = await startTestApp({
    config: testConfig({ TOKEN_SIGNING_KEYS: keys.join(','), TOKEN_TTL_SECONDS: String(TTL_SECONDS), DEMO_MODE: 'true' }),
    clock,
  });
  t.teardown(harness.close);
  return harness;
}
const before = await deployment([k1]);
const rotating = await deployment([k2, k1]);
const after = await deployment([k2]);
const world = await createTestWorld(before.database.db);

async function signIn(harness: TestApp): Promise<{ token: string; expiresAt: string }> {
  const res = await harness.app.inject({
    method: 'POST',
    url: '/api/v1/auth/demo-sign-in',
    payload: { username: world.policeReviewer.username },
  });
  if (res.statusCode !== 200) throw new Error(`sign-in answered ${res.statusCode}: ${res.body}`);
  return res.json();
}
const me = (harness: TestApp, token: string) =>
  harness.app.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization: `Bearer ${token}` } });
const kidOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString()).kid as string;

/** A 401 in the platform's error shape, with its code. */
function refused(t: Test, res: LightMyRequestResponse, code: string, message: string) {
  t.equal(res.statusCode, 401, message);
  t.match(res.json(), { code, message: /./, requestId: res.headers['x-request-id'] }, `${message}: ${code}`);
}

t.test('a token works until its expiry on the business clock, then is 401 token_expired', async (t) => {
  nowMs = Date.parse('2026-03-09T01:00:00Z');
  const { token, expiresAt } = await signIn(before);
  t.equal(expiresAt, '2026-03-09T01:10:00.000Z', 'issued for the configured lifetime');
  nowMs += (TTL_SECONDS - 1) * 1000;
  const late = await me(before, token);
  t.equal(late.statusCode, 200, 'a second before its expiry');
  t.equal(late.json().user.id, world.policeReviewer.id);
  nowMs += 2000;
  refused(t, await me(before, token), 'token_expired', 'a second after it');
  refused(t, await me(rotating, token), 'token_expired', 'on every deployment that knows its key');
});

t.test('rotation: an older key still listed verifies; a dropped key is 401 unknown_signing_key', async (t) => {
  nowMs = Date.parse('2026-03-10T01:00:00Z');
  const old = (await signIn(before)).token;
  t.equal(kidOf(old), 'k1');
  t.equal((await me(rotating, old)).statusCode, 200, 'k2 signs now, k1 still verifies');
  refused(t, await me(after, old), 'unknown_signing_key', 'k1 dropped');

  const fresh = (await signIn(rotating)).token;
  t.equal(kidOf(fresh), 'k2', 'the first listed key signs');
  t.equal((await me(after, fresh)).statusCode, 200, 'and verifies once k1 is gone');
  refused(t, await me(before, fresh), 'unknown_signing_key', 'a deployment not yet given k2');
});

t.test('a key id given a new secret does not verify tokens of the old one: 401 invalid_token', async (t) => {
  nowMs = Date.parse('2026-03-11T01:00:00Z');
  const replaced = await deployment([signingKey('k1')]);
  const old = (await signIn(before)).token;
  refused(t, await me(replaced, old), 'invalid_token', 'same kid, another secret');
  t.equal((await me(before, old)).statusCode, 200, 'the deployment with the original secret still accepts it');
});
