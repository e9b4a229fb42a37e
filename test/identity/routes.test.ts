import { SignJWT } from 'jose';
import { randomUUID } from 'node:crypto';
import t from 'tap';
import { eq } from 'drizzle-orm';
import { loadConfig } from '../../src/platform/config.js';
import { users as usersTable } from '../../src/platform/db/schema.js';
import { startTestApp } from '../helpers/app.js';
import { openMigratedFreshDatabase } from '../helpers/db.js';
import { signingKey, testEnv } from '../helpers/env.js';
import { bearer, createTestUser, createTestWorld } from '../helpers/identity.js';

// Two keys: the first signs, the second (an older one) still verifies.
const oldKey = signingKey('old');
const config = loadConfig(testEnv({ TOKEN_SIGNING_KEYS: `${signingKey('new')},${oldKey}`, DEMO_MODE: 'true', TOKEN_TTL_SECONDS: '600' }));
const harness = await startTestApp({ config });
t.teardown(harness.close);
const { app } = harness;
const db = harness.database.db;
const world = await createTestWorld(db);

const get = async (url: string, headers: Record<string, string> = {}) => app.inject({ method: 'GET', url, headers });

t.test('401 without a token, with a malformed or forged one, and for a deactivated user', async (t) => {
  for (const headers of [{}, { authorization: 'Basic abc' }, { authorization: 'Bearer not.a.jwt' }] as Record<string, string>[]) {
    const res = await get('/api/v1/me', headers);
    t.equal(res.statusCode, 401);
    t.match(res.json().code, /^(unauthenticated|invalid_token)$/);
  }
  const forged = await new SignJWT({})
    .setProtectedHeader({ alg: 'HS256', kid: 'new' })
    .setSubject(world.centerAdmin.id)
    .setIssuer('gongxiang')
    .setAudience('gongxiang-api')
    .setExpirationTime('5m')
    .sign(new Uint8Array(32));
  t.equal((await get('/api/v1/me', { authorization: `Bearer ${forged}` })).json().code, 'invalid_token');
  const inactive = await createTestUser(db, world.police, ['requester'], false);
  const res = await get('/api/v1/me', await bearer(config, inactive));
  t.equal(res.statusCode, 401);
  t.equal(res.json().code, 'user_inactive');
});

t.test('an expired token and a token from an unknown key id are refused with their own codes', async (t) => {
  const expired = await bearer(config, world.policeRequester, new Date(Date.now() - 3600_000));
  const res = await get('/api/v1/me', expired);
  t.equal(res.statusCode, 401);
  t.equal(res.json().code, 'token_expired');

  const stranger = loadConfig(testEnv({ TOKEN_SIGNING_KEYS: signingKey('retired') }));
  const unknown = await get('/api/v1/me', await bearer(stranger, world.policeRequester));
  t.equal(unknown.statusCode, 401);
  t.equal(unknown.json().code, 'unknown_signing_key');
});

t.test('key rotation: a token signed by the older key still verifies', async (t) => {
  const older = loadConfig(testEnv({ TOKEN_SIGNING_KEYS: oldKey }));
  const res = await get('/api/v1/me', await bearer(older, world.policeRequester));
  t.equal(res.statusCode, 200);
  t.equal(res.json().user.id, world.policeRequester.id);
});

t.test('me shows the user, department and roles, read fresh on every request', async (t) => {
  const res = await get('/api/v1/me', await bearer(config, world.policeAdmin));
  t.equal(res.statusCode, 200);
  t.same(res.json().user.roles, ['dept_admin']);
  t.equal(res.json().department.id, world.police.id);
});

