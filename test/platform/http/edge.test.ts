/**
 * Nothing malformed gets past the edge: bodies in undeclared media types or charsets, missing
 * required bodies, deep nesting, forged cursors with extreme dates, URLs Fastify or Node cannot
 * route, undeclared methods — each a typed 4xx in the one error shape — and a request step that
 * fails on a constraint is refused at once, reported, and leaves the request actionable.
 * Real HTTP (inject, and raw sockets for what inject cannot send), PostgreSQL and Temporal.
 */
import { randomUUID } from 'node:crypto';
import { connect } from 'node:net';
import pg from 'pg';
import t, { type Test } from 'tap';
import { loadSpecification } from '../../../src/platform/http/openapi.js';
import { startTestApp, startTestAppWithWorker } from '../../helpers/app.js';
import { required } from '../../helpers/env.js';
import { bearer } from '../../helpers/identity.js';
import { createRequestWorld, draftFor } from '../../helpers/requests.js';

const harness = await startTestAppWithWorker();
const { app, config, database } = harness;
t.teardown(harness.close);
const world = await createRequestWorld(database.db);
type User = typeof world.marketRequester;

const auth = (user: User) => bearer(config, user);
async function call(
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
  url: string,
  user: User | null,
  payload?: unknown,
  headers: Record<string, string> = {},
) {
  return app.inject({
    method,
    url: `/api/v1${url}`,
    headers: { ...(user ? await auth(user) : {}), ...headers },
    ...(payload === undefined ? {} : { payload: payload as string }),
  });
}
const errorShape = (
  t: Test,
  res: { statusCode: number; json(): unknown; headers: Record<string, unknown> },
  status: number,
  code: string,
) => {
  t.equal(res.statusCode, status, `status ${status}`);
  const body = res.json() as { code: string; message: string; requestId: string };
  t.equal(body.code, code, `code ${code}`);
  t.ok(typeof body.message === 'string' && body.message.length > 0, 'a message');
  t.ok(typeof body.requestId === 'string' && body.requestId.length >= 8, 'the request id');
};

