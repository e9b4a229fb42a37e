/**
 * The authorization matrix (./matrix.ts) against the real application: every operation of the
 * OpenAPI document × every kind of caller → the expected status, one assertion per case; lists
 * checked for what they must not reveal; a missing required JSON body is 401 without a token and
 * 400 with one. Real HTTP (inject), real PostgreSQL, the request workflows on a time-skipping
 * Temporal test server (a breach is needed for a supervision notice).
 */
import { and, eq, inArray, isNull } from 'drizzle-orm';
import pino from 'pino';
import t, { type Test } from 'tap';
import { createActivities } from '../../src/server/activities.js';
import { createNotificationActivities } from '../../src/notifications/activities.js';
import { importPublishedSchedules } from '../../src/calendar/service.js';
import { clockFrom } from '../../src/platform/clock.js';
import { openDatabase } from '../../src/platform/db/client.js';
import { inboxMessages } from '../../src/platform/db/schema.js';
import { loadSpecification } from '../../src/platform/http/openapi.js';
import type { UserRow } from '../../src/identity/service.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { openMigratedFreshDatabase } from '../helpers/db.js';
import { testConfig } from '../helpers/env.js';
import { createTestWorld } from '../helpers/identity.js';
import { temporalOf } from '../helpers/requests.js';
import { createTestWorker, startTimeSkippingServer } from '../helpers/temporal.js';
import {
  CALLERS,
  MATRIX,
  MISSING_BODY,
  rowName,
  type CallerKind,
  type Expected,
  type Harness,
  type ListRule,
  type MatrixRow,
} from './matrix.js';
import { OPERATIONS } from './operations.js';
import { callersOf, createFixtures, sender, type Callers, type HttpCall, type Send, type SignedInCaller } from './world.js';

// ── the application: shared database, a database of its own, and a DEMO_MODE app ─────────────
// Every issue adds rows (about 100 operations × 14 callers by now): more than tap's default 300 s on a loaded machine.
t.setTimeout(900_000);

const env = await startTimeSkippingServer();
const clock = clockFrom(() => env.currentTimeMs());
const now = () => clock.now();
const database = await openDatabase(testConfig().database);
const db = database.db;
const log = pino({ level: 'silent' });
const { worker, taskQueue } = await createTestWorker(
  env,
  new URL('../../workflows/index.ts', import.meta.url).pathname,
  createActivities({ db, log, clock }),
);
const running = worker.run();
const appOptions = { database, clock, temporal: temporalOf(env) };
const shared = await startTestApp({ ...appOptions, config: testConfig({ TEMPORAL_TASK_QUEUE: taskQueue }) });
const demo = await startTestApp({ ...appOptions, config: testConfig({ TEMPORAL_TASK_QUEUE: taskQueue, DEMO_MODE: 'true' }) });
// Publishing the calendar, the commitment or a policy version changes what every test file reads.
const { handle: own } = await openMigratedFreshDatabase(t, 3);
await importPublishedSchedules(own.db, { actor: { kind: 'system', role: 'script' }, at: new Date() });
const isolated = await startTestApp({
  database: own,
  clock,
  temporal: temporalOf(env),
  config: testConfig({ TEMPORAL_TASK_QUEUE: taskQueue }),
});
t.teardown(async () => {
  for (const app of [shared, demo, isolated]) await app.close();
  worker.shutdown();
  await running;
  await env.teardown();
  await database.close();
});

const notifications = createNotificationActivities({ db, log, clock });
const send = (app: TestApp): Send => sender(app.app, app.config, now);
const fx = await createFixtures({
  db,
  send: send(shared),
  sleep: (ms) => env.sleep(ms),
  now,
  deliverToInbox: notifications.deliverToInbox,
  prepareWebhookDeliveries: notifications.prepareWebhookDeliveries,
});
const harnesses: Record<Harness, { send: Send; callers: Callers }> = {
  shared: { send: send(shared), callers: fx.callers },
  demo: { send: send(demo), callers: fx.callers },
  isolated: { send: send(isolated), callers: await callersOf(own.db, await createTestWorld(own.db)) },
};

