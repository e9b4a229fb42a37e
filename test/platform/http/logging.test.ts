import { Writable } from 'node:stream';
import pino from 'pino';
import t from 'tap';
import { createHttpPlumbing } from '../../../src/platform/http/plumbing.js';
import { loadSpecification, registerOperations } from '../../../src/platform/http/openapi.js';
import { loggerOptions } from '../../../src/platform/logger.js';
import { sql } from 'drizzle-orm';
import { openDatabase } from '../../../src/platform/db/client.js';
import { startTestApp } from '../../helpers/app.js';
import { testConfig } from '../../helpers/env.js';

function capture(logLevel: 'info' | 'debug' = 'info') {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { lines, log: pino(loggerOptions({ logLevel }), stream) };
}

t.test('request logs carry the request id but no token, cookie or query string', async (t) => {
  const { lines, log } = capture();
  const harness = await startTestApp({ log });
  t.teardown(harness.close);
  const token = 'eyJhbGciOiJIUzI1NiJ9.secret-payload.signature';
  const res = await harness.app.inject({
    method: 'GET',
    url: '/api/v1/system/info?idCard=310101199001011234',
    headers: { authorization: `Bearer ${token}`, cookie: 'session=abc', 'x-request-id': 'trace-logging-0001' },
  });
  t.equal(res.statusCode, 200);
  const text = JSON.stringify(lines);
  t.ok(
    lines.some((l) => l.requestId === 'trace-logging-0001' && (l.req as { path?: string })?.path === '/api/v1/system/info'),
    'the incoming request is logged with its id and path',
  );
  t.ok(
    lines.some((l) => l.requestId === 'trace-logging-0001' && (l.res as { statusCode?: number })?.statusCode === 200),
    'its completion too',
  );
  t.notOk(text.includes(token), 'no bearer token');
  t.notOk(text.includes('session=abc'), 'no cookie');
  t.notOk(text.includes('310101199001011234'), 'no query string (it may hold personal data)');
});

t.test('an unexpected error is logged in full, with its request id, while the client sees none of it', async (t) => {
  const { lines, log } = capture();
  const app = await createHttpPlumbing(log);
  const probe = loadSpecification(new URL('../../fixtures/contract-probe.yaml', import.meta.url).pathname);
  await registerOperations(app, probe, {
    postProbe: async () => ({}),
    getFailure: async () => {
      throw new Error('disk full at /var/lib/postgresql');
    },
  });
  t.teardown(() => app.close());
  const res = await app.inject({ method: 'GET', url: '/probe/failures/bug', headers: { 'x-request-id': 'trace-logging-0002' } });
  t.equal(res.statusCode, 500);
  t.notOk(res.body.includes('disk full'));
  const logged = lines.find((l) => l.requestId === 'trace-logging-0002' && l.level === 50);
  t.ok(logged, 'logged at error level with the request id');
  t.match(JSON.stringify(logged), /disk full at \/var\/lib\/postgresql/);
});

t.test('database errors are logged with their SQLSTATE and names, never the values the query was given', async (t) => {
  const { lines, log } = capture();
  const database = await openDatabase(testConfig().database);
  t.teardown(() => database.close());
  const app = await createHttpPlumbing(log);
  const probe = loadSpecification(new URL('../../fixtures/contract-probe.yaml', import.meta.url).pathname);
  // Seeded personal values: a citizen ID number and a name, as a failed insert would carry them.
  const idNumber = '310101199001011234';
  const name = '张三丰';
  await registerOperations(app, probe, {
    postProbe: async () => ({}),
    getFailure: async (request) => {
      const { kind } = request.params as { kind: string };
      // 22P02: PostgreSQL quotes the refused value in its message; drizzle adds the params.
      if (kind === 'cast') await database.db.execute(sql`select ${`${name}${idNumber}`}::uuid`);
      // 23514-like failure the error plugin does not map: a raised exception carrying the values.
      await database.db.execute(
        sql`do $$ begin raise exception using errcode = '23514', message = ${`${name} ${idNumber}`}; end $$`.inlineParams(),
      );
      return {};
    },
  });
  t.teardown(() => app.close());
  const mapped = await app.inject({ method: 'GET', url: '/probe/failures/cast', headers: { 'x-request-id': 'trace-logging-0003' } });
  t.equal(mapped.statusCode, 400, 'bad input, answered as such');
  const unmapped = await app.inject({ method: 'GET', url: '/probe/failures/check', headers: { 'x-request-id': 'trace-logging-0004' } });
  t.equal(unmapped.statusCode, 500);
  const warned = lines.find((l) => l.requestId === 'trace-logging-0003' && l.level === 40);
  t.match(warned, { err: { sqlState: '22P02' }, sqlState: '22P02' }, 'the mapped error is logged with its SQLSTATE');
  const failed = lines.find((l) => l.requestId === 'trace-logging-0004' && l.level === 50);
  t.match(failed, { err: { sqlState: '23514' } }, 'the unmapped one too');
  const text = JSON.stringify(lines);
  t.notOk(text.includes(idNumber), 'no ID number anywhere in the log');
  t.notOk(text.includes(name), 'no name anywhere in the log');
  t.notOk(mapped.body.includes(idNumber) || unmapped.body.includes(idNumber), 'nor in the answers');
});

