/**
 * Filing throughput: filings per second through the API (HTTP inject, authenticated, contract
 * checked; a filing counts once its row, audit entries and workflow start are acknowledged) next
 * to bare workflow starts per second on the same Temporal server, and the filing API's latency.
 * Needs DATABASE_URL and TEMPORAL_ADDRESS (./scripts/bench starts throwaway servers). No worker
 * runs: the started workflows wait on a task queue of their own, which the throwaway server drops.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { createTokenService } from '../src/identity/tokens.js';
import { systemClock } from '../src/platform/clock.js';
import { loadConfig } from '../src/platform/config.js';
import { openDatabase } from '../src/platform/db/client.js';
import { migrateForSettings } from '../src/platform/db/migrate.js';
import { buildApp } from '../src/server/app.js';
import { createDraft, MAX_OPEN_DRAFTS_PER_USER } from '../src/requests/filing.js';
import { toActor } from '../src/identity/actor.js';
import { currentCommitment } from '../src/requests/policy.js';
import { REQUEST_WORKFLOW } from '../workflows/request-api.js';
import { connectTemporal } from '../src/platform/temporal/connection.js';
import { createTestUser } from '../test/helpers/identity.js';
import { createRequestWorld, draftFor } from '../test/helpers/requests.js';
import { cpuPerUnit, measureCpu, profiled } from './lib/process-cpu.js';

const FILINGS = Number(process.env.BENCH_FILINGS ?? 600);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const taskQueue = `bench-filing-${randomBytes(4).toString('hex')}`;
const config = loadConfig({
  ...process.env,
  TOKEN_SIGNING_KEYS: `bench:${randomBytes(32).toString('base64')}`,
  LOG_LEVEL: 'silent',
  TEMPORAL_TASK_QUEUE: taskQueue,
  DATABASE_POOL_MAX: String(CONCURRENCY + 2),
});
const database = await openDatabase(config.database);
await migrateForSettings(config.database, database);
const db = database.db;
const temporal = connectTemporal(config.temporal);
const app = await buildApp({ config, database, temporal, clock: systemClock, version: 'bench' });
await app.ready();
const world = await createRequestWorld(db);
const { version } = await currentCommitment(db);

// A user keeps at most MAX_OPEN_DRAFTS_PER_USER drafts, so the filings come from enough
// requester users of the department (which also keeps each under the per-user write limit).
const tokens = createTokenService(config.tokens);
const drafts: Array<{ id: string; token: string }> = [];
for (let i = 0; i < FILINGS + 20; i += MAX_OPEN_DRAFTS_PER_USER) {
  const user = await createTestUser(db, world.market, ['requester']);
  const { token } = await tokens.issue({ userId: user.id }, new Date());
  const ctx = { ...world.as(world.marketRequester), actor: toActor(user, world.market), now: new Date() };
  for (let j = i; j < Math.min(i + MAX_OPEN_DRAFTS_PER_USER, FILINGS + 20); j++)
    drafts.push({ id: (await createDraft(ctx, draftFor(world.unconditional.id, { fields: ['姓名'] }))).id, token });
}

/** Runs `count` calls with `CONCURRENCY` in flight; returns per-call latencies and the wall time. */
async function pool(count: number, call: (i: number) => Promise<void>): Promise<{ latencies: number[]; seconds: number }> {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (let i = next++; i < count; i = next++) {
        const t0 = performance.now();
        await call(i);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  return { latencies, seconds: (performance.now() - started) / 1000 };
}
const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;

async function file({ id, token }: { id: string; token: string }): Promise<void> {
  const res = await app.inject({
    method: 'POST',
    url: `/api/v1/requests/${id}/filing`,
    headers: { authorization: `Bearer ${token}` },
    payload: { commitmentVersion: version, acceptCommitment: true },
  });
  if (res.statusCode !== 201) throw new Error(res.body);
}

// Warm-up: connections, JIT, the first workflow start.
for (const draft of drafts.splice(0, 20)) await file(draft);

let cpu = measureCpu();
const filing = await profiled(process.env.BENCH_CPU_PROFILE, () => pool(FILINGS, (i) => file(drafts[i]!)));
const filingCpu = cpu();
cpu = measureCpu();
const starts = await pool(FILINGS, async () => {
  await temporal.client.workflow.start(REQUEST_WORKFLOW, {
    taskQueue,
    workflowId: `bench-bare-${randomUUID()}`,
    args: [{ requestId: randomUUID() }],
  });
});
const startCpu = cpu();

const perSecond = (r: { latencies: number[]; seconds: number }) => r.latencies.length / r.seconds;
const ms = (x: number) => `${x.toFixed(1)} ms`;
console.log(`${FILINGS} filings and ${FILINGS} bare workflow starts, ${CONCURRENCY} in flight, task queue ${taskQueue}`);
console.log(
  `filings through the API   ${perSecond(filing).toFixed(1).padStart(7)} /s   p50 ${ms(percentile(filing.latencies, 50))}   p99 ${ms(percentile(filing.latencies, 99))}`,
);
console.log(
  `bare workflow starts      ${perSecond(starts).toFixed(1).padStart(7)} /s   p50 ${ms(percentile(starts.latencies, 50))}   p99 ${ms(percentile(starts.latencies, 99))}`,
);
console.log(cpuPerUnit(filingCpu, FILINGS, 'filing      '));
console.log(cpuPerUnit(startCpu, FILINGS, 'bare start  '));
console.log(`ratio filings / bare starts: ${(perSecond(filing) / perSecond(starts)).toFixed(2)}`);

await app.close();
await temporal.close();
await database.close();
