/**
 * The cohort figures (requests filed in a period). With source 'facts': city-wide figures from the
 * day rollups for settled days and from `request_facts` for the days marked stale since the last
 * refresh (migration 0020), department figures from the facts through their department indexes;
 * with source 'scan', the same figures from the view `request_fact_source` the facts are kept
 * equal to — what the benchmark compares and the fixture test checks. All three feed one set of
 * aggregations, so the sources differ only in where rows come from. Working-day spans are
 * ordinal(end) − ordinal(start) in `calendar_ordinals`.
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

/** Days in the period whose rollup rows are stale (the facts answer for them). */
const staleDays = (scope: Scope, kind: 'filed' | 'decided') =>
  sql`select s.day from request_fact_stale_days s where s.kind = ${kind} and s.day between ${scope.from}::date and ${scope.to}::date`;

/** A fact row as a cohort row (what a rollup row sums); a pending request (no outcome) counts 0, never null. */
const cohortColumns = sql`f.filed_date, f.owner_department_id, f.track, f.state, 1 as requests,
  coalesce(f.outcome = 'met', false)::int as met, coalesce(f.outcome = 'breached', false)::int as breached,
  coalesce(f.outcome = 'breached' and f.clock_open, false)::int as open_breached, (f.decided_date is not null)::int as decided,
  f.clock_open::int as open, f.refused::int as refusals, f.explained::int as explained, f.dispute_lost::int as disputes_lost,
  f.supplements, f.owner_extensions_asked as extensions_asked, f.owner_extensions_approved as extensions_approved,
  f.owner_breaches as breaches`;
const rollupColumns = sql`f.filed_date, f.owner_department_id, f.track, f.state, f.requests, f.met, f.breached, f.open_breached,
  f.decided, f.open, f.refusals, f.explained, f.disputes_lost, f.supplements, f.extensions_asked, f.extensions_approved, f.breaches`;

export class FactFigures {
  private readonly facts: SQL;

  constructor(
    private readonly db: Db,
    readonly source: FactSource,
  ) {
    this.facts = sql.raw(source === 'facts' ? 'request_facts' : 'request_fact_source');
  }

  /**
   * City-wide figures read the rollups, and so do an owner department's (the rollups are per owner
   * department); the scan reads the view's rows.
   */
  private rollsUp(scope: Scope, side: Side | 'either'): boolean {
    return this.source === 'facts' && (scope.departmentId === null || side === 'owner');
  }

  /**
   * What a department asked of others (requester side, owned by another department): fact rows.
   * With its own data from the owner rollups, that is the department on either side, each request once.
   */
  private askedOfOthers(scope: Scope, dates: 'filed' | 'decided' = 'filed'): SQL {
    return sql`${cohort(scope, 'requester', dates)} and f.owner_department_id <> ${scope.departmentId}::uuid`;
  }

  /** The cohort's rows (one per fact, or one per rollup group), columns as `cohortColumns`. */
  private cohortRows(scope: Scope, side: Side | 'either'): SQL {
    if (side === 'either' && scope.departmentId !== null && this.source === 'facts')
      return sql`${this.cohortRows(scope, 'owner')} union all select ${cohortColumns} from request_facts f where ${this.askedOfOthers(scope)}`;
    if (!this.rollsUp(scope, side)) return sql`select ${cohortColumns} from ${this.facts} f where ${cohort(scope, side)}`;
    return sql`
      select ${rollupColumns} from request_fact_days f
      where ${cohort(scope, side)} and f.filed_date not in (${staleDays(scope, 'filed')})
      union all
      select ${cohortColumns} from request_facts f
      where ${cohort(scope, side)} and f.filed_date in (${staleDays(scope, 'filed')})`;
  }

  /** Decided requests of the cohort by owner department and working days to decide. */
  private spanRows(scope: Scope): SQL {
    const perFact = (from: SQL, where: SQL) => sql`
      select f.owner_department_id, dc.ordinal - fo.ordinal as days, 1 as requests
      from ${from} f
      join calendar_ordinals fo on fo.date = f.filed_date
      join calendar_ordinals dc on dc.date = f.decided_date
      where ${where}`;
    if (!this.rollsUp(scope, 'owner')) return perFact(this.facts, cohort(scope, 'owner'));
    return sql`
      select f.owner_department_id, f.days, f.requests from request_fact_day_spans f
      where ${cohort(scope, 'owner')} and f.filed_date not in (${staleDays(scope, 'filed')})
      union all
      ${perFact(sql`request_facts`, sql`${cohort(scope, 'owner')} and f.filed_date in (${staleDays(scope, 'filed')})`)}`;
  }

