import { randomUUID } from 'node:crypto';
import pino from 'pino';
import t from 'tap';
import { loadConfig } from '../../../src/platform/config.js';
import { connectTemporal } from '../../../src/platform/temporal/connection.js';
import { createWorker } from '../../../src/platform/temporal/worker.js';
import { testEnv } from '../../helpers/env.js';
import { createWiringActivities } from '../../workflows/wiring-activities.js';
import { decide, wiringWorkflow } from '../../workflows/wiring.js';

// The production worker factory against the shared Temporal dev server (no time skipping):
// it bundles TypeScript workflows with ESM `.js` specifiers and serves updates and activities.
t.test('the platform worker factory runs workflows and activities on a real dev server', async (t) => {
  const config = loadConfig(testEnv());
  const temporal = connectTemporal(config.temporal);
  t.teardown(() => temporal.close());
  const { worker, connection } = await createWorker({
    settings: config.temporal,
    activities: createWiringActivities({ prefix: 'dev' }),
    log: pino({ level: 'silent' }),
    workflowsPath: new URL('../../workflows/index.ts', import.meta.url).pathname,
  });
  t.teardown(() => connection.close());

  await worker.runUntil(async () => {
    const handle = await temporal.client.workflow.start(wiringWorkflow, {
      taskQueue: config.temporal.taskQueue,
      workflowId: `wiring-dev-${randomUUID()}`,
      args: [{ waitMs: 60_000 }],
    });
    const decision = await handle.executeUpdate(decide, { args: [{ by: 'reviewer:dana' }] });
    const result = await handle.result();
    t.equal(result.outcome, 'decided');
    t.equal(result.stamped, `dev:decided@${new Date(decision.decidedAt).toISOString()}`);
  });
});
