import { randomBytes } from 'node:crypto';
import pg from 'pg';
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
