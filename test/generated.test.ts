import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import t from 'tap';
import { childEnv } from './helpers/env.js';

// Generated files are checked in; regenerating them must change nothing.
const root = new URL('..', import.meta.url).pathname;
const bin = (name: string) => join(root, 'node_modules/.bin', name);

t.test('src/generated/openapi.ts matches openapi/openapi.yaml (run npm run gen:api-types)', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'gx-types-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const out = join(dir, 'openapi.ts');
  const result = spawnSync(bin('openapi-typescript'), ['openapi/openapi.yaml', '-o', out], {
    cwd: root,
    encoding: 'utf8',
    env: childEnv(),
  });
  t.equal(result.status, 0, result.stderr);
  t.equal(readFileSync(join(root, 'src/generated/openapi.ts'), 'utf8'), readFileSync(out, 'utf8'), 'generated types are current');
});

t.test('migrations/ matches src/platform/db/schema.ts (run npm run db:generate)', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'gx-migrations-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  cpSync(join(root, 'migrations'), dir, { recursive: true });
  const before = readdirSync(dir).sort();
  const result = spawnSync(bin('drizzle-kit'), ['generate'], {
    cwd: root,
    encoding: 'utf8',
    env: childEnv({ DRIZZLE_OUT: relative(root, dir) }),
  });
  t.equal(result.status, 0, result.stderr);
  t.notMatch(result.stdout + result.stderr, /Error/, 'drizzle-kit read the copied migrations');
  t.match(result.stdout, /No schema changes/, 'drizzle-kit finds nothing to generate');
  t.same(readdirSync(dir).sort(), before, 'no new migration file');
});