// ── the contract's operations ─────────────────────────────────────────────────────────────────
interface SpecOperation {
  operationId?: string;
  security?: unknown[];
  requestBody?: { required?: boolean; content?: Record<string, unknown> };
}
const specification = loadSpecification();
const specOperations = new Map<string, SpecOperation>();
for (const item of Object.values(specification.paths)) {
  for (const op of Object.values(item) as SpecOperation[])
    if (op && typeof op === 'object' && op.operationId) specOperations.set(op.operationId, op);
}
const isPublic = (op: SpecOperation) => Array.isArray(op.security) && op.security.length === 0;
const isServiceOnly = (op: SpecOperation) =>
  Array.isArray(op.security) && op.security.some((s) => typeof s === 'object' && s !== null && 'serviceKey' in s);
const requiresJsonBody = (op: SpecOperation) =>
  op.requestBody?.required === true && op.requestBody.content?.['application/json'] !== undefined;

// ── the figures ───────────────────────────────────────────────────────────────────────────────
const figures = { status: 0, body: 0, visibility: 0, failures: 0 };
const disagreements: string[] = [];
const statuses = (e: Expected): readonly number[] => (typeof e === 'number' ? [e] : e);
const show = (e: Expected) => statuses(e).join(' or ');
const isSuccess = (e: Expected) => statuses(e).some((s) => s >= 200 && s < 300);

t.test('the table covers the contract: a row for every operation, no row for an unknown one', async (t) => {
  const rowOperations = new Set(MATRIX.map((r) => r.operationId));
  t.same(
    [...specOperations.keys()].filter((id) => !rowOperations.has(id)),
    [],
    'every operation of openapi/openapi.yaml has a row',
  );
  t.same(
    [...rowOperations].filter((id) => !specOperations.has(id)),
    [],
    'every row names an operation of openapi/openapi.yaml',
  );
  t.same(
    [...rowOperations].filter((id) => !OPERATIONS[id]),
    [],
    'every row has a way to send its operation (operations.ts)',
  );
  const names = MATRIX.map(rowName);
  t.same(
    names.filter((n, i) => names.indexOf(n) !== i),
    [],
    'no row twice',
  );
  t.equal(CALLERS.length, 14, 'fourteen kinds of caller');
});

// ── what lists must not reveal ────────────────────────────────────────────────────────────────
const isDepartmentUser = (caller: CallerKind) => /^(market|police|other)\./.test(caller);
type Item = Record<string, unknown>;
const itemsOf = (body: string): Item[] => (JSON.parse(body) as { items: Item[] }).items;

