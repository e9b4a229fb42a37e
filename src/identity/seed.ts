import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { SeedContext, SeedStep } from '../platform/seeding.js';
import { toActor } from './actor.js';
import type { DepartmentLevel, Role } from './rules/roles.js';
import { createDepartmentAs, createUserAs, findUserByUsername, listDepartments, loadActiveUser, type RequestContext } from './service.js';

/** The real Shanghai department names shipped beside the project (read-only shared fixtures). */
export const departmentsFixture = fileURLToPath(new URL('../../../shared/fixtures/departments.json', import.meta.url));

interface FixtureDepartment {
  code: string;
  name: string;
  nameEn?: string;
  level: DepartmentLevel;
  parent?: string;
  isDataCenter: boolean;
  isCompetentAuthority: boolean;
}

export function readDepartmentsFixture(path = departmentsFixture): FixtureDepartment[] {
  return (JSON.parse(readFileSync(path, 'utf8')) as { departments: FixtureDepartment[] }).departments;
}

/** Demo users: who to sign in as to see each side of the platform. */
export const DEMO_USERS: { username: string; displayName: string; department: string; roles: Role[] }[] = [
  { username: 'dsc.admin', displayName: '王敏（中心管理员）', department: 'SH-DSC', roles: ['center_admin'] },
  { username: 'dsc.operator', displayName: '李强（中心运营）', department: 'SH-DSC', roles: ['center_operator'] },
  { username: 'dsc.auditor', displayName: '赵静（中心审计）', department: 'SH-DSC', roles: ['auditor'] },
  { username: 'data.supervisor', displayName: '陈刚（数据局督办）', department: 'SH-DATA', roles: ['supervisor'] },
  { username: 'data.auditor', displayName: '周琳（数据局审计）', department: 'SH-DATA', roles: ['auditor'] },
  { username: 'psb.requester', displayName: '孙伟（公安局申请）', department: 'SH-PSB', roles: ['requester'] },
  { username: 'psb.reviewer', displayName: '吴芳（公安局审核）', department: 'SH-PSB', roles: ['reviewer'] },
  { username: 'psb.admin', displayName: '郑磊（公安局管理员）', department: 'SH-PSB', roles: ['dept_admin'] },
  { username: 'amr.requester', displayName: '冯洁（市场监管局申请）', department: 'SH-AMR', roles: ['requester'] },
  { username: 'amr.reviewer', displayName: '韩冰（市场监管局审核）', department: 'SH-AMR', roles: ['reviewer', 'requester'] },
  { username: 'amr.admin', displayName: '杨帆（市场监管局管理员）', department: 'SH-AMR', roles: ['dept_admin'] },
  { username: 'hrss.requester', displayName: '朱丽（人社局申请）', department: 'SH-HRSS', roles: ['requester'] },
  { username: 'hrss.reviewer', displayName: '秦川（人社局审核）', department: 'SH-HRSS', roles: ['reviewer'] },
  { username: 'ca.reviewer', displayName: '许静（民政局审核）', department: 'SH-CA', roles: ['reviewer'] },
  { username: 'tax.reviewer', displayName: '何涛（税务局审核）', department: 'SH-TAX', roles: ['reviewer'] },
  { username: 'ha.reviewer', displayName: '吕萍（房管局审核）', department: 'SH-HA', roles: ['reviewer'] },
  { username: 'hsa.reviewer', displayName: '施洋（医保局审核）', department: 'SH-HSA', roles: ['reviewer'] },
  { username: 'edu.reviewer', displayName: '张宁（教委审核）', department: 'SH-EDU', roles: ['reviewer'] },
];

/** Departments from the fixture (parents first), then the demo users, through the services. */
export const identitySeedStep: SeedStep = {
  name: 'identity: departments and demo users',
  run: async ({ db, clock }) => {
    const meta = { actor: { kind: 'system', role: 'seed' } as const, now: await clock.now() };
    const existing = new Set((await listDepartments(db, {})).map((d) => d.code));
    const fixture = readDepartmentsFixture();
    const order = [...fixture].sort(
      (a, b) =>
        Number(Boolean(a.parent)) - Number(Boolean(b.parent)) ||
        ['city', 'district', 'street'].indexOf(a.level) - ['city', 'district', 'street'].indexOf(b.level),
    );
    for (const d of order) {
      if (existing.has(d.code)) continue;
      await createDepartmentAs(
        db,
        {
          code: d.code,
          name: d.name,
          nameEn: d.nameEn,
          level: d.level,
          parentCode: d.parent,
          isDataCenter: d.isDataCenter,
          isCompetentAuthority: d.isCompetentAuthority,
        },
        meta,
      );
    }
    const byCode = new Map((await listDepartments(db, {})).map((d) => [d.code, d.id]));
    for (const u of DEMO_USERS) {
      if (await findUserByUsername(db, u.username)) continue;
      await createUserAs(
        db,
        { username: u.username, displayName: u.displayName, departmentId: byCode.get(u.department)!, roles: u.roles },
        meta,
      );
    }
  },
};

/** A later demo step acting as one of the demo users this step seeded, through the services as the user would. */
export async function actingAs(context: SeedContext, username: string): Promise<RequestContext> {
  const user = await findUserByUsername(context.db, username);
  const row = user && (await loadActiveUser(context.db, user.id));
  if (!row) throw new Error(`demo user ${username} is missing: the identity step seeds it`);
  return { db: context.db, actor: toActor(row.user, row.department), requestId: 'demo-seed', now: await context.clock.now() };
}
