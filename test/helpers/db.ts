import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openPostgres, type DatabaseHandle } from '../../src/platform/db/client.js';
import { migrateDatabase } from '../../src/platform/db/migrate.js';
import { required } from './env.js';

export interface FreshDatabase {
  url: string;
  drop(): Promise<void>;
}

/** A new, empty database on the test cluster, for tests that need to see it empty. */
export async function createFreshDatabase(): Promise<FreshDatabase> {
  const adminUrl = required('TEST_PG_ADMIN_URL');
  const name = `gx_fresh_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      await client.query(`drop database if exists ${name} with (force)`);
      await client.end();
    },
  };
}

/**
 * A fresh database with every migration applied, opened as its owner, closed and dropped when
 * the test ends: for tests that tamper with data or must not see other files' rows.
 */
export async function openMigratedFreshDatabase(
  t: { teardown(fn: () => Promise<void>): void },
  poolMax = 2,
): Promise<{ url: string; handle: DatabaseHandle }> {
  const fresh = await createFreshDatabase();
  const handle = openPostgres(fresh.url, poolMax);
  t.teardown(async () => {
    await handle.close();
    await fresh.drop();
  });
  await migrateDatabase(handle);
  return { url: fresh.url, handle };
}
