import type { AuditActor } from '../audit/index.js';
import { defineAbilityFor, type Actor, type AppAbility } from './rules/abilities.js';
import type { Role } from './rules/roles.js';
import type { departments, users } from '../platform/db/schema.js';

type UserRow = typeof users.$inferSelect;
type DepartmentRow = typeof departments.$inferSelect;

/** The signed-in user a request acts for, with the rules that apply to them. */
export interface AuthenticatedActor extends Actor {
  user: UserRow;
  departmentRow: DepartmentRow;
  ability: AppAbility;
}

export function toActor(user: UserRow, department: DepartmentRow): AuthenticatedActor {
  const actor: Actor = {
    userId: user.id,
    departmentId: department.id,
    roles: user.roles as Role[],
    department: { isDataCenter: department.isDataCenter, isCompetentAuthority: department.isCompetentAuthority },
  };
  return { ...actor, user, departmentRow: department, ability: defineAbilityFor(actor) };
}

/** The audit actor for an action, naming the first of `roles` (in order) the user holds. */
export function auditActor(actor: AuthenticatedActor, ...roles: Role[]): AuditActor {
  const role = roles.find((r) => actor.roles.includes(r)) ?? actor.roles[0] ?? 'unknown';
  return { kind: 'user', userId: actor.userId, departmentId: actor.departmentId, role };
}
