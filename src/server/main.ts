/**
 * Process entry. `tsx src/server/main.ts api|worker|all`:
 * - `api`    serves HTTP (stateless; run as many as needed behind a load balancer);
 * - `worker` runs Temporal workflows and activities (stateless; scale out the same way);
 * - `all`    both in one process — required with embedded PGlite, which has one connection.
 */
import { readFileSync } from 'node:fs';
import pino, { type Logger } from 'pino';
import { createActivities } from './activities.js';
import { ledgerRewriteRights } from '../audit/index.js';
import { systemClock } from '../platform/clock.js';
import { ConfigError, loadConfig, type Config } from '../platform/config.js';
import { openDatabase, type DatabaseHandle } from '../platform/db/client.js';
import { migrateForSettings } from '../platform/db/migrate.js';
import { seedDemoData } from '../platform/seeding.js';
import { demoSeedSteps } from '../demo/steps.js';
import { enableFailpoints } from '../platform/failpoints.js';
import { buildApp } from './app.js';
import { loggerOptions } from '../platform/logger.js';
import { ensureReconcilerSchedule } from '../reconciliation/index.js';
import { ensureDashboardRollups } from '../dashboard/index.js';
import { ensureNotificationRelay } from '../notifications/index.js';
import { connectTemporal, type TemporalHandle } from '../platform/temporal/connection.js';
import { importPublishedSchedules } from '../calendar/index.js';
import { recomputeOpenClocks } from '../sla/index.js';
import { signalMovedDeadlines } from '../sla/index.js';
import { installTemporalRuntime } from '../platform/temporal/runtime.js';
import { createWorker } from '../platform/temporal/worker.js';

type Role = 'api' | 'worker' | 'all';

function parseRole(argument: string | undefined, config: Config): Role {
  const role = argument ?? 'all';
  if (role !== 'api' && role !== 'worker' && role !== 'all') {
    throw new ConfigError([`process role "${role}" must be api, worker or all`]);
  }
  if (config.database.kind === 'pglite' && role !== 'all') {
    throw new ConfigError([
      `DATABASE_URL: unset means embedded PGlite, which has one connection, so role "${role}" cannot run alone; use "all" or set DATABASE_URL`,
    ]);
  }
  return role;
}

/** What the process's parts share once the database is open. */
interface Runtime {
  config: Config;
  database: DatabaseHandle;
  temporal: TemporalHandle;
  log: Logger;
}

async function main(): Promise<void> {
  const { config, role } = loadSettings();
  enableFailpoints(config.failpoints);
  const log = pino(loggerOptions(config));
  const version = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

  const database = await openDatabase(config.database);
  await prepareDatabase(config, database, log);
  const staleClocks = await catchUpWithCalendar(database, log);

  const stops: (() => Promise<void>)[] = [];
  let workerRun: Promise<void> | undefined;
  const temporal = connectTemporal(config.temporal);
  const runtime: Runtime = { config, database, temporal, log };

  if (role === 'worker' || role === 'all') {
    const worker = await startWorker(runtime);
    workerRun = worker.run;
    stops.push(worker.stop);
  }
  if (role === 'api' || role === 'all') stops.unshift(await startApi(runtime, version));
  stops.push(() => temporal.close());
  await signalMovedDeadlines(temporal.client, staleClocks, database.db);
  stopOnSignals(stops, database, log);

  // A worker that dies on its own (e.g. Temporal lost for good) takes the process down, so a
  // supervisor restarts it instead of leaving a half-alive process.
  workerRun?.catch((error: unknown) => {
    log.fatal({ err: error }, 'worker stopped unexpectedly');
    process.exit(1);
  });
}

/** The configuration and the process role; a configuration problem is printed and ends the process. */
function loadSettings(): { config: Config; role: Role } {
  try {
    const config = loadConfig();
    return { config, role: parseRole(process.argv[2], config) };
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}

/** Applies the migrations when asked to, and checks the processes cannot rewrite the audit ledger. */
async function prepareDatabase(config: Config, database: DatabaseHandle, log: Logger): Promise<void> {
  if (config.database.migrateOnStart) {
    await migrateForSettings(config.database, database);
    log.info({ database: database.kind }, 'migrations applied');
  }
  // The ledger is append-only only if the processes run as a role that cannot rewrite it.
  const rewriteRights = database.kind === 'postgres' ? await ledgerRewriteRights(database.db) : [];
  if (rewriteRights.length) {
    const message = `the database role in DATABASE_URL may ${rewriteRights.join(', ')} the audit ledger; run the processes as a member of gongxiang_app (README, Production)`;
    if (config.env === 'production') {
      log.fatal(message);
      process.exit(1);
    }
    log.warn(message);
  }
}

/** Imports the holiday schedules published since the last start; returns the clocks that moved. */
async function catchUpWithCalendar(database: DatabaseHandle, log: Logger) {
  const imported = await importPublishedSchedules(database.db, { actor: { kind: 'system', role: 'script' }, at: await systemClock.now() });
  if (imported.length) log.info({ years: imported }, 'published holiday schedules imported');
  // Reconcile: clocks left on an older calendar version (e.g. a crash after a publication).
  return recomputeOpenClocks(database.db, await systemClock.now(), { actor: { kind: 'system', role: 'script' } });
}

/** Runs the Temporal worker and makes sure its long-running workflows exist; `stop` drains it. */
async function startWorker({ config, database, temporal, log }: Runtime): Promise<{ run: Promise<void>; stop: () => Promise<void> }> {
  installTemporalRuntime(log);
  const { worker, connection } = await createWorker({
    settings: config.temporal,
    activities: createActivities({
      db: database.db,
      log,
      clock: systemClock,
      allowPrivateWebhookTargets: config.allowPrivateWebhookTargets,
      temporal: { client: temporal.client, taskQueue: config.temporal.taskQueue },
    }),
    log,
  });
  const run = worker.run();
  await ensureNotificationRelay(temporal.client, config.temporal);
  await ensureReconcilerSchedule(temporal.client, config.temporal);
  await ensureDashboardRollups(temporal.client, config.temporal);
  const stop = async () => {
    if (worker.getState() === 'RUNNING') worker.shutdown();
    await run;
    await connection.close();
  };
  return { run, stop };
}

/** Serves HTTP, after seeding the demo data when asked to; returns how to close the server. */
async function startApi({ config, database, temporal, log }: Runtime, version: string): Promise<() => Promise<void>> {
  const app = await buildApp({ config, database, temporal, clock: systemClock, version, log });
  if (config.seedDemoData) {
    await seedDemoData(
      { db: database.db, clock: systemClock, log, temporal: { client: temporal.client, settings: config.temporal } },
      demoSeedSteps,
    );
  }
  await app.listen({ host: config.http.host, port: config.http.port });
  return () => app.close();
}

/** On SIGINT or SIGTERM, runs the stops in order once, closes the database and exits. */
function stopOnSignals(stops: readonly (() => Promise<void>)[], database: DatabaseHandle, log: Logger): void {
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    for (const s of stops) await s();
    await database.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((error: unknown) => {
  process.stderr.write(`gongxiang failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
