import { randomUUID } from 'node:crypto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { bundleWorkflows } from '../../src/platform/temporal/worker.js';
import { required } from './env.js';

/**
 * A time-skipping Temporal test server of this test file's own: time skips server-wide, so no
 * two files may share one.
 */
export async function startTimeSkippingServer(): Promise<TestWorkflowEnvironment> {
  return TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: required('TEMPORAL_TEST_SERVER_PATH') } },
  });
}

const bundles = new Map<string, ReturnType<typeof bundleWorkflows>>();

/**
 * A worker on the given environment polling a task queue of its own. A worker runs once, so
 * each test creates its own; the workflow bundle is built once per file and shared.
 */
export async function createTestWorker(
  env: TestWorkflowEnvironment,
  workflowsPath: string,
  activities: object,
  taskQueue = `test-${randomUUID()}`,
) {
  if (!bundles.has(workflowsPath)) bundles.set(workflowsPath, bundleWorkflows(workflowsPath));
  const worker = await Worker.create({
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    taskQueue,
    workflowBundle: await bundles.get(workflowsPath)!,
    activities,
  });
  return { worker, taskQueue };
}

/** Where saved workflow histories live; the replay test replays every one of them. */
export const historiesDir = new URL('../histories/', import.meta.url).pathname;

/**
 * With RECORD_HISTORIES=1, saves a workflow's history (binary protobuf, as the server keeps it)
 * under a stable name for the replay test (see README, "Changing workflow code").
 */
export async function recordHistory(env: TestWorkflowEnvironment, workflowId: string, name: string): Promise<void> {
  if (!process.env.RECORD_HISTORIES) return;
  const { mkdir, writeFile } = await import('node:fs/promises');
  const { temporal } = (await import('@temporalio/proto')).default; // CommonJS: named exports via default
  const history = await env.client.workflow.getHandle(workflowId).fetchHistory();
  await mkdir(historiesDir, { recursive: true });
  await writeFile(`${historiesDir}${name}.pb`, temporal.api.history.v1.History.encode(history).finish());
}
