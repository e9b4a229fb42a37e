import type { FastifyReply, FastifyRequest } from 'fastify';
import { Action, Subject } from './rules/abilities.js';
import { authorize } from './authorize.js';
import type { TokenService } from './tokens.js';
import type { Clock } from '../platform/clock.js';
import type { Db } from '../platform/db/client.js';
import type { Role } from './rules/roles.js';
import { NotFoundError, UnauthorizedError } from '../platform/errors.js';
import * as identity from './service.js';
import type { JsonBody, JsonRequest } from '../platform/http/contract.js';
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
    listDemoUsers: async (): Promise<JsonBody<'listDemoUsers', 200>> => {
      requireDemoMode(deps.demoMode);
      const rows = await identity.listActiveUsersForDemo(deps.db);
      return { items: rows.map(userView) };
    },

    demoSignIn: async (request: FastifyRequest): Promise<JsonBody<'demoSignIn', 200>> => {
      requireDemoMode(deps.demoMode);
      const { username } = request.body as JsonRequest<'demoSignIn'>;
      const user = await identity.findUserByUsername(deps.db, username);
      if (!user || !user.active) throw new UnauthorizedError('unknown_user', `No active user ${username}`);
      const { token, expiresAt } = await deps.tokens.issue({ userId: user.id }, await deps.clock.now());
      return { token, tokenType: 'Bearer', expiresAt: expiresAt.toISOString(), user: userView(user) };
    },

    getMe: async (request: FastifyRequest): Promise<JsonBody<'getMe', 200>> => {
      const ctx = await contextOf(request, deps);
      return { user: userView(ctx.actor.user), department: departmentView(ctx.actor.departmentRow) };
    },

    listDepartments: async (request: FastifyRequest): Promise<JsonBody<'listDepartments', 200>> => {
      await contextOf(request, deps);
      const query = request.query as { level?: 'city' | 'district' | 'street'; parentId?: string };
      return { items: (await identity.listDepartments(deps.db, query)).map(departmentView) };
    },

    getDepartment: async (request: FastifyRequest): Promise<DepartmentView> => {
      const ctx = await contextOf(request, deps);
      const { departmentId } = request.params as { departmentId: string };
      return departmentView(
        authorize(ctx.actor.ability, Action.read, Subject.Department, await identity.getDepartment(deps.db, departmentId)),
      );
    },

    createDepartment: async (request: FastifyRequest, reply: FastifyReply): Promise<DepartmentView> => {
      const ctx = await contextOf(request, deps);
      reply.status(201);
      return departmentView(await identity.createDepartment(ctx, request.body as JsonRequest<'createDepartment'>));
    },

    updateDepartment: async (request: FastifyRequest): Promise<DepartmentView> => {
      const ctx = await contextOf(request, deps);
      const { departmentId } = request.params as { departmentId: string };
      return departmentView(await identity.updateDepartment(ctx, departmentId, request.body as JsonRequest<'updateDepartment'>));
    },

    listUsers: async (request: FastifyRequest): Promise<JsonBody<'listUsers', 200>> => {
      const ctx = await contextOf(request, deps);
      const query = request.query as { departmentId?: string; role?: Role; active?: boolean; cursor?: string; limit: number };
      const afterUsername = decodeCursor(query.cursor, isString);
      const rows = await identity.listUsers(ctx, { ...query, afterUsername, limit: query.limit + 1 });
      const result = page(rows, query.limit, (u) => u.username);
      return { items: result.items.map(userView), nextCursor: result.nextCursor };
    },

    getUser: async (request: FastifyRequest): Promise<UserView> => {
      const ctx = await contextOf(request, deps);
      const { userId } = request.params as { userId: string };
      return userView(await identity.getUser(ctx, userId));
    },

    createUser: async (request: FastifyRequest, reply: FastifyReply): Promise<UserView> => {
      const ctx = await contextOf(request, deps);
      const user = await identity.createUser(ctx, request.body as JsonRequest<'createUser'>);
      await deps.afterNotify();
      reply.status(201);
      return userView(user);
    },

    updateUser: async (request: FastifyRequest): Promise<UserView> => {
      const ctx = await contextOf(request, deps);
      const { userId } = request.params as { userId: string };
      const { reason, ...patch } = request.body as JsonRequest<'updateUser'>;
      const user = await identity.updateUser(ctx, userId, patch, reason);
      await deps.afterNotify();
      return userView(user);
    },
  };
}
