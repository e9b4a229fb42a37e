/**
 * The bounded load test (README, "Load test"), run by ./scripts/load, which starts PostgreSQL,
 * migrates it and hands over DATABASE_URL (the processes' login role), DATABASE_MIGRATION_URL
 * (the owner, for the driver's own reads) and LOAD_RUN_DIR. This file starts Temporal and the
 * platform's four processes (cluster.ts), seeds the demo data through the first API, drives the
 * load (mix.ts) while killing a worker and stopping Temporal at fixed times, prints the figures
 * (stats.ts) and checks that nothing was lost or duplicated (verify.ts).
 *
 * LOAD_SECONDS (180) the load's length: a worker is SIGKILLed at a quarter of it, Temporal stopped
 * at half of it for LOAD_OUTAGE_SECONDS (20, at most a fifth of the load); each disruption's window
 * lasts until the workers poll again and Temporal has no workflow task waiting for them, at most
 * LOAD_RECOVERY_SECONDS (60) after they poll. The pace: LOAD_FILERS (4)
 * loops aiming at LOAD_FILINGS_PER_S (2) filings a second, LOAD_DECIDERS (2) deciding as fast as
 * they can, LOAD_CHECKERS (2) at LOAD_CHECKS_PER_S (10), LOAD_READERS (2) at LOAD_READS_PER_S (2).
 * LOAD_SETTLE_SECONDS (150): how long the platform may take to settle after the load (every filed
 * request's workflow started); LOAD_DRAIN_SECONDS (30) how long to watch the notification relay
 * drain its backlog after that (its pace is reported; it must make progress).
 */
import { randomBytes } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Api } from './client.js';
import { Cluster } from './cluster.js';
import { Load, prepareWorld } from './mix.js';
import { percentile, Recorder, report } from './stats.js';
import { outboxBacklog, relayActivity, settle, usageTotals, verify } from './verify.js';
import { openPostgres } from '../../src/platform/db/client.js';
import { freePort } from '../../test/helpers/servers.js';

