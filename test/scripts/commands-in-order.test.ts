/**
 * The README's two commands in the README's order, as CI runs them: `./scripts/start`, Ctrl-C,
 * then `./scripts/test`, in one fresh copy of the project under a folder the `postgres` user
 * cannot enter (as a clone under /root is). The test command's throwaway cluster must live where
 * `postgres` can reach it, and start's private umask must not leak into what test creates.
 * The project's tools are reused (node_modules linked, the Temporal and Schemathesis binaries
 * named), so the run checks the commands, not the registries.
 */
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { childEnv, required } from '../helpers/env.js';
import { freePort } from '../helpers/servers.js';
import { gone, interrupt, runStart } from '../helpers/start.js';

// Two whole commands run here, one after the other: start (install check, migrations, the demo
// seeded through its workflows) and test (type-check, lint, console build); on a loaded CI machine
// together they pass the default 300 s.
t.setTimeout(900_000);
const root = new URL('../..', import.meta.url).pathname.replace(/\/$/, '');
const outer = mkdtempSync(join(tmpdir(), 'gx-order-'));
chmodSync(outer, 0o700); // like /root: only its owner may enter
t.teardown(() => rmSync(outer, { recursive: true, force: true }));
const clone = join(outer, 'gongxiang');

/** A fresh clone carrying the working tree's files (tracked and new), with mtimes kept. */
function freshCopy(): void {
  const git = (...args: string[]) => {
    const result = spawnSync('git', args, { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    if (result.status !== 0) throw new Error(`git ${args.join(' ')}: ${result.stderr}`);
    return result.stdout;
  };
  git('clone', '--quiet', '--no-hardlinks', root, clone);
  const files = git('ls-files', '--cached', '--others', '--exclude-standard', '-z').split('\0').filter(Boolean);
  const tar = spawnSync('sh', ['-c', `tar -C "${root}" --null -T - -cf - | tar -C "${clone}" -xf -`], { input: files.join('\0') });
  if (tar.status !== 0) throw new Error(`copying the working tree failed: ${tar.stderr}`);
  symlinkSync(join(root, 'node_modules'), join(clone, 'node_modules'));
  // shared/ lies beside the clone, as on every machine and in CI.
  symlinkSync(join(root, '..', 'shared'), join(outer, 'shared'));
}

t.test('start, then test, in one fresh clone that postgres cannot enter', async (t) => {
  freshCopy();
  const ports = { api: await freePort(), temporal: await freePort(), ui: await freePort() };
  const started = await runStart({ root: clone, ports });
  t.match(started.output(), /generated a token signing key/, 'start ran from scratch');
  t.equal(statSync(join(clone, '.data/secrets.env')).mode & 0o777, 0o600, 'the secret is private');
  t.equal(await interrupt(started), 0, 'Ctrl-C stops it cleanly');
  t.ok(await gone(started.child.pid!), 'nothing left running');
  // Only the secret is private: what start writes after it keeps the caller's umask.
  const umask = process.umask();
  t.equal(statSync(join(clone, '.data/temporal.log')).mode & 0o777, 0o666 & ~umask, 'files written after the secret keep the usual umask');

  // The test command on a small pure test file: its own PostgreSQL and Temporal, migrations,
  // the calendar import and the type check all run; coverage is not judged on one file.
  const env = childEnv({
    TEMPORAL_CLI_PATH: required('TEMPORAL_CLI_PATH'),
    TEMPORAL_TEST_SERVER_PATH: required('TEMPORAL_TEST_SERVER_PATH'),
    SCHEMATHESIS_PATH: required('SCHEMATHESIS_PATH'),
  });
  for (const name of [
    'DATABASE_URL',
    'DATABASE_MIGRATION_URL',
    'TEMPORAL_ADDRESS',
    'TEST_PG_ADMIN_URL',
    'NODE_ENV',
    'TAP',
    'TAP_CHILD_ID',
    'TAP_JOB_ID',
  ])
    delete env[name];
  const child = spawn(join(clone, 'scripts/test'), ['--disable-coverage', 'test/identity/rules/roles.test.ts'], {
    cwd: clone,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const status = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  t.equal(status, 0, `the test command passes after start:\n${output.slice(-3000)}`);
  t.match(output, /^\d+ passed, 0 failed$/m, 'and ends with its summary line');
  t.notMatch(output, /initdb failed|Permission denied/, 'initdb found its folder');
});
