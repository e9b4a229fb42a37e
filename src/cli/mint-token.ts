/** DEMO_MODE only: prints a bearer token for a seeded user. Usage: tsx src/cli/mint-token.ts <username> */
import { createTokenService } from '../identity/index.js';
import { systemClock } from '../platform/clock.js';
import { ConfigError, loadConfig } from '../platform/config.js';
import { openDatabase } from '../platform/db/client.js';
import { findUserByUsername } from '../identity/index.js';

const username = process.argv[2];
try {
  const config = loadConfig();
  if (!config.demoMode) throw new ConfigError(['DEMO_MODE: tokens are minted only in demo mode; production tokens come from sign-in']);
  if (!username) throw new ConfigError(['usage: mint-token <username>']);
  const database = await openDatabase(config.database);
  const user = await findUserByUsername(database.db, username);
  await database.close();
  if (!user || !user.active) throw new ConfigError([`no active user "${username}"`]);
  const { token, expiresAt } = await createTokenService(config.tokens).issue({ userId: user.id }, await systemClock.now());
  process.stdout.write(`${token}\n`);
  process.stderr.write(`token for ${username}, valid until ${expiresAt.toISOString()}\n`);
} catch (error) {
  process.stderr.write(`${error instanceof ConfigError ? error.message : String(error)}\n`);
  process.exit(1);
}
