/**
 * Figures about steps rather than the filing cohort, read from the clocks (sla_clocks) and
 * supervision notices directly through their indexes: the open steps due now, the center's and
 * the competent authority's own steps, and supervision (督办).
 */
import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../platform/db/client.js';
import type { DueBucket } from './rules/figures.js';
import { periodInstants, rowsOf, type Scope } from './queries.js';

export interface OpenItemRow {
  clock_id: string;
  request_id: string;
  number: string;
  track: number;
  step: string;
  charged_party: string;
  charged_id: string | null;
  charged_code: string | null;
  charged_name: string | null;
  owner_id: string;
  owner_code: string;
  owner_name: string;
  requester_id: string;
  requester_code: string;
  requester_name: string;
  started_at: Date;
  deadline_at: Date;
  deadline_date: string;
  bucket: DueBucket;
  age: number;
  late: number;
  supervision_level: number;
}

/** The open steps of requests on a due list now: overdue, due today, due the next working day. */
function dueSteps(scope: Pick<Scope, 'departmentId' | 'districtId' | 'track' | 'today' | 'now'>): SQL {
  const now = scope.now.toISOString();
  const filters = [sql`true`];
  if (scope.track !== null) filters.push(sql`r.track = ${scope.track}`);
  if (scope.districtId !== null) filters.push(sql`(od.id = ${scope.districtId}::uuid or od.parent_id = ${scope.districtId}::uuid)`);
  if (scope.departmentId !== null)
    filters.push(sql`${scope.departmentId}::uuid in (r.owner_department_id, r.requester_department_id, charged.id)`);
  return sql`
    with today as (select ordinal from calendar_ordinals where date = ${scope.today}::date),
    horizon as (select min(date) as date from calendar_ordinals where working and date > ${scope.today}::date),
    steps as (
      select c.id as clock_id, r.id as request_id, r.number, r.track, c.step, c.charged_party,
        charged.id as charged_id, charged.code as charged_code, charged.name as charged_name,
        od.id as owner_id, od.code as owner_code, od.name as owner_name,
        rd.id as requester_id, rd.code as requester_code, rd.name as requester_name,
        c.started_at, c.deadline_at, to_char(c.deadline_date, 'YYYY-MM-DD') as deadline_date,
        case when c.deadline_at < ${now}::timestamptz or c.outcome = 'breached' then 'overdue'
             when c.deadline_date = ${scope.today}::date then 'due_today'
             when dd.ordinal - (select ordinal from today) = 1 then 'due_next_working_day' end as bucket,
        greatest((select ordinal from today) - so.ordinal, 0) as age,
        case when c.deadline_at < ${now}::timestamptz or c.outcome = 'breached'
             then greatest((select ordinal from today) - dd.ordinal, 0) else 0 end as late,
        c.supervision_level
      from sla_clocks c
      join requests r on r.id = c.subject_id::uuid
      join departments od on od.id = r.owner_department_id
      join departments rd on rd.id = r.requester_department_id
      left join departments charged on charged.id = case c.charged_party
        when 'owner' then r.owner_department_id when 'requester' then r.requester_department_id
        when 'center' then (select id from departments where is_data_center)
        when 'authority' then (select id from departments where is_competent_authority) end
      join calendar_ordinals so on so.date = (c.started_at at time zone 'Asia/Shanghai')::date
      join calendar_ordinals dd on dd.date = c.deadline_date
      where c.state = 'running' and c.subject_type = 'Request' and c.step <> 'dispute_window'
        and (c.deadline_at < (select (date + 1)::timestamp at time zone 'Asia/Shanghai' from horizon) or c.outcome = 'breached')
        and ${sql.join(filters, sql` and `)}
    )`;
}

export class StepFigures {
  constructor(private readonly db: Db) {}

  async openItems(
    scope: Pick<Scope, 'departmentId' | 'districtId' | 'track' | 'today' | 'now'>,
    pick: { bucket?: DueBucket | undefined; limit: number; after?: { deadlineAt: string; id: string } | undefined },
  ) {
    const steps = dueSteps(scope);
    const counts = rowsOf<{ bucket: DueBucket; count: number }>(
      await this.db.execute(sql`${steps} select bucket, count(*)::int as count from steps where bucket is not null group by bucket`),
    );
    const where = [sql`bucket is not null`];
    if (pick.bucket) where.push(sql`bucket = ${pick.bucket}`);
    if (pick.after) where.push(sql`(deadline_at, clock_id) > (${pick.after.deadlineAt}::timestamptz, ${pick.after.id}::uuid)`);
    const items = rowsOf<OpenItemRow>(
      await this.db.execute(sql`${steps} select * from steps where ${sql.join(where, sql` and `)}
          order by deadline_at, clock_id limit ${pick.limit + 1}`),
    );
    return { counts, items: items.map((i) => ({ ...i, started_at: new Date(i.started_at), deadline_at: new Date(i.deadline_at) })) };
  }

  /** Open steps charged to owner departments and late now, per owner department. */
  async overdueByOwner(scope: Pick<Scope, 'departmentId' | 'districtId' | 'track' | 'today' | 'now'>) {
    return rowsOf<{ id: string; code: string; name: string; count: number }>(
      await this.db.execute(sql`${dueSteps(scope)}
          select owner_id as id, owner_code as code, owner_name as name, count(*)::int as count
          from steps where bucket = 'overdue' and charged_party = 'owner' group by 1, 2, 3`),
    );
  }