t.test('redaction covers secrets nested in logged objects', async (t) => {
  const { lines, log } = capture();
  log.info({ webhook: { secret: 's3cr3t', url: 'https://dept.example/hook' }, user: { token: 't0k' } }, 'configured');
  const text = JSON.stringify(lines);
  t.notOk(text.includes('s3cr3t'));
  t.notOk(text.includes('t0k'));
  t.match(text, /dept\.example/);
});

t.test('health and readiness polls leave no line at info, so they do not drown the start banner', async (t) => {
  const { lines, log } = capture();
  const harness = await startTestApp({ log });
  t.teardown(harness.close);
  const ready = await harness.app.inject({ method: 'GET', url: '/readyz', headers: { 'x-request-id': 'trace-logging-probe-ready' } });
  t.equal(ready.statusCode, 200);
  const live = await harness.app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'trace-logging-probe-live' } });
  t.equal(live.statusCode, 200);
  t.same(
    lines.filter((l) => String(l.requestId).startsWith('trace-logging-probe')),
    [],
    'no log line for a readiness or a liveness request',
  );
  const info = await harness.app.inject({ method: 'GET', url: '/api/v1/system/info', headers: { 'x-request-id': 'trace-logging-0005' } });
  t.equal(info.statusCode, 200);
  t.same(
    lines.filter((l) => l.requestId === 'trace-logging-0005').map(({ level, msg, req, res }) => ({ level, msg, req, res })),
    [
      { level: 30, msg: 'incoming request', req: { method: 'GET', path: '/api/v1/system/info' }, res: undefined },
      { level: 30, msg: 'request completed', req: undefined, res: { statusCode: 200 } },
    ],
    'an ordinary API request still logs its request and response lines',
  );
});

t.test('at debug the polls are logged; a readiness check that fails still warns', async (t) => {
  const { lines, log } = capture('debug');
  const database = await openDatabase(testConfig().database);
  t.teardown(() => database.close());
  const down = {
    ...database,
    ping: async () => {
      throw new Error('connection refused');
    },
  };
  const harness = await startTestApp({ log, database: down });
  t.teardown(harness.close);
  await harness.app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'trace-logging-0006' } });
  t.same(
    lines.filter((l) => l.requestId === 'trace-logging-0006').map(({ level, msg }) => ({ level, msg })),
    [
      { level: 20, msg: 'incoming request' },
      { level: 20, msg: 'request completed' },
    ],
  );
  const res = await harness.app.inject({ method: 'GET', url: '/readyz', headers: { 'x-request-id': 'trace-logging-0007' } });
  t.equal(res.statusCode, 503);
  t.same(
    lines
      .filter((l) => l.requestId === 'trace-logging-0007' && (l.level as number) >= 30)
      .map(({ level, msg, dependency }) => ({ level, msg, dependency })),
    [{ level: 40, msg: 'readiness check failed', dependency: 'database' }],
    'the failure is logged at warn; the poll itself only at debug',
  );
});
