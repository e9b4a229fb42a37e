import { and, eq } from 'drizzle-orm';
import t from 'tap';
import { auditEntries, idempotencyKeys, users } from '../../../src/platform/db/schema.js';
import { startTestApp } from '../../helpers/app.js';
import { bearer, createTestWorld } from '../../helpers/identity.js';

const harness = await startTestApp();
t.teardown(harness.close);
const { app } = harness;
const db = harness.database.db;
const world = await createTestWorld(db);

const post = async (user: Parameters<typeof bearer>[1], key: string | undefined, payload: object) =>
  app.inject({
    method: 'POST',
    url: '/api/v1/users',
    headers: { ...(await bearer(harness.config, user)), ...(key ? { 'idempotency-key': key } : {}) },
    payload,
  });

t.test('a replay returns the first response and changes nothing more', async (t) => {
  const key = `create-${Date.now()}-a`;
  const body = { username: `idem.${Date.now()}`, displayName: '幂等', departmentId: world.police.id, roles: ['requester'] };
  const first = await post(world.policeAdmin, key, body);
  t.equal(first.statusCode, 201);
  const replay = await post(world.policeAdmin, key, body);
  t.equal(replay.statusCode, 201);
  t.equal(replay.headers['idempotent-replayed'], 'true');
  t.same(replay.json(), first.json());
  t.equal(await db.$count(users, eq(users.username, body.username)), 1, 'one user');
  t.equal(await db.$count(auditEntries, eq(auditEntries.subjectId, first.json().id)), 1, 'one audit entry');
});

t.test('the same key with a different body is 409; another user may use the same key', async (t) => {
  const key = `create-${Date.now()}-b`;
  const body = { username: `idem.b.${Date.now()}`, displayName: '幂等', departmentId: world.police.id, roles: ['requester'] };
  t.equal((await post(world.policeAdmin, key, body)).statusCode, 201);
  const reused = await post(world.policeAdmin, key, { ...body, displayName: '另一个' });
  t.equal(reused.statusCode, 409);
  t.equal(reused.json().code, 'idempotency_key_reused');
  const other = await post(world.marketAdmin, key, { ...body, username: `${body.username}.m`, departmentId: world.market.id });
  t.equal(other.statusCode, 201, 'keys are scoped to the user');
});

t.test('a refused request is replayed as refused; a malformed key is 400', async (t) => {
  const key = `create-${Date.now()}-c`;
  const body = { username: `idem.c.${Date.now()}`, displayName: '错配', departmentId: world.police.id, roles: ['requester', 'requester'] };
  const first = await post(world.policeAdmin, key, body);
  t.equal(first.statusCode, 422);
  const replay = await post(world.policeAdmin, key, body);
  t.equal(replay.statusCode, 422);
  t.equal(replay.headers['idempotent-replayed'], 'true');
  const bad = await post(world.policeAdmin, 'short', body);
  t.equal(bad.statusCode, 400);
});

t.test('an expired key is forgotten: the request is processed again', async (t) => {
  const key = `create-${Date.now()}-d`;
  const body = { username: `idem.d.${Date.now()}`, displayName: '过期', departmentId: world.police.id, roles: ['requester'] };
  t.equal((await post(world.policeAdmin, key, body)).statusCode, 201);
  await db
    .update(idempotencyKeys)
    .set({ expiresAt: new Date(Date.now() - 1000) })
    .where(and(eq(idempotencyKeys.userId, world.policeAdmin.id), eq(idempotencyKeys.key, key)));
  const again = await post(world.policeAdmin, key, body);
  t.equal(again.statusCode, 409, 'processed anew, so the duplicate username is reported');
  t.equal(again.json().code, 'username_taken');
  t.notOk(again.headers['idempotent-replayed']);
});

t.test('without the header nothing is stored', async (t) => {
  const before = await db.$count(idempotencyKeys, eq(idempotencyKeys.userId, world.marketAdmin.id));
  t.equal(
    (
      await post(world.marketAdmin, undefined, {
        username: `idem.e.${Date.now()}`,
        displayName: 'x',
        departmentId: world.market.id,
        roles: ['requester'],
      })
    ).statusCode,
    201,
  );
  t.equal(await db.$count(idempotencyKeys, eq(idempotencyKeys.userId, world.marketAdmin.id)), before);
});