async function fileTrack5(): Promise<string> {
  const draft = await call('POST', '/requests', world.marketRequester, draftFor(world.conditional.id));
  if (draft.statusCode !== 201) throw new Error(draft.body);
  const id = draft.json().request.id as string;
  const version = (await call('GET', '/commitment', world.marketRequester)).json().version;
  const filed = await call('POST', `/requests/${id}/filing`, world.marketRequester, { commitmentVersion: version, acceptCommitment: true });
  if (filed.statusCode !== 201) throw new Error(filed.body);
  for (let i = 0; i < 300; i++) {
    const state = (await call('GET', `/requests/${id}`, world.marketRequester)).json().request.state;
    if (state === 'owner_review') return id;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('the workflow did not open the request');
}

/** Every operation whose handler hands the body to the request's workflow, and who may send it. */
const workflowActions: Array<{ path: string; user: () => User }> = [
  { path: 'approval', user: () => world.policeReviewer },
  { path: 'refusal', user: () => world.policeReviewer },
  { path: 'supplement-request', user: () => world.policeReviewer },
  { path: 'extension-request', user: () => world.policeReviewer },
  { path: 'supplement-answer', user: () => world.marketRequester },
  { path: 'withdrawal', user: () => world.marketRequester },
  { path: 'delivery', user: () => world.centerOperator },
  { path: 'extension-decision', user: () => world.centerOperator },
];

t.test('a workflow action in a media type its operation does not declare is 415, and the request still takes a valid action', async (t) => {
  const id = await fileTrack5();
  for (const { path, user } of workflowActions) {
    for (const [type, body] of [
      ['text/plain', 'q'],
      ['application/pdf', '%PDF-1.4'],
      ['text/csv', 'a,b'],
      ['image/png', '\x89PNG'],
    ] as const) {
      const res = await call('POST', `/requests/${id}/${path}`, user(), body, { 'content-type': type });
      t.equal(res.statusCode, 415, `${path} as ${type}`);
      t.equal(res.json().code, 'unsupported_media_type');
    }
    // JSON in another charset is refused too; UTF-8 named explicitly is fine (checked below).
    const latin = await call('POST', `/requests/${id}/${path}`, user(), '{}', { 'content-type': 'application/json; charset=iso-8859-1' });
    t.equal(latin.statusCode, 415, `${path} in ISO-8859-1`);
  }
  const detail = (await call('GET', `/requests/${id}`, world.marketRequester)).json();
  t.equal(detail.request.state, 'owner_review', 'nothing moved the request');
  const withdrawn = await call('POST', `/requests/${id}/withdrawal`, world.marketRequester, JSON.stringify({ reason: '需求变更' }), {
    'content-type': 'application/json; charset=UTF-8',
  });
  t.equal(withdrawn.statusCode, 200, withdrawn.body);
  t.equal(withdrawn.json().request.state, 'withdrawn');
});

t.test('an operation without a body refuses one; a body without a Content-Type is refused', async (t) => {
  const id = await fileTrack5();
  errorShape(
    t,
    await call('POST', `/requests/${id}/pre-check`, world.marketRequester, 'x', { 'content-type': 'text/plain' }),
    415,
    'unsupported_media_type',
  );
  const draft = await app.inject({
    method: 'POST',
    url: '/api/v1/requests',
    headers: { ...(await auth(world.marketRequester)) },
    payload: Buffer.from('{}'),
  });
  t.equal(draft.statusCode, 415);
});

t.test('a missing required body is a 400 after authentication, never a handler run on nothing', async (t) => {
  const spec = loadSpecification();
  const withRequiredBody: Array<{ method: string; path: string; operationId: string }> = [];
  for (const [path, item] of Object.entries(spec.paths)) {
    for (const [method, op] of Object.entries(item) as Array<[string, { operationId?: string; requestBody?: { required?: boolean } }]>) {
      if (op?.operationId && op.requestBody?.required)
        withRequiredBody.push({ method: method.toUpperCase(), path, operationId: op.operationId });
    }
  }
  t.ok(withRequiredBody.length >= 20, `the contract has ${withRequiredBody.length} operations with a required body`);
  const id = randomUUID();
  // A service operation authenticates a service client (its key), not a person.
  const registered = await app.inject({
    method: 'POST',
    url: '/api/v1/service-clients',
    headers: await auth(world.centerAdmin),
    payload: { name: `边界测试网关-${id}` },
  });
  const serviceKey = { 'x-service-key': registered.json<{ key: string }>().key };
  const isService = (op: { security?: unknown[] }) =>
    op.security?.some((s) => typeof s === 'object' && s !== null && 'serviceKey' in s) === true;
  for (const { method, path, operationId } of withRequiredBody) {
    const url = path.replace(/\{[^}]+\}/g, (name) => (name === '{year}' ? '2026' : id));
    const op = spec.paths[path]![method.toLowerCase()] as { security?: unknown[] };
    const res = await app.inject({ method: method as 'POST', url, headers: isService(op) ? serviceKey : await auth(world.centerAdmin) });
    t.equal(res.statusCode, 400, `${operationId} without a body`);
    t.equal(res.json().code, 'body_required', operationId);
    const isPublic = (spec.paths[path]![method.toLowerCase()] as { security?: unknown[] }).security?.length === 0;
    if (!isPublic) t.equal((await app.inject({ method: method as 'POST', url })).statusCode, 401, `${operationId} anonymous: 401 first`);
  }
  // A JSON null is no body either.
  errorShape(
    t,
    await call('POST', '/requests', world.marketRequester, 'null', { 'content-type': 'application/json' }),
    400,
    'body_required',
  );
});

t.test('deeply nested JSON is refused without overflowing the stack', async (t) => {
  // 100 000 levels (200 kB, within the JSON body limit): far deeper than a recursive walk survives.
  const deep = '['.repeat(100_000) + ']'.repeat(100_000);
  errorShape(
    t,
    await call('POST', '/requests', world.marketRequester, deep, { 'content-type': 'application/json' }),
    400,
    'too_deeply_nested',
  );
  const deepObject = '{"a":'.repeat(100) + '1' + '}'.repeat(100);
  errorShape(
    t,
    await call('POST', '/requests', world.marketRequester, deepObject, { 'content-type': 'application/json' }),
    400,
    'too_deeply_nested',
  );
  const nul = await call(
    'POST',
    '/requests',
    world.marketRequester,
    JSON.stringify({ ...draftFor(world.conditional.id), purpose: 'a\u0000b' }),
    { 'content-type': 'application/json' },
  );
  errorShape(t, nul, 400, 'invalid_characters');
  t.equal((await app.inject({ method: 'GET', url: '/readyz' })).statusCode, 200, 'the process is fine');
});

