import { randomBytes, randomUUID } from 'node:crypto';
import { loadConfig, type Config } from '../../src/platform/config.js';

/** A variable the test command must have set; fails loudly rather than testing nothing. */
export function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the suite through ./scripts/test`);
  return value;
}

export function signingKey(kid = 'test'): string {
  return `${kid}:${randomBytes(32).toString('base64')}`;
}

/** The environment a test process runs the platform with: real PostgreSQL and Temporal. */
export function testEnv(overrides: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    DATABASE_URL: required('DATABASE_URL'),
    TEMPORAL_ADDRESS: required('TEMPORAL_ADDRESS'),
    // Each test file polls its own task queue, so parallel files never take each other's tasks.
    TEMPORAL_TASK_QUEUE: `test-${randomUUID()}`,
    TOKEN_SIGNING_KEYS: signingKey(),
    ...overrides,
  };
}

export function testConfig(overrides: NodeJS.ProcessEnv = {}): Config {
  return loadConfig(testEnv(overrides));
}

/**
 * The environment for a child process a test spawns. tap passes its coverage hooks to every
 * descendant (NODE_OPTIONS, _TAPJS_PROCESSINFO_*); children run by other loaders (tsx,
 * drizzle-kit's esbuild) then report coverage whose source maps tap cannot merge with its own,
 * which corrupts the whole report. So children report none; their code is covered in-process.
 */
export function childEnv(overrides: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(
      ([name]) => name !== 'NODE_OPTIONS' && name !== 'NODE_V8_COVERAGE' && !name.startsWith('_TAPJS_PROCESSINFO'),
    ),
  );
  return { ...inherited, ...overrides };
}
