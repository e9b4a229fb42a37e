import { spawnSync } from 'node:child_process';
import t from 'tap';
import { createTokenService } from '../../src/identity/tokens.js';
import { loadConfig } from '../../src/platform/config.js';
import { childEnv, required, signingKey } from '../helpers/env.js';
import { openDatabase } from '../../src/platform/db/client.js';
import { createTestUser, createTestWorld } from '../helpers/identity.js';

const key = signingKey('cli');
const env = (extra: NodeJS.ProcessEnv) =>
  childEnv({ DATABASE_URL: required('DATABASE_URL'), TEMPORAL_ADDRESS: required('TEMPORAL_ADDRESS'), TOKEN_SIGNING_KEYS: key, ...extra });
const mint = (username: string | undefined, extra: NodeJS.ProcessEnv) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/mint-token.ts', ...(username ? [username] : [])], {
    env: env(extra),
    encoding: 'utf8',
  });

t.test('mint-token prints a working token for an active user, only in demo mode', async (t) => {
  const config = loadConfig(env({ NODE_ENV: 'test' }));
  const database = await openDatabase(config.database);
  t.teardown(() => database.close());
  const world = await createTestWorld(database.db);
  const inactive = await createTestUser(database.db, world.police, ['requester'], false);

  const minted = mint(world.policeReviewer.username, { DEMO_MODE: 'true' });
  t.equal(minted.status, 0, minted.stderr);
  const token = minted.stdout.trim();
  t.same(await createTokenService(config.tokens).verify(token, new Date()), { userId: world.policeReviewer.id });
  t.match(minted.stderr, /valid until/);

  const refused = mint(world.policeReviewer.username, { DEMO_MODE: 'false' });
  t.equal(refused.status, 1);
  t.match(refused.stderr, /only in demo mode/);
  t.equal(refused.stdout, '');
  t.match(mint(inactive.username, { DEMO_MODE: 'true' }).stderr, /no active user/);
  t.match(mint(undefined, { DEMO_MODE: 'true' }).stderr, /usage: mint-token <username>/);
});
