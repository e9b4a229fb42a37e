import { subject as asSubject } from '@casl/ability';
import { ForbiddenError, NotFoundError } from '../platform/errors.js';
import { Action, type AppAbility, type SubjectType } from './rules/abilities.js';

const snake = (type: SubjectType) => type.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();

/** The 404 code of a kind of record the caller may not read or that does not exist (e.g. `request_not_found`). */
export const notFoundCode = (type: SubjectType) => `${snake(type)}_not_found`;

/**
 * The one place that decides 404 versus 403 for a loaded record: a caller who may not read it
 * learns nothing (404, as if it did not exist); one who may read it but not do the action gets
 * 403. Call after loading the row, before acting on it.
 */
export function authorize<T extends object>(ability: AppAbility, action: Action, type: SubjectType, row: T | undefined): T {
  if (!row || !ability.can(Action.read, asSubject(type, { ...row }) as never)) {
    throw new NotFoundError(notFoundCode(type), `No ${snake(type).replace(/_/g, ' ')} with that id`);
  }
  if (action !== Action.read && !ability.can(action, asSubject(type, { ...row }) as never)) {
    throw new ForbiddenError('forbidden', `Your roles do not allow you to ${action} this ${snake(type).replace(/_/g, ' ')}`);
  }
  return row;
}

/** For creating a record: 403 unless the caller may create one with these attributes. */
export function authorizeCreate<T extends object>(ability: AppAbility, type: SubjectType, draft: T): void {
  if (!ability.can(Action.create, asSubject(type, { ...draft }) as never)) {
    throw new ForbiddenError('forbidden', `Your roles do not allow you to create this ${snake(type).replace(/_/g, ' ')}`);
  }
}

/** Whether the caller may do the action on this record (for rules that go beyond 404/403). */
export function allows<T extends object>(ability: AppAbility, action: Action, type: SubjectType, row: T): boolean {
  return ability.can(action, asSubject(type, { ...row }) as never);
}
