import responseValidation from '@fastify/response-validation';
import type { FastifyInstance } from 'fastify';
import pino, { type Logger } from 'pino';
import { createActivities } from '../../src/server/activities.js';
import { systemClock, type Clock } from '../../src/platform/clock.js';
import type { Config } from '../../src/platform/config.js';
import { openDatabase, type DatabaseHandle } from '../../src/platform/db/client.js';
import { buildApp } from '../../src/server/app.js';
import { createResponseAjv } from '../../src/platform/http/validation.js';
import { connectTemporal, type TemporalHandle } from '../../src/platform/temporal/connection.js';
import { createWorker } from '../../src/platform/temporal/worker.js';
import { testConfig } from './env.js';

export interface TestApp {
  app: FastifyInstance;
  config: Config;
  database: DatabaseHandle;
  temporal: TemporalHandle;
  close(): Promise<void>;
}

/** Every response is checked against the OpenAPI contract; a mismatch becomes a 500. */
export async function validateResponses(app: FastifyInstance): Promise<void> {
  await app.register(responseValidation, { ajv: createResponseAjv() as never, responseStatusCodeValidation: true });
}

/**
 * The real application on the real test database and Temporal server, with responses validated
 * against the contract. Parts may be replaced (e.g. a database that is down, a test clock).
 */
export async function startTestApp(
  options: { config?: Config; database?: DatabaseHandle; temporal?: TemporalHandle; clock?: Clock; log?: Logger } = {},
): Promise<TestApp> {
  const config = options.config ?? testConfig();
  // The test command has migrated the database as its owner; the app connects as the app role.
  const database = options.database ?? (await openDatabase(config.database));
  const temporal = options.temporal ?? connectTemporal(config.temporal);
  const app = await buildApp(
    { config, database, temporal, clock: options.clock ?? systemClock, version: 'test', ...(options.log ? { log: options.log } : {}) },
    { beforeRoutes: validateResponses },
  );
  await app.ready();
  return {
    app,
    config,
    database,
    temporal,
    close: async () => {
      await app.close();
      if (!options.temporal) await temporal.close();
      if (!options.database) await database.close();
    },
  };
}

/**
 * The application and a real worker of its own (own task queue, on the shared Temporal dev
 * server), as production runs them: for HTTP tests whose requests must move through workflows.
 */
export async function startTestAppWithWorker(options: { config?: Config } = {}): Promise<TestApp> {
  const config = options.config ?? testConfig();
  const database = await openDatabase(config.database);
  const log = pino({ level: 'silent' });
  const { worker, connection } = await createWorker({
    settings: config.temporal,
    activities: createActivities({ db: database.db, log, clock: systemClock }),
    log,
  });
  const running = worker.run();
  const harness = await startTestApp({ config, database });
  return {
    ...harness,
    close: async () => {
      await harness.close();
      worker.shutdown();
      await running;
      await connection.close();
      await database.close();
    },
  };
}
