/**
 * `src/server/main.ts worker` as a process of its own on a test's task queue, for tests that kill
 * it (SIGKILL at a failpoint, `GX_FAILPOINTS`) and start another: its exit and stderr are kept.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeWorkflowBundle } from '../../src/platform/temporal/bundle.js';
import { bundleWorkflows } from '../../src/platform/temporal/worker.js';
import { childEnv, required, signingKey } from './env.js';

const main = new URL('../../src/server/main.ts', import.meta.url).pathname;

export interface WorkerProcess {
  child: ChildProcess;
  /** What it wrote to stderr so far. */
  stderr(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
}

/**
 * `servers`: the PostgreSQL and Temporal server of the test's own (by default the suite's shared
 * ones); `workflowBundle`: a bundle built at release time (`writeWorkflowBundle`) for the worker
 * to load, as production's do, rather than bundle the workflow code at start.
 */
export function startWorkerProcess(
  taskQueue: string,
  failpoints = '',
  servers: { databaseUrl?: string; temporalAddress?: string } = {},
  workflowBundle?: string,
): WorkerProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', main, 'worker'], {
    env: childEnv({
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      DATABASE_URL: servers.databaseUrl ?? required('DATABASE_URL'),
      MIGRATE_ON_START: 'false',
      TEMPORAL_ADDRESS: servers.temporalAddress ?? required('TEMPORAL_ADDRESS'),
      TEMPORAL_TASK_QUEUE: taskQueue,
      TOKEN_SIGNING_KEYS: signingKey(),
      GX_FAILPOINTS: failpoints,
      ...(workflowBundle ? { TEMPORAL_WORKFLOW_BUNDLE: workflowBundle } : {}),
    }),
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal, stderr })),
  );
  return { child, exited, stderr: () => stderr };
}

/**
 * The workflow code bundled once, as a release does (npm run bundle-workflows), in a folder of
 * the test's own removed at its end; the bundle's path (its manifest is beside it).
 */
export async function prebuiltWorkflowBundle(t: { teardown(fn: () => Promise<void>): void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'gx-bundle-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const path = join(dir, 'workflow-bundle.js');
  await writeWorkflowBundle(path, await bundleWorkflows());
  return path;
}