t.test('demo sign-in issues a working token; unknown users are refused', async (t) => {
  // The picker lists at most 500 active users; the suite's shared database holds more than a
  // demo does, so the listing is read from a database of its own.
  const own = await openMigratedFreshDatabase(t);
  const demo = await startTestApp({ config, database: own.handle });
  t.teardown(demo.close);
  const ownWorld = await createTestWorld(own.handle.db);
  const gone = await createTestUser(own.handle.db, ownWorld.police, ['requester']);
  await own.handle.db.update(usersTable).set({ active: false }).where(eq(usersTable.id, gone.id));
  const users = await demo.app.inject({ method: 'GET', url: '/api/v1/auth/demo-users' });
  t.equal(users.statusCode, 200);
  const listed: { id: string }[] = users.json().items;
  t.ok(
    listed.some((u) => u.id === ownWorld.policeReviewer.id),
    'the picker lists the demo’s users',
  );
  t.notOk(
    listed.some((u) => u.id === gone.id),
    'but not a deactivated one',
  );
  const signIn = await app.inject({
    method: 'POST',
    url: '/api/v1/auth/demo-sign-in',
    payload: { username: world.policeReviewer.username },
  });
  t.equal(signIn.statusCode, 200);
  t.equal(signIn.json().tokenType, 'Bearer');
  const me = await get('/api/v1/me', { authorization: `Bearer ${signIn.json().token}` });
  t.equal(me.json().user.username, world.policeReviewer.username);
  const unknown = await app.inject({ method: 'POST', url: '/api/v1/auth/demo-sign-in', payload: { username: 'nobody.here' } });
  t.equal(unknown.statusCode, 401);
});

t.test('without DEMO_MODE the demo sign-in does not exist', async (t) => {
  const plain = await startTestApp();
  t.teardown(plain.close);
  const res = await plain.app.inject({
    method: 'POST',
    url: '/api/v1/auth/demo-sign-in',
    payload: { username: world.policeReviewer.username },
  });
  t.equal(res.statusCode, 404);
  t.equal((await plain.app.inject({ method: 'GET', url: '/api/v1/auth/demo-users' })).statusCode, 404);
});

t.test('dept_admin manages users of its own department only: 404 for others it cannot see, 403 when it sees but may not act', async (t) => {
  const auth = await bearer(config, world.policeAdmin);
  const created = await app.inject({
    method: 'POST',
    url: '/api/v1/users',
    headers: auth,
    payload: { username: `psb.new.${Date.now()}`, displayName: '新用户', departmentId: world.police.id, roles: ['requester'] },
  });
  t.equal(created.statusCode, 201);
  t.same(created.json().roles, ['requester']);

  const elsewhere = await app.inject({
    method: 'POST',
    url: '/api/v1/users',
    headers: auth,
    payload: { username: `amr.new.${Date.now()}`, displayName: '越权', departmentId: world.market.id, roles: ['requester'] },
  });
  t.equal(elsewhere.statusCode, 403);

  const foreign = await get(`/api/v1/users/${world.marketRequester.id}`, auth);
  t.equal(foreign.statusCode, 404, 'a user of another department does not exist for it');
  t.equal(foreign.json().code, 'user_not_found');

  const requesterAuth = await bearer(config, world.policeRequester);
  const self = await get(`/api/v1/users/${world.policeRequester.id}`, requesterAuth);
  t.equal(self.statusCode, 200, 'everyone reads themselves');
  const selfEdit = await app.inject({
    method: 'PATCH',
    url: `/api/v1/users/${world.policeRequester.id}`,
    headers: requesterAuth,
    payload: { roles: ['requester', 'dept_admin'] },
  });
  t.equal(selfEdit.statusCode, 403, 'reads itself, may not grant itself roles');
  t.equal((await get(`/api/v1/users/${world.policeReviewer.id}`, requesterAuth)).statusCode, 404);
});

t.test('invalid role combinations are rejected with the reasons', async (t) => {
  const auth = await bearer(config, world.centerAdmin);
  const res = await app.inject({
    method: 'POST',
    url: '/api/v1/users',
    headers: auth,
    payload: { username: `bad.${Date.now()}`, displayName: '错配', departmentId: world.police.id, roles: ['supervisor', 'center_admin'] },
  });
  t.equal(res.statusCode, 422);
  t.equal(res.json().code, 'invalid_role_assignment');
  t.match(res.json().message, /competent authority/);
  t.match(res.json().message, /big-data center/);
  const patch = await app.inject({
    method: 'PATCH',
    url: `/api/v1/users/${world.policeRequester.id}`,
    headers: await bearer(config, world.policeAdmin),
    payload: { roles: ['auditor'] },
  });
  t.equal(patch.statusCode, 422);
  const unknownRole = await app.inject({
    method: 'POST',
    url: '/api/v1/users',
    headers: auth,
    payload: { username: `bad2.${Date.now()}`, displayName: 'x', departmentId: world.police.id, roles: ['owner'] },
  });
  t.equal(unknownRole.statusCode, 400, 'the contract names the roles');
});

