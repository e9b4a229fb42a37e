import t from 'tap';
import { ConfigError, loadConfig, loadDatabaseConfig } from '../../src/platform/config.js';
import { signingKey } from '../helpers/env.js';

const valid = {
  TEMPORAL_ADDRESS: '127.0.0.1:7233',
  TOKEN_SIGNING_KEYS: signingKey('k1'),
};

function problemsOf(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

t.test('a minimal environment gives documented defaults and embedded PGlite', async (t) => {
  const config = loadConfig(valid);
  t.equal(config.env, 'development');
  t.same(config.http, { host: '127.0.0.1', port: 3000 });
  t.equal(config.logLevel, 'info');
  t.same(config.database, { kind: 'pglite', dataDir: '.data/pglite', migrateOnStart: true });
  t.same(config.temporal, { address: '127.0.0.1:7233', namespace: 'default', taskQueue: 'gongxiang' });
  t.equal(config.tokens.signingKeys[0]?.kid, 'k1');
  t.equal(config.tokens.signingKeys[0]?.secret.length, 32);
  t.equal(config.demoMode, false);
  t.equal(config.failpoints.size, 0);
});

t.test('DATABASE_URL selects PostgreSQL with its pool size', async (t) => {
  const config = loadConfig({ ...valid, DATABASE_URL: 'postgresql://app@db.internal:5432/gx', DATABASE_POOL_MAX: '25' });
  t.same(config.database, {
    kind: 'postgres',
    url: 'postgresql://app@db.internal:5432/gx',
    migrationUrl: 'postgresql://app@db.internal:5432/gx',
    migrateOnStart: true,
    poolMax: 25,
  });
  const split = loadConfig({
    ...valid,
    DATABASE_URL: 'postgres://api@db/gx',
    DATABASE_MIGRATION_URL: 'postgres://owner@db/gx',
    MIGRATE_ON_START: 'false',
  });
  t.match(
    split.database,
    { url: 'postgres://api@db/gx', migrationUrl: 'postgres://owner@db/gx', migrateOnStart: false },
    'migrations run as the schema owner',
  );
});

t.test("PDF documents read their fonts from Debian's fonts-noto-cjk folder unless DOCUMENT_FONT_DIR names another", async (t) => {
  t.same(loadConfig(valid).documents, { fontDir: '/usr/share/fonts/opentype/noto' });
  t.same(loadConfig({ ...valid, DOCUMENT_FONT_DIR: '/opt/fonts/noto-cjk' }).documents, { fontDir: '/opt/fonts/noto-cjk' });
});

t.test('empty variables count as unset', async (t) => {
  t.same(loadConfig({ ...valid, DATABASE_URL: '' }).database.kind, 'pglite');
});

t.test('a missing signing key is refused: secrets have no defaults', async (t) => {
  const problems = problemsOf({ TEMPORAL_ADDRESS: '127.0.0.1:7233' });
  t.equal(problems.length, 1);
  t.match(problems[0], /^TOKEN_SIGNING_KEYS: is required/);
});

t.test('signing keys must be long, named and distinct', async (t) => {
  t.matchOnly(problemsOf({ ...valid, TOKEN_SIGNING_KEYS: 'k1:c2hvcnQ=' }), [/key "k1" must carry at least 32 bytes/]);
  t.matchOnly(problemsOf({ ...valid, TOKEN_SIGNING_KEYS: `${signingKey('a')},${signingKey('a')}` }), [/key id "a" appears twice/]);
  t.matchOnly(problemsOf({ ...valid, TOKEN_SIGNING_KEYS: 'no-separator' }), [/key id "" must be/]);
  t.matchOnly(problemsOf({ ...valid, TOKEN_SIGNING_KEYS: ' , ' }), [/must name at least one key/]);
  const rotated = loadConfig({ ...valid, TOKEN_SIGNING_KEYS: `${signingKey('new')}, ${signingKey('old')}` });
  t.same(
    rotated.tokens.signingKeys.map((k) => k.kid),
    ['new', 'old'],
    'the first key signs, the others still verify',
  );
});

t.test('a bad database URL, Temporal address or port is named', async (t) => {
  const problems = problemsOf({ ...valid, DATABASE_URL: 'mysql://x/y', TEMPORAL_ADDRESS: 'localhost', PORT: '70000' });
  t.equal(problems.length, 3, 'every problem is reported at once');
  t.match(problems.join('\n'), /DATABASE_URL: must be a postgres:\/\/ or postgresql:\/\/ URL/);
  t.match(problems.join('\n'), /TEMPORAL_ADDRESS: must be host:port/);
  t.match(problems.join('\n'), /PORT:/);
  t.matchOnly(problemsOf({ ...valid, DATABASE_URL: 'not a url' }), [/DATABASE_URL/]);
  t.matchOnly(problemsOf({ TOKEN_SIGNING_KEYS: signingKey() }), [/TEMPORAL_ADDRESS: is required/]);
});

t.test('flags accept only true/false and levels only pino levels', async (t) => {
  t.equal(loadConfig({ ...valid, DEMO_MODE: 'true' }).demoMode, true);
  t.equal(loadConfig({ ...valid, DEMO_MODE: '0' }).demoMode, false);
  t.matchOnly(problemsOf({ ...valid, DEMO_MODE: 'yes' }), [/DEMO_MODE: must be true or false/]);
  t.matchOnly(problemsOf({ ...valid, LOG_LEVEL: 'verbose' }), [/LOG_LEVEL/]);
});

t.test('production refuses demo sign-in and failpoints', async (t) => {
  const problems = problemsOf({ ...valid, NODE_ENV: 'production', DEMO_MODE: 'true', GX_FAILPOINTS: 'x' });
  t.match(problems.join('\n'), /GX_FAILPOINTS: failpoints are for tests/);
  t.match(problems.join('\n'), /DEMO_MODE: demo sign-in cannot be enabled in production/);
  t.matchOnly(problemsOf({ ...valid, NODE_ENV: 'production' }), [/DATABASE_URL: production runs on PostgreSQL/], 'no PGlite in production');
  t.equal(loadConfig({ ...valid, NODE_ENV: 'production', DATABASE_URL: 'postgres://api@db/gx' }).database.kind, 'postgres');
  t.same([...loadConfig({ ...valid, NODE_ENV: 'test', GX_FAILPOINTS: 'a, b' }).failpoints], ['a', 'b']);
});

t.test('cross-origin access: no origin unless CORS_ORIGINS lists them, each an exact origin', async (t) => {
  t.same(loadConfig(valid).cors, { origins: [] }, 'closed by default');
  t.same(loadConfig({ ...valid, CORS_ORIGINS: '' }).cors, { origins: [] });
  t.same(
    loadConfig({ ...valid, CORS_ORIGINS: 'https://portal.example.gov.cn, http://127.0.0.1:5173,https://portal.example.gov.cn' }).cors,
    { origins: ['https://portal.example.gov.cn', 'http://127.0.0.1:5173'] },
    'a comma-separated list, spaces and repeats ignored',
  );
  for (const bad of [
    '*',
    'portal.example.gov.cn',
    'https://portal.example.gov.cn/',
    'https://Portal.example.gov.cn',
    'ftp://files.example.gov.cn',
  ])
    t.matchOnly(problemsOf({ ...valid, CORS_ORIGINS: `https://ok.example.gov.cn,${bad}` }), [/^CORS_ORIGINS: .* is not an origin/], bad);
});

t.test('the migrator reads only the database settings', async (t) => {
  t.same(loadDatabaseConfig({ DATABASE_URL: 'postgres://h/db' }), {
    kind: 'postgres',
    url: 'postgres://h/db',
    migrationUrl: 'postgres://h/db',
    migrateOnStart: true,
    poolMax: 10,
  });
  t.same(loadDatabaseConfig({ DATA_DIR: '/var/lib/gx' }), { kind: 'pglite', dataDir: '/var/lib/gx/pglite', migrateOnStart: true });
  t.throws(() => loadDatabaseConfig({ DATABASE_URL: 'x' }), ConfigError);
});
