import pino from 'pino';
import t from 'tap';
import { systemClock } from '../../src/platform/clock.js';
import { seedDemoData } from '../../src/platform/seeding.js';
import { demoSeedSteps } from '../../src/demo/steps.js';
import { verifyLedger } from '../../src/audit/ledger.js';
import { DEMO_USERS, readDepartmentsFixture } from '../../src/identity/seed.js';
import { findUserByUsername, listDepartments } from '../../src/identity/service.js';
import { DEMO_DATASETS } from '../../src/catalogue/seed.js';
import { keyList, listScenarios } from '../../src/catalogue/scenarios.js';
import {
  auditEntries,
  datasets,
  datasetVersions,
  grantSupervisionNotices,
  objections,
  policyProfiles,
  requests,
  serviceClients,
} from '../../src/platform/db/schema.js';
import { grantUsage } from '../../src/platform/db/hand-made.js';
import { createActivities } from '../../src/server/activities.js';
import { connectTemporal } from '../../src/platform/temporal/connection.js';
import { createWorker } from '../../src/platform/temporal/worker.js';
import { testConfig } from '../helpers/env.js';
import { eq, isNotNull } from 'drizzle-orm';
import { openMigratedFreshDatabase } from '../helpers/db.js';

t.test('the demo seed creates every fixture department (parents first) and the demo users, audited', async (t) => {
  const { handle: handle } = await openMigratedFreshDatabase(t, 4);
  // The requests step files requests and moves them on through their workflows: a worker of this
  // file's own runs them on the real Temporal server.
  const config = testConfig();
  const log = pino({ level: 'silent' });
  const { worker, connection } = await createWorker({
    settings: config.temporal,
    activities: createActivities({ db: handle.db, log, clock: systemClock }),
    log,
  });
  const running = worker.run();
  const temporal = connectTemporal(config.temporal);
  t.teardown(async () => {
    worker.shutdown();
    await running;
    await connection.close();
    await temporal.close();
  });
  const context = { db: handle.db, clock: systemClock, log, temporal: { client: temporal.client, settings: config.temporal } };

  t.equal(await seedDemoData(context, demoSeedSteps), 'seeded');
  const fixture = readDepartmentsFixture();
  const departments = await listDepartments(handle.db, {});
  t.equal(departments.length, fixture.length);
  const byCode = new Map(departments.map((d) => [d.code, d]));
  for (const f of fixture.filter((d) => d.parent)) {
    t.equal(byCode.get(f.code)?.parentId, byCode.get(f.parent!)?.id, `${f.code} sits under ${f.parent}`);
  }
  t.equal(byCode.get('SH-DSC')?.isDataCenter, true);
  t.equal(byCode.get('SH-DATA')?.isCompetentAuthority, true);
  for (const u of DEMO_USERS) {
    const user = await findUserByUsername(handle.db, u.username);
    t.same(user?.roles, u.roles, u.username);
    t.equal(user?.departmentId, byCode.get(u.department)?.id);
  }
  const ledger = await verifyLedger(handle.db);
  t.equal(ledger.valid, true);
  t.equal(
    await handle.db.$count(auditEntries, eq(auditEntries.action, 'department.created')),
    fixture.length,
    'one audit entry per department',
  );
  t.equal(await handle.db.$count(auditEntries, eq(auditEntries.action, 'user.created')), DEMO_USERS.length, 'and per user');

  // The catalogue part: every sharing type, aggregated and not, a fused dataset, the key-work list.
  const all = await handle.db.select().from(datasets);
  t.equal(all.length, DEMO_DATASETS.length + 1);
  t.same([...new Set(all.map((d) => d.sharingType))].sort(), ['conditional', 'not_shareable', 'unconditional']);
  t.ok(all.some((d) => d.aggregated) && all.some((d) => !d.aggregated));
  t.ok(all.every((d) => d.lifecycle === 'published'));
  const [fused] = await handle.db.select().from(datasetVersions).where(isNotNull(datasetVersions.lineage));
  t.match(fused!.lineage, { sources: [{ datasetCode: 'PSB-RK-001' }, { datasetCode: 'HRSS-SB-001' }, { datasetCode: 'HSA-CB-001' }] });
  const list = (await keyList(handle.db))!;
  t.equal(list.scenarios.length, 3);
  t.ok(
    list.scenarios.some((s) => s.kind === 'no_application'),
    'a 免申即享 scenario on the key-work list',
  );
  t.equal((await listScenarios(handle.db)).length, 4, 'and one scenario off the list');

  // The requests part: every track and the states a demo should show.
  const seeded = await handle.db.select({ state: requests.state, track: requests.track }).from(requests);
  t.same(
    seeded.map((r) => `${r.track ?? '-'}:${r.state}`).sort(),
    [
      '-:draft',
      '1:granted',
      '1:granted',
      '1:provisioning',
      '1:provisioning',
      '15:coordination',
      '15:coordination',
      '15:awaiting_owner_delivery',
      '15:explanation_due',
      '15:refused',
      '15:refused',
      '5:provisioning',
      '5:awaiting_supplement',
      '5:granted',
      '5:owner_review',
      '5:refused',
    ].sort(),
  );

  // The grants part: the demo policy's second version reminds 25 working days ahead; the exchange
  // gateway's 23 checks, two of them outside a grant (one notice each).
  const policies = await handle.db.select().from(policyProfiles).orderBy(policyProfiles.version);
  t.same(
    policies.map((p) => [p.version, (p.settings as { grantExpiryReminderDays: number }).grantExpiryReminderDays]),
    [
      [1, 10],
      [2, 25],
    ],
  );
  t.same(
    (await handle.db.select({ name: serviceClients.name }).from(serviceClients)).map((c) => c.name),
    ['市数据共享交换平台（接口网关）'],
  );
  t.equal(await handle.db.$count(grantUsage), 12 + 5 + 1 + 4 + 1, 'every check a usage record');
  t.same((await handle.db.select({ reason: grantSupervisionNotices.reason }).from(grantSupervisionNotices)).map((n) => n.reason).sort(), [
    'fields_outside_grant',
    'no_grant',
  ]);
  // The objections part: one in each of several states.
  t.same((await handle.db.select({ state: objections.state }).from(objections)).map((o) => o.state).sort(), [
    'archived',
    'contested',
    'feedback_given',
    'rejected_out_of_scope',
    'submitted',
    'tracing',
    'verifying',
  ]);
  t.same(
    await handle.db
      .select({ result: objections.result, fused: objections.fused })
      .from(objections)
      .where(eq(objections.state, 'feedback_given')),
    [{ result: 'partially_corrected', fused: true }],
    'the fed-back one traced to two sources: one corrected, one confirmed',
  );
  t.equal((await verifyLedger(handle.db)).valid, true, 'the ledger still verifies');
  t.equal(await seedDemoData(context, demoSeedSteps), 'reused');
});
