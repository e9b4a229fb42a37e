/** Departments and users as the contract shows them. */
import type { JsonBody } from '../platform/http/contract.js';
import type { Role } from './rules/roles.js';
import type { DepartmentRow, UserRow } from './service.js';

export type DepartmentView = JsonBody<'getDepartment', 200>;
export type UserView = JsonBody<'getUser', 200>;

export const departmentView = (d: DepartmentRow): DepartmentView => ({
  id: d.id,
  code: d.code,
  name: d.name,
  nameEn: d.nameEn,
  level: d.level,
  parentId: d.parentId,
  isDataCenter: d.isDataCenter,
  isCompetentAuthority: d.isCompetentAuthority,
});

export const userView = (u: UserRow): UserView => ({
  id: u.id,
  username: u.username,
  displayName: u.displayName,
  departmentId: u.departmentId,
  roles: u.roles as Role[],
  active: u.active,
});
