/**
 * A grant whose workflow never started (Temporal unreachable after the delivery, or a grant issued
 * before grants had workflows) is started by the reconciler, in its own database on a
 * time-skipping Temporal server with the real worker.
 */
import { eq } from 'drizzle-orm';
import t from 'tap';
import { importPublishedSchedules } from '../../src/calendar/index.js';
import { grants } from '../../src/platform/db/schema.js';
import { reconcilerWorkflow } from '../../workflows/reconciler.js';
import { openMigratedFreshDatabase } from '../helpers/db.js';
import { grantFor } from '../helpers/grants.js';
import { createRequestWorld, waitFor } from '../helpers/requests.js';
import { startTimeSkipping } from '../helpers/time-skipping.js';

const { handle } = await openMigratedFreshDatabase(t, 5);
await importPublishedSchedules(handle.db, { actor: { kind: 'system', role: 'script' }, at: new Date() });
const { env, db, settings } = await startTimeSkipping(t, { database: handle });
const world = await createRequestWorld(db);
const issued = await grantFor(db, world, world.marketRequester, world.unconditional.id, ['姓名']);
const before = (await db.select().from(grants).where(eq(grants.id, issued.id)))[0]!;
const pass = await env.client.workflow.execute(reconcilerWorkflow, {
  taskQueue: settings.taskQueue,
  workflowId: `reconciler-grants-${issued.id}`,
  args: [{ graceMs: 0, pageSize: 100 }],
});
const started = await waitFor(async () => {
  const [row] = await db.select().from(grants).where(eq(grants.id, issued.id));
  return row?.workflowStartedAt ? row : undefined;
}, 'the reconciler to start the grant’s workflow');
const description = await env.client.workflow.getHandle(`grant-${issued.id}`).describe();

t.test('the reconciler starts the workflow of a grant without one, once', async (t) => {
  t.equal(before.workflowStartedAt, null, 'issued without a workflow');
  t.ok(started.workflowStartedAt, 'recorded as started');
  t.same(
    pass.repairs.filter((r) => r.kind === 'grant').map((r) => [r.kind, r.caseId, r.divergence, r.repair, r.done]),
    [['grant', issued.id, 'workflow_not_started', 'start', true]],
    'reported as the pass’s one repair of its kind (the world’s requests, made without workflows, are started too)',
  );
  t.equal(description.status.name, 'RUNNING', 'the grant’s workflow runs (waiting for its reminder)');
  t.equal(description.type, 'grantWorkflow');
});