const number = (name: string, fallback: number) => {
  const value = Number(process.env[name] || fallback);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number`);
  return value;
};
const SECONDS = number('LOAD_SECONDS', 180);
const OUTAGE = Math.min(number('LOAD_OUTAGE_SECONDS', 20), SECONDS / 5);
const SETTLE = number('LOAD_SETTLE_SECONDS', 150);
const RECOVERY = number('LOAD_RECOVERY_SECONDS', 60);
const DRAIN = number('LOAD_DRAIN_SECONDS', 30);
const PACE = {
  filers: number('LOAD_FILERS', 4),
  filingsPerSecond: number('LOAD_FILINGS_PER_S', 2),
  deciders: number('LOAD_DECIDERS', 2),
  checkers: number('LOAD_CHECKERS', 2),
  checksPerSecond: number('LOAD_CHECKS_PER_S', 10),
  readers: number('LOAD_READERS', 2),
  readsPerSecond: number('LOAD_READS_PER_S', 2),
};
const TASK_QUEUE = 'gongxiang';
const OPS = [
  'draft',
  'file',
  'file (same key)',
  'read request',
  'approve',
  'refuse',
  'check',
  'dashboard/overview',
  'dashboard/open-items',
  'dashboard/departments',
  'dashboard/trends',
];

const root = fileURLToPath(new URL('../../', import.meta.url));
const runDir = process.env.LOAD_RUN_DIR;
const temporalCli = process.env.TEMPORAL_CLI_PATH;
const appUrl = process.env.DATABASE_URL;
const ownerUrl = process.env.DATABASE_MIGRATION_URL;
if (!runDir || !temporalCli || !appUrl || !ownerUrl) throw new Error('run through ./scripts/load');

const began = performance.now();
const log = (line: string) => console.log(`[${((performance.now() - began) / 1000).toFixed(0).padStart(4)} s] ${line}`);
const apiPorts: [number, number] = [await freePort(), await freePort()];
const temporalPort = await freePort();
const recorder = new Recorder();
const cluster = new Cluster(
  {
    root,
    runDir,
    temporalCli,
    temporalPort,
    env: {
      NODE_ENV: 'development', // demo sign-in, as the console uses it, is refused in production
      DATABASE_URL: appUrl,
      TEMPORAL_ADDRESS: `127.0.0.1:${temporalPort}`,
      TEMPORAL_TASK_QUEUE: TASK_QUEUE,
      MIGRATE_ON_START: 'false',
      TOKEN_SIGNING_KEYS: `load:${randomBytes(32).toString('base64')}`,
      DEMO_MODE: 'true',
      LOG_LEVEL: 'warn',
      // The limit is per user and process; a handful of demo users here file far faster than people do.
      RATE_LIMIT_WRITES_PER_MINUTE: '100000',
    },
    log,
  },
  () => recorder.now(),
);
const database = openPostgres(ownerUrl, 2);
/** Runs everything; true when the load test failed. */
async function run(): Promise<boolean> {
  try {
    log(
      `starting Temporal (127.0.0.1:${temporalPort}), 2 workers, 2 API processes (ports ${apiPorts.join(', ')}); the first API seeds the demo data`,
    );
    await cluster.startTemporal();
    cluster.start('worker1', 'worker');
    cluster.start('worker2', 'worker');
    cluster.start('api1', 'api', apiPorts[0], { SEED_DEMO_DATA: 'true' });
    cluster.start('api2', 'api', apiPorts[1]);
    await Promise.all([
      cluster.workerPolling('worker1', TASK_QUEUE),
      cluster.workerPolling('worker2', TASK_QUEUE),
      cluster.apiReady('api1', 300),
      cluster.apiReady('api2'),
    ]);
    const api = new Api(
      apiPorts.map((p) => `http://127.0.0.1:${p}`),
      recorder,
    );
    const world = await prepareWorld(api);
    const usageBefore = await usageTotals(database.db);
    const killAt = SECONDS * 0.25;
    const outageAt = SECONDS * 0.5;
    log(
      `load for ${SECONDS} s (${PACE.filers} filers aiming at ${PACE.filingsPerSecond} filings/s, ${PACE.deciders} deciders, ${PACE.checkers} checkers at ${PACE.checksPerSecond} checks/s, ${PACE.readers} dashboard readers at ${PACE.readsPerSecond} reads/s); worker1 SIGKILLed at ${killAt.toFixed(0)} s, Temporal stopped at ${outageAt.toFixed(0)} s for ${OUTAGE.toFixed(0)} s`,
    );

    const load = new Load(api, world, recorder);
    await load.oneAtATime(5);
    const alone = (op: string) => {
      const xs = recorder.samples.filter((s) => s.op === op && s.status < 300).map((s) => s.ms);
      return `${op} p50 ${percentile(xs, 50).toFixed(0)} ms (${xs.length})`;
    };
    log(`one at a time, before the load: ${['draft', 'file', 'read request', 'approve'].map(alone).join(', ')}`);
    log(`${await outboxBacklog(database.db)} notices (of the demo data and these filings) wait in the outbox as the load begins`);
    recorder.reset();
    const loadStartedAt = new Date();
    const until = async (t: number) => {
      while (recorder.now() < t) await new Promise((r) => setTimeout(r, 100));
    };
    const at = () => `${recorder.now().toFixed(0)} s`;
    // A disruption lasts until the workers have caught up with the workflow tasks it left waiting.
    const recovered = async (from: number) => {
      const backlog = await cluster.caughtUp(TASK_QUEUE, RECOVERY);
      log(
        backlog
          ? `${at()}: ${backlog === Infinity ? 'Temporal unreachable' : `${backlog} workflow tasks still waiting`} after ${RECOVERY} s of recovery; the window ends here`
          : `${at()}: no workflow task waiting any more (${(recorder.now() - from).toFixed(1)} s after the disruption began)`,
      );
      return recorder.now();
    };
    // At fixed times, whatever the other disruption's state: their windows may overlap (the
    // outage's then counts).
    const workerRestart = async () => {
      await until(killAt);
      const restart = recorder.open('worker restart');
      await cluster.kill('worker1');
      log(`${at()}: worker1 SIGKILLed; starting it again`);
      cluster.start('worker1', 'worker');
      await cluster.workerPolling('worker1', TASK_QUEUE);
      log(`${at()}: worker1 polls again (${(recorder.now() - restart.from).toFixed(1)} s after the kill)`);
      restart.to = await recovered(restart.from);
    };
    const temporalOutage = async () => {
      await until(outageAt);
      const outage = recorder.open('temporal outage');
      await cluster.stopTemporal();
      log(`${at()}: Temporal stopped`);
      await until(outage.from + OUTAGE);
      await cluster.startTemporal();
      log(`${at()}: Temporal started again`);
      await Promise.all([cluster.workerPolling('worker1', TASK_QUEUE), cluster.workerPolling('worker2', TASK_QUEUE)]);
      log(`${at()}: both workers poll again (${(recorder.now() - outage.from).toFixed(1)} s after the stop)`);
      outage.to = await recovered(outage.from);
    };
    const disruptions = Promise.all([workerRestart(), temporalOutage()]);
    await Promise.all([load.run(SECONDS, PACE), disruptions]);
    const end = Math.max(SECONDS, recorder.now());
    log(`load done; ${load.outcomes.filings.size} filings, waiting for the platform to settle`);

    const settled = await settle(database.db, SETTLE, DRAIN, log);
    log(
      settled.workflows && !settled.backlog
        ? `settled in ${settled.seconds.toFixed(0)} s`
        : `after ${settled.seconds.toFixed(0)} s: ${settled.workflows ? 'every filed request has its workflow' : 'NOT every filed request has its workflow'}; ${
            settled.backlog
          } notices still in the outbox (the relay dispatched ${settled.drainPerSecond.toFixed(1)}/s while waiting)`,
    );
    const checks = await verify(database.db, cluster.temporalAddress, load.outcomes, {
      serviceClientId: world.serviceClientId,
      usageBefore,
      loadStartedAt,
    });

    console.log(
      `\n${cpus().length} CPUs, load average ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}; two API and two worker processes\n`,
    );
    console.log(report(recorder, end, OPS));
    // A 503 with Retry-After says the workflow engine could not be reached or did not answer in
    // time: expected while Temporal is down or a worker restarts, and counted apart; any other 5xx
    // (or no answer at all) is a failure.
    const serverErrors = recorder.samples.filter((s) => s.status >= 500 || s.status === 0);
    const allowed = serverErrors.filter((s) => s.status === 503 && s.retryAfter && s.phase !== 'normal');
    const forbidden = serverErrors.filter((s) => !allowed.includes(s));
    const problems = [
      ...forbidden.map(
        (s) => `${s.op} answered ${s.status || 'nothing'} ${s.code ?? ''} at ${s.at.toFixed(1)} s (${s.phase}, api${s.api})`,
      ),
      ...load.outcomes.unexpected,
      ...(settled.workflows ? [] : [`filed requests still without their workflow ${settled.seconds.toFixed(0)} s after the load`]),
      ...(settled.backlog && settled.drainPerSecond <= 0 ? ['the notification relay dispatched nothing after the load'] : []),
      // A worker that cannot reach Temporal exits (src/server/main.ts) and is restarted: expected
      // during the outage; any other exit is a failure.
      ...cluster.supervisorEvents
        .filter((e) => !(e.role === 'worker' && recorder.phaseOf(e.at, e.at) === 'temporal outage'))
        .map((e) => `${e.name} exited by itself (code ${e.code}) at ${e.at.toFixed(0)} s and was restarted`),
    ];
    const during = (phase: string) => allowed.filter((s) => s.phase === phase).length;
    console.log(
      `\n503 with Retry-After: ${during('temporal outage')} while Temporal was down, ${during('worker restart')} while a worker restarted (allowed); other 5xx or no answer: ${forbidden.length}`,
    );
    for (const e of cluster.supervisorEvents) {
      console.log(
        `${e.name} exited by itself (code ${e.code}) at ${e.at.toFixed(0)} s (${recorder.phaseOf(e.at, e.at)}) and was restarted`,
      );
    }
    console.log('\nafter the load:');
    for (const c of checks) console.log(`  ${c.ok ? 'ok  ' : 'FAIL'} ${c.line}`);
    console.log(
      `  info ${settled.backlog} notices still in the outbox ${settled.seconds.toFixed(0)} s after the load, dispatched at ${settled.drainPerSecond.toFixed(1)}/s while waiting; ${await relayActivity(cluster.temporalAddress, TASK_QUEUE)}`,
    );
    if (problems.length) {
      console.log(`\n${problems.length} problems:`);
      for (const p of problems.slice(0, 30)) console.log(`  ${p}`);
      if (problems.length > 30) console.log(`  … and ${problems.length - 30} more`);
    }
    const failed = problems.length > 0 || checks.some((c) => !c.ok);
    console.log(failed ? '\nload test FAILED' : '\nload test passed: no 5xx, nothing lost, nothing duplicated');
    return failed;
  } finally {
    await cluster.stopAll();
    await database.close();
  }
}

process.exit((await run()) ? 1 : 0);