t.test('center_admin manages departments; others may read but not change them', async (t) => {
  const adminAuth = await bearer(config, world.centerAdmin);
  const code = `T-NEW-${Date.now()}`;
  const created = await app.inject({
    method: 'POST',
    url: '/api/v1/departments',
    headers: adminAuth,
    payload: { code, name: '新区数据局', level: 'district' },
  });
  t.equal(created.statusCode, 201);
  const duplicate = await app.inject({
    method: 'POST',
    url: '/api/v1/departments',
    headers: adminAuth,
    payload: { code, name: '重复', level: 'district' },
  });
  t.equal(duplicate.statusCode, 409);
  t.equal(duplicate.json().code, 'department_code_taken');
  const street = await app.inject({
    method: 'POST',
    url: '/api/v1/departments',
    headers: adminAuth,
    payload: { code: `${code}-S`, name: '街道', level: 'street' },
  });
  t.equal(street.statusCode, 422, 'a street office needs a district parent');
  const underDistrict = await app.inject({
    method: 'POST',
    url: '/api/v1/departments',
    headers: adminAuth,
    payload: { code: `${code}-S`, name: '街道', level: 'street', parentCode: code },
  });
  t.equal(underDistrict.statusCode, 201);

  const requesterAuth = await bearer(config, world.policeRequester);
  t.equal((await get(`/api/v1/departments/${created.json().id}`, requesterAuth)).statusCode, 200);
  t.equal((await get(`/api/v1/departments/${randomUUID()}`, requesterAuth)).json().code, 'department_not_found');
  const children = (await get(`/api/v1/departments?parentId=${created.json().id}`, requesterAuth)).json().items;
  t.same(
    children.map((d: { code: string }) => d.code),
    [`${code}-S`],
    'the directory filters by parent',
  );
  const districts = (await get('/api/v1/departments?level=district', requesterAuth)).json().items;
  t.ok(
    districts.some((d: { code: string }) => d.code === code) && districts.every((d: { level: string }) => d.level === 'district'),
    'and by level',
  );
  const rename = await app.inject({
    method: 'PATCH',
    url: `/api/v1/departments/${created.json().id}`,
    headers: requesterAuth,
    payload: { name: '改名' },
  });
  t.equal(rename.statusCode, 403);
  const byAdmin = await app.inject({
    method: 'PATCH',
    url: `/api/v1/departments/${created.json().id}`,
    headers: adminAuth,
    payload: { name: '改名' },
  });
  t.equal(byAdmin.statusCode, 200);
  t.equal(byAdmin.json().name, '改名');
  const unflag = await app.inject({
    method: 'PATCH',
    url: `/api/v1/departments/${world.center.id}`,
    headers: adminAuth,
    payload: { isDataCenter: false },
  });
  t.equal(unflag.statusCode, 422, 'the center flag cannot be dropped while center roles are held there');
  t.equal(unflag.json().code, 'department_flags_conflict_with_roles');
});

t.test('user lists are filtered by the same rules, and paginate', async (t) => {
  const adminList = await get(`/api/v1/users?departmentId=${world.police.id}&limit=2`, await bearer(config, world.policeAdmin));
  t.equal(adminList.statusCode, 200);
  t.equal(adminList.json().items.length, 2);
  t.type(adminList.json().nextCursor, 'string');
  const next = await get(
    `/api/v1/users?departmentId=${world.police.id}&limit=2&cursor=${adminList.json().nextCursor}`,
    await bearer(config, world.policeAdmin),
  );
  t.ok(next.json().items.length > 0, 'the next page has users');
  t.ok(next.json().items.every((u: { username: string }) => u.username > adminList.json().items[1].username));
  const foreign = await get(`/api/v1/users?departmentId=${world.market.id}`, await bearer(config, world.policeAdmin));
  t.same(foreign.json().items, [], 'another department is invisible, not forbidden');
  const own = await get('/api/v1/users?limit=200', await bearer(config, world.policeRequester));
  t.same(
    own.json().items.map((u: { id: string }) => u.id),
    [world.policeRequester.id],
    'a requester sees only itself',
  );
  const badCursor = await get('/api/v1/users?cursor=%%%', await bearer(config, world.policeAdmin));
  t.equal(badCursor.statusCode, 400);
});

