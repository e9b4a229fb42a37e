/**
 * The whole relational schema, in one place. Migrations are generated from this file by
 * `drizzle-kit generate` (see drizzle.config.ts); hand-written SQL (roles, grants, triggers)
 * lives in drizzle-kit's custom migrations beside them.
 */
import { pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/** Demo-data steps applied by `./scripts/start`, so a second start reuses the data. */
export const seedRuns = pgTable('seed_runs', {
  step: text('step').primaryKey(),
  appliedAt: timestamp('applied_at', { withTimezone: true, mode: 'date' }).notNull(),
});
