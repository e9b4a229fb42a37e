/**
 * The world objections are tested in: the request world's police (owner) and market regulator
 * (requester), a third department (a human-resources bureau, with a reviewer) owning a source of
 * fused data, and the market regulator's grants — on plain police data and on the fused dataset,
 * whose 联系电话 comes from police data and from the bureau's.
 */
import { randomBytes } from 'node:crypto';
import * as catalogue from '../../src/catalogue/service.js';
import type { Lineage } from '../../src/catalogue/rules/dataset.js';
import type { Db } from '../../src/platform/db/client.js';
import { toActor } from '../../src/identity/actor.js';
import { fieldsOf, grantFor } from './grants.js';
import { createTestDepartment, createTestUser } from './identity.js';
import { createRequestWorld } from './requests.js';

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
