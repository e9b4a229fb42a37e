/**
 * The world the authorization matrix runs in: a user per kind of caller (see ./matrix.ts) and
 * the subjects each operation needs, made through the API where a person would make them
 * (requests filed, supplements asked, extensions requested) and through the services for the
 * catalogue set-up.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { eq, inArray } from 'drizzle-orm';
import * as scenarios from '../../src/catalogue/scenarios.js';
import * as catalogue from '../../src/catalogue/service.js';
import type { Config } from '../../src/platform/config.js';
import type { Db } from '../../src/platform/db/client.js';
import { grants as grantsTable, notificationOutbox } from '../../src/platform/db/schema.js';
import type { DatasetContent, DatasetField } from '../../src/catalogue/rules/dataset.js';
import type { Role } from '../../src/identity/rules/roles.js';
import { toActor } from '../../src/identity/actor.js';
import type { DepartmentRow, RequestContext, UserRow } from '../../src/identity/service.js';
import { currentCommitment, currentPolicy } from '../../src/requests/policy.js';
import { bearer, createTestDepartment, createTestUser, createTestWorld } from '../helpers/identity.js';
import { PDF, pdfFile } from '../helpers/files.js';
import { createRequestWorld, draftFor, type RequestWorld } from '../helpers/requests.js';
import type { CallerKind, MatrixDepartment } from './matrix.js';
import { createObjectionFixtures, type ObjectionFixtures } from './objection-world.js';
import { createTrack15Fixtures, type Track15Fixtures } from './track15-world.js';

export interface HttpCall {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  /** An object is sent as JSON; a Buffer with the content-type given in `headers`. */
  payload?: object | Buffer;
  headers?: Record<string, string>;
}

export type Send = (user: UserRow | null, call: HttpCall) => Promise<LightMyRequestResponse>;

/** Sends a call to the app as the user (a token minted at the app's business time), or anonymously. */
export function sender(app: FastifyInstance, config: Config, now: () => Promise<Date>): Send {
  return async (user, call) =>
    app.inject({
      method: call.method,
      url: call.url,
      headers: { ...(user ? await bearer(config, user, await now()) : {}), ...(call.headers ?? {}) },
      ...(call.payload !== undefined ? { payload: call.payload as never } : {}),
    });
}

export type SignedInCaller = Exclude<CallerKind, 'anonymous'>;

export interface Callers {
  users: Record<SignedInCaller, UserRow>;
  departments: Record<MatrixDepartment, DepartmentRow>;
  /** The matrix department a department id stands for (undefined: a department of no caller). */
  departmentKey(departmentId: string): MatrixDepartment | undefined;
  /** A service context acting as the user (for set-up through the services). */
  as(user: UserRow): RequestContext;
}

type TestWorld = Awaited<ReturnType<typeof createTestWorld>>;

/** Completes a test world with the users the matrix needs: a market reviewer and a third department. */
export async function callersOf(db: Db, world: TestWorld): Promise<Callers> {
  const other = await createTestDepartment(db, { name: '测试无关部门' });
  const user = (department: DepartmentRow, role: Role) => createTestUser(db, department, [role]);
  const users: Record<SignedInCaller, UserRow> = {
    'market.requester': world.marketRequester,
    'market.reviewer': await user(world.market, 'reviewer'),
    'market.dept_admin': world.marketAdmin,
    'police.requester': world.policeRequester,
    'police.reviewer': world.policeReviewer,
    'police.dept_admin': world.policeAdmin,
    'other.requester': await user(other, 'requester'),
    'other.reviewer': await user(other, 'reviewer'),
    'other.dept_admin': await user(other, 'dept_admin'),
    'center.center_operator': world.centerOperator,
    'center.center_admin': world.centerAdmin,
    'authority.supervisor': world.supervisor,
    'center.auditor': world.centerAuditor,
  };
  const departments: Record<MatrixDepartment, DepartmentRow> = {
    market: world.market,
    police: world.police,
    other,
    center: world.center,
    authority: world.authority,
  };
  const byId = new Map(Object.entries(departments).map(([key, d]) => [d.id, key as MatrixDepartment]));
  return {
    users,
    departments,
    departmentKey: (id) => byId.get(id),
    as: (u) => ({ db, actor: toActor(u, departments[byId.get(u.departmentId)!]), requestId: 'authorization-matrix', now: new Date() }),
  };
}

