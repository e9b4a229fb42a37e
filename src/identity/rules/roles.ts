/**
 * Roles and which departments may hold them (DESIGN.md, roles and visibility). A user acts for
 * exactly one department and holds one or more roles.
 */
export const ROLES = ['requester', 'reviewer', 'dept_admin', 'center_operator', 'center_admin', 'supervisor', 'auditor'] as const;
export type Role = (typeof ROLES)[number];

export const DEPARTMENT_LEVELS = ['city', 'district', 'street'] as const;
export type DepartmentLevel = (typeof DEPARTMENT_LEVELS)[number];

export interface DepartmentKind {
  isDataCenter: boolean;
  isCompetentAuthority: boolean;
}

export interface RoleProblem {
  /** A role the directory names, known or not. */
  role: string;
  problem: string;
}

/** Roles that see or steer every department's data: only the center's administrator grants them. */
export const PRIVILEGED_ROLES: readonly Role[] = ['center_operator', 'center_admin', 'supervisor', 'auditor'];

/**
 * The privileged roles a change would newly grant that the granter may not grant (a department
 * administrator of the competent authority making itself supervisor, say); empty when allowed.
 */
export function rolesBeyondGrant(granterRoles: readonly string[], before: readonly string[], after: readonly string[]): string[] {
  if (granterRoles.includes('center_admin')) return [];
  return after.filter((role) => (PRIVILEGED_ROLES as readonly string[]).includes(role) && !before.includes(role));
}

/** Every reason the roles cannot be held together in that department; empty when valid. */
export function roleAssignmentProblems(department: DepartmentKind, roles: readonly string[]): RoleProblem[] {
  const problems: RoleProblem[] = [];
  if (roles.length === 0) problems.push({ role: '', problem: 'a user holds at least one role' });
  const seen = new Set<string>();
  for (const role of roles) {
    if (seen.has(role)) problems.push({ role, problem: 'role listed twice' });
    seen.add(role);
    if (!(ROLES as readonly string[]).includes(role)) {
      problems.push({ role, problem: `unknown role; roles are ${ROLES.join(', ')}` });
    } else if ((role === 'center_operator' || role === 'center_admin') && !department.isDataCenter) {
      problems.push({ role, problem: 'only users of the big-data center (市大数据中心) hold center roles' });
    } else if (role === 'supervisor' && !department.isCompetentAuthority) {
      problems.push({ role, problem: 'only users of the competent authority (公共数据主管部门) supervise' });
    } else if (role === 'auditor' && !department.isDataCenter && !department.isCompetentAuthority) {
      problems.push({ role, problem: 'auditors belong to the big-data center or the competent authority' });
    } else if (role === 'auditor' && roles.length > 1) {
      problems.push({ role, problem: 'an auditor reads everything and changes nothing, so holds no other role' });
    }
  }
  return problems;
}

export interface DepartmentShape extends DepartmentKind {
  level: DepartmentLevel;
  parentLevel?: DepartmentLevel | undefined;
}

/**
 * A department's place in the hierarchy: street offices under a district; a district department
 * stands alone or under the city or its district government (e.g. 长宁区数据局 under 长宁区人民政府).
 */
export function departmentProblems(department: DepartmentShape): string[] {
  const problems: string[] = [];
  if (department.isDataCenter && department.isCompetentAuthority)
    problems.push('a department cannot be both the big-data center and the competent authority');
  if ((department.isDataCenter || department.isCompetentAuthority) && department.level !== 'city')
    problems.push('the big-data center and the competent authority are city-level departments');
  if (department.level === 'street' && department.parentLevel !== 'district') problems.push('a street office has a district parent');
  if (department.level === 'district' && department.parentLevel === 'street')
    problems.push('a district department cannot sit under a street office');
  if (department.level === 'city' && department.parentLevel !== undefined) problems.push('a city department has no parent');
  return problems;
}
