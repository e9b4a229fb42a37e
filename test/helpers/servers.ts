/**
 * Servers a test owns alone, for tests that stop a server: they never touch the shared
 * PostgreSQL cluster or Temporal server that other test files use in parallel.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Connection } from '@temporalio/client';
import { required } from './env.js';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const isRoot = process.getuid?.() === 0;

function runAsPostgres(command: string, args: string[]) {
  const [cmd, argv] = isRoot ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
  const result = spawnSync(cmd, argv, { encoding: 'utf8', cwd: '/' }); // a folder postgres may enter
  if (result.status !== 0) throw new Error(`${command} failed: ${result.stderr || result.stdout}`);
}

export interface OwnPostgres {
  url: string;
  /** Stops it as a crash would (`immediate`: no checkpoint, recovery at the next start). */
  stop(): Promise<void>;
  /** Starts it again on the same port and data. */
  start(): Promise<void>;
  destroy(): Promise<void>;
}

/** A fresh PostgreSQL cluster of the machine's installed version on a free port. */
export async function startOwnPostgres(): Promise<OwnPostgres> {
  const bin = required('PG_BIN_DIR');
  const dir = mkdtempSync(join(tmpdir(), 'gx-pg-'));
  if (isRoot) {
    const { uid, gid } = postgresIds();
    chownSync(dir, uid, gid);
  }
  const port = await freePort();
  runAsPostgres(`${bin}/initdb`, ['-D', `${dir}/data`, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--no-sync']);
  const start = async () => {
    runAsPostgres(`${bin}/pg_ctl`, [
      '-D',
      `${dir}/data`,
      '-l',
      `${dir}/log`,
      '-w',
      '-o',
      `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`,
      'start',
    ]);
    running = true;
  };
  let running = false;
  await start();
  const stop = async () => {
    if (!running) return;
    running = false;
    runAsPostgres(`${bin}/pg_ctl`, ['-D', `${dir}/data`, '-m', 'immediate', '-w', 'stop']);
  };
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop,
    start,
    destroy: async () => {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function postgresIds(): { uid: number; gid: number } {
  const id = (flag: string) => Number(spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' }).stdout.trim());
  return { uid: id('-u'), gid: id('-g') };
}

export interface OwnTemporal {
  address: string;
  process: ChildProcess;
  stop(): Promise<void>;
  /** Starts it again on the same port (and, when it persists, the same SQLite file). */
  start(): Promise<void>;
}

/** Waits (60 s at most) until the Temporal frontend at `address` answers; fails sooner if its process exits. */
export async function temporalAnswers(address: string, child: ChildProcess, failure: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      const connection = await Connection.connect({ address, connectTimeout: 1_000 });
      await connection.workflowService.getSystemInfo({});
      await connection.close();
      return;
    } catch (error) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`${failure}: ${String(error)}`, { cause: error });
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

/**
 * A Temporal dev server (the official CLI) of its own on a free port: in memory, or in a SQLite
 * file of its own (`persistent`) so that a restart keeps its workflows, as a cluster would.
 */
export async function startOwnTemporal(options: { persistent?: boolean } = {}): Promise<OwnTemporal> {
  const cli = required('TEMPORAL_CLI_PATH');
  const port = await freePort();
  const address = `127.0.0.1:${port}`;
  const dbFile = options.persistent ? join(mkdtempSync(join(tmpdir(), 'gx-temporal-')), 'temporal.sqlite') : null;
  const server = { address, process: undefined as unknown as ChildProcess } as OwnTemporal;
  server.start = async () => {
    const child = spawn(
      cli,
      [
        'server',
        'start-dev',
        '--headless',
        '--ip',
        '127.0.0.1',
        '--port',
        String(port),
        '--log-level',
        'error',
        ...(dbFile ? ['--db-filename', dbFile] : []),
      ],
      { stdio: 'ignore' },
    );
    server.process = child;
    await temporalAnswers(address, child, `Temporal dev server on ${address} did not start`);
  };
  server.stop = async () => {
    const child = server.process;
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  };
  await server.start();
  return server;
}
