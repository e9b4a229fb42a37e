import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { childEnv } from './helpers/env.js';
import { freePort } from './helpers/servers.js';

// `./scripts/start` as a person runs it: embedded PGlite, its own Temporal dev server with the
// Web UI, the printed URLs answering, and Ctrl-C (SIGINT to the whole process group) leaving
// nothing behind. The project's tools are already installed by the test command.
const root = new URL('..', import.meta.url).pathname;
const dataDir = mkdtempSync(join(tmpdir(), 'gx-start-'));
t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));

interface Started {
  child: ChildProcess;
  output: () => string;
  urls: Record<string, string>;
}

async function start(ports: { api: number; temporal: number; ui: number }): Promise<Started> {
  const env = childEnv({ DATA_DIR: dataDir, PORT: String(ports.api), TEMPORAL_PORT: String(ports.temporal), TEMPORAL_UI_PORT: String(ports.ui), LOG_LEVEL: 'warn' });
  for (const name of ['DATABASE_URL', 'TEMPORAL_ADDRESS', 'TOKEN_SIGNING_KEYS', 'NODE_ENV', 'DEMO_MODE']) delete env[name];
  const child = spawn(join(root, 'scripts/start'), { cwd: root, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`start did not report running within 180s:\n${output}`)), 180_000);
    const poll = setInterval(() => {
      if (output.includes('Press Ctrl-C to stop')) {
        clearInterval(poll);
        clearTimeout(timer);
        resolve();
      } else if (child.exitCode !== null) {
        clearInterval(poll);
        clearTimeout(timer);
        reject(new Error(`start exited with ${child.exitCode}:\n${output}`));
      }
    }, 200);
  });
  const urls = Object.fromEntries([...output.matchAll(/^\s+([A-Za-z ]+):\s+(http\S+)$/gm)].map((m) => [m[1]!.trim(), m[2]!]));
  return { child, output: () => output, urls };
}

async function interrupt(started: Started): Promise<number | null> {
  const exited = new Promise<number | null>((resolve) => started.child.once('exit', (code) => resolve(code)));
  process.kill(-started.child.pid!, 'SIGINT'); // what Ctrl-C does in a terminal
  return exited;
}

function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Whether the process group has exited, polled for up to 10 s (the exit itself is asynchronous). */
async function gone(pid: number): Promise<boolean> {
  for (let i = 0; i < 100; i++) {
    if (!groupAlive(pid)) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

t.test('start runs the platform with the printed URLs answering, and Ctrl-C stops everything', async (t) => {
  const ports = { api: await freePort(), temporal: await freePort(), ui: await freePort() };
  const first = await start(ports);
  t.match(first.output(), /generated a token signing key/, 'a secret is generated on first run, and said so');
  t.same(Object.keys(first.urls).sort(), ['API', 'API docs', 'Readiness', 'Temporal UI']);

  t.equal((await fetch(first.urls['Readiness']!)).status, 200);
  const docs = await fetch(first.urls['API docs']!);
  t.equal(docs.status, 200);
  t.match(await docs.text(), /swagger/i);
  const spec = (await (await fetch(`${first.urls['API docs']}/json`)).json()) as { paths: Record<string, unknown> };
  t.ok('/api/v1/system/info' in spec.paths, '/docs serves the spec');
  const info = (await (await fetch(`${first.urls['API']}/system/info`)).json()) as { database: string; demoMode: boolean };
  t.same({ database: info.database, demoMode: info.demoMode }, { database: 'pglite', demoMode: true });
  t.equal((await fetch(first.urls['Temporal UI']!)).status, 200, 'the Temporal Web UI answers');

  // The demo data is there, down to requests moved on by their workflows in the same process.
  const signIn = await fetch(`${first.urls['API']}/auth/demo-sign-in`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'dsc.operator' }) });
  const { token } = (await signIn.json()) as { token: string };
  const listed = (await (await fetch(`${first.urls['API']}/requests?limit=100`, { headers: { authorization: `Bearer ${token}` } })).json()) as { items: { state: string; track: number }[] };
  t.same([...new Set(listed.items.map((r) => r.state))].sort(), ['awaiting_supplement', 'coordination', 'granted', 'owner_review', 'provisioning', 'refused'], 'demo requests in every state the center sees');

  const secrets = readFileSync(join(dataDir, 'secrets.env'), 'utf8');
  t.equal(await interrupt(first), 0, 'Ctrl-C is a clean stop');
  t.ok(await gone(first.child.pid!), 'no process of the group is left behind');
  await t.rejects(fetch(first.urls['Readiness']!), 'the API port is closed');

  const second = await start(ports);
  t.notMatch(second.output(), /generated a token signing key/, 'a second start reuses the data folder');
  t.equal(readFileSync(join(dataDir, 'secrets.env'), 'utf8'), secrets);
  t.equal((await fetch(second.urls['Readiness']!)).status, 200);
  t.equal(await interrupt(second), 0);
  t.ok(await gone(second.child.pid!), 'nor after the second');
});
