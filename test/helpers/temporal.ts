import { randomUUID } from 'node:crypto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { bundleWorkflows } from '../../src/temporal/worker.js';
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
export async function createTestWorker(env: TestWorkflowEnvironment, workflowsPath: string, activities: object) {
  if (!bundles.has(workflowsPath)) bundles.set(workflowsPath, bundleWorkflows(workflowsPath));
  const taskQueue = `test-${randomUUID()}`;
  const worker = await Worker.create({
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    taskQueue,
    workflowBundle: await bundles.get(workflowsPath)!,
    activities,
  });
  return { worker, taskQueue };
}
