/**
 * The cohort figures (requests filed in a period) read from `request_facts`, kept by triggers
 * (migration 0018) — or, with source 'scan', the same SQL over the view `request_fact_source`
 * the facts are kept equal to: what the benchmark compares and the fixture test checks.
 * Working-day spans join `calendar_ordinals` (ordinal(end) − ordinal(start)).
 */
import { sql, type SQL } from 'drizzle-orm';
import { endOfShanghaiDay, startOfShanghaiDay } from '../calendar/rules/working-days.js';
import type { Db } from '../platform/db/client.js';
import { onTimeRate, outcomeOf, type Outcome } from './rules/figures.js';

export type FactSource = 'facts' | 'scan';

/** What a figure is for: a period of filing dates and optional filters; `today` and `now` are the platform clock's. */
export interface Scope {
  from: string;
  to: string;
  departmentId: string | null;
  districtId: string | null;
  track: 1 | 5 | 15 | null;
  today: string;
  now: Date;
}

export type Side = 'owner' | 'requester';

export const rowsOf = <T>(result: unknown): T[] => (result as { rows: T[] }).rows;

/** A period's bounds as instants: 00:00 Asia/Shanghai of the first day, and of the day after the last. */
export function periodInstants(scope: Pick<Scope, 'from' | 'to'>): { start: string; end: string } {
  return { start: startOfShanghaiDay(scope.from).toISOString(), end: new Date(endOfShanghaiDay(scope.to).getTime() + 1).toISOString() };
}

interface GroupRow {
  track: number;
  state: string;
  count: number;
  met: number;
  breached: number;
  open_breached: number;
  decided: number;
  open: number;
}

export interface DepartmentRow {
  id: string;
  code: string;
  name: string;
  filed: number;
  met: number;
  breached: number;
  decided: number;
  average_days: number | null;
  p90_days: number | null;
  refusals: number;
  explained: number;
  supplements: number;
  extensions_asked: number;
  extensions_approved: number;
  breaches: number;
  disputes_lost: number;
}

export interface ItemRow {
  request_id: string;
  number: string;
  track: number;
  state: string;
  owner_id: string;
  owner_code: string;
  owner_name: string;
  requester_id: string;
  requester_code: string;
  requester_name: string;
  filed_at: Date;
  decided_date: string | null;
  days_to_decide: number | null;
  outcome: string | null;
  deadline_date: string | null;
  overdue_now: boolean;
}

export interface ItemFilter {
  side?: Side | undefined;
  outcome?: Outcome | undefined;
  state?: string | undefined;
}

/** The cohort's filters as SQL over `f` (a fact row); `side` says which department a department filter is. */
function cohort(scope: Scope, side: Side | 'either' = 'either', dates: 'filed' | 'decided' = 'filed'): SQL {
  const column = dates === 'filed' ? sql`f.filed_date` : sql`f.decided_date`;
  const parts = [sql`${column} between ${scope.from}::date and ${scope.to}::date`];
  if (scope.track !== null) parts.push(sql`f.track = ${scope.track}`);
  if (scope.districtId !== null) parts.push(sql`f.owner_district_id = ${scope.districtId}::uuid`);
  if (scope.departmentId !== null) {
    const id = sql`${scope.departmentId}::uuid`;
    if (side === 'owner') parts.push(sql`f.owner_department_id = ${id}`);
    else if (side === 'requester') parts.push(sql`f.requester_department_id = ${id}`);
    else parts.push(sql`(f.owner_department_id = ${id} or f.requester_department_id = ${id})`);
  }
  return sql.join(parts, sql` and `);
}

const days = (from: SQL, to: SQL) =>
  sql`(select o2.ordinal from calendar_ordinals o2 where o2.date = ${to}) - (select o1.ordinal from calendar_ordinals o1 where o1.date = ${from})`;

export class FactFigures {
  private readonly facts: SQL;

  constructor(
    private readonly db: Db,
    readonly source: FactSource,
  ) {
    this.facts = sql.raw(source === 'facts' ? 'request_facts' : 'request_fact_source');
  }

  /** Requests by track and state, and the on-time rate per track. */
  async overview(scope: Scope) {
    const groups = rowsOf<GroupRow>(
      await this.db.execute(sql`
          select f.track, f.state, count(*)::int as count,
            count(*) filter (where f.outcome = 'met')::int as met,
            count(*) filter (where f.outcome = 'breached')::int as breached,
            count(*) filter (where f.outcome = 'breached' and f.clock_open)::int as open_breached,
            count(*) filter (where f.decided_date is not null)::int as decided,
            count(*) filter (where f.clock_open)::int as open
          from ${this.facts} f where ${cohort(scope)}
          group by f.track, f.state order by f.track, f.state`),
    );
    const sum = (rows: GroupRow[], key: keyof GroupRow) => rows.reduce((n, r) => n + Number(r[key]), 0);
    const onTime = ([1, 5, 15] as const)
      .filter((track) => scope.track === null || scope.track === track)
      .map((track) => {
        const rows = groups.filter((g) => g.track === track);
        const met = sum(rows, 'met');
        const breached = sum(rows, 'breached');
        return {
          track,
          met,
          breached,
          openBreached: sum(rows, 'open_breached'),
          pending: sum(rows, 'count') - met - breached,
          rate: onTimeRate(met, breached),
        };
      });
    return {
      totals: {
        filed: sum(groups, 'count'),
        decided: sum(groups, 'decided'),
        open: sum(groups, 'open'),
        overdueNow: sum(groups, 'open_breached'),
      },
      byTrackAndState: groups.map((g) => ({ track: g.track as 1 | 5 | 15, state: g.state, count: g.count })),
      onTime,
    };
  }

