import { Writable } from 'node:stream';
import pino from 'pino';
import t from 'tap';
import { createHttpPlumbing } from '../../src/http/app.js';
import { loadSpecification, registerOperations } from '../../src/http/openapi.js';
import { loggerOptions } from '../../src/logger.js';
import { startTestApp } from '../helpers/app.js';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { lines, log: pino(loggerOptions({ logLevel: 'info' }), stream) };
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
  t.ok(lines.some((l) => l.requestId === 'trace-logging-0001' && (l.req as { path?: string })?.path === '/api/v1/system/info'), 'the incoming request is logged with its id and path');
  t.ok(lines.some((l) => l.requestId === 'trace-logging-0001' && (l.res as { statusCode?: number })?.statusCode === 200), 'its completion too');
  t.notOk(text.includes(token), 'no bearer token');
  t.notOk(text.includes('session=abc'), 'no cookie');
  t.notOk(text.includes('310101199001011234'), 'no query string (it may hold personal data)');
});

t.test('an unexpected error is logged in full, with its request id, while the client sees none of it', async (t) => {
  const { lines, log } = capture();
  const app = await createHttpPlumbing(log);
  const probe = loadSpecification(new URL('../fixtures/contract-probe.yaml', import.meta.url).pathname);
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

t.test('redaction covers secrets nested in logged objects', async (t) => {
  const { lines, log } = capture();
  log.info({ webhook: { secret: 's3cr3t', url: 'https://dept.example/hook' }, user: { token: 't0k' } }, 'configured');
  const text = JSON.stringify(lines);
  t.notOk(text.includes('s3cr3t'));
  t.notOk(text.includes('t0k'));
  t.match(text, /dept\.example/);
});
