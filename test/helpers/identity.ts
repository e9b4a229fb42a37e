import { randomBytes } from 'node:crypto';
import { createTokenService } from '../../src/identity/tokens.js';
import type { Config } from '../../src/platform/config.js';
import type { Db } from '../../src/platform/db/client.js';
import type { DepartmentLevel, Role } from '../../src/identity/rules/roles.js';
import { toActor } from '../../src/identity/actor.js';
import {
  createDepartmentAs,
  createUserAs,
  specialDepartment,
  type DepartmentRow,
  type RequestContext,
  type UserRow,
} from '../../src/identity/service.js';

const seed = { actor: { kind: 'system', role: 'seed' } as const };
const unique = () => randomBytes(4).toString('hex').toUpperCase();

/** A department of the test's own (unique code), so parallel files never collide. */
export async function createTestDepartment(
  db: Db,
  options: { level?: DepartmentLevel; parentCode?: string; isDataCenter?: boolean; isCompetentAuthority?: boolean; name?: string } = {},
): Promise<DepartmentRow> {
  const code = `T-${unique()}`;
  return createDepartmentAs(
    db,
    { code, name: options.name ?? `测试部门 ${code}`, level: options.level ?? 'city', ...options },
    { ...seed, now: new Date() },
  );
}

export async function createTestUser(db: Db, department: DepartmentRow, roles: Role[], active = true): Promise<UserRow> {
  const user = await createUserAs(
    db,
    { username: `t.${unique().toLowerCase()}`, displayName: '测试用户', departmentId: department.id, roles },
    { ...seed, now: new Date() },
  );
  if (!active) {
    const { users } = await import('../../src/platform/db/schema.js');
    const { eq } = await import('drizzle-orm');
    await db.update(users).set({ active: false }).where(eq(users.id, user.id));
  }
  return user;
}

export async function bearer(config: Config, user: UserRow, at = new Date()): Promise<{ authorization: string }> {
  const { token } = await createTokenService(config.tokens).issue({ userId: user.id }, at);
  return { authorization: `Bearer ${token}` };
}

/** A small world: the center, the competent authority, two ordinary departments, a user per role. */
/**
 * The city has one big-data center and one competent authority, so test worlds share them
 * (created by the first world of a database); everything else is the world's own.
 */
async function sharedDepartment(db: Db, which: 'center' | 'authority'): Promise<DepartmentRow> {
  const existing = await specialDepartment(db, which);
  if (existing) return existing;
  try {
    return await createTestDepartment(
      db,
      which === 'center' ? { isDataCenter: true, name: '测试大数据中心' } : { isCompetentAuthority: true, name: '测试数据局' },
    );
  } catch (error) {
    const again = await specialDepartment(db, which); // another test file created it meanwhile
    if (again) return again;
    throw error;
  }
}

export async function createTestWorld(db: Db) {
  const center = await sharedDepartment(db, 'center');
  const authority = await sharedDepartment(db, 'authority');
  const police = await createTestDepartment(db, { name: '测试公安局' });
  const market = await createTestDepartment(db, { name: '测试市场监管局' });
  return {
    center,
    authority,
    police,
    market,
    centerAdmin: await createTestUser(db, center, ['center_admin']),
    centerOperator: await createTestUser(db, center, ['center_operator']),
    centerAuditor: await createTestUser(db, center, ['auditor']),
    supervisor: await createTestUser(db, authority, ['supervisor']),
    policeAdmin: await createTestUser(db, police, ['dept_admin']),
    policeRequester: await createTestUser(db, police, ['requester']),
    policeReviewer: await createTestUser(db, police, ['reviewer']),
    marketAdmin: await createTestUser(db, market, ['dept_admin']),
    marketRequester: await createTestUser(db, market, ['requester']),
  };
}

/** A service context acting as one of the world's users (for calling services directly). */
export function actingAs(db: Db, world: Awaited<ReturnType<typeof createTestWorld>>): (user: UserRow) => RequestContext {
  const departments = new Map([world.center, world.authority, world.police, world.market].map((d) => [d.id, d]));
  return (user) => ({ db, actor: toActor(user, departments.get(user.departmentId)!), requestId: 'test', now: new Date() });
}
