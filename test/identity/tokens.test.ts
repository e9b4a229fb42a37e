import t from 'tap';
import { createTokenService } from '../../src/identity/tokens.js';
import { loadConfig } from '../../src/platform/config.js';
import { decodeCursor, encodeCursor, page } from '../../src/platform/http/cursor.js';
import { signingKey } from '../helpers/env.js';

const settings = (keys: string, ttl = '600') =>
  loadConfig({ TEMPORAL_ADDRESS: '127.0.0.1:7233', TOKEN_SIGNING_KEYS: keys, TOKEN_TTL_SECONDS: ttl }).tokens;

t.test('a token verifies until its expiry, measured on the business clock', async (t) => {
  const service = createTokenService(settings(signingKey('a'), '600'));
  const issuedAt = new Date('2026-03-09T01:00:00Z');
  const { token, expiresAt } = await service.issue({ userId: 'u-1' }, issuedAt);
  t.equal(expiresAt.toISOString(), '2026-03-09T01:10:00.000Z');
  t.same(await service.verify(token, new Date('2026-03-09T01:09:59Z')), { userId: 'u-1' });
  await t.rejects(service.verify(token, new Date('2026-03-09T01:10:01Z')), { code: 'token_expired', status: 401 });
});

t.test('rotation: the first key signs, every listed key verifies, a dropped key stops verifying', async (t) => {
  const oldKey = signingKey('old');
  const before = createTokenService(settings(oldKey));
  const rotated = createTokenService(settings(`${signingKey('new')},${oldKey}`));
  const afterDrop = createTokenService(settings(signingKey('new2')));
  const now = new Date();
  const oldToken = (await before.issue({ userId: 'u-2' }, now)).token;
  t.same(await rotated.verify(oldToken, now), { userId: 'u-2' });
  const header = JSON.parse(Buffer.from((await rotated.issue({ userId: 'u-3' }, now)).token.split('.')[0]!, 'base64url').toString());
  t.equal(header.kid, 'new');
  await t.rejects(afterDrop.verify(oldToken, now), { code: 'unknown_signing_key' });
  await t.rejects(rotated.verify(`${oldToken}x`, now), { code: 'invalid_token' });
  await t.rejects(rotated.verify('a.b.c', now), { code: 'invalid_token' });
});

t.test('cursors round-trip and refuse anything else', async (t) => {
  const isNumber = (v: unknown): v is number => typeof v === 'number';
  t.equal(decodeCursor(encodeCursor(42), isNumber), 42);
  t.equal(decodeCursor(undefined, isNumber), undefined);
  t.throws(() => decodeCursor(encodeCursor('x'), isNumber), { code: 'invalid_cursor', status: 400 });
  t.throws(() => decodeCursor('%%%', isNumber), { code: 'invalid_cursor' });
  t.same(
    page([1, 2, 3], 2, (n) => n),
    { items: [1, 2], nextCursor: encodeCursor(2) },
  );
  t.same(
    page([1, 2], 2, (n) => n),
    { items: [1, 2], nextCursor: null },
  );
});
