/**
 * The world objections are tested in: the request world's police (owner) and market regulator
 * (requester), a third department (a human-resources bureau, with a reviewer) owning a source of
 * fused data, and the market regulator's grants — on plain police data and on the fused dataset,
 * whose 联系电话 comes from police data and from the bureau's.
 */
import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import * as catalogue from '../../src/catalogue/service.js';
import type { Lineage } from '../../src/catalogue/rules/dataset.js';
import type { Db } from '../../src/platform/db/client.js';
import { objections } from '../../src/platform/db/schema.js';
import { toActor } from '../../src/identity/actor.js';
import type { UserRow } from '../../src/identity/service.js';
import type { TestApp } from './app.js';
import { fieldsOf, grantFor } from './grants.js';
import { bearer, createTestDepartment, createTestUser } from './identity.js';
import { createRequestWorld, waitFor } from './requests.js';

/** A valid resident identity number (the example of GB 11643). */
export const RECORD = '11010519491231002X';

/** `validTo`: the grants' end (a test on a time-skipping server runs years ahead of their issue). */
export async function createObjectionWorld(db: Db, options: { validTo?: Date } = {}) {
  const world = await createRequestWorld(db);
  const bureau = await createTestDepartment(db, { name: `测试人社局${randomBytes(2).toString('hex')}` });
  const bureauReviewer = await createTestUser(db, bureau, ['reviewer']);
  const bureauRequester = await createTestUser(db, bureau, ['requester']);
  const asBureau = (user: typeof bureauReviewer) => ({ db, actor: toActor(user, bureau), requestId: 'test', now: new Date() });
  const tag = randomBytes(3).toString('hex').toUpperCase();
  const base = {
    description: '',
    libraryKind: 'thematic' as const,
    updateFrequency: '每日',
    sourceSystem: '业务系统',
    sharingType: 'unconditional' as const,
  };
  const publish = async (ctx: ReturnType<typeof world.as>, code: string, name: string, fields: string[], lineage?: Lineage) => {
    const row = await catalogue.createDataset(ctx, {
      code: `YY-${tag}-${code}`,
      ...base,
      name,
      fields: fieldsOf(...fields),
      ...(lineage ? { lineage } : {}),
    });
    await catalogue.moveDataset(ctx, row.id, 'published');
    await catalogue.setAggregation(world.as(world.centerAdmin), row.id, true, '已归集');
    return row;
  };
  const police = world.as(world.policeReviewer);
  const plain = await publish(police, 'HJ', `户籍信息${tag}`, ['姓名', '公民身份号码', '户籍地址']);
  const sourceA = await publish(police, 'RK', `人口信息${tag}`, ['姓名', '公民身份号码', '联系电话']);
  const sourceB = await publish(asBureau(bureauReviewer), 'SB', `社保登记${tag}`, ['姓名', '公民身份号码', '手机号码']);
  const fused = await publish(police, 'RH', `人口综合${tag}`, ['姓名', '公民身份号码', '联系电话'], {
    sources: [
      { datasetCode: sourceA.code, fieldMap: { 姓名: '姓名', 公民身份号码: '公民身份号码', 联系电话: '联系电话' } },
      { datasetCode: sourceB.code, fieldMap: { 联系电话: '手机号码' } },
    ],
  });
  const patch = options.validTo ? { patch: { validTo: options.validTo } } : {};
  const grants = {
    plain: await grantFor(db, world, world.marketRequester, plain.id, ['姓名', '公民身份号码', '户籍地址'], patch),
    fused: await grantFor(db, world, world.marketRequester, fused.id, ['姓名', '联系电话'], patch),
  };
  return { ...world, bureau, bureauReviewer, bureauRequester, datasets: { plain, sourceA, sourceB, fused }, grants };
}
export type ObjectionWorld = Awaited<ReturnType<typeof createObjectionWorld>>;

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * The objection world's HTTP calls, as its parties make them on the test server's clock: raw calls,
 * steps that must succeed, raising on `RECORD`, an objection's detail (the summary's fields
 * alongside the rest), its state in the database, and the exchange's grant check.
 */
export function objectionApi(options: { harness: TestApp; now: () => Promise<Date>; db: Db; world: ObjectionWorld }) {
  const { harness, now, db, world } = options;
  const call = async (method: 'GET' | 'POST', url: string, user: UserRow, payload?: object) => {
    const response = await harness.app.inject({
      method,
      url: `/api/v1${url}`,
      headers: await bearer(harness.config, user, await now()),
      ...(payload ? { payload } : {}),
    });
    const json = String(response.headers['content-type'] ?? '').startsWith('application/json');
    return { status: response.statusCode, body: (json ? response.json() : response.rawPayload) as Json };
  };
  /** A step that must succeed; its answer. */
  const step = async (url: string, user: UserRow, payload: object = {}) => {
    const r = await call('POST', url, user, payload);
    if (r.status !== 200 && r.status !== 201) throw new Error(`${url}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  };
  const stateOf = async (id: string) =>
    (await db.select({ state: objections.state }).from(objections).where(eq(objections.id, id)))[0]!.state;
  return {
    call,
    step,
    /** The market regulator raises an objection on `RECORD` through one of its grants. */
    raise: async (grantId: string, field: string, extra: object = {}) =>
      (
        await step('/objections', world.marketRequester, {
          grantId,
          recordKey: RECORD,
          field,
          valueReceived: '旧值',
          valueClaimed: '新值',
          reason: '与本部门核验结果不一致',
          ...extra,
        })
      ).objection as Json,
    detail: async (id: string, user: UserRow = world.centerOperator) => {
      const body = (await call('GET', `/objections/${id}`, user)).body;
      return { ...body, ...body.objection } as Json;
    },
    stateOf,
    until: (id: string, state: string) => waitFor(async () => ((await stateOf(id)) === state ? true : undefined), `objection in ${state}`),
    taskOf: (detail: Json, departmentId: string, round = 1) =>
      (detail.tasks as Json[]).find((x) => x.department.id === departmentId && x.round === round)!,
    /** The exchange's grant check (a service client's key) for a department on a dataset's fields. */
    exchangeCheck: async (serviceKey: string, payload: { departmentId: string; datasetId: string; fields: string[] }) =>
      (
        await harness.app.inject({ method: 'POST', url: '/api/v1/exchange/checks', headers: { 'x-service-key': serviceKey }, payload })
      ).json<Json>(),
  };
}