  /** The league table of owner departments (their requests filed in the period). */
  async departments(scope: Scope): Promise<DepartmentRow[]> {
    return rowsOf<DepartmentRow>(
      await this.db.execute(sql`
          select d.id, d.code, d.name, count(*)::int as filed,
            count(*) filter (where f.outcome = 'met')::int as met,
            count(*) filter (where f.outcome = 'breached')::int as breached,
            count(*) filter (where f.decided_date is not null)::int as decided,
            avg(dc.ordinal - fo.ordinal)::float8 as average_days,
            percentile_disc(0.9) within group (order by dc.ordinal - fo.ordinal) as p90_days,
            count(*) filter (where f.refused)::int as refusals,
            count(*) filter (where f.explained)::int as explained,
            sum(f.supplements)::int as supplements,
            sum(f.owner_extensions_asked)::int as extensions_asked,
            sum(f.owner_extensions_approved)::int as extensions_approved,
            sum(f.owner_breaches)::int as breaches,
            count(*) filter (where f.dispute_lost)::int as disputes_lost
          from ${this.facts} f
          join departments d on d.id = f.owner_department_id
          join calendar_ordinals fo on fo.date = f.filed_date
          left join calendar_ordinals dc on dc.date = f.decided_date
          where ${cohort(scope, 'owner')}
          group by d.id, d.code, d.name`),
    );
  }

  /** Weekly filings and on-time (by filing week) and decisions (by decision week). */
  async trends(scope: Scope) {
    const filed = rowsOf<{ week: string; filed: number; met: number; breached: number }>(
      await this.db.execute(sql`
          select to_char(date_trunc('week', f.filed_date), 'YYYY-MM-DD') as week, count(*)::int as filed,
            count(*) filter (where f.outcome = 'met')::int as met,
            count(*) filter (where f.outcome = 'breached')::int as breached
          from ${this.facts} f where ${cohort(scope)} group by 1`),
    );
    const decided = rowsOf<{ week: string; decided: number }>(
      await this.db.execute(sql`
          select to_char(date_trunc('week', f.decided_date), 'YYYY-MM-DD') as week, count(*)::int as decided
          from ${this.facts} f where ${cohort(scope, 'either', 'decided')} group by 1`),
    );
    return { filed, decided };
  }

  /** The requests behind a figure, newest filing first (keyset on filing instant and id). */
  async items(scope: Scope, filter: ItemFilter, pageOf: { limit: number; after?: { filedAt: string; id: string } | undefined }) {
    const parts = [cohort(scope, filter.side ?? 'owner')];
    if (filter.outcome === 'pending') parts.push(sql`f.outcome is null`);
    else if (filter.outcome) parts.push(sql`f.outcome = ${filter.outcome}`);
    if (filter.state) parts.push(sql`f.state = ${filter.state}`);
    if (pageOf.after) parts.push(sql`(f.filed_at, f.request_id) < (${pageOf.after.filedAt}::timestamptz, ${pageOf.after.id}::uuid)`);
    const rows = rowsOf<ItemRow>(
      await this.db.execute(sql`
          select f.request_id, f.number, f.track, f.state,
            o.id as owner_id, o.code as owner_code, o.name as owner_name,
            q.id as requester_id, q.code as requester_code, q.name as requester_name,
            f.filed_at, to_char(f.decided_date, 'YYYY-MM-DD') as decided_date,
            ${days(sql`f.filed_date`, sql`f.decided_date`)} as days_to_decide,
            f.outcome, to_char(f.deadline_date, 'YYYY-MM-DD') as deadline_date,
            coalesce(f.clock_open and f.outcome = 'breached', false) as overdue_now
          from ${this.facts} f
          join departments o on o.id = f.owner_department_id
          join departments q on q.id = f.requester_department_id
          where ${sql.join(parts, sql` and `)}
          order by f.filed_at desc, f.request_id desc
          limit ${pageOf.limit + 1}`),
    );
    return rows.map((r) => ({ ...r, filed_at: new Date(r.filed_at), outcome: outcomeOf(r.outcome) }));
  }
}

/** The cohort figures from the maintained facts, or (`scan`) from the view they are kept equal to. */
export const dashboardFigures = (db: Db, source: FactSource = 'facts') => new FactFigures(db, source);

export type DashboardFigures = ReturnType<typeof dashboardFigures>;
