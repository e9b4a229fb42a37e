/**
 * The exchange's check endpoint (交换前校验) and usage supervision (安全监管), through real HTTP
 * and PostgreSQL: the answer for each case the issue names, the service credential (never a
 * person's token), every check kept as a usage record, daily counts, one supervision notice per
 * grant (or department and dataset) and day, audited in bulk.
 */
import { and, eq, inArray, sql } from 'drizzle-orm';
import t from 'tap';
import { grantUsage, grantUsageDaily, grantUsageFieldDaily } from '../../src/platform/db/hand-made.js';
import { auditEntries, grantSupervisionNotices, notificationOutbox } from '../../src/platform/db/schema.js';
import { startTestApp } from '../helpers/app.js';
import { grantFor, policeDataset } from '../helpers/grants.js';
import { bearer, createTestDepartment } from '../helpers/identity.js';
import { createRequestWorld } from '../helpers/requests.js';

const harness = await startTestApp();
t.teardown(() => harness.close());
const db = harness.database.db;
const world = await createRequestWorld(db);
const tax = await createTestDepartment(db, { name: '测试税务局' });
const DAY = 24 * 60 * 60 * 1000;

const [live, expiredSet, suspendedSet, revokedSet] = await Promise.all(
  ['live', 'expired', 'suspended', 'revoked'].map(() => policeDataset(world, ['姓名', '公民身份号码', '户籍地址'])),
);
const grant = (datasetId: string, patch?: NonNullable<Parameters<typeof grantFor>[5]>['patch']) =>
  grantFor(db, world, world.marketRequester, datasetId, ['姓名', '公民身份号码'], patch ? { patch } : {});
const g = {
  live: await grant(live!.id),
  expired: await grant(expiredSet!.id, { state: 'expired', validTo: new Date(Date.now() - DAY) }),
  suspended: await grant(suspendedSet!.id, { state: 'suspended' }),
  revoked: await grant(revokedSet!.id, { state: 'revoked' }),
};

const api = (method: 'GET' | 'POST', url: string, headers: Record<string, string>, payload?: object) =>
  harness.app.inject({ method, url: `/api/v1${url}`, headers, ...(payload ? { payload } : {}) });
// Everything the assertions read is made before the first of them (tap ends a root test whose
// subtests are done while the event loop idles).
const created = await api('POST', '/service-clients', await bearer(harness.config, world.centerAdmin), {
  name: `交换平台网关-${Date.now()}`,
});
const { client, key } = created.json<{ client: { id: string }; key: string }>();
const gateway = { 'x-service-key': key };
const check = (body: object, headers: Record<string, string> = gateway) => api('POST', '/exchange/checks', headers, body);
const ask = (datasetId: string, fields: string[], departmentId = world.market.id) => ({ departmentId, datasetId, fields });

const answers = {
  allowed: await check(ask(live!.id, ['姓名'])),
  outside: await check(ask(live!.id, ['姓名', '户籍地址'])),
  outsideAgain: await check(ask(live!.id, ['户籍地址'])),
  expired: await check(ask(expiredSet!.id, ['姓名'])),
  suspended: await check(ask(suspendedSet!.id, ['姓名'])),
  revoked: await check(ask(revokedSet!.id, ['姓名'])),
  another: await check(ask(live!.id, ['姓名'], tax.id)),
};

t.test('a service client is registered by the center administrator; its key is shown once', async (t) => {
  t.equal(created.statusCode, 201);
  t.match(key, /^gxs_[0-9a-f-]{36}\.[A-Za-z0-9_-]{43}$/);
  const list = await api('GET', '/service-clients', await bearer(harness.config, world.centerAdmin));
  const listed = (list.json().items as Array<Record<string, unknown>>).find((c) => c.id === client.id)!;
  t.notOk('key' in listed || 'keyHash' in listed, 'the list never shows a key');
  t.equal((await api('POST', '/service-clients', await bearer(harness.config, world.policeReviewer), { name: 'x' })).statusCode, 403);
});

