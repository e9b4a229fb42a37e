/**
 * Tables made by hand-written SQL (what drizzle-kit cannot express, e.g. partitioning), declared
 * here for queries only: drizzle.config.ts reads schema.ts alone, so these never reach a
 * generated migration. Their DDL is in the migration named beside each.
 */
import { bigint, boolean, date, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

const instant = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/** Every check the exchange asked (安全监管), append-only, partitioned by month (0022). */
export const grantUsage = pgTable('grant_usage', {
  id: bigint('id', { mode: 'number' }).notNull(),
  checkedAt: instant('checked_at').notNull(),
  clientId: uuid('client_id').notNull(),
  grantId: uuid('grant_id'),
  departmentId: uuid('department_id').notNull(),
  datasetId: uuid('dataset_id').notNull(),
  scenarioId: uuid('scenario_id'),
  fields: text('fields').array().notNull(),
  allowed: boolean('allowed').notNull(),
  reason: text('reason'),
  fieldsOutside: text('fields_outside').array().notNull(),
  httpRequestId: text('http_request_id'),
});

/** Checks per day, grant (or department and dataset without one) and outcome (0022). */
export const grantUsageDaily = pgTable('grant_usage_daily', {
  day: date('day', { mode: 'string' }).notNull(),
  grantId: uuid('grant_id'),
  departmentId: uuid('department_id').notNull(),
  datasetId: uuid('dataset_id').notNull(),
  allowed: boolean('allowed').notNull(),
  /** '' when allowed. */
  reason: text('reason').notNull(),
  checks: bigint('checks', { mode: 'number' }).notNull(),
});

/** Uses of each field per day, grant and outcome (0022). */
export const grantUsageFieldDaily = pgTable('grant_usage_field_daily', {
  day: date('day', { mode: 'string' }).notNull(),
  grantId: uuid('grant_id'),
  departmentId: uuid('department_id').notNull(),
  datasetId: uuid('dataset_id').notNull(),
  field: text('field').notNull(),
  allowed: boolean('allowed').notNull(),
  uses: bigint('uses', { mode: 'number' }).notNull(),
});