const fields = (...names: string[]): DatasetField[] =>
  names.map((name) => ({ name, type: 'string', description: '', sensitivity: 'internal' }));
const base = { description: '矩阵测试用数据资源', libraryKind: 'thematic' as const, updateFrequency: '每日', sourceSystem: '业务系统' };

/** The content every dataset the matrix creates or revises has (two fields, unconditional). */
export const datasetContent = (name: string, fieldNames: string[] = ['姓名', '性别']): DatasetContent => ({
  ...base,
  name,
  fields: fields(...fieldNames),
  sharingType: 'unconditional',
});

export const MARKET_FIELDS = ['统一社会信用代码', '企业名称'];

export interface Fixtures {
  tag: string;
  world: RequestWorld;
  callers: Callers;
  spareDepartment: DepartmentRow;
  /** A requester of the police department, read and renamed by the identity rows. */
  policeUser: UserRow;
  policeMessageId: string;
  policeWebhookId: string;
  policySettings: unknown;
  datasets: {
    /** Published and aggregated, police-owned (the request world's unconditional dataset). */
    published: catalogue.DatasetRow;
    revise: catalogue.DatasetRow;
    retire: catalogue.DatasetRow;
    aggregation: catalogue.DatasetRow;
    /** Published, market-owned: what police callers request. */
    market: catalogue.DatasetRow;
    drafts: Record<'market' | 'police' | 'other', catalogue.DatasetRow>;
  };
  /** A new published police dataset (a row whose success consumes its subject takes a fresh one). */
  freshPoliceDataset(): Promise<catalogue.DatasetRow>;
  scenarios: { revise: scenarios.ScenarioRow; keyList: scenarios.ScenarioRow };
  scenarioInput(name: string): scenarios.ScenarioInput;
  requests: Record<'main' | 'draft' | 'otherFiled' | 'policeDraft' | 'otherDraft', string>;
  /**
   * Subjects a successful action consumes, in pairs: the cases expected to fail share one, each
   * success gets the other, so a wrongly allowed caller does not spoil the authorized case.
   */
  actions: Record<
    'discard' | 'file' | 'approve' | 'refuse' | 'ask' | 'answer' | 'withdraw' | 'extend' | 'decideExtension' | 'deliver' | 'supervision',
    SubjectPair
  >;
  /** Grants market ← police: one to read, pairs for the owner's actions and the holder's renewal. */
  grants: { shown: string } & Record<'suspend' | 'resume' | 'revoke' | 'renew', SubjectPair>;
  /** Service clients for the revocation row. */
  serviceClients: SubjectPair;
  objections: ObjectionFixtures;
  attachmentId: string;
  clockId: string;
  commitmentVersion(): Promise<number>;
  track15: Track15Fixtures;
}

export interface SubjectPair {
  shared: string;
  fresh: string;
}

export const rand = () => randomBytes(4).toString('hex').toUpperCase();

/** Expects a status, else fails the set-up loudly with the answer. */
async function expectStatus(response: Promise<LightMyRequestResponse>, status: number, what: string) {
  const res = await response;
  if (res.statusCode !== status) throw new Error(`set-up: ${what} answered ${res.statusCode}: ${res.body}`);
  return res.json();
}

export interface WorldOptions {
  db: Db;
  send: Send;
  /** Skips business time (the time-skipping Temporal test server) by milliseconds. */
  sleep(ms: number): Promise<void>;
  now(): Promise<Date>;
  deliverToInbox(outboxId: string): Promise<void>;
  prepareWebhookDeliveries(outboxId: string, at: string): Promise<string[]>;
}

