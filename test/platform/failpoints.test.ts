import { spawnSync } from 'node:child_process';
import t from 'tap';
import { childEnv, signingKey } from '../helpers/env.js';

const child = new URL('../fixtures/failpoint-child.ts', import.meta.url).pathname;
const baseEnv = childEnv({ TEMPORAL_ADDRESS: '127.0.0.1:7233', TOKEN_SIGNING_KEYS: signingKey() });

t.test('an enabled failpoint kills its process with SIGKILL at that point, and only there', async (t) => {
  const run = spawnSync(process.execPath, ['--import', 'tsx', child], {
    env: { ...baseEnv, NODE_ENV: 'test', GX_FAILPOINTS: 'after-commit' },
    encoding: 'utf8',
  });
  t.equal(run.signal, 'SIGKILL');
  t.equal(run.stdout, 'passed not-enabled\n', 'the process died exactly at the enabled failpoint');
  t.match(run.stderr, /failpoint after-commit reached/);
});

t.test('without GX_FAILPOINTS every failpoint is passed', async (t) => {
  const run = spawnSync(process.execPath, ['--import', 'tsx', child], {
    env: { ...baseEnv, NODE_ENV: 'test', GX_FAILPOINTS: '' },
    encoding: 'utf8',
  });
  t.equal(run.status, 0);
  t.equal(run.stdout, 'passed not-enabled\npassed after-commit\n');
});

t.test('production refuses to start with failpoints configured', async (t) => {
  const run = spawnSync(process.execPath, ['--import', 'tsx', child], {
    env: { ...baseEnv, NODE_ENV: 'production', GX_FAILPOINTS: 'after-commit' },
    encoding: 'utf8',
  });
  t.not(run.status, 0);
  t.match(run.stderr, /GX_FAILPOINTS: failpoints are for tests/);
  t.equal(run.stdout, '');
});
