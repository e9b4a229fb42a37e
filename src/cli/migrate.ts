/** Applies the database migrations and exits: a release step before rolling out new processes. */
import { ConfigError, loadDatabaseConfig } from '../platform/config.js';
import { openDatabase } from '../platform/db/client.js';
import { migrateForSettings } from '../platform/db/migrate.js';

try {
  const settings = loadDatabaseConfig();
  const database = await openDatabase(settings);
  await migrateForSettings(settings, database);
  await database.close();
  process.stdout.write(`migrations applied (${settings.kind})\n`);
} catch (error) {
  process.stderr.write(`${error instanceof ConfigError ? error.message : String(error)}\n`);
  process.exit(1);
}
