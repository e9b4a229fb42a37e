/**
 * API overhead on read routes: the catalogue list, a request's detail and the exchange's grant
 * check through the full stack (authentication and CASL, the contract's request validation,
 * security headers, rate-limit bookkeeping, the service) against a bare Fastify route calling the
 * same service function with a context built once — both over loopback HTTP, measured in turns
 * (full, bare, full, bare, …) in one run so that the machine's load weighs on both alike. The goal
 * (issue #18): the full stack keeps ≥ 70% of the bare route's throughput.
 * Needs DATABASE_URL and TEMPORAL_ADDRESS (./scripts/bench starts throwaway servers).
 * BENCH_SECONDS (default 4) per turn, BENCH_TURNS (3), BENCH_CONCURRENCY (8).
 */
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import Fastify from 'fastify';
import { CatalogueService } from '../src/catalogue/catalogue-service.js';
import { checkUseForExchange } from '../src/grants/exchange.js';
import { UsageRecorder } from '../src/grants/index.js';
import { toActor } from '../src/identity/actor.js';
import { verifyServiceKey } from '../src/identity/service-clients.js';
import { createTokenService } from '../src/identity/tokens.js';
import { systemClock } from '../src/platform/clock.js';
import { loadConfig } from '../src/platform/config.js';
import { openDatabase } from '../src/platform/db/client.js';
import { migrateForSettings } from '../src/platform/db/migrate.js';
import { connectTemporal } from '../src/platform/temporal/connection.js';
import { RequestService } from '../src/requests/service.js';
import { DEFAULT_POLICY_NAME } from '../src/requests/rules/policy.js';
import { buildApp } from '../src/server/app.js';
import { grantFor } from '../test/helpers/grants.js';
import { createRequestWorld, draftFor, fileAs } from '../test/helpers/requests.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);
const TURNS = Number(process.env.BENCH_TURNS ?? 3);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const GOAL = 0.7;

const config = loadConfig({
  ...process.env,
  TOKEN_SIGNING_KEYS: `bench:${randomBytes(32).toString('base64')}`,
  LOG_LEVEL: 'silent',
  TEMPORAL_TASK_QUEUE: `bench-overhead-${randomBytes(4).toString('hex')}`,
  DATABASE_POOL_MAX: String(CONCURRENCY + 4),
});
const database = await openDatabase(config.database);
await migrateForSettings(config.database, database);
const db = database.db;
const temporal = connectTemporal(config.temporal);

// The world: the police's datasets, a filed request of the market regulator, a grant on a dataset, a gateway.
const world = await createRequestWorld(db);
const filed = await fileAs(db, world, world.marketRequester, draftFor(world.conditional.id), new Date());
await grantFor(db, world, world.marketRequester, world.unconditional.id, ['姓名']);
const full = await buildApp({ config, database, temporal, clock: systemClock, version: 'bench' });
const tokens = createTokenService(config.tokens);
const { token } = await tokens.issue({ userId: world.marketRequester.id }, new Date());
const created = await full.inject({
  method: 'POST',
  url: '/api/v1/service-clients',
  headers: { authorization: `Bearer ${(await tokens.issue({ userId: world.centerAdmin.id }, new Date())).token}` },
  payload: { name: `基准网关-${randomBytes(3).toString('hex')}` },
});
const { key } = created.json<{ key: string }>();
await full.listen({ host: '127.0.0.1', port: 0 });

// The bare routes: the same service calls, the caller's context and the gateway resolved once.
const bare = Fastify({ logger: false });
const ctx = () => ({ db, actor: toActor(world.marketRequester, world.market), requestId: 'bench', now: new Date() });
const catalogue = new CatalogueService({ db });
const requestService = new RequestService({ db, temporal, settings: config.temporal, policyProfile: DEFAULT_POLICY_NAME });
const usage = new UsageRecorder(db);
const gateway = await verifyServiceKey(db, key);
bare.get('/datasets', async () => catalogue.list(ctx(), { limit: 20 }));
bare.get('/requests/:id', async (request) => requestService.detail(ctx(), (request.params as { id: string }).id));
bare.post('/checks', async (request) => checkUseForExchange(db, usage, gateway, request.body as never, new Date(), String(request.id)));
await bare.listen({ host: '127.0.0.1', port: 0 });
const origin = (app: { server: { address(): unknown } }) => {
  const address = app.server.address() as { port: number };
  return `http://127.0.0.1:${address.port}`;
};