t.test('forged cursors with dates outside what PostgreSQL stores are 400, not 500', async (t) => {
  const cursor = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  for (const instant of [
    '-271821-04-20T00:00:00.000Z',
    '+275760-09-13T00:00:00.000Z',
    '0000-01-01T00:00:00.000Z',
    '2026-13-45T99:00:00.000Z',
    '2026-01-01',
  ]) {
    const timeId = cursor({ createdAt: instant, id: randomUUID() });
    errorShape(t, await call('GET', `/requests?cursor=${timeId}`, world.marketRequester), 400, 'invalid_cursor');
    errorShape(t, await call('GET', `/notifications?cursor=${timeId}`, world.marketRequester), 400, 'invalid_cursor');
    errorShape(t, await call('GET', `/webhook-deliveries?cursor=${timeId}`, world.centerAdmin), 400, 'invalid_cursor');
    const updated = cursor({ sort: 'updated', key: instant, id: randomUUID() });
    errorShape(t, await call('GET', `/datasets?sort=updated&cursor=${updated}`, world.marketRequester), 400, 'invalid_cursor');
  }
});

/** Sends raw bytes (what inject and fetch would encode away) and reads the whole answer. */
async function raw(port: number, requestLine: string, headers: string[] = []): Promise<{ status: number; headers: string; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (c) => chunks.push(c));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const [head = '', body = ''] = text.split('\r\n\r\n');
      resolve({ status: Number(head.split(' ')[1]), headers: head, body });
    });
    socket.write(
      Buffer.concat([
        Buffer.from(requestLine, 'latin1'),
        Buffer.from(`\r\nHost: 127.0.0.1\r\nConnection: close\r\n${headers.map((h) => `${h}\r\n`).join('')}\r\n`),
      ]),
    );
  });
}

t.test("Fastify's and Node's own refusals answer in the platform's error shape", async (t) => {
  const listening = await startTestApp({ config, database });
  t.teardown(() => listening.app.close());
  await listening.app.listen({ port: 0, host: '127.0.0.1' });
  const port = (listening.app.server.address() as { port: number }).port;
  const token = (await auth(world.marketRequester)).authorization;
  const shaped = (t: Test, res: { status: number; body: string }, status: number, code: string) => {
    t.equal(res.status, status);
    const body = JSON.parse(res.body);
    t.equal(body.code, code);
    t.type(body.message, 'string');
    t.match(body.requestId, /^[A-Za-z0-9._:-]{8,}$/);
  };
  const badUrl = await raw(port, 'GET /api/v1/requests/%ff%fe HTTP/1.1', [`Authorization: ${token}`]);
  shaped(t, badUrl, 400, 'invalid_url');
  t.match(badUrl.headers, /x-content-type-options: nosniff/i, 'answered before any hook, still with the security headers');
  shaped(t, await raw(port, `GET /api/v1/requests/${'a'.repeat(600)} HTTP/1.1`, [`Authorization: ${token}`]), 414, 'uri_too_long');
  // Raw UTF-8 in the request line, as a careless client sends 社保 unencoded.
  const rawQuery = Buffer.from('GET /api/v1/datasets?q=社保 HTTP/1.1', 'utf8').toString('latin1');
  const unencoded = await raw(port, rawQuery, [`Authorization: ${token}`]);
  t.ok([200, 400].includes(unencoded.status), `raw UTF-8 query: ${unencoded.status}`);
  if (unencoded.status === 400) {
    shaped(t, unencoded, 400, 'malformed_request');
    t.match(unencoded.headers, /x-frame-options: DENY/i);
  } else t.ok(Array.isArray(JSON.parse(unencoded.body).items), 'read as UTF-8 and answered');
  shaped(
    t,
    await raw(port, 'GET /api/v1/requests HTTP/1.1', [`Authorization: ${token}`, `X-Big: ${'x'.repeat(20_000)}`]),
    431,
    'headers_too_large',
  );
});

