import { and, eq } from 'drizzle-orm';
import pino from 'pino';
import t from 'tap';
import { catalogueSeedStep } from '../../src/catalogue/index.js';
import type { Coverage } from '../../src/catalogue/rules/scenario.js';
import { keyList } from '../../src/catalogue/scenarios.js';
import { findUserByUsername, identitySeedStep, loadActiveUser, toActor, type RequestContext } from '../../src/identity/index.js';
import { systemClock } from '../../src/platform/clock.js';
import { datasets, datasetVersions, scenarios } from '../../src/platform/db/schema.js';
import { seedDemoData } from '../../src/platform/seeding.js';
import { createDraft, preCheckDraft } from '../../src/requests/filing.js';
import { routeRequest } from '../../src/requests/rules/routing.js';
import { openMigratedFreshDatabase } from '../helpers/db.js';

// Issue #12, item 10: the demo's 免申即享 scenario covers aggregated data, so its requests take
// track 1 — no owner approval, the center provisions — as the 1515 mechanism says key-work
// scenarios do.
const { handle } = await openMigratedFreshDatabase(t, 2);
const db = handle.db;
await seedDemoData({ db, clock: systemClock, log: pino({ level: 'silent' }) }, [identitySeedStep, catalogueSeedStep]);
const [scenario] = await db.select().from(scenarios).where(eq(scenarios.kind, 'no_application'));
const coverage = scenario!.coverage as Coverage[];
const onKeyList = Boolean((await keyList(db))!.scenarios.some((s) => s.id === scenario!.id));

async function current(code: string) {
  const [row] = await db
    .select({ dataset: datasets, version: datasetVersions })
    .from(datasets)
    .innerJoin(datasetVersions, and(eq(datasetVersions.datasetId, datasets.id), eq(datasetVersions.version, datasets.currentVersion)))
    .where(eq(datasets.code, code));
  return row!;
}

t.test('the 免申即享 scenario is on the key-work list and covers aggregated datasets by fields they have', async (t) => {
  t.equal(scenario!.name, '高龄老人津贴免申即享');
  t.ok(onKeyList, 'on the key-work list');
  t.ok(coverage.length > 0);
  for (const entry of coverage) {
    const { dataset, version } = await current(entry.datasetCode);
    t.equal(dataset.aggregated, true, `${entry.datasetCode} is aggregated (已归集)`);
    const fields = (version.fields as { name: string }[]).map((f) => f.name);
    t.same(
      entry.fields.filter((f) => !fields.includes(f)),
      [],
      `${entry.datasetCode} has every covered field`,
    );
    t.match(
      routeRequest({
        dataset: { sharingType: dataset.sharingType, aggregated: dataset.aggregated },
        requestedFields: entry.fields,
        scenario: { onKeyList, coveredFields: entry.fields },
      }),
      { track: 1, ownerMayRefuse: false },
      `the routing rule sends a request for ${entry.datasetCode} under it to track 1`,
    );
  }
});

t.test('a request drafted under it for the covered fields would be filed to track 1', async (t) => {
  const user = await findUserByUsername(db, 'hrss.requester');
  const active = (await loadActiveUser(db, user!.id))!;
  // A day inside the scenario's validity (2026-01-01 to 2027-12-31), whatever today is.
  const ctx: RequestContext = {
    db,
    actor: toActor(active.user, active.department),
    requestId: 'test',
    now: new Date('2026-06-01T02:00:00Z'),
  };
  for (const entry of coverage) {
    const { dataset } = await current(entry.datasetCode);
    const draft = await createDraft(ctx, {
      datasetId: dataset.id,
      fields: entry.fields,
      scenarioId: scenario!.id,
      purpose: '高龄老人津贴免申即享：主动发放前核对对象',
      legalBasis: '《上海市老年人权益保障条例》',
      usageMonths: 12,
      deliveryMethod: 'interface',
      securityCommitmentAccepted: true,
    });
    const { problems, routing } = await preCheckDraft(ctx, draft.id);
    t.same(problems, [], `${entry.datasetCode}: nothing stops filing`);
    t.match(routing, { track: 1, rule: 'key_list_scenario', missingFields: [] }, `${entry.datasetCode}: track 1 through the key-work list`);
  }
});
