/**
 * Grants for tests that need them without moving requests through workflows: a filed request
 * (the grant's origin) and the grant the delivery's own function issues for it, optionally put in
 * another state or validity; and police datasets to hold them on.
 */
import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import * as catalogue from '../../src/catalogue/service.js';
import { issueGrant } from '../../src/grants/index.js';
import type { RequestContext, UserRow } from '../../src/identity/service.js';
import type { Db } from '../../src/platform/db/client.js';
import { grants } from '../../src/platform/db/schema.js';
import { draftFor, fileAs, type RequestWorld } from './requests.js';

export const fieldsOf = (...names: string[]) =>
  names.map((name) => ({ name, type: 'string', description: '', sensitivity: 'internal' as const }));

/** A published, aggregated, unconditionally shared police dataset with these fields. */
export async function policeDataset(world: RequestWorld, fields: string[]) {
  const code = `GR-${randomBytes(3).toString('hex').toUpperCase()}`;
  const base = { description: '', libraryKind: 'thematic' as const, updateFrequency: '每日', sourceSystem: '业务系统' };
  const row = await catalogue.createDataset(world.as(world.policeReviewer), {
    code,
    ...base,
    name: `授权测试数据${code}`,
    fields: fieldsOf(...fields),
    sharingType: 'unconditional',
  });
  await catalogue.moveDataset(world.as(world.policeReviewer), row.id, 'published');
  await catalogue.setAggregation(world.as(world.centerAdmin), row.id, true, '已归集');
  return row;
}

/**
 * A grant of `fields` of the dataset to the user's department, as a delivery issues it now (six
 * months), then set to `patch` (a state, a validity). `as` acts for a user outside the world.
 */
export async function grantFor(
  db: Db,
  world: RequestWorld,
  user: UserRow,
  datasetId: string,
  fields: string[],
  options: { patch?: Partial<typeof grants.$inferInsert>; as?: (user: UserRow) => RequestContext; requested?: string[] } = {},
) {
  const filer = options.as ? { ...world, as: options.as } : world;
  const request = await fileAs(db, filer, user, draftFor(datasetId, { fields: options.requested ?? fields }), new Date());
  const issued = await db.transaction((tx) =>
    issueGrant(tx, {
      requestId: request.id,
      requesterDepartmentId: user.departmentId,
      datasetId,
      datasetVersion: 1,
      fields,
      scenarioId: null,
      purpose: '核验',
      method: 'interface',
      reference: 'API-1',
      usageMonths: 6,
      reminderDays: 10,
      at: new Date(),
    }),
  );
  if (options.patch) await db.update(grants).set(options.patch).where(eq(grants.id, issued.id));
  return issued;
}
