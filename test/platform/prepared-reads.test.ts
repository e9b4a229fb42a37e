import { sql } from 'drizzle-orm';
import t from 'tap';
import { loadActiveUser } from '../../src/identity/service.js';
import { openMigratedFreshDatabase } from '../helpers/db.js';
import { createTestUser, createTestWorld } from '../helpers/identity.js';

// The hot reads run as named prepared statements, built once per database handle. Two handles
// (two pools, two databases) must each read their own rows, and a column added while the API
// runs (a migration of a rolling deployment) must not break a statement prepared before it.
const a = await openMigratedFreshDatabase(t, 2);
const b = await openMigratedFreshDatabase(t, 2);
const worldA = await createTestWorld(a.handle.db);
const worldB = await createTestWorld(b.handle.db);
const userA = await createTestUser(a.handle.db, worldA.police, ['requester']);
const userB = await createTestUser(b.handle.db, worldB.police, ['requester']);

t.test('each database handle reads its own rows through the same prepared read', async (t) => {
  t.equal((await loadActiveUser(a.handle.db, userA.id))?.user.username, userA.username);
  t.equal((await loadActiveUser(b.handle.db, userB.id))?.user.username, userB.username);
  t.equal(await loadActiveUser(a.handle.db, userB.id), undefined, 'B’s user is not in A');
  t.equal(await loadActiveUser(b.handle.db, userA.id), undefined, 'A’s user is not in B');
});

t.test('every pooled connection prepares the statement on first use and reuses it', async (t) => {
  const reads = await Promise.all(Array.from({ length: 12 }, () => loadActiveUser(a.handle.db, userA.id)));
  t.ok(
    reads.every((r) => r?.department.id === worldA.police.id),
    'twelve reads over two connections',
  );
  const prepared: unknown = await a.handle.db.execute(sql`select name from pg_prepared_statements where name = 'user_with_department'`);
  t.equal((prepared as { rows: unknown[] }).rows.length, 1, 'this connection holds it under its name');
});

t.test('a column added while running leaves the prepared read working and its answer unchanged', async (t) => {
  // Prepared on both connections first: the alteration must meet statements already planned.
  const before = await Promise.all([loadActiveUser(a.handle.db, userA.id), loadActiveUser(a.handle.db, userA.id)]);
  await a.handle.db.execute(sql`alter table users add column probe_note text default 'added'`);
  const after = await Promise.all([loadActiveUser(a.handle.db, userA.id), loadActiveUser(a.handle.db, userA.id)]);
  t.same(after, before);
  t.notOk('probeNote' in after[0]!.user, 'the read names its columns, so a new one does not change its rows');
});