t.test('the answers', async (t) => {
  t.match(answers.allowed.json(), {
    allowed: true,
    grant: { id: g.live.id, number: g.live.number, state: 'active' },
    reason: null,
    fieldsOutside: [],
  });
  t.match(answers.outside.json(), {
    allowed: false,
    reason: 'fields_outside_grant',
    fieldsOutside: ['户籍地址'],
    grant: { id: g.live.id },
  });
  t.match(answers.expired.json(), { allowed: false, reason: 'expired', grant: { id: g.expired.id } });
  t.match(answers.suspended.json(), { allowed: false, reason: 'suspended', grant: { id: g.suspended.id } });
  t.match(answers.revoked.json(), { allowed: false, reason: 'revoked', grant: { id: g.revoked.id } });
  t.match(answers.another.json(), { allowed: false, reason: 'no_grant', grant: null }, 'another department holds nothing');
  for (const [name, answer] of Object.entries(answers)) t.equal(answer.statusCode, 200, `${name}: a denial is an answer`);
});

t.test('credentials: a service key, valid and not revoked; never a person’s token', async (t) => {
  const body = ask(live!.id, ['姓名']);
  t.match((await check(body, {})).json(), { code: 'service_credential_required' }, 'no key');
  t.equal((await check(body, {})).statusCode, 401);
  const person = await check(body, await bearer(harness.config, world.centerAdmin));
  t.match(
    { status: person.statusCode, body: person.json() },
    { status: 401, body: { code: 'service_credential_required' } },
    'a person’s token is refused',
  );
  const wrong = await check(body, { 'x-service-key': `${key.slice(0, -4)}AAAA` });
  t.match(
    { status: wrong.statusCode, body: wrong.json() },
    { status: 401, body: { code: 'service_credential_invalid' } },
    'a wrong secret',
  );
  const other = await api('POST', '/service-clients', await bearer(harness.config, world.centerAdmin), { name: `临时网关-${Date.now()}` });
  const otherKey = other.json().key as string;
  t.equal((await check(body, { 'x-service-key': otherKey })).statusCode, 200, 'a second client works');
  await api('POST', `/service-clients/${other.json().client.id}/revocation`, await bearer(harness.config, world.centerAdmin));
  const revoked = await check(body, { 'x-service-key': otherKey });
  t.match(
    { status: revoked.statusCode, body: revoked.json() },
    { status: 401, body: { code: 'service_credential_invalid' } },
    'a revoked client',
  );
  const bodiless = await api('POST', '/exchange/checks', gateway);
  t.match({ status: bodiless.statusCode, body: bodiless.json() }, { status: 400 }, 'with a valid key, a missing body is a 400');
  const unknown = await check(ask('00000000-0000-4000-8000-000000000000', ['姓名']));
  t.match({ status: unknown.statusCode, body: unknown.json() }, { status: 422, body: { code: 'unknown_dataset' } }, 'an unknown dataset');
});

t.test('every check is a usage record; daily counts per grant and field', async (t) => {
  const records = await db.select().from(grantUsage).where(eq(grantUsage.clientId, client.id));
  // The gateway's own checks of the live grant (the second client's is its own).
  t.equal(
    records.filter((r) => r.datasetId === live!.id && r.departmentId === world.market.id).length,
    3,
    'three checks on the live grant',
  );
  const daily = await db.select().from(grantUsageDaily).where(eq(grantUsageDaily.grantId, g.live.id));
  // Allowed twice: the gateway's check and the second client's (in the credentials test).
  t.same(daily.map((d) => [d.allowed, d.reason, d.checks]).sort(), [
    [false, 'fields_outside_grant', 2],
    [true, '', 2],
  ]);
  const fields = await db.select().from(grantUsageFieldDaily).where(eq(grantUsageFieldDaily.grantId, g.live.id));
  t.same(fields.map((f) => [f.field, f.allowed, f.uses]).sort(), [
    ['姓名', false, 1],
    ['姓名', true, 2],
    ['户籍地址', false, 2],
  ]);
});

