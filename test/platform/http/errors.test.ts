import { sql } from 'drizzle-orm';
import t from 'tap';
import { openDatabase } from '../../../src/platform/db/client.js';
import { ConflictError, ForbiddenError, NotFoundError, RuleViolationError, UnauthorizedError } from '../../../src/platform/errors.js';
import { createHttpPlumbing } from '../../../src/platform/http/plumbing.js';
import { loadSpecification, registerOperations } from '../../../src/platform/http/openapi.js';
import { startTestApp } from '../../helpers/app.js';
import { testConfig } from '../../helpers/env.js';

const probeSpec = loadSpecification(new URL('../../fixtures/contract-probe.yaml', import.meta.url).pathname);

const database = await openDatabase(testConfig().database);
t.teardown(() => database.close());

async function probeApp() {
  const app = await createHttpPlumbing();
  const secretInternals = 'password=hunter2 at /srv/db.ts:42';
  await registerOperations(app, probeSpec, {
    postProbe: async (request) => {
      const { id } = request.params as { id: number };
      const { verbose } = request.query as { verbose?: boolean };
      return { id, ...(verbose === undefined ? {} : { verbose }), body: request.body as object };
    },
    getFailure: async (request) => {
      const { kind } = request.params as { kind: string };
      if (kind === 'conflict') throw new ConflictError('already_decided', 'The request was already decided', { state: 'refused' });
      if (kind === 'rule') throw new RuleViolationError('refusal_without_condition', 'A refusal must cite a failed catalogued condition');
      if (kind === 'unauthenticated') throw new UnauthorizedError();
      if (kind === 'forbidden') throw new ForbiddenError('not_allowed', 'You may read this request but not decide it');
      if (kind === 'missing') throw new NotFoundError('request_not_found', 'No such request');
      // Real PostgreSQL errors, as the driver and the ORM wrap them.
      if (kind === 'db-format') await database.db.execute(sql`select 'not a number'::int`);
      if (kind === 'db-range') await database.db.execute(sql`select 3000000000::int`);
      throw new Error(secretInternals);
    },
  });
  await app.ready();
  return { app, secretInternals };
}

const { app, secretInternals } = await probeApp();
t.teardown(() => app.close());

t.test('a valid body passes and path/query parameters are coerced from text', async (t) => {
  const res = await app.inject({ method: 'POST', url: '/probe/7?verbose=true', payload: { name: '户籍', tags: ['a'] } });
  t.equal(res.statusCode, 200);
  t.same(res.json(), { id: 7, verbose: true, body: { name: '户籍', tags: ['a'] } });
});

t.test('an unknown property is rejected, not stripped, at any depth', async (t) => {
  const top = await app.inject({ method: 'POST', url: '/probe/1', payload: { name: 'x', isAdmin: true } });
  t.equal(top.statusCode, 400);
  const body = top.json();
  t.equal(body.code, 'validation_failed');
  t.match(body.details, [{ in: 'body', rule: 'additionalProperties', property: 'isAdmin' }]);
  const nested = await app.inject({ method: 'POST', url: '/probe/1', payload: { name: 'x', nested: { level: 'city', extra: 1 } } });
  t.equal(nested.statusCode, 400);
  t.match(nested.json().details, [{ path: '/nested', rule: 'additionalProperties', property: 'extra' }]);
});

t.test('every violation is listed with where it is', async (t) => {
  const res = await app.inject({ method: 'POST', url: '/probe/1', payload: { name: '', nested: { level: 'province' } } });
  t.equal(res.statusCode, 400);
  const rules = res
    .json()
    .details.map((d: { path: string; rule: string }) => `${d.path}:${d.rule}`)
    .sort();
  t.same(rules, ['/name:minLength', '/nested/level:enum']);
});

t.test('bad path parameters, missing bodies and broken JSON are 400s with codes', async (t) => {
  const badParam = await app.inject({ method: 'POST', url: '/probe/zero', payload: { name: 'x' } });
  t.equal(badParam.statusCode, 400);
  t.match(badParam.json(), { code: 'validation_failed', details: [{ in: 'params' }] });
  const missing = await app.inject({ method: 'POST', url: '/probe/1', headers: { 'content-type': 'application/json' }, payload: '' });
  t.equal(missing.statusCode, 400);
  t.equal(missing.json().code, 'invalid_json');
  const broken = await app.inject({
    method: 'POST',
    url: '/probe/1',
    headers: { 'content-type': 'application/json' },
    payload: '{"name":',
  });
  t.equal(broken.statusCode, 400);
  t.equal(broken.json().code, 'invalid_json');
  const wrongType = await app.inject({ method: 'POST', url: '/probe/1', headers: { 'content-type': 'application/xml' }, payload: '<x/>' });
  t.equal(wrongType.statusCode, 415);
  t.equal(wrongType.json().code, 'unsupported_media_type');
});

