/**
 * Who answers a supervision notice (督办) on any case (a request, an objection), pure: a user of the
 * department the notice holds responsible, acting as its reviewer, center operator, supervisor (a
 * late dispute decision) or administrator. The reply endpoint enforces it (a second answer is
 * refused by the clock service); a case's detail tells each caller whether a notice is theirs to
 * answer now.
 */
import type { Role } from '../../identity/rules/roles.js';

const REPLYING_ROLES = ['reviewer', 'center_operator', 'supervisor', 'dept_admin'] as const satisfies readonly Role[];
export type ReplyingRole = (typeof REPLYING_ROLES)[number];

interface Caller {
  departmentId: string;
  roles: readonly Role[];
}

/** The role in which the caller answers for the responsible department, or null when it does not. */
export function supervisionReplyRole(caller: Caller, notice: { responsibleDepartmentId: string }): ReplyingRole | null {
  if (notice.responsibleDepartmentId !== caller.departmentId) return null;
  return REPLYING_ROLES.find((role) => caller.roles.includes(role)) ?? null;
}

/** Whether the notice awaits the caller's answer. */
export function mayReplyToSupervision(caller: Caller, notice: { responsibleDepartmentId: string; reply: string | null }): boolean {
  return notice.reply === null && supervisionReplyRole(caller, notice) !== null;
}
