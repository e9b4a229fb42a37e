/**
 * The set-up of every test that moves requests through their workflows with skipped time: a
 * time-skipping Temporal test server, a worker on it with the real activities (reading the test
 * server's clock), the database, and — for HTTP tests — the real application on that clock.
 * Everything is torn down with the test file.
 */
import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { clockFrom } from '../../src/platform/clock.js';
import { openDatabase, type DatabaseHandle } from '../../src/platform/db/client.js';
import { createActivities } from '../../src/server/activities.js';
import { startTestApp } from './app.js';
import { testConfig } from './env.js';
import { temporalOf } from './requests.js';
import { createTestWorker, startTimeSkippingServer } from './temporal.js';

interface Teardown {
  teardown(fn: () => unknown): void;
}

const workflowsPath = new URL('../../workflows/index.ts', import.meta.url).pathname;

/**
 * Starts the servers and the worker. `database`: one the file opened itself (an isolated one);
 * by default the shared test database. `app`: also the HTTP application on the same clock.
 */
export async function startTimeSkipping<App extends boolean = false>(t: Teardown, options: { database?: DatabaseHandle; app?: App } = {}) {
  const env = await startTimeSkippingServer();
  const clock = clockFrom(() => env.currentTimeMs());
  const queue = `test-${randomUUID()}`;
  const database = options.database ?? (await openDatabase(testConfig().database));
  const { worker, taskQueue } = await createTestWorker(
    env,
    workflowsPath,
    createActivities({ db: database.db, log: pino({ level: 'silent' }), clock, temporal: { client: env.client, taskQueue: queue } }),
    queue,
  );
  const harness = options.app
    ? await startTestApp({ config: testConfig({ TEMPORAL_TASK_QUEUE: taskQueue }), database, clock, temporal: temporalOf(env) })
    : null;
  const running = worker.run();
  t.teardown(async () => {
    await harness?.close();
    worker.shutdown();
    await running;
    await env.teardown();
    if (!options.database) await database.close();
  });
  return {
    env,
    clock,
    database,
    db: database.db,
    /** The Temporal settings the API would use, on the worker's task queue. */
    settings: { ...testConfig().temporal, taskQueue },
    /** The test server's business time. */
    now: async () => new Date(await env.currentTimeMs()),
    /** Skips business time by whole hours, letting the worker act on what falls due. */
    skipHours: (hours: number) => env.sleep(hours * 60 * 60 * 1000),
    harness: harness as App extends true ? NonNullable<typeof harness> : null,
  };
}

/** 10:00 Asia/Shanghai on a date. */
export const tenOn = (date: string) => Date.parse(`${date}T10:00:00+08:00`);

/**
 * Skips the test server's clock to 10:00 on a date. Hand-computed fixtures sit years ahead (in a
 * year whose weekdays and holidays match the worked example) so that they never fall in the past;
 * the skip goes 20 days at a time because the SDK's sleep takes a Node timer (at most 24.8 days).
 */
export async function skipTo(env: { currentTimeMs(): Promise<number>; sleep(ms: number): Promise<void> }, date: string) {
  const target = tenOn(date);
  if ((await env.currentTimeMs()) > target) throw new Error(`the test server's clock is past ${date}`);
  for (let left = target - (await env.currentTimeMs()); left > 0; left = target - (await env.currentTimeMs()))
    await env.sleep(Math.min(left, 20 * 24 * 60 * 60 * 1000));
}
