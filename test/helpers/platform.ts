/**
 * The whole platform as production runs it, on loopback, for tests that talk to it from outside
 * (the contract fuzzer, the browser): the API listening on a free port, a Temporal worker and the
 * notification relay of its own, on a fresh migrated database of its own (with the calendar
 * imported), so what its callers publish never reaches other test files.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import type { FastifyInstance } from 'fastify';
import pino, { type Logger } from 'pino';
import { importPublishedSchedules } from '../../src/calendar/service.js';
import { ensureNotificationRelay, relayWorkflowId } from '../../src/notifications/relay.js';
import { systemClock } from '../../src/platform/clock.js';
import type { Config } from '../../src/platform/config.js';
import { openDatabase, openPostgres, type DatabaseHandle } from '../../src/platform/db/client.js';
import { migrateDatabase } from '../../src/platform/db/migrate.js';
import { connectTemporal, type TemporalHandle } from '../../src/platform/temporal/connection.js';
import { createWorker } from '../../src/platform/temporal/worker.js';
import { ensureReconcilerSchedule, reconcilerScheduleId } from '../../src/reconciliation/index.js';
import { createActivities } from '../../src/server/activities.js';
import { buildApp } from '../../src/server/app.js';
import { validateResponses } from './app.js';
import { createFreshDatabase } from './db.js';
import { required, testConfig } from './env.js';

export interface Platform {
  url: string;
  config: Config;
  database: DatabaseHandle;
  temporal: TemporalHandle;
  log: Logger;
  /** Runs at close, before the platform's own teardown (last registered first). */
  onClose(closer: () => Promise<void>): void;
  close(): Promise<void>;
}

export async function startPlatform(options: { logDir: string; env?: NodeJS.ProcessEnv }): Promise<Platform> {
  const closers: (() => Promise<void>)[] = [];
  const close = async () => {
    for (const c of closers.reverse()) await c().catch(() => {});
  };
  try {
    const fresh = await createFreshDatabase();
    closers.push(() => fresh.drop());
    // Migrations and the calendar as the owner; the API as the suite's own login role, as in production.
    const owner = openPostgres(fresh.url, 2);
    try {
      await migrateDatabase(owner);
      await importPublishedSchedules(owner.db, { actor: { kind: 'system', role: 'script' }, at: new Date() });
    } finally {
      await owner.close();
    }
    const appUrl = new URL(required('DATABASE_URL'));
    appUrl.pathname = new URL(fresh.url).pathname;
    const config = testConfig({ DATABASE_URL: appUrl.toString(), DATABASE_POOL_MAX: '10', ...options.env });
    const database = await openDatabase(config.database);
    closers.push(() => database.close());
    const temporal = connectTemporal(config.temporal);
    closers.push(() => temporal.close());

    // What the API and the worker log at warn and above goes to a file, to explain a failure.
    mkdirSync(options.logDir, { recursive: true });
    rmSync(join(options.logDir, 'api.log'), { force: true });
    const log = pino({ level: 'warn' }, pino.destination({ dest: join(options.logDir, 'api.log'), sync: true }));
    // The worker's own logging (bundling, state changes) would drown the test's report.
    try {
      Runtime.install({ logger: new DefaultLogger('WARN') });
    } catch {
      // already installed in this process
    }
    const { worker, connection } = await createWorker({
      settings: config.temporal,
      activities: createActivities({
        db: database.db,
        log,
        clock: systemClock,
        temporal: { client: temporal.client, taskQueue: config.temporal.taskQueue },
      }),
      log,
    });
    const running = worker.run();
    closers.push(async () => {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
      await connection.close();
    });
    // The relay turns committed notices into inbox messages (and webhook deliveries) on this task queue.
    await ensureNotificationRelay(temporal.client, config.temporal, { pollIntervalMs: 500, batchSize: 50 });
    closers.push(() =>
      temporal.client.workflow
        .getHandle(relayWorkflowId(config.temporal.taskQueue))
        .terminate('test platform closed')
        .then(() => {}),
    );
    // The reconciler's schedule, as a worker makes it: hourly (a test starts a run when it wants one).
    await ensureReconcilerSchedule(temporal.client, config.temporal, { everyMs: 3_600_000, input: { graceMs: 1_000, pageSize: 100 } });
    closers.push(() => temporal.client.schedule.getHandle(reconcilerScheduleId(config.temporal.taskQueue)).delete());
    const app: FastifyInstance = await buildApp(
      { config, database, temporal, clock: systemClock, version: 'test', log },
      { beforeRoutes: validateResponses },
    );
    await app.listen({ host: '127.0.0.1', port: 0 });
    closers.push(() => app.close());
    const { port } = app.server.address() as { port: number };
    return { url: `http://127.0.0.1:${port}`, config, database, temporal, log, onClose: (c) => closers.push(c), close };
  } catch (error) {
    await close();
    throw error;
  }
}
