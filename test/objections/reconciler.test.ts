/**
 * Never a lost objection: one raised while Temporal was unreachable (recorded, its acceptance clock
 * running, no workflow) is started by the reconciler, in its own database on a time-skipping
 * Temporal server with the real worker — and is then moved on as any other.
 */
import { eq } from 'drizzle-orm';
import t from 'tap';
import { importPublishedSchedules } from '../../src/calendar/index.js';
import { objections } from '../../src/platform/db/schema.js';
import { raiseObjection } from '../../src/objections/raise.js';
import { reconcilerWorkflow } from '../../workflows/reconciler.js';
import { openMigratedFreshDatabase } from '../helpers/db.js';
import { actingAs } from '../helpers/identity.js';
import { createObjectionWorld, RECORD } from '../helpers/objections.js';
import { waitFor } from '../helpers/requests.js';
import { startTimeSkipping } from '../helpers/time-skipping.js';

const { handle } = await openMigratedFreshDatabase(t, 5);
await importPublishedSchedules(handle.db, { actor: { kind: 'system', role: 'script' }, at: new Date() });
const { env, db, settings } = await startTimeSkipping(t, { database: handle });
const world = await createObjectionWorld(db);
const id = await raiseObjection(actingAs(db, world)(world.marketRequester), 'shanghai-1515', {
  grantId: world.grants.plain.id,
  recordKey: RECORD,
  field: '户籍地址',
  valueReceived: '旧址',
  valueClaimed: '新址',
  reason: '与本部门登记不一致',
});
const before = (await db.select().from(objections).where(eq(objections.id, id)))[0]!;
const pass = await env.client.workflow.execute(reconcilerWorkflow, {
  taskQueue: settings.taskQueue,
  workflowId: `reconciler-objections-${id}`,
  args: [{ graceMs: 0, pageSize: 100 }],
});
const started = await waitFor(async () => {
  const [row] = await db.select().from(objections).where(eq(objections.id, id));
  return row?.workflowStartedAt ? row : undefined;
}, 'the reconciler to start the objection’s workflow');
const description = await env.client.workflow.getHandle(`objection-${id}`).describe();

t.test('the reconciler starts the workflow of an objection without one', async (t) => {
  t.equal(before.workflowStartedAt, null, 'raised without a workflow');
  t.equal(before.state, 'submitted');
  t.ok(before.clockId, 'its acceptance step’s clock runs from the raise');
  t.ok(started.workflowStartedAt, 'recorded as started');
  t.same(
    pass.repairs.filter((r) => r.kind === 'objection').map((r) => [r.kind, r.caseId, r.divergence, r.repair, r.done]),
    [['objection', id, 'workflow_not_started', 'start', true]],
    'reported as the pass’s one repair of its kind (the world’s requests, made without workflows, are started too)',
  );
  t.equal(description.status.name, 'RUNNING', 'the objection’s workflow runs (waiting for the center)');
  t.equal(description.type, 'objectionWorkflow');
});
