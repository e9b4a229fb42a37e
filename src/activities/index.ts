import type { Logger } from 'pino';
import type { Db } from '../db/client.js';

/** What activities may touch. Workflows never see these; they call activities by name. */
export interface ActivityDeps {
  db: Db;
  log: Logger;
}

/**
 * Builds every activity the worker registers. Activities are top-level (not owned by one
 * workflow), do the I/O, and receive business instants from their workflow, never from a clock.
 */
export function createActivities(_deps: ActivityDeps) {
  return {};
}

export type Activities = ReturnType<typeof createActivities>;
