import { Writable } from 'node:stream';
import pino from 'pino';
import t from 'tap';
import { loggerOptions } from '../../../src/platform/logger.js';
import { startTestApp } from '../../helpers/app.js';

// Issue #12, item 10: `start` prints its banner without warnings before it. Every media type the
// contract names has a body parser (fastify-openapi-glue logs "ContentTypeParser for '…' not
// found" at warn for one without), and nothing emits a process warning (fastify's FSTWRN, FSTSEC
// and FSTDEP codes, deprecations).
t.test('building the application emits no process warning and logs nothing at warn or above', async (t) => {
  const warnings: Error[] = [];
  const onWarning = (warning: Error) => warnings.push(warning);
  process.on('warning', onWarning);
  t.teardown(() => void process.off('warning', onWarning));
  const lines: { level: number; msg: string }[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line) as { level: number; msg: string });
      done();
    },
  });
  const harness = await startTestApp({ log: pino(loggerOptions({ logLevel: 'info' }), stream) });
  t.teardown(harness.close);
  // Warnings are emitted on the next tick.
  await new Promise((resolve) => setImmediate(resolve));
  t.same(
    warnings.map((w) => `${w.name}: ${w.message}`),
    [],
    'no process warning',
  );
  t.same(
    lines.filter((l) => l.level >= 40).map((l) => l.msg),
    [],
    'no warning in the log',
  );
  for (const mediaType of ['text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'application/pdf']) {
    t.ok(harness.app.hasContentTypeParser(mediaType), `${mediaType} bodies arrive as bytes`);
  }
});