t.test('an undeclared method on a known path is 405 with Allow; an unknown path is 404', async (t) => {
  const res = await call('DELETE', '/requests', world.marketRequester);
  errorShape(t, res, 405, 'method_not_allowed');
  t.equal(res.headers.allow, 'GET, POST, HEAD');
  const onItem = await call('PATCH', `/requests/${randomUUID()}/withdrawal`, world.marketRequester);
  errorShape(t, onItem, 405, 'method_not_allowed');
  t.equal(onItem.headers.allow, 'POST');
  // A static path the router would hand to a parameter route's method is still its own path.
  const shadowed = await call('PUT', '/datasets/export', world.marketRequester, {});
  errorShape(t, shadowed, 405, 'method_not_allowed');
  t.equal(shadowed.headers.allow, 'GET, HEAD', 'only the methods of /datasets/export itself');
  t.equal(shadowed.headers['x-content-type-options'], 'nosniff', 'the edge refusal carries the security headers');
  t.equal(shadowed.headers['x-frame-options'], 'DENY');
  // QUERY is a method Fastify parses a body for: the missing route still comes first.
  const query = await app.inject({ method: 'QUERY' as 'GET', url: '/api/v1/me', headers: await auth(world.marketRequester) });
  errorShape(t, query, 405, 'method_not_allowed');
  t.equal(query.headers.allow, 'GET, HEAD');
  errorShape(t, await call('GET', '/no-such-thing', world.marketRequester), 404, 'route_not_found');
});

t.test('a step that fails on a constraint is refused at once, reported, and the request stays actionable', async (t) => {
  // A constraint of this test's own: it rejects only a question carrying this marker, so the
  // supplement step fails for a reason that is not transient and not a business rule.
  const marker = `POISON-${randomUUID()}`;
  const admin = new pg.Client({
    connectionString: required('TEST_PG_ADMIN_URL').replace(/\/postgres$/, `/${new URL(required('DATABASE_URL')).pathname.slice(1)}`),
  });
  await admin.connect();
  const constraint = `edge_poison_${marker.slice(7, 15).replace(/-/g, '')}`;
  await admin.query(`alter table request_supplements add constraint ${constraint} check (position('${marker}' in question) = 0) not valid`);
  t.teardown(async () => {
    await admin.query(`alter table request_supplements drop constraint ${constraint}`);
    await admin.end();
  });
  const id = await fileTrack5();
  const started = Date.now();
  const poisoned = await call('POST', `/requests/${id}/supplement-request`, world.policeReviewer, {
    question: `请补充 ${marker} 身份证号 310101199001011234`,
  });
  t.equal(poisoned.statusCode, 500, 'a server error, reported as one');
  t.equal(poisoned.json().code, 'internal_error');
  t.ok(Date.now() - started < 10_000, 'answered without retrying the step');
  const after = (await call('GET', `/requests/${id}`, world.marketRequester)).json();
  t.equal(after.request.state, 'owner_review', 'nothing half-done');
  const withdrawn = await call('POST', `/requests/${id}/withdrawal`, world.marketRequester, { reason: '需求变更' });
  t.equal(withdrawn.statusCode, 200, `a valid action still goes through: ${withdrawn.body}`);
  // The failure Temporal keeps names the step and the SQLSTATE, not the values involved.
  const history = await harness.temporal.client.workflow.getHandle(`request-${id}`).fetchHistory();
  const failures = (history.events ?? [])
    .filter((e) => e.activityTaskFailedEventAttributes)
    .map((e) => e.activityTaskFailedEventAttributes!.failure!);
  t.equal(failures.length, 1, 'the step ran once');
  t.match(failures[0]!.message, /takeRequestAction failed: .*SQLSTATE 23514/);
  t.notMatch(JSON.stringify(failures), /310101199001011234/, 'no personal value in the failure');
  t.equal(failures[0]!.applicationFailureInfo?.nonRetryable, true);
});
