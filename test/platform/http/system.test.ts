import t from 'tap';
import { loadSpecification } from '../../../src/platform/http/openapi.js';
import { startTestApp } from '../../helpers/app.js';
import { bearer, createTestUser, createTestWorld } from '../../helpers/identity.js';

const harness = await startTestApp();
t.teardown(harness.close);
const { app } = harness;
const world = await createTestWorld(harness.database.db);

t.test('liveness answers while the process is up', async (t) => {
  const res = await app.inject({ method: 'GET', url: '/healthz' });
  t.equal(res.statusCode, 200);
  t.same(res.json(), { status: 'ok' });
});

t.test('readiness is 200 when PostgreSQL and Temporal both answer', async (t) => {
  const res = await app.inject({ method: 'GET', url: '/readyz' });
  t.equal(res.statusCode, 200);
  t.same(res.json(), { status: 'ready', checks: { database: { status: 'up' }, temporal: { status: 'up' } } });
});

t.test('anonymous callers learn only what the sign-in page needs', async (t) => {
  const res = await app.inject({ method: 'GET', url: '/api/v1/system/info' });
  t.equal(res.statusCode, 200);
  t.same(res.json(), { name: 'gongxiang', demoMode: false }, 'no version, database or clock');
  // A token that does not verify — forged, expired, of a deactivated user — is answered as anonymous, never refused.
  const expired = await bearer(harness.config, world.policeRequester, new Date(Date.now() - 2 * 3600_000));
  const inactive = await bearer(harness.config, await createTestUser(harness.database.db, world.police, ['requester'], false));
  for (const headers of [{ authorization: 'Bearer not.a.jwt' }, { authorization: 'Basic abc' }, expired, inactive]) {
    const answer = await app.inject({ method: 'GET', url: '/api/v1/system/info', headers });
    t.equal(answer.statusCode, 200);
    t.same(answer.json(), { name: 'gongxiang', demoMode: false });
  }
});

t.test('a signed-in user is told the version, the database and the business time from the clock port in Asia/Shanghai', async (t) => {
  const before = Date.now();
  const res = await app.inject({ method: 'GET', url: '/api/v1/system/info', headers: await bearer(harness.config, world.policeRequester) });
  t.equal(res.statusCode, 200);
  const body = res.json();
  t.equal(body.name, 'gongxiang');
  t.equal(body.version, 'test');
  t.equal(body.timeZone, 'Asia/Shanghai');
  t.equal(body.database, 'postgres');
  t.equal(body.demoMode, false);
  const now = Date.parse(body.now);
  t.ok(now >= before - 1000 && now <= Date.now() + 1000, 'now is the system time');
  t.equal(body.shanghaiDate, new Date(now + 8 * 3600_000).toISOString().slice(0, 10));
});

t.test('/docs serves interactive docs and the contract itself', async (t) => {
  const page = await app.inject({ method: 'GET', url: '/docs/' });
  t.equal(page.statusCode, 200);
  t.match(page.headers['content-type'], /text\/html/);
  const json = await app.inject({ method: 'GET', url: '/docs/json' });
  t.equal(json.statusCode, 200);
  const served = json.json();
  const spec = loadSpecification();
  t.equal(served.openapi, '3.1.0');
  t.same(Object.keys(served.paths).sort(), Object.keys(spec.paths).sort(), 'every path of openapi/openapi.yaml is served');
});
