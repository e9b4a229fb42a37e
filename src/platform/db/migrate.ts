import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import type { NodePgDatabase } from 'drizzle-orm/node-postgres';
import type { PgliteDatabase } from 'drizzle-orm/pglite';
import type { Config } from '../config.js';
import { openPostgres, type DatabaseHandle } from './client.js';

export const migrationsFolder = fileURLToPath(new URL('../../../migrations', import.meta.url));

/** Arbitrary constant naming the advisory lock that serializes concurrent migrators. */
const MIGRATION_LOCK_KEY = 4_715_515;

/**
 * Applies the generated migrations. Several processes (API replicas, workers, parallel test
 * files) may start at once: a session-level advisory lock lets one migrate while the others wait.
 */
export async function migrateDatabase(handle: DatabaseHandle): Promise<void> {
  if (handle.kind === 'pglite') {
    await migratePglite(handle.db as unknown as PgliteDatabase, { migrationsFolder });
    return;
  }
  const db = handle.db as unknown as NodePgDatabase;
  // A transaction-scoped lock keeps lock and release on one pooled connection.
  await db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${MIGRATION_LOCK_KEY})`);
    await migratePg(tx as unknown as NodePgDatabase, { migrationsFolder });
  });
}

/**
 * Migrates as the schema owner: PGlite through the process's own handle (it has one connection),
 * PostgreSQL through a short-lived connection on the migration URL, so the application's role
 * needs no DDL rights.
 */
export async function migrateForSettings(settings: Config['database'], handle: DatabaseHandle): Promise<void> {
  if (settings.kind === 'pglite') return migrateDatabase(handle);
  const owner = openPostgres(settings.migrationUrl, 1);
  try {
    await migrateDatabase(owner);
  } finally {
    await owner.close();
  }
}