t.test('auditors read everything and change nothing', async (t) => {
  const auth = await bearer(config, world.centerAuditor);
  t.equal((await get(`/api/v1/users/${world.marketRequester.id}`, auth)).statusCode, 200);
  const change = await app.inject({
    method: 'PATCH',
    url: `/api/v1/users/${world.marketRequester.id}`,
    headers: auth,
    payload: { active: false },
  });
  t.equal(change.statusCode, 403);
  const create = await app.inject({
    method: 'POST',
    url: '/api/v1/departments',
    headers: auth,
    payload: { code: `T-AUD-${Date.now()}`, name: 'x', level: 'city' },
  });
  t.equal(create.statusCode, 403);
});

t.test('a department administrator cannot grant privileged roles, to itself or anyone', async (t) => {
  const admin = await createTestUser(db, world.authority, ['dept_admin']);
  const auth = await bearer(config, admin);
  const self = await app.inject({
    method: 'PATCH',
    url: `/api/v1/users/${admin.id}`,
    headers: auth,
    payload: { roles: ['dept_admin', 'supervisor'] },
  });
  t.equal(self.statusCode, 403);
  t.match(self.json(), { code: 'role_not_grantable', message: /supervisor/ });
  const other = await app.inject({
    method: 'POST',
    url: '/api/v1/users',
    headers: auth,
    payload: { username: `aud-${Date.now()}`, displayName: '审计员', departmentId: world.authority.id, roles: ['auditor'] },
  });
  t.match({ status: other.statusCode, code: other.json().code }, { status: 403, code: 'role_not_grantable' });
  const byCenter = await app.inject({
    method: 'PATCH',
    url: `/api/v1/users/${admin.id}`,
    headers: await bearer(config, world.centerAdmin),
    payload: { roles: ['dept_admin', 'supervisor'], reason: '兼任督办' },
  });
  t.equal(byCenter.statusCode, 200, byCenter.body);
  t.same(byCenter.json().roles, ['dept_admin', 'supervisor']);
});

t.test('an administrator cannot lock itself out, but may add ordinary roles to itself', async (t) => {
  const admin = await createTestUser(db, world.market, ['dept_admin']);
  const auth = await bearer(config, admin);
  const deactivate = await app.inject({ method: 'PATCH', url: `/api/v1/users/${admin.id}`, headers: auth, payload: { active: false } });
  t.equal(deactivate.statusCode, 422);
  t.equal(deactivate.json().code, 'cannot_lock_yourself_out');
  const drop = await app.inject({ method: 'PATCH', url: `/api/v1/users/${admin.id}`, headers: auth, payload: { roles: ['requester'] } });
  t.equal(drop.statusCode, 422);
  const add = await app.inject({
    method: 'PATCH',
    url: `/api/v1/users/${admin.id}`,
    headers: auth,
    payload: { roles: ['dept_admin', 'requester'], reason: '兼任申请人' },
  });
  t.equal(add.statusCode, 200);
  t.same(add.json().roles, ['dept_admin', 'requester']);
  const deactivatedByCenter = await app.inject({
    method: 'PATCH',
    url: `/api/v1/users/${admin.id}`,
    headers: await bearer(config, world.centerAdmin),
    payload: { active: false },
  });
  t.equal(deactivatedByCenter.statusCode, 200);
  t.equal(
    (await app.inject({ method: 'GET', url: '/api/v1/me', headers: auth })).statusCode,
    401,
    'a deactivated user is signed out at once',
  );
});
