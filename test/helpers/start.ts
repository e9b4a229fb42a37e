/**
 * `./scripts/start` run as a person runs it, from a test: its own process group, its output, the
 * URLs it prints, and Ctrl-C (SIGINT to the whole group).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { childEnv } from './env.js';

export interface Started {
  child: ChildProcess;
  output: () => string;
  urls: Record<string, string>;
}

export async function runStart(options: {
  root: string;
  dataDir?: string;
  ports: { api: number; temporal: number; ui: number };
}): Promise<Started> {
  const { root, ports } = options;
  const env = childEnv({
    ...(options.dataDir ? { DATA_DIR: options.dataDir } : {}),
    PORT: String(ports.api),
    TEMPORAL_PORT: String(ports.temporal),
    TEMPORAL_UI_PORT: String(ports.ui),
    LOG_LEVEL: 'warn',
  });
  for (const name of ['DATABASE_URL', 'TEMPORAL_ADDRESS', 'TOKEN_SIGNING_KEYS', 'NODE_ENV', 'DEMO_MODE']) delete env[name];
  const child = spawn(join(root, 'scripts/start'), { cwd: root, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
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

export async function interrupt(started: Started): Promise<number | null> {
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
export async function gone(pid: number): Promise<boolean> {
  for (let i = 0; i < 100; i++) {
    if (!groupAlive(pid)) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}
