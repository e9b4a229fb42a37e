/**
 * The platform as production runs it, on loopback: a Temporal dev server whose state survives a
 * restart (its SQLite file), two API processes and two worker processes of `src/server/main.ts`
 * on the same database, Temporal namespace and task queue. Each process logs to its own file in
 * the run folder; the pids of everything started are kept in `pids` so the calling script can
 * stop what a crashed driver left behind. A platform process that exits on its own is restarted,
 * as a supervisor (systemd, Kubernetes) would, and the restart is reported.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { Connection } from '@temporalio/client';
import proto from '@temporalio/proto';
import { temporalAnswers } from '../../test/helpers/servers.js';

export interface ClusterSettings {
  root: string;
  runDir: string;
  temporalCli: string;
  temporalPort: number;
  /** The environment every platform process gets (database, Temporal, keys, limits). */
  env: Record<string, string>;
  log: (line: string) => void;
}

export type Role = 'api' | 'worker';

interface Member {
  name: string;
  role: Role;
  port?: number;
  child: ChildProcess;
  exited: Promise<number | null>;
  /** Set when we stop or kill it on purpose. */
  expected: boolean;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class Cluster {
  readonly temporalAddress: string;
  /** Processes that exited by themselves (and were restarted), with when (the clock's seconds). */
  readonly supervisorEvents: { name: string; role: Role; code: number | null; at: number }[] = [];
  private temporal: { child: ChildProcess; exited: Promise<number | null> } | undefined;
  private readonly members = new Map<string, Member>();
  private readonly extraEnv = new Map<string, Record<string, string>>();
  private stopping = false;

  constructor(
    private readonly settings: ClusterSettings,
    private readonly clock: () => number,
  ) {
    this.temporalAddress = `127.0.0.1:${settings.temporalPort}`;
  }

  /** Starts (or restarts) the dev server on the same port and SQLite file, and waits for it. */
  async startTemporal(): Promise<void> {
    const { temporalCli, temporalPort, runDir } = this.settings;
    const out = createWriteStream(join(runDir, 'temporal.log'), { flags: 'a' });
    const child = spawn(
      temporalCli,
      [
        'server',
        'start-dev',
        '--headless',
        '--ip',
        '127.0.0.1',
        '--port',
        String(temporalPort),
        '--db-filename',
        join(runDir, 'temporal.sqlite'),
        '--log-level',
        'warn',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child.stdout.pipe(out);
    child.stderr.pipe(out);
    this.temporal = { child, exited: exitOf(child) };
    this.writePids();
    await temporalAnswers(
      this.temporalAddress,
      child,
      `the Temporal dev server on ${this.temporalAddress} did not start (see temporal.log)`,
    );
  }

  /** Stops the dev server as an operator would (SIGTERM) and waits for it to exit. */
  async stopTemporal(): Promise<void> {
    const server = this.temporal;
    if (!server) return;
    this.temporal = undefined;
    server.child.kill('SIGTERM');
    await server.exited;
    this.writePids();
  }

  /** Starts a platform process; `extraEnv` stays with the name across restarts. */
  start(name: string, role: Role, port?: number, extraEnv: Record<string, string> = {}): void {
    this.extraEnv.set(name, extraEnv);
    const out = createWriteStream(join(this.settings.runDir, `${name}.log`), { flags: 'a' });
    const child = spawn(process.execPath, ['--enable-source-maps', '--import', 'tsx', 'src/server/main.ts', role], {
      cwd: this.settings.root,
      env: { ...process.env, ...this.settings.env, ...(port ? { PORT: String(port) } : {}), ...extraEnv },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.pipe(out);
    child.stderr.pipe(out);
    const member: Member = { name, role, child, exited: exitOf(child), expected: false, ...(port ? { port } : {}) };
    this.members.set(name, member);
    this.writePids();
    void member.exited.then((code) => {
      if (member.expected || this.stopping || this.members.get(name) !== member) return;
      this.supervisorEvents.push({ name, role, code, at: this.clock() });
      this.settings.log(`${name} exited by itself (code ${code}); restarting it, as a supervisor would (see ${name}.log)`);
      this.start(name, role, port, this.extraEnv.get(name));
    });
  }

  /** Kills a platform process with SIGKILL (no drain, no cleanup) and waits until it is gone. */
  async kill(name: string): Promise<void> {
    const member = this.members.get(name);
    if (!member) throw new Error(`no process ${name}`);
    member.expected = true;
    member.child.kill('SIGKILL');
    await member.exited;
    this.writePids();
  }

  pid(name: string): number {
    return this.members.get(name)!.child.pid!;
  }

  /** Waits until the API answers ready (PostgreSQL and Temporal reachable). */
  async apiReady(name: string, seconds = 120): Promise<void> {
    const member = this.members.get(name)!;
    const deadline = Date.now() + seconds * 1000;
    for (;;) {
      const ok = await fetch(`http://127.0.0.1:${member.port}/readyz`, { signal: AbortSignal.timeout(2_000) }).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) return;
      if (Date.now() > deadline) throw new Error(`${name} was not ready within ${seconds} s (see ${name}.log)`);
      await sleep(250);
    }
  }

  /**
   * Waits until the named worker (the process now running under that name) polls the task
   * queue for workflow tasks: Temporal lists its pollers by identity, `pid@host` by default.
   */
  async workerPolling(name: string, taskQueue: string, seconds = 180): Promise<void> {
    const deadline = Date.now() + seconds * 1000;
    for (;;) {
      const identity = `${this.pid(name)}@${hostname()}`;
      const { pollers } = await this.workflowQueue(taskQueue).catch(() => ({ pollers: [] as string[] }));
      if (pollers.includes(identity)) return;
      if (Date.now() > deadline) throw new Error(`${name} did not poll ${taskQueue} within ${seconds} s (see ${name}.log)`);
      await sleep(500);
    }
  }

  /**
   * Waits until the task queue's workflow tasks are no longer backlogged (Temporal's approximate
   * count is zero), at most `seconds`; returns the backlog left.
   */
  async caughtUp(taskQueue: string, seconds: number): Promise<number> {
    const deadline = Date.now() + seconds * 1000;
    for (;;) {
      const { backlog } = await this.workflowQueue(taskQueue).catch(() => ({ backlog: Infinity }));
      if (backlog === 0 || Date.now() > deadline) return backlog;
      await sleep(1_000);
    }
  }

  /** The workflow pollers of a task queue and its approximate backlog of workflow tasks. */
  private async workflowQueue(taskQueue: string): Promise<{ pollers: string[]; backlog: number }> {
    const connection = await Connection.connect({ address: this.temporalAddress, connectTimeout: 1_000 });
    try {
      const answer = await connection.workflowService.describeTaskQueue({
        namespace: 'default',
        taskQueue: { name: taskQueue, kind: proto.temporal.api.enums.v1.TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
        taskQueueType: proto.temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
        reportStats: true,
      });
      return {
        pollers: (answer.pollers ?? []).map((p) => p.identity ?? ''),
        backlog: Number(answer.stats?.approximateBacklogCount ?? 0),
      };
    } finally {
      await connection.close();
    }
  }

  /** Stops every platform process gracefully (SIGTERM, SIGKILL after 15 s), then Temporal. */
  async stopAll(): Promise<void> {
    this.stopping = true;
    await Promise.all(
      [...this.members.values()].map(async (m) => {
        m.expected = true;
        if (m.child.exitCode !== null || m.child.signalCode !== null) return;
        m.child.kill('SIGTERM');
        const timer = setTimeout(() => m.child.kill('SIGKILL'), 15_000);
        await m.exited;
        clearTimeout(timer);
      }),
    );
    await this.stopTemporal();
    this.writePids();
  }

  /** The pids still running, for the calling script's clean-up should the driver crash. */
  private writePids(): void {
    const alive = [...this.members.values()].filter((m) => m.child.exitCode === null && m.child.signalCode === null).map((m) => m.child);
    if (this.temporal) alive.push(this.temporal.child);
    writeFileSync(join(this.settings.runDir, 'pids'), alive.map((c) => `${c.pid}\n`).join(''));
  }
}

function exitOf(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}