/** Problems with what a 200 list shows this caller; null when the rule does not apply to it. */
async function visibilityProblems(
  rule: ListRule,
  caller: SignedInCaller,
  user: UserRow,
  body: string,
): Promise<{ what: string; problems: string[] } | null> {
  const own = user.departmentId;
  const department = isDepartmentUser(caller);
  switch (rule) {
    case 'requests': {
      const items = itemsOf(body);
      if (department) {
        const party = caller.startsWith('market.') || caller.startsWith('police.');
        const problems = [
          ...items
            .filter((r) => r.requesterDepartmentId !== own && r.ownerDepartmentId !== own)
            .map((r) => `request ${r.id} of departments ${r.requesterDepartmentId} → ${r.ownerDepartmentId}`),
          ...items
            .filter((r) => r.state === 'draft' && r.requesterDepartmentId !== own)
            .map((r) => `draft ${r.id} of department ${r.requesterDepartmentId}`),
        ];
        if (party && !items.some((r) => r.id === fx.requests.main))
          problems.push(`the request ${fx.requests.main} its department is a party to is missing`);
        return { what: party ? 'sees its party request, nothing of another department' : 'nothing of another department', problems };
      }
      if (caller === 'center.auditor') return null;
      return {
        what: 'no draft of any department',
        problems: items.filter((r) => r.state === 'draft').map((r) => `draft ${r.id} of department ${r.requesterDepartmentId}`),
      };
    }
    case 'grants': {
      if (!department) return null;
      const items = itemsOf(body) as Array<{ id: string; requesterDepartment: { id: string }; ownerDepartment: { id: string } }>;
      const party = caller.startsWith('market.') || caller.startsWith('police.');
      const problems = items
        .filter((g) => g.requesterDepartment.id !== own && g.ownerDepartment.id !== own)
        .map((g) => `grant ${g.id} of departments ${g.requesterDepartment.id} → ${g.ownerDepartment.id}`);
      if (party && !items.some((g) => g.id === fx.grants.shown))
        problems.push(`the grant ${fx.grants.shown} its department is a party to is missing`);
      return { what: party ? 'sees its party grant, nothing of another department' : 'nothing of another department', problems };
    }
    case 'objections': {
      if (!department) return null;
      const items = itemsOf(body) as Array<{ id: string; objectorDepartment: { id: string }; ownerDepartment: { id: string } }>;
      // The matrix's objections are the market's on police data: no source department verifies another's.
      return {
        what: 'only objections its department raised or owns the data of',
        problems: items
          .filter((o) => o.objectorDepartment.id !== own && o.ownerDepartment.id !== own)
          .map((o) => `objection ${o.id} of ${o.objectorDepartment.id} on ${o.ownerDepartment.id}'s data`),
      };
    }
    case 'useFlags': {
      if (!department) return null;
      const items = itemsOf(body) as Array<{ key: string; department: { id: string }; owner: { id: string } }>;
      return {
        what: 'only notices on its own use or its own data',
        problems: items
          .filter((f) => f.department.id !== own && f.owner.id !== own)
          .map((f) => `notice ${f.key} on ${f.department.id}'s use of ${f.owner.id}'s data`),
      };
    }
    case 'notifications': {
      const ids = itemsOf(body).map((m) => m.id as string);
      const rows = ids.length
        ? await db
            .select({ id: inboxMessages.outboxId, departmentId: inboxMessages.departmentId })
            .from(inboxMessages)
            .where(inArray(inboxMessages.outboxId, ids))
        : [];
      return {
        what: 'only its own department inbox',
        problems: rows.filter((m) => m.departmentId !== own).map((m) => `message ${m.id} of department ${m.departmentId}`),
      };
    }
    case 'unreadCount': {
      if (!department) return null;
      const count = (JSON.parse(body) as { count: number }).count;
      const expected = await db.$count(inboxMessages, and(eq(inboxMessages.departmentId, own), isNull(inboxMessages.readAt)));
      return {
        what: 'counts only its own department inbox',
        problems: count === expected ? [] : [`count ${count}, its department has ${expected} unread`],
      };
    }
    case 'datasets':
      if (!department) return null;
      return {
        what: 'no draft of another department',
        problems: itemsOf(body)
          .filter((d) => d.lifecycle === 'draft' && d.ownerDepartmentId !== own)
          .map((d) => `draft ${d.code} of department ${d.ownerDepartmentId}`),
      };
    case 'datasetExport': {
      if (!department) return null;
      const foreignDrafts = Object.values(fx.datasets.drafts).filter((d) => d.ownerDepartmentId !== own);
      return {
        what: 'no draft of another department in the file',
        problems: foreignDrafts.filter((d) => body.includes(d.code)).map((d) => `draft ${d.code} of department ${d.ownerDepartmentId}`),
      };
    }
    case 'auditEntries':
      if (!department) return null;
      return {
        what: 'only actions of its own department',
        problems: itemsOf(body)
          .filter((e) => e.actorDepartmentId !== own)
          .map((e) => `entry ${e.seq} (${e.action}) of department ${e.actorDepartmentId}`),
      };
    case 'webhooks':
    case 'webhookDeliveries':
      if (!department) return null;
      return {
        what: 'only its own department',
        problems: itemsOf(body)
          .filter((w) => w.departmentId !== own)
          .map((w) => `${rule === 'webhooks' ? 'webhook' : 'delivery'} ${w.id} of department ${w.departmentId}`),
      };
    case 'users': {
      if (!department) return null;
      const self = caller.endsWith('.requester') || caller.endsWith('.reviewer');
      const items = itemsOf(body);
      return {
        what: self ? 'only itself' : 'only users of its own department',
        problems: items
          .filter((u) => u.departmentId !== own || (self && u.id !== user.id))
          .map((u) => `user ${u.username} of department ${u.departmentId}`),
      };
    }
  }
}

// ── running the rows ──────────────────────────────────────────────────────────────────────────
const BATCH = 5;
const bodyRuleDone = new Set<string>();
const withoutBody = (call: HttpCall): HttpCall => {
  const headers = Object.fromEntries(Object.entries(call.headers ?? {}).filter(([name]) => name.toLowerCase() !== 'content-type'));
  return { method: call.method, url: call.url, headers };
};

