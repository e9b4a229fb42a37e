/**
 * Catalogue changes and the grants on the data (issue 16, part 4): the police's conditional
 * dataset loses a field, becomes not shareable, then is retired. Each open grant a change affects
 * records it once; each holder department is told once per change (listing its grants), the center
 * once; nothing is revoked; an ended grant is left alone. Real PostgreSQL and HTTP; grants are
 * issued by the delivery's own function on filed requests (no workflow is needed here).
 */
import { eq, inArray } from 'drizzle-orm';
import t from 'tap';
import * as catalogue from '../../src/catalogue/service.js';
import { recordCatalogueChange } from '../../src/grants/index.js';
import { toActor } from '../../src/identity/actor.js';
import { grantCatalogueImpacts, grants, notificationOutbox } from '../../src/platform/db/schema.js';
import { startTestApp } from '../helpers/app.js';
import { bearer, createTestDepartment, createTestUser } from '../helpers/identity.js';
import { grantFor } from '../helpers/grants.js';
import { createRequestWorld } from '../helpers/requests.js';

const harness = await startTestApp();
t.teardown(() => harness.close());
const db = harness.database.db;
const world = await createRequestWorld(db);
const tax = await createTestDepartment(db, { name: '测试税务局' });
const taxRequester = await createTestUser(db, tax, ['requester']);
const dataset = world.conditional;
const taxAs = (user: typeof taxRequester) => ({ db, actor: toActor(user, tax), requestId: 'test', now: new Date() });

const grantTo = (user: typeof taxRequester, fields: string[], state?: string) =>
  grantFor(db, world, user, dataset.id, fields, {
    requested: fields.filter((f) => f !== '婚姻状况'),
    ...(state ? { patch: { state } } : {}),
    ...(user.departmentId === tax.id ? { as: taxAs } : {}),
  });
const a = await grantTo(world.marketRequester, ['姓名', '婚姻状况']);
const b = await grantTo(world.marketRequester, ['姓名']);
const c = await grantTo(taxRequester, ['公民身份号码']);
const ended = await grantTo(world.marketRequester, ['姓名', '婚姻状况'], 'expired');
const all = [a.id, b.id, c.id, ended.id];

const notices = async () =>
  (await db.select().from(notificationOutbox).where(eq(notificationOutbox.kind, 'grant.catalogue_changed'))).filter(
    (n) => (n.payload as { datasetId?: string }).datasetId === dataset.id,
  );
const impacts = async () =>
  db.select().from(grantCatalogueImpacts).where(inArray(grantCatalogueImpacts.grantId, all)).orderBy(grantCatalogueImpacts.at);
const owner = world.as(world.policeReviewer);
const { version } = await catalogue.getDataset(owner, dataset.id);
const content = {
  name: version.name,
  description: version.description,
  libraryKind: version.libraryKind as 'thematic',
  updateFrequency: version.updateFrequency,
  sourceSystem: version.sourceSystem,
  fields: (version.fields as Array<{ name: string }>).filter((f) => f.name !== '婚姻状况') as never,
  sharingType: 'conditional' as const,
  conditions: { requesterLevels: ['city' as const], maxUsageMonths: 12, securityCommitmentRequired: true },
};

t.test('a field removed: only the grant carrying it, its holder told once', async (t) => {
  await catalogue.updateDataset({ ...owner, now: new Date() }, dataset.id, content);
  const rows = await impacts();
  t.same(
    rows.map((r) => [r.grantId, r.kind, r.fieldsRemoved, r.datasetVersion]),
    [[a.id, 'fields_removed', ['婚姻状况'], 2]],
  );
  const sent = await notices();
  t.same(sent.map((n) => n.departmentId).sort(), [world.market.id, world.center.id].sort(), 'the market and the center, once each');
  t.match(sent.find((n) => n.departmentId === world.market.id)!.body, /授权字段已从目录中删除（婚姻状况）/);
  t.same((await db.select({ state: grants.state }).from(grants).where(eq(grants.id, a.id)))[0], { state: 'active' }, 'nothing revoked');
});

t.test('not shareable any more: every open grant; each holder told once for all its grants', async (t) => {
  const before = (await notices()).length;
  await catalogue.updateDataset({ ...owner, now: new Date() }, dataset.id, {
    ...content,
    sharingType: 'not_shareable',
    conditions: undefined as never,
    legalBasis: { law: '《中华人民共和国数据安全法》', prohibitsSharing: false },
  } as never);
  const rows = (await impacts()).filter((r) => r.kind === 'became_not_shareable');
  t.same(rows.map((r) => r.grantId).sort(), [a.id, b.id, c.id].sort(), 'the expired grant is left alone');
  const sent = (await notices()).slice(before);
  t.equal(sent.length, 3, 'market, tax and the center: one notice each');
  t.match(sent.find((n) => n.departmentId === world.market.id)!.title, /您持有的 2 项授权受数据目录变更影响/);
  t.match(sent.find((n) => n.departmentId === world.center.id)!.title, /影响 3 项授权/);
});

t.test('retired: each holder once; recorded again, nothing more', async (t) => {
  const before = (await notices()).length;
  await catalogue.moveDataset({ ...owner, now: new Date() }, dataset.id, 'retired', '数据资源整合');
  const retired = (await impacts()).filter((r) => r.kind === 'dataset_retired');
  t.same(retired.map((r) => r.grantId).sort(), [a.id, b.id, c.id].sort());
  t.equal((await notices()).length - before, 3, 'market, tax, center');
  const state = { lifecycle: 'published' as const, sharingType: 'not_shareable' as const, fields: [] };
  const again = await db.transaction((tx) =>
    recordCatalogueChange(tx, {
      datasetId: dataset.id,
      datasetName: dataset.name,
      version: retired[0]!.datasetVersion,
      before: state,
      after: { ...state, lifecycle: 'retired' },
      at: new Date(),
      actor: { kind: 'system', role: 'script' },
      requestId: null,
    }),
  );
  t.equal(again, 0, 'the same change recorded twice affects nothing anew');
  t.equal((await notices()).length - before, 3, 'and tells nobody again');
});

t.test('the center sees the affected grants; a holder its own; the detail lists the changes', async (t) => {
  const list = async (user: typeof taxRequester) =>
    (
      await harness.app.inject({
        method: 'GET',
        url: '/api/v1/grants?affected=true&limit=200',
        headers: await bearer(harness.config, user),
      })
    ).json().items as Array<{ id: string; affected: boolean }>;
  const centerIds = (await list(world.centerOperator)).map((g) => g.id);
  for (const id of [a.id, b.id, c.id]) t.ok(centerIds.includes(id), `the center sees ${id}`);
  t.notOk(centerIds.includes(ended.id), 'not the grant that had ended');
  t.same(
    (await list(taxRequester)).map((g) => g.id),
    [c.id],
    'the tax bureau sees its own',
  );
  const detail = await harness.app.inject({
    method: 'GET',
    url: `/api/v1/grants/${a.id}`,
    headers: await bearer(harness.config, world.marketRequester),
  });
  t.same(
    detail.json().impacts.map((i: { kind: string }) => i.kind),
    ['fields_removed', 'became_not_shareable', 'dataset_retired'],
  );
  t.same(
    detail.json().events.filter((e: { kind: string }) => e.kind === 'catalogue_changed').length,
    3,
    'each change in the grant’s history',
  );
});