const check = { departmentId: world.market.id, datasetId: world.unconditional.id, fields: ['姓名'] };
const routes: { name: string; full: { path: string; init: RequestInit }; bare: { path: string; init: RequestInit } }[] = [
  {
    name: 'catalogue list',
    full: { path: '/api/v1/datasets?limit=20', init: { headers: { authorization: `Bearer ${token}` } } },
    bare: { path: '/datasets', init: {} },
  },
  {
    name: 'request detail',
    full: { path: `/api/v1/requests/${filed.id}`, init: { headers: { authorization: `Bearer ${token}` } } },
    bare: { path: `/requests/${filed.id}`, init: {} },
  },
  {
    name: 'grant check',
    full: {
      path: '/api/v1/exchange/checks',
      init: { method: 'POST', headers: { 'x-service-key': key, 'content-type': 'application/json' }, body: JSON.stringify(check) },
    },
    bare: { path: '/checks', init: { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(check) } },
  },
];

/** `CONCURRENCY` callers for `SECONDS`; every answer must be 200. */
async function drive(url: string, init: RequestInit): Promise<{ count: number; seconds: number; latencies: number[] }> {
  const latencies: number[] = [];
  const started = performance.now();
  const until = started + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < until) {
        const t0 = performance.now();
        const response = await fetch(url, init);
        await response.arrayBuffer();
        if (response.status !== 200) throw new Error(`${url}: ${response.status}`);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  return { count: latencies.length, seconds: (performance.now() - started) / 1000, latencies };
}
const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;

console.log(
  `load average before: ${loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}`,
);
console.log(`${TURNS} turns of ${SECONDS} s per side, ${CONCURRENCY} in flight, loopback HTTP`);
let missed = 0;
for (const route of routes) {
  // Warm-up: connections, JIT.
  await drive(origin(full) + route.full.path, route.full.init);
  await drive(origin(bare) + route.bare.path, route.bare.init);
  const sides = { full: [] as number[], bare: [] as number[], fullLatencies: [] as number[], bareLatencies: [] as number[] };
  for (let turn = 0; turn < TURNS; turn++) {
    const f = await drive(origin(full) + route.full.path, route.full.init);
    const b = await drive(origin(bare) + route.bare.path, route.bare.init);
    sides.full.push(f.count / f.seconds);
    sides.bare.push(b.count / b.seconds);
    sides.fullLatencies.push(...f.latencies);
    sides.bareLatencies.push(...b.latencies);
  }
  const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
  const ratio = mean(sides.full) / mean(sides.bare);
  if (ratio < GOAL) missed++;
  console.log(
    `${route.name.padEnd(16)} full ${mean(sides.full).toFixed(0).padStart(6)}/s (p50 ${percentile(sides.fullLatencies, 50).toFixed(1)} ms, p99 ${percentile(sides.fullLatencies, 99).toFixed(1)} ms)` +
      `   bare ${mean(sides.bare).toFixed(0).padStart(6)}/s (p50 ${percentile(sides.bareLatencies, 50).toFixed(1)} ms, p99 ${percentile(sides.bareLatencies, 99).toFixed(1)} ms)` +
      `   ratio ${ratio.toFixed(2)} ${ratio >= GOAL ? '(goal ≥ 0.70 met)' : '(goal ≥ 0.70 MISSED)'}`,
  );
}
console.log(
  `load average after: ${loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}`,
);
if (missed) console.log(`${missed} of ${routes.length} routes below the goal`);

await usage.close();
await bare.close();
await full.close();
await temporal.close();
await database.close();