t.test('attempts outside a grant: one supervision notice per grant (or department and dataset) and day', async (t) => {
  const notices = await db
    .select()
    .from(grantSupervisionNotices)
    .where(inArray(grantSupervisionNotices.datasetId, [live!.id, expiredSet!.id, suspendedSet!.id, revokedSet!.id]));
  t.equal(notices.filter((n) => n.grantId === g.live.id).length, 1, 'two denied checks on one grant, one notice');
  t.equal(notices.filter((n) => n.grantId === null && n.departmentId === tax.id).length, 1, 'the tax bureau without a grant: one');
  t.equal(notices.length, 5, 'and one each for the expired, suspended and revoked grants');
  const told = await db.select().from(notificationOutbox).where(eq(notificationOutbox.kind, 'grant.use_flagged'));
  const aboutLive = told.filter((n) => n.subjectId === g.live.id);
  t.same(aboutLive.map((n) => n.departmentId).sort(), [world.center.id, world.police.id].sort(), 'the center and the owner, once each');
  t.match(aboutLive[0]!.body, /超出授权字段（户籍地址）/);
});

t.test('the notices as a list: the center, the owner and the department that tried; paged', async (t) => {
  type Flag = {
    key: string;
    reason: string;
    deniedChecks: number;
    fieldsOutside: string[];
    grant: { id: string } | null;
    department: { id: string };
  };
  const flags = async (user: typeof world.centerOperator, query: string) => {
    const response = await api('GET', `/grants/use-flags?${query}`, await bearer(harness.config, user));
    t.equal(response.statusCode, 200, query);
    return response.json<{ items: Flag[]; nextCursor: string | null }>();
  };
  const onLive = await flags(world.centerOperator, `datasetId=${live!.id}`);
  t.same(
    onLive.items.map((f) => [f.grant?.id ?? null, f.department.id, f.reason, f.fieldsOutside, f.deniedChecks]).sort(),
    [
      [g.live.id, world.market.id, 'fields_outside_grant', ['户籍地址'], 2],
      [null, tax.id, 'no_grant', [], 1],
    ].sort(),
    'one notice per grant and day counting its two denied checks; the attempt without a grant',
  );
  t.equal((await flags(world.policeReviewer, `datasetId=${live!.id}`)).items.length, 2, 'the owner sees both');
  const market = await flags(world.marketRequester, `departmentId=${world.market.id}`);
  t.same(
    market.items.map((f) => f.grant?.id).sort(),
    [g.live.id, g.expired.id, g.suspended.id, g.revoked.id].sort(),
    'the market regulator sees its own four',
  );
  t.equal((await flags(world.marketRequester, `datasetId=${live!.id}`)).items.length, 1, 'but not the tax bureau’s attempt');
  const first = await flags(world.policeReviewer, `datasetId=${live!.id}&limit=1`);
  t.ok(first.nextCursor, 'a next page');
  const second = await flags(world.policeReviewer, `datasetId=${live!.id}&limit=1&cursor=${first.nextCursor}`);
  t.same([second.items.length, second.nextCursor], [1, null], 'the last page');
  t.not(second.items[0]!.key, first.items[0]!.key, 'pages do not overlap');
  const forged = await api('GET', '/grants/use-flags?cursor=eyJ4IjoxfQ', await bearer(harness.config, world.centerOperator));
  t.match([forged.statusCode, forged.json()], [400, { code: 'invalid_cursor' }]);
  const tooLong = await api('GET', '/grants/use-flags?from=2025-01-01&to=2026-12-31', await bearer(harness.config, world.centerOperator));
  t.match([tooLong.statusCode, tooLong.json()], [422, { code: 'period_too_long' }]);
});

