import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import t from 'tap';
import { openDatabase, openPostgres, type DatabaseHandle } from '../../../src/platform/db/client.js';
import { migrateDatabase, migrationsFolder } from '../../../src/platform/db/migrate.js';
import { seedRuns } from '../../../src/platform/db/schema.js';
import { createFreshDatabase } from '../../helpers/db.js';

const journal = JSON.parse(readFileSync(join(migrationsFolder, 'meta/_journal.json'), 'utf8')) as { entries: { tag: string }[] };

async function appliedCount(handle: DatabaseHandle): Promise<number> {
  const rows = await handle.db.execute(sql`select count(*)::int as n from drizzle.__drizzle_migrations`);
  const list = (Array.isArray(rows) ? rows : (rows as { rows: { n: number }[] }).rows) as { n: number }[];
  return list[0]!.n;
}

async function tableNames(handle: DatabaseHandle): Promise<string[]> {
  const rows = await handle.db.execute(sql`select table_name from information_schema.tables where table_schema = 'public' order by 1`);
  const list = (Array.isArray(rows) ? rows : (rows as { rows: { table_name: string }[] }).rows) as { table_name: string }[];
  return list.map((r) => r.table_name);
}

t.test('every migration applies to an empty PostgreSQL database, and again is a no-op', async (t) => {
  const fresh = await createFreshDatabase();
  t.teardown(fresh.drop);
  const handle = openPostgres(fresh.url, 2);
  t.teardown(() => handle.close());

  t.same(await tableNames(handle), [], 'the database starts empty');
  await migrateDatabase(handle);
  t.equal(await appliedCount(handle), journal.entries.length, 'one record per journal entry');
  t.ok((await tableNames(handle)).includes('seed_runs'));
  await handle.db.insert(seedRuns).values({ step: 'probe', appliedAt: new Date() });

  await migrateDatabase(handle);
  t.equal(await appliedCount(handle), journal.entries.length, 'nothing is applied twice');
  t.equal(await handle.db.$count(seedRuns), 1, 'data survives a second migration');
});

t.test('concurrent migrators (replicas starting together) leave one consistent schema', async (t) => {
  const fresh = await createFreshDatabase();
  t.teardown(fresh.drop);
  const handles = Array.from({ length: 4 }, () => openPostgres(fresh.url, 2));
  t.teardown(() => Promise.all(handles.map((h) => h.close())));
  await Promise.all(handles.map((h) => migrateDatabase(h)));
  t.equal(await appliedCount(handles[0]!), journal.entries.length);
});

t.test('the same migrations build the same tables on embedded PGlite', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'gx-pglite-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const fresh = await createFreshDatabase();
  t.teardown(fresh.drop);
  const postgres = openPostgres(fresh.url, 1);
  t.teardown(() => postgres.close());
  await migrateDatabase(postgres);

  const pglite = await openDatabase({ kind: 'pglite', dataDir: join(dir, 'pglite'), migrateOnStart: true });
  await migrateDatabase(pglite);
  t.equal(await appliedCount(pglite), journal.entries.length);
  t.same(await tableNames(pglite), await tableNames(postgres));
  await pglite.ping();
  await pglite.close();

  const reopened = await openDatabase({ kind: 'pglite', dataDir: join(dir, 'pglite'), migrateOnStart: true });
  await migrateDatabase(reopened);
  t.equal(await appliedCount(reopened), journal.entries.length, 'a second start reuses the data folder');
  await reopened.close();
});