async function runRow(t: Test, row: MatrixRow) {
  const harness = harnesses[row.harness ?? 'shared'];
  const name = rowName(row);
  const context = (caller: CallerKind, expected: Expected) => ({
    row,
    caller,
    user: caller === 'anonymous' ? null : harness.callers.users[caller],
    callers: harness.callers,
    fx,
    succeeds: isSuccess(expected),
  });

  const runCase = async (caller: CallerKind, expected: Expected) => {
    const c = context(caller, expected);
    let got: number | string;
    let body = '';
    try {
      const res = await harness.send(c.user, await OPERATIONS[row.operationId]!(c));
      got = res.statusCode;
      body = res.body;
    } catch (error) {
      got = `an error (${error instanceof Error ? error.message : String(error)})`;
    }
    const ok = typeof got === 'number' && statuses(expected).includes(got);
    figures.status++;
    if (!ok) {
      figures.failures++;
      disagreements.push(`${name} · ${caller}: expected ${show(expected)}, got ${got}`);
    }
    t.ok(ok, `${name} · ${caller}: expected ${show(expected)}, got ${got}`, ok ? {} : { body: body.slice(0, 400) });
    if (got === 200 && row.list && c.user) {
      const check = await visibilityProblems(row.list, caller as SignedInCaller, c.user, body);
      if (check) {
        figures.visibility++;
        if (check.problems.length) {
          figures.failures++;
          disagreements.push(`${name} · ${caller}: ${check.what} — ${check.problems.slice(0, 3).join('; ')}`);
        }
        t.same(check.problems, [], `${name} · ${caller}: ${check.what}`);
      }
    }
  };

  const cases = CALLERS.map((caller, i) => [caller, row.expect[i]!] as const);
  // Cases that must fail go first (concurrently, a few at a time); successes that consume their
  // subject go last, one after another.
  const failing = cases.filter(([, e]) => !isSuccess(e));
  for (let i = 0; i < failing.length; i += BATCH) await Promise.all(failing.slice(i, i + BATCH).map(([caller, e]) => runCase(caller, e)));

  // A missing required JSON body: 401 without a token first, 400 after authentication (issue).
  const op = specOperations.get(row.operationId);
  // (A service operation authenticates a service client, not these callers: test/grants/exchange.test.ts has its body rule.)
  if (op && requiresJsonBody(op) && !isPublic(op) && !isServiceOnly(op) && !bodyRuleDone.has(row.operationId)) {
    bodyRuleDone.add(row.operationId);
    const signedIn = cases.find(([caller, e]) => caller !== 'anonymous' && isSuccess(e))?.[0] ?? 'center.center_admin';
    for (const [caller, expected] of [
      ['anonymous', MISSING_BODY.anonymous],
      [signedIn, MISSING_BODY.signedIn],
    ] as const) {
      const c = context(caller, 0);
      const res = await harness.send(c.user, withoutBody(await OPERATIONS[row.operationId]!(c)));
      const ok = res.statusCode === expected;
      figures.body++;
      if (!ok) {
        figures.failures++;
        disagreements.push(`${row.operationId} without its body · ${caller}: expected ${expected}, got ${res.statusCode}`);
      }
      t.equal(
        res.statusCode,
        expected,
        `${row.operationId} without its required body · ${caller}: expected ${expected}, got ${res.statusCode}`,
      );
    }
  }

  for (const [caller, e] of cases.filter(([, e]) => isSuccess(e))) await runCase(caller, e);
}

for (const row of MATRIX) {
  await t.test(`${rowName(row)} — ${row.subject}`, async (t) => runRow(t, row));
}

t.test('the figures', async (t) => {
  const cases = figures.status + figures.body + figures.visibility;
  t.comment(`authorization matrix: ${specOperations.size} operations, ${cases} cases, ${figures.failures} failures`);
  t.comment(
    `(${MATRIX.length} rows; ${figures.status} status cases, ${figures.body} missing-body cases, ${figures.visibility} list visibility checks)`,
  );
  for (const line of disagreements) t.comment(`disagrees: ${line}`);
  t.equal(figures.status, MATRIX.length * CALLERS.length, 'every row ran for every caller');
});
