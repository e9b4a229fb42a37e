import { Action, Subject } from './rules/abilities.js';
import { authorize } from './authorize.js';
import type { TokenService } from './tokens.js';
import type { Clock } from '../platform/clock.js';
import type { Db } from '../platform/db/client.js';
import type { Role } from './rules/roles.js';
import { NotFoundError, UnauthorizedError } from '../platform/errors.js';
import * as identity from './service.js';
import { operation, type JsonBody } from '../platform/http/contract.js';
import { decodeCursor, page } from '../platform/http/cursor.js';
import { contextOf } from './authentication.js';

type DepartmentView = JsonBody<'getDepartment', 200>;
type UserView = JsonBody<'getUser', 200>;

export const departmentView = (d: identity.DepartmentRow): DepartmentView => ({
  id: d.id,
  code: d.code,
  name: d.name,
  nameEn: d.nameEn,
  level: d.level,
  parentId: d.parentId,
  isDataCenter: d.isDataCenter,
  isCompetentAuthority: d.isCompetentAuthority,
});

export const userView = (u: identity.UserRow): UserView => ({
  id: u.id,
  username: u.username,
  displayName: u.displayName,
  departmentId: u.departmentId,
  roles: u.roles as Role[],
  active: u.active,
});

function requireDemoMode(demoMode: boolean) {
  // Outside demo mode these routes do not exist for callers.
  if (!demoMode) throw new NotFoundError('route_not_found', 'Demo sign-in is available only when DEMO_MODE=true');
}

const isString = (v: unknown): v is string => typeof v === 'string';

export function identityHandlers(deps: {
  db: Db;
  clock: Clock;
  tokens: TokenService;
  demoMode: boolean;
  afterNotify: () => Promise<void>;
}) {
  return {
    listDemoUsers: operation<'listDemoUsers'>(async (): Promise<JsonBody<'listDemoUsers', 200>> => {
      requireDemoMode(deps.demoMode);
      const rows = await identity.listActiveUsersForDemo(deps.db);
      return { items: rows.map(userView) };
    }),

    demoSignIn: operation<'demoSignIn'>(async (request): Promise<JsonBody<'demoSignIn', 200>> => {
      requireDemoMode(deps.demoMode);
      const { username } = request.body;
      const user = await identity.findUserByUsername(deps.db, username);
      if (!user || !user.active) throw new UnauthorizedError('unknown_user', `No active user ${username}`);
      const { token, expiresAt } = await deps.tokens.issue({ userId: user.id }, await deps.clock.now());
      return { token, tokenType: 'Bearer', expiresAt: expiresAt.toISOString(), user: userView(user) };
    }),

    getMe: operation<'getMe'>(async (request): Promise<JsonBody<'getMe', 200>> => {
      const ctx = await contextOf(request, deps);
      return { user: userView(ctx.actor.user), department: departmentView(ctx.actor.departmentRow) };
    }),

    listDepartments: operation<'listDepartments'>(async (request): Promise<JsonBody<'listDepartments', 200>> => {
      await contextOf(request, deps);
      return { items: (await identity.listDepartments(deps.db, request.query)).map(departmentView) };
    }),

    getDepartment: operation<'getDepartment'>(async (request): Promise<DepartmentView> => {
      const ctx = await contextOf(request, deps);
      return departmentView(
        authorize(ctx.actor.ability, Action.read, Subject.Department, await identity.getDepartment(deps.db, request.params.departmentId)),
      );
    }),

    createDepartment: operation<'createDepartment'>(async (request, reply): Promise<DepartmentView> => {
      const ctx = await contextOf(request, deps);
      reply.status(201);
      return departmentView(await identity.createDepartment(ctx, request.body));
    }),

    updateDepartment: operation<'updateDepartment'>(async (request): Promise<DepartmentView> => {
      const ctx = await contextOf(request, deps);
      return departmentView(await identity.updateDepartment(ctx, request.params.departmentId, request.body));
    }),

    listUsers: operation<'listUsers'>(async (request): Promise<JsonBody<'listUsers', 200>> => {
      const ctx = await contextOf(request, deps);
      // Validation applies the contract's default limit (50); the type still marks it optional.
      const { cursor, limit = 50, ...filter } = request.query;
      const rows = await identity.listUsers(ctx, { ...filter, afterUsername: decodeCursor(cursor, isString), limit: limit + 1 });
      const result = page(rows, limit, (u) => u.username);
      return { items: result.items.map(userView), nextCursor: result.nextCursor };
    }),

    getUser: operation<'getUser'>(async (request): Promise<UserView> => {
      const ctx = await contextOf(request, deps);
      return userView(await identity.getUser(ctx, request.params.userId));
    }),

    createUser: operation<'createUser'>(async (request, reply): Promise<UserView> => {
      const ctx = await contextOf(request, deps);
      const user = await identity.createUser(ctx, request.body);
      await deps.afterNotify();
      reply.status(201);
      return userView(user);
    }),

    updateUser: operation<'updateUser'>(async (request): Promise<UserView> => {
      const ctx = await contextOf(request, deps);
      const { reason, ...patch } = request.body;
      const user = await identity.updateUser(ctx, request.params.userId, patch, reason);
      await deps.afterNotify();
      return userView(user);
    }),
  };
}
