/**
 * The dashboard's reads, one call per HTTP operation: the caller's scope (a department sees its
 * own figures), the period, then the figures in the contract's shapes.
 */
import { shanghaiDate } from '../calendar/rules/shanghai-time.js';
import { allows, type RequestContext } from '../identity/index.js';
import { Action, Subject } from '../identity/rules/abilities.js';
import type { Db } from '../platform/db/client.js';
import { decodeCursor, encodeCursor, isCursorInstant } from '../platform/http/cursor.js';
import type { JsonBody, QueryParams } from '../platform/http/contract.js';
import { StepFigures } from './open-steps.js';
import { dashboardFigures, type FactFigures, type DepartmentRow, type Scope } from './queries.js';
import { onTimeRate } from './rules/figures.js';
import { resolvePeriod, weeksOf, type Period } from './rules/period.js';
import { requireCity, scopedDepartment, type Viewer } from './rules/scope.js';

export interface DashboardDeps {
  db: Db;
  documents: { fontDir: string };
}

type Filters = { from?: string; to?: string; departmentId?: string; districtId?: string; track?: 1 | 5 | 15 };
type Departments = JsonBody<'getDashboardDepartments', 200>['rows'];

const UUID = /^[0-9a-f-]{36}$/i;
const isKey = (v: unknown): v is { at: string; id: string } =>
  typeof v === 'object' && v !== null && isCursorInstant((v as { at: unknown }).at) && UUID.test(String((v as { id: unknown }).id));

export const ref = (id: string, code: string, name: string) => ({ id, code, name });

export function viewerOf(ctx: RequestContext): Viewer {
  // An unconditional rule passes for a row of no department; the own-department rule does not.
  return {
    departmentId: ctx.actor.departmentId,
    seesCity: allows(ctx.actor.ability, Action.read, Subject.Dashboard, { departmentId: null }),
  };
}

export class DashboardService {
  readonly figures: FactFigures;
  readonly steps: StepFigures;

  constructor(readonly deps: DashboardDeps) {
    this.figures = dashboardFigures(deps.db);
    this.steps = new StepFigures(deps.db);
  }

  scope(ctx: RequestContext, query: Filters, period?: Period): Scope {
    const today = shanghaiDate(ctx.now);
    const { from, to } = period ?? resolvePeriod(query, today);
    return {
      from,
      to,
      departmentId: scopedDepartment(viewerOf(ctx), query.departmentId),
      districtId: query.districtId ?? null,
      track: query.track ?? null,
      today,
      now: ctx.now,
    };
  }

  scopeView(scope: Scope) {
    const { from, to, departmentId, districtId, track, now } = scope;
    return { from, to, departmentId, districtId, track, asOf: now.toISOString() };
  }

  async overview(ctx: RequestContext, query: QueryParams<'getDashboardOverview'>): Promise<JsonBody<'getDashboardOverview', 200>> {
    const scope = this.scope(ctx, query);
    const figures = await this.figures.overview(scope);
    return { scope: this.scopeView(scope), ...figures } as JsonBody<'getDashboardOverview', 200>;
  }

  async openItems(ctx: RequestContext, query: QueryParams<'listDashboardOpenItems'>): Promise<JsonBody<'listDashboardOpenItems', 200>> {
    const scope = this.scope(ctx, query, { from: shanghaiDate(ctx.now), to: shanghaiDate(ctx.now) });
    const after = decodeCursor(query.cursor, isKey);
    const limit = query.limit ?? 50;
    const { counts, items } = await this.steps.openItems(scope, {
      bucket: query.bucket,
      limit,
      after: after && { deadlineAt: after.at, id: after.id },
    });
    const count = (bucket: string) => counts.find((c) => c.bucket === bucket)?.count ?? 0;
    const page = items.slice(0, limit);
    const last = page[page.length - 1];
    return {
      asOf: ctx.now.toISOString(),
      counts: { due_today: count('due_today'), due_next_working_day: count('due_next_working_day'), overdue: count('overdue') },
      items: page.map((i) => ({
        clockId: i.clock_id,
        requestId: i.request_id,
        number: i.number,
        track: i.track as 1 | 5 | 15,
        step: i.step,
        chargedParty: i.charged_party as 'owner',
        chargedDepartment: i.charged_id ? ref(i.charged_id, i.charged_code!, i.charged_name!) : null,
        ownerDepartment: ref(i.owner_id, i.owner_code, i.owner_name),
        requesterDepartment: ref(i.requester_id, i.requester_code, i.requester_name),
        startedAt: i.started_at.toISOString(),
        deadlineDate: i.deadline_date,
        bucket: i.bucket,
        ageWorkingDays: i.age,
        lateWorkingDays: i.late,
        supervisionLevel: i.supervision_level,
      })),
      nextCursor: items.length > limit && last ? encodeCursor({ at: last.deadline_at.toISOString(), id: last.clock_id }) : null,
    };
  }