t.test('usage is audited in bulk, not one ledger entry per check', async (t) => {
  const before = await db.$count(auditEntries, eq(auditEntries.action, 'exchange.checks_recorded'));
  const many = await Promise.all(Array.from({ length: 40 }, () => check(ask(live!.id, ['姓名']))));
  t.ok(
    many.every((r) => r.statusCode === 200 && r.json().allowed === true),
    'forty allowed checks at once',
  );
  const entries = await db
    .select()
    .from(auditEntries)
    .where(and(eq(auditEntries.action, 'exchange.checks_recorded'), sql`${auditEntries.seq} > ${0}`))
    .orderBy(auditEntries.seq);
  const fresh = entries.slice(before);
  const counted = fresh.reduce((n, e) => n + (e.after as { checks: number }).checks, 0);
  t.equal(counted, 40, 'the entries account for every check');
  t.ok(fresh.length < 40, `${fresh.length} entries for 40 checks`);
  t.equal(fresh[0]!.subjectId, client.id, 'each names the client');
});

t.test('the grant’s usage and the monthly report match the checks made above', async (t) => {
  // The live grant: 1 + 1 (second client) + 40 allowed; 2 denied for 户籍地址, one of them asking 姓名 too.
  const usage = await api('GET', `/grants/${g.live.id}/usage`, await bearer(harness.config, world.policeReviewer));
  t.equal(usage.statusCode, 200);
  const u = usage.json();
  t.same(u.totals, { checks: 44, allowed: 42, denied: 2 });
  t.same(u.byReason, [{ reason: 'fields_outside_grant', checks: 2 }]);
  t.same(u.byField, [
    { field: '姓名', allowed: 42, denied: 1, inGrant: true },
    { field: '户籍地址', allowed: 0, denied: 2, inGrant: false },
  ]);
  t.equal(u.byDay.length, 1, 'all on one day');
  t.equal(u.recent.length, 44, 'the latest checks');
  t.match(u.recent.at(-1), { allowed: true, fields: ['姓名'] }, 'the first check is the oldest listed');

  const month = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 7);
  const report = async (user: typeof world.centerOperator, departmentId: string) =>
    (await api('GET', `/grants/usage-report?month=${month}&departmentId=${departmentId}`, await bearer(harness.config, user))).json();
  const market = await report(world.centerOperator, world.market.id);
  t.same(
    market.grants.map((r: { grant: { number: string }; counts: unknown; fieldsUsed: string[] }) => [
      r.grant.number,
      r.counts,
      r.fieldsUsed,
    ]),
    // Ordered by number: the grants were issued live, expired, suspended, revoked.
    [
      [g.live.number, { checks: 44, allowed: 42, denied: 2 }, ['姓名']],
      [g.expired.number, { checks: 1, allowed: 0, denied: 1 }, []],
      [g.suspended.number, { checks: 1, allowed: 0, denied: 1 }, []],
      [g.revoked.number, { checks: 1, allowed: 0, denied: 1 }, []],
    ],
  );
  t.match(market.departments, [
    { department: { id: world.market.id }, grants: 4, counts: { checks: 47, allowed: 42, denied: 5 }, attemptsWithoutGrant: 0 },
  ]);
  const taxReport = await report(world.centerOperator, tax.id);
  t.match(
    taxReport,
    { grants: [], departments: [{ department: { id: tax.id }, grants: 0, attemptsWithoutGrant: 1 }] },
    'an attempt without a grant',
  );
  t.same((await report(world.policeReviewer, world.market.id)).grants.length, 4, 'the owner sees the use of its data');
  const xlsx = await api(
    'GET',
    `/grants/usage-report?month=${month}&departmentId=${world.market.id}&format=xlsx`,
    await bearer(harness.config, world.centerOperator),
  );
  t.match(xlsx.headers['content-type'], /spreadsheetml/);
  t.match(xlsx.headers['content-disposition'], `grant-usage-${month}.xlsx`);
});
