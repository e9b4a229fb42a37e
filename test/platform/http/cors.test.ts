/**
 * Cross-origin access (CORS) is closed unless CORS_ORIGINS lists the page's origin: by default a
 * foreign page gets no `Access-Control-Allow-Origin`, and its preflight no permission; with the
 * list configured, a listed origin gets its own origin back — on answers and errors alike, and
 * on its preflight — while any other origin still gets nothing.
 */
import t from 'tap';
import { startTestApp } from '../../helpers/app.js';
import { testConfig } from '../../helpers/env.js';

const PORTAL = 'https://portal.example.gov.cn';
const FOREIGN = 'https://evil.example.com';

const closed = await startTestApp();
t.teardown(closed.close);
const open = await startTestApp({ config: testConfig({ CORS_ORIGINS: `${PORTAL},http://127.0.0.1:5173` }) });
t.teardown(open.close);

const read = (app: typeof closed.app, origin: string) => app.inject({ method: 'GET', url: '/api/v1/system/info', headers: { origin } });
const preflight = (app: typeof closed.app, origin: string) =>
  app.inject({
    method: 'OPTIONS',
    url: '/api/v1/requests',
    headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
  });

t.test('by default no origin is allowed: no header on an answer, no permission on a preflight', async (t) => {
  const answer = await read(closed.app, FOREIGN);
  t.equal(answer.statusCode, 200, 'the answer itself is unchanged; the browser withholds it from the page');
  t.notOk(answer.headers['access-control-allow-origin']);
  const asked = await preflight(closed.app, FOREIGN);
  t.notOk(asked.headers['access-control-allow-origin']);
  t.notOk(asked.headers['access-control-allow-methods']);
  t.equal(asked.statusCode, 405, 'the preflight is the API’s own answer to OPTIONS');
  t.match(asked.json(), { code: 'method_not_allowed' });
  t.notOk((await read(closed.app, PORTAL)).headers['access-control-allow-origin'], 'nor for the portal until it is listed');
});

t.test('a listed origin gets its own origin back, on answers, errors and preflights', async (t) => {
  const answer = await read(open.app, PORTAL);
  t.equal(answer.headers['access-control-allow-origin'], PORTAL);
  t.match(answer.headers.vary, /Origin/, 'caches keep answers per origin');
  t.equal(answer.headers['access-control-allow-credentials'], undefined, 'no cookies: tokens travel in Authorization');
  t.match(answer.headers['access-control-expose-headers'], /X-Request-Id/);

  const refused = await open.app.inject({ method: 'GET', url: '/api/v1/me', headers: { origin: PORTAL } });
  t.equal(refused.statusCode, 401);
  t.equal(refused.headers['access-control-allow-origin'], PORTAL, 'the page can read the error');

  const asked = await preflight(open.app, PORTAL);
  t.equal(asked.statusCode, 204);
  t.equal(asked.headers['access-control-allow-origin'], PORTAL);
  t.match(asked.headers['access-control-allow-methods'], /POST/);
  t.match(asked.headers['access-control-allow-headers'], /Authorization/);
  t.match(asked.headers['access-control-allow-headers'], /Idempotency-Key/);
});

t.test('with the list configured, another origin still gets nothing', async (t) => {
  t.notOk((await read(open.app, FOREIGN)).headers['access-control-allow-origin']);
  const asked = await preflight(open.app, FOREIGN);
  t.notOk(asked.headers['access-control-allow-origin']);
  t.equal(asked.statusCode, 405);
  t.notOk(
    (await read(open.app, 'https://portal.example.gov.cn.evil.example.com')).headers['access-control-allow-origin'],
    'no prefix match',
  );
  t.notOk((await read(open.app, 'null')).headers['access-control-allow-origin'], 'nor an opaque origin');
  // A request without Origin (a server, curl) is no cross-origin call: answered as ever.
  const plain = await open.app.inject({ method: 'GET', url: '/api/v1/system/info' });
  t.equal(plain.statusCode, 200);
  t.notOk(plain.headers['access-control-allow-origin']);
});