t.test('typed errors keep their status, code and details', async (t) => {
  const conflict = await app.inject({ method: 'GET', url: '/probe/failures/conflict' });
  t.equal(conflict.statusCode, 409);
  t.same(conflict.json(), {
    code: 'already_decided',
    message: 'The request was already decided',
    details: { state: 'refused' },
    requestId: conflict.headers['x-request-id'],
  });
  for (const [kind, status, code] of [
    ['rule', 422, 'refusal_without_condition'],
    ['unauthenticated', 401, 'unauthenticated'],
    ['forbidden', 403, 'not_allowed'],
    ['missing', 404, 'request_not_found'],
  ] as const) {
    const res = await app.inject({ method: 'GET', url: `/probe/failures/${kind}` });
    t.equal(res.statusCode, status, kind);
    t.equal(res.json().code, code);
  }
});

t.test('an unexpected error is a generic 500 that leaks nothing', async (t) => {
  const res = await app.inject({ method: 'GET', url: '/probe/failures/bug' });
  t.equal(res.statusCode, 500);
  const body = res.json();
  t.equal(body.code, 'internal_error');
  t.notOk(
    res.body.includes('hunter2') || res.body.includes('/srv/db.ts') || res.body.includes(secretInternals),
    'no internals in the body',
  );
  t.equal(body.requestId, res.headers['x-request-id']);
  t.notOk('stack' in body);
});

t.test('input PostgreSQL rejects is a 4xx with a code, not a 500', async (t) => {
  for (const [kind, status, code] of [
    ['db-format', 400, 'invalid_value'],
    ['db-range', 400, 'invalid_value'],
  ] as const) {
    const res = await app.inject({ method: 'GET', url: `/probe/failures/${kind}` });
    t.match({ status: res.statusCode, body: res.json() }, { status, body: { code } }, kind);
    t.notOk(res.body.includes('select'), 'no SQL in the answer');
  }
});

t.test('text with a NUL character is refused before it reaches anything', async (t) => {
  const res = await app.inject({ method: 'POST', url: '/probe/7', payload: { name: '户\u0000籍', tags: ['a'] } });
  t.equal(res.statusCode, 400);
  t.equal(res.json().code, 'invalid_characters');
  const inQuery = await app.inject({ method: 'POST', url: '/probe/7?verbose=%00', payload: { name: 'x', tags: [] } });
  t.equal(inQuery.statusCode, 400);
  t.equal(inQuery.json().code, 'invalid_characters');
});

t.test('the request id is generated, echoed in the header and the body, or taken from the caller', async (t) => {
  const generated = await app.inject({ method: 'GET', url: '/nowhere' });
  t.equal(generated.statusCode, 404);
  t.equal(generated.json().code, 'route_not_found');
  t.match(generated.headers['x-request-id'], /^[0-9a-f-]{36}$/);
  t.equal(generated.json().requestId, generated.headers['x-request-id']);
  const given = await app.inject({ method: 'GET', url: '/nowhere', headers: { 'x-request-id': 'caller-trace-0001' } });
  t.equal(given.headers['x-request-id'], 'caller-trace-0001');
  t.equal(given.json().requestId, 'caller-trace-0001');
  const hostile = await app.inject({ method: 'GET', url: '/nowhere', headers: { 'x-request-id': 'x\u0000<script>' } });
  t.not(hostile.headers['x-request-id'], 'x\u0000<script>', 'a malformed id is replaced');
});

t.test('the contract and the handlers must match exactly, checked at start-up', async (t) => {
  const app = await createHttpPlumbing();
  await t.rejects(registerOperations(app, probeSpec, { postProbe: async () => ({}) }), /missing handlers \[getFailure\]/);
  await t.rejects(
    registerOperations(app, probeSpec, { postProbe: async () => ({}), getFailure: async () => ({}), ghost: async () => ({}) }),
    /handlers without an operation \[ghost\]/,
  );
  // Every body has a declared size limit, and every file type a content check.
  const handlers = { postProbe: async () => ({}), getFailure: async () => ({}) };
  const { 'x-body-limit': _limit, ...unlimited } = probeSpec;
  await t.rejects(
    registerOperations(app, unlimited as typeof probeSpec, handlers),
    /postProbe takes a body but neither it nor the document declares an x-body-limit/,
  );
  const html = structuredClone(probeSpec) as unknown as { paths: Record<string, { post: { requestBody: { content: object } } }> };
  html.paths['/probe/{id}']!.post.requestBody.content = { 'text/html': {} };
  await t.rejects(registerOperations(app, html as unknown as typeof probeSpec, handlers), /takes files no content check knows: text\/html/);
  await app.close();
});

t.test('the real application answers unknown routes and undeclared methods with the same error shape', async (t) => {
  const harness = await startTestApp();
  t.teardown(harness.close);
  const unknown = await harness.app.inject({ method: 'GET', url: '/api/v1/no-such-route' });
  t.equal(unknown.statusCode, 404);
  t.same(Object.keys(unknown.json()).sort(), ['code', 'message', 'requestId']);
  const method = await harness.app.inject({ method: 'DELETE', url: '/api/v1/system/info' });
  t.equal(method.statusCode, 405, 'a known path with a method it does not declare');
  t.equal(method.headers.allow, 'GET, HEAD');
  t.same(Object.keys(method.json()).sort(), ['code', 'message', 'requestId']);
});