  /** The league table: the period's cohort per owner department, with what is overdue now. */
  async departmentRows(scope: Scope): Promise<Departments> {
    const [rows, overdue] = await Promise.all([this.figures.departments(scope), this.steps.overdueByOwner(scope)]);
    const empty = (id: string, code: string, name: string): DepartmentRow => ({
      ...{ id, code, name, filed: 0, met: 0, breached: 0, decided: 0, average_days: null, p90_days: null, refusals: 0, explained: 0 },
      ...{ supplements: 0, extensions_asked: 0, extensions_approved: 0, breaches: 0, disputes_lost: 0 },
    });
    const byId = new Map(rows.map((r) => [r.id, r]));
    for (const o of overdue)
      if (!byId.has(o.id) && (scope.departmentId === null || o.id === scope.departmentId)) byId.set(o.id, empty(o.id, o.code, o.name));
    return [...byId.values()]
      .map((r) => ({
        department: ref(r.id, r.code, r.name),
        filed: r.filed,
        met: r.met,
        breached: r.breached,
        decided: r.decided,
        onTimeRate: onTimeRate(r.met, r.breached),
        averageDaysToDecide: r.average_days === null ? null : Math.round(r.average_days * 100) / 100,
        p90DaysToDecide: r.p90_days,
        overdueNow: overdue.find((o) => o.id === r.id)?.count ?? 0,
        refusals: r.refusals,
        refusalsExplained: r.explained,
        supplementsAsked: r.supplements,
        extensionsAsked: r.extensions_asked,
        extensionsApproved: r.extensions_approved,
        breachesCharged: r.breaches,
        disputesLost: r.disputes_lost,
      }))
      .sort((a, b) => (a.onTimeRate ?? 2) - (b.onTimeRate ?? 2) || a.department.name.localeCompare(b.department.name, 'zh-CN'));
  }

  async departments(ctx: RequestContext, query: QueryParams<'getDashboardDepartments'>): Promise<JsonBody<'getDashboardDepartments', 200>> {
    const scope = this.scope(ctx, query);
    return { scope: this.scopeView(scope), rows: await this.departmentRows(scope) };
  }

  async items(ctx: RequestContext, query: QueryParams<'listDashboardItems'>): Promise<JsonBody<'listDashboardItems', 200>> {
    const scope = this.scope(ctx, query);
    const limit = query.limit ?? 50;
    const after = decodeCursor(query.cursor, isKey);
    const rows = await this.figures.items(
      scope,
      { side: query.side, outcome: query.outcome, state: query.state },
      { limit, after: after && { filedAt: after.at, id: after.id } },
    );
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      scope: this.scopeView(scope),
      items: page.map((r) => ({
        requestId: r.request_id,
        number: r.number,
        track: r.track as 1 | 5 | 15,
        state: r.state as 'granted',
        ownerDepartment: ref(r.owner_id, r.owner_code, r.owner_name),
        requesterDepartment: ref(r.requester_id, r.requester_code, r.requester_name),
        filedAt: r.filed_at.toISOString(),
        decidedDate: r.decided_date,
        daysToDecide: r.days_to_decide,
        outcome: r.outcome,
        deadlineDate: r.deadline_date,
        overdueNow: r.overdue_now,
      })),
      nextCursor: rows.length > limit && last ? encodeCursor({ at: last.filed_at.toISOString(), id: last.request_id }) : null,
    };
  }

  async partyRows(scope: Scope): Promise<JsonBody<'getDashboardParties', 200>['rows']> {
    const { done, breached, open } = await this.steps.parties(scope);
    const steps = [
      ['center', 'provisioning'],
      ['center', 'coordination'],
      ['center', 'extension_decisions'],
      ['authority', 'dispute_decisions'],
    ] as const;
    return steps.map(([party, step]) => {
      const d = done.find((r) => r.step === step);
      const o = open.filter((r) => r.step === step);
      return {
        party,
        step,
        handled: d?.handled ?? 0,
        breached: breached.find((r) => r.step === step)?.count ?? 0,
        openNow: o.reduce((n, r) => n + r.open, 0),
        overdueNow: o.reduce((n, r) => n + r.overdue, 0),
        averageWorkingDays: d?.average === null || d?.average === undefined ? null : Math.round(d.average * 100) / 100,
      };
    });
  }

  async parties(ctx: RequestContext, query: QueryParams<'getDashboardParties'>): Promise<JsonBody<'getDashboardParties', 200>> {
    requireCity(viewerOf(ctx));
    const scope = this.scope(ctx, query);
    return { scope: this.scopeView(scope), rows: await this.partyRows(scope) };
  }

  async supervisionFigures(scope: Scope): Promise<JsonBody<'getDashboardSupervision', 200>> {
    const rows = (await this.steps.supervision(scope)).map((r) => ({
      department: ref(r.id, r.code, r.name),
      openLevel1: r.open1,
      openLevel2: r.open2,
      repliesGiven: r.given,
      repliesOverdue: r.overdue,
    }));
    const total = (key: 'openLevel1' | 'openLevel2' | 'repliesGiven' | 'repliesOverdue') => rows.reduce((n, r) => n + r[key], 0);
    return {
      asOf: scope.now.toISOString(),
      totals: {
        openLevel1: total('openLevel1'),
        openLevel2: total('openLevel2'),
        repliesGiven: total('repliesGiven'),
        repliesOverdue: total('repliesOverdue'),
      },
      rows,
    };
  }

  async supervision(ctx: RequestContext, query: QueryParams<'getDashboardSupervision'>): Promise<JsonBody<'getDashboardSupervision', 200>> {
    return this.supervisionFigures(this.scope(ctx, query));
  }

  async trends(ctx: RequestContext, query: QueryParams<'getDashboardTrends'>): Promise<JsonBody<'getDashboardTrends', 200>> {
    const scope = this.scope(ctx, query);
    const { filed, decided } = await this.figures.trends(scope);
    const weeks = weeksOf(scope).map((weekStart) => {
      const f = filed.find((r) => r.week === weekStart);
      const met = f?.met ?? 0;
      const breached = f?.breached ?? 0;
      return {
        weekStart,
        filed: f?.filed ?? 0,
        decided: decided.find((r) => r.week === weekStart)?.decided ?? 0,
        met,
        breached,
        onTimeRate: onTimeRate(met, breached),
      };
    });
    return { scope: this.scopeView(scope), weeks };
  }
}
