/** Imports the State Council schedules shipped in the pinned `chinese-days` package that PostgreSQL lacks. */
import { importPublishedSchedules } from '../calendar/index.js';
import { systemClock } from '../platform/clock.js';
import { ConfigError, loadDatabaseConfig } from '../platform/config.js';
import { openDatabase } from '../platform/db/client.js';

try {
  const database = await openDatabase(loadDatabaseConfig());
  const imported = await importPublishedSchedules(database.db, { actor: { kind: 'system', role: 'script' }, at: await systemClock.now() });
  await database.close();
  process.stdout.write(
    imported.length ? `imported the published schedules of ${imported.join(', ')}\n` : 'every published schedule is already held\n',
  );
} catch (error) {
  process.stderr.write(`${error instanceof ConfigError ? error.message : String(error)}\n`);
  process.exit(1);
}