  /**
   * The center's steps (provisioning, coordination, extension decisions) and the authority's
   * (dispute decisions): done and breached in the period from the step rollup for settled days
   * and from its view for the days marked stale since its last refresh (migration 0020); open now
   * from the running clocks.
   */
  async parties(scope: Pick<Scope, 'from' | 'to' | 'now'>) {
    const now = scope.now.toISOString();
    const stale = rowsOf<{ day: string }>(
      await this.db.execute(sql`
          select distinct to_char(s.day, 'YYYY-MM-DD') as day from request_fact_stale_days s
          where s.kind = 'step' and s.day between ${scope.from}::date and ${scope.to}::date`),
    ).map((r) => r.day);
    // A list of constants (not a subquery), so the view's branches are filtered through their indexes.
    const staleDays = sql`${`{${stale.join(',')}}`}::date[]`;
    const steps = this.db.execute(sql`
          select x.step, sum(x.handled)::int as handled, sum(x.breached)::int as breached,
            (sum(x.working_days)::numeric / nullif(sum(x.handled), 0))::float8 as average
          from (
            select d.step, d.handled, d.working_days, d.breached from request_step_days d
            where d.day between ${scope.from}::date and ${scope.to}::date and not (d.day = any (${staleDays}))
            union all
            select v.step, v.handled, v.working_days, v.breached from request_step_day_source v where v.day = any (${staleDays})
          ) x group by x.step`);
    // Only a track-15 request is ever in coordination: the other tracks' steps need no look at the
    // request, and the few in coordination are read once (a hashed set), not looked up per clock.
    // The clocks come from a partial index (migration 0027), without visiting the table.
    const running = this.db.execute(sql`
          select case when c.charged_party = 'authority' then 'dispute_decisions'
                      when c.step in ('track1', 'track5') then 'provisioning'
                      when c.subject_id::uuid in (select r.id from requests r where r.state = 'coordination') then 'coordination'
                      else 'provisioning' end as step,
            count(*)::int as open,
            count(*) filter (where c.deadline_at < ${now}::timestamptz or c.outcome = 'breached')::int as overdue
          from sla_clocks c
          where c.state = 'running' and c.subject_type = 'Request' and c.charged_party in ('center', 'authority')
            and c.step <> 'dispute_window'
          group by 1
          union all
          select 'extension_decisions', count(*)::int, count(*) filter (where x.deadline_at < ${now}::timestamptz)::int
          from sla_clocks x where x.extension->>'decision' = 'pending' and x.subject_type = 'Request'`);
    const [done, open] = await Promise.all([steps, running]);
    const rows = rowsOf<{ step: string; handled: number; breached: number; average: number | null }>(done);
    return {
      done: rows,
      breached: rows.map((r) => ({ step: r.step, count: r.breached })),
      open: rowsOf<{ step: string; open: number; overdue: number }>(open),
    };
  }

  /** Supervision notices on every kind of case (requests, objections): open now (by level), and replies to those issued in the period. */
  async supervision(scope: Pick<Scope, 'from' | 'to' | 'departmentId' | 'districtId' | 'now'>) {
    const { start, end } = periodInstants(scope);
    const department = scope.departmentId === null ? sql`true` : sql`s.responsible_department_id = ${scope.departmentId}::uuid`;
    const district =
      scope.districtId === null ? sql`true` : sql`(d.id = ${scope.districtId}::uuid or d.parent_id = ${scope.districtId}::uuid)`;
    return rowsOf<{ id: string; code: string; name: string; open1: number; open2: number; given: number; overdue: number }>(
      await this.db.execute(sql`
          with open_clocks as materialized (
            select c.id, c.supervision_level from sla_clocks c where c.state <> 'stopped' and c.supervision_level > 0
          ),
          -- The notices of steps under supervision now, and those issued in the period (each once);
          -- a notice is open while its step is at its level.
          notices as (
            select s.responsible_department_id, s.level, s.replied_at, s.reply_due_at, s.issued_at,
              (oc.supervision_level = s.level) as open
            from open_clocks oc join supervisions s on s.clock_id = oc.id
            where not (s.issued_at >= ${start}::timestamptz and s.issued_at < ${end}::timestamptz)
              and ${department}
            union all
            select s.responsible_department_id, s.level, s.replied_at, s.reply_due_at, s.issued_at,
              coalesce(oc.supervision_level = s.level, false)
            from supervisions s left join open_clocks oc on oc.id = s.clock_id
            where s.issued_at >= ${start}::timestamptz and s.issued_at < ${end}::timestamptz
              and ${department}
          )
          select d.id, d.code, d.name,
            count(*) filter (where n.open and n.level = 1)::int as open1,
            count(*) filter (where n.open and n.level = 2)::int as open2,
            count(*) filter (where n.replied_at is not null and n.issued_at >= ${start}::timestamptz and n.issued_at < ${end}::timestamptz)::int as given,
            count(*) filter (where n.replied_at is null and n.reply_due_at < ${scope.now.toISOString()}::timestamptz
              and n.issued_at >= ${start}::timestamptz and n.issued_at < ${end}::timestamptz)::int as overdue
          from notices n join departments d on d.id = n.responsible_department_id
          where ${district}
          group by d.id, d.code, d.name order by d.name`),
    );
  }
}
