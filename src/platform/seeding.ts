import type { Logger } from 'pino';
import type { Client } from '@temporalio/client';
import type { Clock } from './clock.js';
import type { Config } from './config.js';
import type { Db } from './db/client.js';
import { seedRuns } from './db/schema.js';

export interface SeedContext {
  db: Db;
  clock: Clock;
  log: Logger;
  /** For steps that start workflows (requests); the worker runs in the same process then. */
  temporal?: { client: Client; settings: Config['temporal'] };
}

/** One capability's share of the demo data, created through that capability's own services. */
export interface SeedStep {
  name: string;
  run(context: SeedContext): Promise<void>;
}

/** Every capability appends its step here, in dependency order (see src/demo/steps.ts). */

/**
 * Seeds the demo data on a database that was never seeded; a second start reuses what is there.
 * Each applied step is recorded so the log says what the data is made of.
 */
export async function seedDemoData(context: SeedContext, steps: SeedStep[]): Promise<'seeded' | 'reused'> {
  const applied = await context.db.$count(seedRuns);
  if (applied > 0) {
    context.log.info({ steps: applied }, 'demo data present: reusing it');
    return 'reused';
  }
  for (const step of steps) {
    await step.run(context);
    await context.db.insert(seedRuns).values({ step: step.name, appliedAt: await context.clock.now() });
    context.log.info({ step: step.name }, 'demo data seeded');
  }
  return 'seeded';
}
