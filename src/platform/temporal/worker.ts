import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { readWorkflowBundle } from './bundle.js';

export const workflowsPath = fileURLToPath(new URL('../../../workflows/index.ts', import.meta.url));

/**
 * Sources use ESM `.js` import specifiers for `.ts` files (NodeNext); the workflow bundler
 * (webpack) must map them back, or it cannot resolve any relative import.
 */
export const bundlerOptions: NonNullable<WorkerOptions['bundlerOptions']> = {
  webpackConfigHook: (config) => {
    config.resolve = { ...config.resolve, extensionAlias: { '.js': ['.ts', '.js'] } };
    return config;
  },
};

/** Bundles workflow code once, e.g. to share one bundle between several test workers. */
export async function bundleWorkflows(path = workflowsPath) {
  return bundleWorkflowCode({ workflowsPath: path, ...bundlerOptions, logger: new DefaultLogger('WARN') });
}

export interface CreateWorkerOptions {
  settings: Config['temporal'];
  activities: object;
  log: Logger;
  workflowsPath?: string;
}

/** A worker on its own native connection, polling the platform's task queue. */
export async function createWorker(options: CreateWorkerOptions): Promise<{ worker: Worker; connection: NativeConnection }> {
  const connection = await NativeConnection.connect({ address: options.settings.address });
  const worker = await Worker.create({
    connection,
    namespace: options.settings.namespace,
    taskQueue: options.settings.taskQueue,
    // A bundle built at release time spares the worker webpack at start (src/platform/temporal/bundle.ts).
    ...(options.settings.workflowBundle && !options.workflowsPath
      ? { workflowBundle: await readWorkflowBundle(options.settings.workflowBundle) }
      : { workflowsPath: options.workflowsPath ?? workflowsPath, bundlerOptions }),
    activities: options.activities,
    // After a worker dies, its cached workflows move to another worker after this long (the SDK's
    // 10 s outlasted the API's 5-s deadline for an action: the load test answered those with 503).
    stickyQueueScheduleToStartTimeout: '3 seconds',
  });
  options.log.info({ taskQueue: options.settings.taskQueue, workflowBundle: options.settings.workflowBundle ?? null }, 'worker created');
  return { worker, connection };
}
