/**
 * Every request body has the size limit the contract declares — the document's `x-body-limit`
 * (256 KiB, JSON) or the operation's own (a dataset's 500 fields, uploaded files) — and the
 * server enforces exactly that: one byte over is 413 `payload_too_large` in the platform's error
 * shape, unread; the limit itself is read. A dataset at its largest still fits its operation's.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import t from 'tap';
import { loadSpecification, type OpenApiDocument } from '../../../src/platform/http/openapi.js';
import { startTestApp } from '../../helpers/app.js';
import { bearer, createTestWorld } from '../../helpers/identity.js';

const harness = await startTestApp();
t.teardown(harness.close);
const { app, config } = harness;
const world = await createTestWorld(harness.database.db);
const spec = loadSpecification();

interface Operation {
  operationId: string;
  method: string;
  path: string;
  mediaType: string;
  limit: number;
  isService: boolean;
}
type SpecOperation = {
  operationId?: string;
  security?: unknown[];
  requestBody?: { content?: Record<string, unknown> };
  'x-body-limit'?: number;
};

function withBodies(document: OpenApiDocument): Operation[] {
  const operations: Operation[] = [];
  for (const [path, item] of Object.entries(document.paths))
    for (const [method, op] of Object.entries(item) as Array<[string, SpecOperation]>) {
      if (!op?.operationId || !op.requestBody?.content) continue;
      operations.push({
        operationId: op.operationId,
        method: method.toUpperCase(),
        path,
        mediaType: Object.keys(op.requestBody.content)[0]!,
        limit: op['x-body-limit'] ?? document['x-body-limit']!,
        isService: op.security?.some((s) => typeof s === 'object' && s !== null && 'serviceKey' in s) === true,
      });
    }
  return operations;
}

/** A body of exactly `size` bytes: JSON text for JSON operations, bytes for files. */
const bodyOf = (mediaType: string, size: number) =>
  mediaType === 'application/json' ? Buffer.from(`{"x":"${'a'.repeat(size - 8)}"}`) : randomBytes(size);

t.test('the contract declares a limit for every body: 256 KiB for JSON, more only where an operation says so', async (t) => {
  t.equal(spec['x-body-limit'], 256 * 1024);
  const larger = Object.fromEntries(
    withBodies(spec)
      .filter((op) => op.limit !== spec['x-body-limit'])
      .map((op) => [op.operationId, op.limit]),
  );
  t.same(larger, {
    createDataset: 1024 * 1024,
    reviseDataset: 1024 * 1024,
    importDatasets: 11 * 1024 * 1024,
    addRequestAttachment: 11 * 1024 * 1024,
    addObjectionEvidence: 11 * 1024 * 1024,
  });
});

t.test('one byte over its declared limit is 413 payload_too_large for every operation; the limit itself is read', async (t) => {
  const registered = await app.inject({
    method: 'POST',
    url: '/api/v1/service-clients',
    headers: await bearer(config, world.centerAdmin),
    payload: { name: `上限测试网关-${randomUUID()}` },
  });
  const serviceKey = { 'x-service-key': registered.json<{ key: string }>().key };
  const person = await bearer(config, world.centerAdmin);
  const id = randomUUID();
  for (const op of withBodies(spec)) {
    const url = op.path.replace(/\{[^}]+\}/g, (name) => (name === '{year}' ? '2026' : id));
    const send = (size: number) =>
      app.inject({
        method: op.method as 'POST',
        url,
        headers: { ...(op.isService ? serviceKey : person), 'content-type': op.mediaType },
        payload: bodyOf(op.mediaType, size),
      });
    const over = await send(op.limit + 1);
    t.equal(over.statusCode, 413, `${op.operationId}: ${op.limit + 1} bytes`);
    t.match(
      over.json(),
      {
        code: 'payload_too_large',
        message: new RegExp(`at most ${op.limit} bytes`),
        details: { limit: op.limit },
        requestId: over.headers['x-request-id'],
      },
      op.operationId,
    );
    t.not((await send(op.limit)).statusCode, 413, `${op.operationId}: ${op.limit} bytes are read`);
  }
});

t.test('a dataset at its largest fits its operation: 500 fields with long descriptions', async (t) => {
  const fields = Array.from({ length: 500 }, (_, i) => ({
    name: `数据项${i}`,
    type: 'string',
    description: '这是一段很长的数据项说明，用于核对上限。'.repeat(20).slice(0, 400),
    sensitivity: 'internal',
  }));
  const payload = {
    code: `BL-${randomBytes(4).toString('hex').toUpperCase()}`,
    content: {
      name: '上限测试数据资源',
      description: '说明'.repeat(2000),
      libraryKind: 'thematic',
      updateFrequency: '每日',
      sourceSystem: '业务系统',
      fields,
      sharingType: 'unconditional',
    },
  };
  const size = Buffer.byteLength(JSON.stringify(payload));
  t.ok(size > 256 * 1024 && size < 1024 * 1024, `the body is ${size} bytes`);
  const created = await app.inject({
    method: 'POST',
    url: '/api/v1/datasets',
    headers: await bearer(config, world.policeReviewer),
    payload,
  });
  t.equal(created.statusCode, 201, created.statusCode === 201 ? 'created' : created.body.slice(0, 500));
});