  /** Decisions in the period by decision day (either side of a department filter). */
  private decisionRows(scope: Scope): SQL {
    const perFact = (from: SQL, where: SQL) => sql`select f.decided_date, 1 as decisions from ${from} f where ${where}`;
    if (this.source === 'scan') return perFact(this.facts, cohort(scope, 'either', 'decided'));
    // The decision rollups are per owner department: a department's own data from them, what it asked of others from the facts.
    const side = scope.departmentId === null ? 'either' : 'owner';
    const asked =
      scope.departmentId === null ? sql`` : sql` union all ${perFact(sql`request_facts`, this.askedOfOthers(scope, 'decided'))}`;
    return sql`
      select f.decided_date, f.decisions from request_fact_decision_days f
      where ${cohort(scope, side, 'decided')} and f.decided_date not in (${staleDays(scope, 'decided')})
      union all
      ${perFact(sql`request_facts`, sql`${cohort(scope, side, 'decided')} and f.decided_date in (${staleDays(scope, 'decided')})`)}${asked}`;
  }

  /** Requests by track and state, and the on-time rate per track. */
  async overview(scope: Scope) {
    const groups = rowsOf<GroupRow>(
      await this.db.execute(sql`
          select c.track, c.state, sum(c.requests)::int as count, sum(c.met)::int as met, sum(c.breached)::int as breached,
            sum(c.open_breached)::int as open_breached, sum(c.decided)::int as decided, sum(c.open)::int as open
          from (${this.cohortRows(scope, 'either')}) c
          group by c.track, c.state order by c.track, c.state`),
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

  /**
   * The league table of owner departments (their requests filed in the period). The p90 is
   * percentile_disc(0.9) over the working days to decide: the least N with at least ⌈0.9·n⌉ of
   * the n decisions taking N days or fewer (cumulative·10 ≥ 9·n, in integers).
   */
  async departments(scope: Scope): Promise<DepartmentRow[]> {
    return rowsOf<DepartmentRow>(
      await this.db.execute(sql`
          with league as (
            select c.owner_department_id, sum(c.requests)::int as filed, sum(c.met)::int as met,
              sum(c.breached)::int as breached, sum(c.decided)::int as decided, sum(c.refusals)::int as refusals,
              sum(c.explained)::int as explained, sum(c.supplements)::int as supplements,
              sum(c.extensions_asked)::int as extensions_asked, sum(c.extensions_approved)::int as extensions_approved,
              sum(c.breaches)::int as breaches, sum(c.disputes_lost)::int as disputes_lost
            from (${this.cohortRows(scope, 'owner')}) c group by c.owner_department_id
          ),
          spans as (
            select s.owner_department_id, s.days, sum(s.requests)::bigint as n
            from (${this.spanRows(scope)}) s group by s.owner_department_id, s.days
          ),
          cumulative as (
            select s.*, sum(s.n) over (partition by s.owner_department_id order by s.days) as below,
              sum(s.n) over (partition by s.owner_department_id) as total
            from spans s
          ),
          timing as (
            select owner_department_id, (sum(days * n)::numeric / sum(n))::float8 as average_days,
              min(days) filter (where below * 10 >= total * 9) as p90_days
            from cumulative group by owner_department_id
          )
          select d.id, d.code, d.name, l.filed, l.met, l.breached, l.decided, t.average_days, t.p90_days, l.refusals,
            l.explained, l.supplements, l.extensions_asked, l.extensions_approved, l.breaches, l.disputes_lost
          from league l
          join departments d on d.id = l.owner_department_id
          left join timing t on t.owner_department_id = l.owner_department_id`),
    );
  }

  /** Weekly filings and on-time (by filing week) and decisions (by decision week). */
  async trends(scope: Scope) {
    const filed = rowsOf<{ week: string; filed: number; met: number; breached: number }>(
      await this.db.execute(sql`
          select to_char(date_trunc('week', c.filed_date), 'YYYY-MM-DD') as week, sum(c.requests)::int as filed,
            sum(c.met)::int as met, sum(c.breached)::int as breached
          from (${this.cohortRows(scope, 'either')}) c group by 1`),
    );
    const decided = rowsOf<{ week: string; decided: number }>(
      await this.db.execute(sql`
          select to_char(date_trunc('week', c.decided_date), 'YYYY-MM-DD') as week, sum(c.decisions)::int as decided
          from (${this.decisionRows(scope)}) c group by 1`),
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
