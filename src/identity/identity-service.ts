/**
 * The identity capability's use cases, one call per HTTP operation: demo sign-in, who the caller
 * is, and the department and user directory. The rules-bearing reads and writes are in service.ts.
 */
import type { Clock } from '../platform/clock.js';
import type { Db } from '../platform/db/client.js';
import { NotFoundError, UnauthorizedError } from '../platform/errors.js';
import type { JsonBody, JsonRequest, QueryParams } from '../platform/http/contract.js';
import { decodeCursor, page } from '../platform/http/cursor.js';
import { authorize } from './authorize.js';
import { departmentView, userView, type DepartmentView, type UserView } from './presenters.js';
import { Action, Subject } from './rules/abilities.js';
import * as identity from './service.js';
import type { RequestContext } from './service.js';
import type { TokenService } from './tokens.js';

export interface IdentityServiceDeps {
  db: Db;
  clock: Clock;
  tokens: TokenService;
  demoMode: boolean;
  /** Called after a change that enqueued notifications (wakes the relay). */
  afterNotify: () => Promise<void>;
}

const isString = (v: unknown): v is string => typeof v === 'string';

export class IdentityService {
  constructor(private readonly deps: IdentityServiceDeps) {}

  private requireDemoMode(): void {
    // Outside demo mode these routes do not exist for callers.
    if (!this.deps.demoMode) throw new NotFoundError('route_not_found', 'Demo sign-in is available only when DEMO_MODE=true');
  }

  async demoUsers(): Promise<JsonBody<'listDemoUsers', 200>> {
    this.requireDemoMode();
    const rows = await identity.listActiveUsersForDemo(this.deps.db);
    const departments = await identity.departmentsByIds(this.deps.db, [...new Set(rows.map((u) => u.departmentId))]);
    return { items: rows.map(userView), departments: departments.map((d) => ({ id: d.id, code: d.code, name: d.name })) };
  }

  async demoSignIn(username: string): Promise<JsonBody<'demoSignIn', 200>> {
    this.requireDemoMode();
    const user = await identity.findUserByUsername(this.deps.db, username);
    if (!user || !user.active) throw new UnauthorizedError('unknown_user', `No active user ${username}`);
    const { token, expiresAt } = await this.deps.tokens.issue({ userId: user.id }, await this.deps.clock.now());
    return { token, tokenType: 'Bearer', expiresAt: expiresAt.toISOString(), user: userView(user) };
  }

  me(ctx: RequestContext): JsonBody<'getMe', 200> {
    return { user: userView(ctx.actor.user), department: departmentView(ctx.actor.departmentRow) };
  }

  async departments(query: QueryParams<'listDepartments'>): Promise<JsonBody<'listDepartments', 200>> {
    return { items: (await identity.listDepartments(this.deps.db, query)).map(departmentView) };
  }

  async department(ctx: RequestContext, id: string): Promise<DepartmentView> {
    return departmentView(authorize(ctx.actor.ability, Action.read, Subject.Department, await identity.getDepartment(this.deps.db, id)));
  }

  async createDepartment(ctx: RequestContext, input: JsonRequest<'createDepartment'>): Promise<DepartmentView> {
    return departmentView(await identity.createDepartment(ctx, input));
  }

  async updateDepartment(ctx: RequestContext, id: string, patch: JsonRequest<'updateDepartment'>): Promise<DepartmentView> {
    return departmentView(await identity.updateDepartment(ctx, id, patch));
  }

  async users(ctx: RequestContext, query: QueryParams<'listUsers'>): Promise<JsonBody<'listUsers', 200>> {
    // Validation applies the contract's default limit (50); the type still marks it optional.
    const { cursor, limit = 50, ...filter } = query;
    const rows = await identity.listUsers(ctx, { ...filter, afterUsername: decodeCursor(cursor, isString), limit: limit + 1 });
    const result = page(rows, limit, (u) => u.username);
    return { items: result.items.map(userView), nextCursor: result.nextCursor };
  }

  async user(ctx: RequestContext, id: string): Promise<UserView> {
    return userView(await identity.getUser(ctx, id));
  }

  async createUser(ctx: RequestContext, input: JsonRequest<'createUser'>): Promise<UserView> {
    const user = await identity.createUser(ctx, input);
    await this.deps.afterNotify();
    return userView(user);
  }

  async updateUser(ctx: RequestContext, id: string, { reason, ...patch }: JsonRequest<'updateUser'>): Promise<UserView> {
    const user = await identity.updateUser(ctx, id, patch, reason);
    await this.deps.afterNotify();
    return userView(user);
  }
}