export async function createFixtures(options: WorldOptions): Promise<Fixtures> {
  const { db, send } = options;
  const world = await createRequestWorld(db);
  const callers = await callersOf(db, world);
  const u = callers.users;
  const tag = rand();
  const commitmentVersion = async () => (await currentCommitment(db)).version;

  // ── requests through the API ────────────────────────────────────────────────────────────────
  const draft = async (user: UserRow, body: object): Promise<string> =>
    (await expectStatus(send(user, { method: 'POST', url: '/api/v1/requests', payload: body }), 201, 'saving a draft')).request.id;
  const file = async (id: string) =>
    expectStatus(
      send(u['market.requester'], {
        method: 'POST',
        url: `/api/v1/requests/${id}/filing`,
        payload: { commitmentVersion: await commitmentVersion(), acceptCommitment: true },
      }),
      201,
      'filing',
    );
  const opened = async (id: string, user = u['market.requester']) => {
    for (let i = 0; i < 400; i++) {
      const detail = await expectStatus(send(user, { method: 'GET', url: `/api/v1/requests/${id}` }), 200, 'reading a request');
      if (!['submitted', 'routed'].includes(detail.request.state)) return detail;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`set-up: the workflow of request ${id} did not open it`);
  };
  const track5 = (overrides: Parameters<typeof draftFor>[1] = {}) => draftFor(world.conditional.id, overrides);
  const fileTrack5 = async (overrides: Parameters<typeof draftFor>[1] = {}) => {
    const id = await draft(u['market.requester'], track5(overrides));
    await file(id);
    const detail = await opened(id);
    if (detail.request.state !== 'owner_review') throw new Error(`set-up: request ${id} is ${detail.request.state}, not in owner review`);
    return id;
  };

  // Breaches first: skipping time past their deadline would breach every request filed before.
  const supervised = await Promise.all([fileTrack5(), fileTrack5()]);
  const deadline = Math.max(...(await Promise.all(supervised.map(async (id) => Date.parse((await opened(id)).request.deadline)))));
  await options.sleep(deadline - (await options.now()).getTime() + 2 * 60 * 60 * 1000);
  const supervisionOf = async (id: string): Promise<string> => {
    for (let i = 0; i < 400; i++) {
      const detail = await expectStatus(
        send(u['center.center_operator'], { method: 'GET', url: `/api/v1/requests/${id}` }),
        200,
        'reading a supervised request',
      );
      const found = detail.supervisions.find((s: { level: number; chargedParty: string }) => s.level === 1 && s.chargedParty === 'owner');
      if (found) return found.id;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`set-up: the breach of request ${id} did not issue a level-1 supervision`);
  };
  const [sharedSupervision, freshSupervision] = (await Promise.all(supervised.map(supervisionOf))) as [string, string];

  // ── the catalogue through the services ─────────────────────────────────────────────────────
  const policeReviewer = callers.as(u['police.reviewer']);
  const publish = async (ctx: RequestContext, code: string, content: DatasetContent) => {
    const row = await catalogue.createDataset(ctx, { code, ...content });
    return catalogue.moveDataset(ctx, row.id, 'published');
  };
  const freshPoliceDataset = () => publish(policeReviewer, `MX-${tag}-${rand()}`, datasetContent(`矩阵数据${rand()}`));
  const drafted = (user: UserRow, code: string) =>
    catalogue.createDataset(callers.as(user), { code: `MX-${tag}-${code}`, ...datasetContent(`矩阵草稿${code}${tag}`) });
  const datasets = {
    published: world.unconditional,
    revise: await publish(policeReviewer, `MX-${tag}-REV`, datasetContent(`矩阵修订${tag}`)),
    retire: await publish(policeReviewer, `MX-${tag}-RET`, datasetContent(`矩阵停用${tag}`)),
    aggregation: await publish(policeReviewer, `MX-${tag}-AGG`, datasetContent(`矩阵归集${tag}`)),
    market: await publish(callers.as(u['market.dept_admin']), `MX-${tag}-MKT`, datasetContent(`企业登记信息${tag}`, MARKET_FIELDS)),
    drafts: {
      market: await drafted(u['market.reviewer'], 'DM'),
      police: await drafted(u['police.reviewer'], 'DP'),
      other: await drafted(u['other.reviewer'], 'DO'),
    },
  };
  const scenarioInput = (name: string): scenarios.ScenarioInput => ({
    name,
    kind: 'other',
    leadDepartmentId: callers.departments.police.id,
    description: '矩阵测试场景',
    validFrom: '2020-01-01',
    validTo: null,
    coverage: [{ datasetCode: world.unconditional.code, fields: ['姓名'] }],
  });
  const centerAdmin = callers.as(u['center.center_admin']);
  const scenarioRows = {
    revise: await scenarios.createScenario(centerAdmin, scenarioInput(`矩阵修订场景${tag}`)),
    keyList: await scenarios.createScenario(centerAdmin, scenarioInput(`矩阵清单场景${tag}`)),
  };

  // ── requests in every state the rows need (after the breach) ───────────────────────────────
  const main = await draft(u['market.requester'], track5());
  const attachment = await expectStatus(
    send(u['market.requester'], {
      method: 'POST',
      url: `/api/v1/requests/${main}/attachments?fileName=${encodeURIComponent('授权书.pdf')}`,
      payload: pdfFile('授权书'),
      headers: { 'content-type': PDF },
    }),
    201,
    'attaching a file',
  );
  await file(main);
  const track1 = async (user: UserRow) => {
    const id = await draft(user, draftFor(world.unconditional.id, { fields: ['姓名'] }));
    await expectStatus(
      send(user, {
        method: 'POST',
        url: `/api/v1/requests/${id}/filing`,
        payload: { commitmentVersion: await commitmentVersion(), acceptCommitment: true },
      }),
      201,
      'filing a track-1 request',
    );
    const detail = await opened(id, user);
    if (detail.request.state !== 'provisioning') throw new Error(`set-up: track-1 request ${id} is ${detail.request.state}`);
    return id;
  };
  const pair = async (make: () => Promise<string>): Promise<SubjectPair> => {
    const [shared, fresh] = await Promise.all([make(), make()]);
    return { shared, fresh };
  };
  const police = (action: string, payload: object) => async (id: string) => {
    await expectStatus(
      send(u['police.reviewer'], { method: 'POST', url: `/api/v1/requests/${id}/${action}`, payload }),
      200,
      `${action} by the owner`,
    );
    return id;
  };
  const [mainDetail, approve, refuse, ask, answer, withdraw, extend, decideExtension, deliver, otherFiled] = await Promise.all([
    opened(main),
    pair(() => fileTrack5()),
    pair(() => fileTrack5({ fields: ['姓名', '婚姻状况'] })), // fails the catalogued restrictedFields condition
    pair(() => fileTrack5()),
    pair(async () => police('supplement-request', { question: '请说明用途对应的业务事项' })(await fileTrack5())),
    pair(() => fileTrack5()),
    pair(() => fileTrack5()),
    pair(async () => police('extension-request', { days: 2, reason: '需要与源系统核对数据口径' })(await fileTrack5())),
    pair(() => track1(u['market.requester'])),
    track1(u['other.requester']),
  ]);
  const clockId = mainDetail.clocks[0]?.clock.id as string | undefined;
  if (!clockId) throw new Error('set-up: the filed request has no clock');
  const drafts = () => pair(() => draft(u['market.requester'], track5()));
  const requests = {
    main,
    draft: await draft(u['market.requester'], track5()),
    otherFiled,
    policeDraft: await draft(u['police.requester'], draftFor(datasets.market.id, { fields: ['企业名称'] })),
    otherDraft: await draft(u['other.requester'], track5()),
  };
  const actions = {
    discard: await drafts(),
    file: await drafts(),
    approve,
    refuse,
    ask,
    answer,
    withdraw,
    extend,
    decideExtension,
    deliver,
    supervision: { shared: sharedSupervision, fresh: freshSupervision },
  };

  // ── grants: delivered track-1 requests (the delivery starts each grant's workflow) ───────────
  const granted = async () => {
    const id = await track1(u['market.requester']);
    await expectStatus(
      send(u['center.center_operator'], {
        method: 'POST',
        url: `/api/v1/requests/${id}/delivery`,
        payload: { method: 'interface', reference: `MX-${rand()}` },
      }),
      200,
      'delivering a track-1 request',
    );
    const [grant] = await db.select({ id: grantsTable.id }).from(grantsTable).where(eq(grantsTable.requestId, id));
    if (!grant) throw new Error(`set-up: the delivery of ${id} issued no grant`);
    return grant.id;
  };
  const suspended = async () => {
    const id = await granted();
    await expectStatus(
      send(u['police.reviewer'], { method: 'POST', url: `/api/v1/grants/${id}/suspension`, payload: { reason: '核查' } }),
      200,
      'suspending a grant',
    );
    return id;
  };
  const [shownGrant, suspendGrants, resumeGrants, revokeGrants, renewGrants] = await Promise.all([
    granted(),
    pair(granted),
    pair(suspended),
    pair(granted),
    pair(granted),
  ]);
  const grants = { shown: shownGrant, suspend: suspendGrants, resume: resumeGrants, revoke: revokeGrants, renew: renewGrants };
  const serviceClient = async () =>
    (
      await expectStatus(
        send(u['center.center_admin'], { method: 'POST', url: '/api/v1/service-clients', payload: { name: `矩阵网关-${rand()}` } }),
        201,
        'registering a service client',
      )
    ).client.id as string;
  const serviceClients = await pair(serviceClient);

  // ── identity, webhooks and the inboxes ─────────────────────────────────────────────────────
  const spareDepartment = await createTestDepartment(db, { name: '矩阵备用部门' });
  const policeUser = await createTestUser(db, callers.departments.police, ['requester']);
  const webhook = async (user: UserRow) =>
    (
      await expectStatus(
        send(user, { method: 'POST', url: '/api/v1/webhooks', payload: { url: `https://hooks.example.gov.cn/gx/${rand()}` } }),
        201,
        'registering a webhook',
      )
    ).webhook.id as string;
  const policeWebhookId = await webhook(u['police.dept_admin']);
  await webhook(u['market.dept_admin']);
  // What the notification relay does for these departments' messages (the relay is not running here).
  const own = [callers.departments.market.id, callers.departments.police.id, callers.departments.other.id];
  const outbox = await db.select().from(notificationOutbox).where(inArray(notificationOutbox.departmentId, own));
  for (const entry of outbox) {
    await options.deliverToInbox(entry.id);
    await options.prepareWebhookDeliveries(entry.id, entry.createdAt.toISOString());
  }
  const policeMessage = outbox.find((m) => m.departmentId === callers.departments.police.id && m.subjectId === policeUser.id);
  if (!policeMessage) throw new Error('set-up: no message in the police inbox');

  return {
    tag,
    world,
    callers,
    spareDepartment,
    policeUser,
    policeMessageId: policeMessage.id,
    policeWebhookId,
    policySettings: (await currentPolicy(db)).settings,
    datasets,
    freshPoliceDataset,
    scenarios: scenarioRows,
    scenarioInput,
    requests,
    actions,
    grants,
    serviceClients,
    attachmentId: attachment.id,
    clockId,
    commitmentVersion,
    track15: await createTrack15Fixtures({ send, users: u, world, commitmentVersion }),
    objections: await createObjectionFixtures({ send, users: u, grantId: grants.shown }),
  };
}
