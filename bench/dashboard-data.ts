/**
 * A year of city-scale synthetic request history for the dashboard benchmark, written straight
 * into PostgreSQL by set-based SQL (INSERT … SELECT over generate_series: no per-row round trips).
 *
 * The few parents — the calendar, the fixture departments, one requester/reviewer per department,
 * three datasets per department (one per track's kind of data), the default policy and commitment,
 * one legal-basis entry — are created through the services or as plain rows; then, in one
 * transaction, every request with its track clock (deadline by working-day ordinals), supplements
 * with their clocks, extensions, breaches with level-1/level-2 supervision, written explanations,
 * coordination outcomes, disputes with their clocks and decisions, and grants. The triggers that
 * keep `request_facts` are disabled for the load and the table is rebuilt once at the end.
 *
 * Needs a superuser (or owner) connection: ALTER TABLE … DISABLE TRIGGER. Re-running it adds
 * another history beside the first (numbers continue from the per-year counters).
 */
import { sql, type SQL } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import { pino } from 'pino';
import { importPublishedSchedules } from '../src/calendar/service.js';
import { identitySeedStep } from '../src/identity/seed.js';
import { createUserAs } from '../src/identity/service.js';
import { systemClock } from '../src/platform/clock.js';
import type { Db, Tx } from '../src/platform/db/client.js';
import { currentCommitment, currentPolicy } from '../src/requests/policy.js';

export interface HistoryOptions {
  /** Requests to file over the year (default 1,000,000). */
  requests: number;
  /** The history ends here (default: now). */
  now?: Date;
  /** PostgreSQL's setseed() value in [-1, 1], for a repeatable draw. */
  seed?: number;
  log?: (line: string) => void;
}

export interface HistoryReport {
  now: Date;
  seconds: number;
  /** Rows per table after the load (the whole table, parents included). */
  rows: Record<string, number>;
  /** Requests per state and track. */
  states: { state: string; track: number; count: number }[];
  databaseBytes: number;
  factsBytes: number;
  /** Each phase's wall time, in load order. */
  phases: { phase: string; seconds: number }[];
  /** The ids the benchmark needs. */
  centerDepartmentId: string;
  /** The owner department with the most requests, and a user of it. */
  busiestDepartment: { id: string; code: string; userId: string };
}

/** The tables the `request_facts` triggers sit on (migration 0018). */
const FACT_TABLES = [
  'requests',
  'sla_clocks',
  'supervisions',
  'request_supplements',
  'grants',
  'written_explanations',
  'coordination_outcomes',
  'request_disputes',
  'dispute_decisions',
];

const dialect = new PgDialect();

const COUNTED_TABLES = [
  ...FACT_TABLES,
  'request_facts',
  'request_fact_days',
  'request_fact_day_spans',
  'request_fact_decision_days',
  'departments',
  'users',
  'datasets',
  'dataset_versions',
];

const PURPOSES = [
  '核验参保单位的法人登记信息',
  '企业开办一件事：核验申请人身份',
  '社区矫正对象帮扶核查',
  '重点人员就业情况核查',
  '低保对象家庭经济状况核对',
  '不动产登记一件事：核验婚姻状况',
  '新生儿出生一件事：核验出生医学证明',
  '公积金提取核验缴存信息',
  '残疾人两项补贴资格复核',
  '义务教育入学资格核验',
];

const DATASET_KINDS = [
  // k = 0: routed to track 1 (unconditional and aggregated by the center)
  { suffix: '基本信息', sharingType: 'unconditional', aggregated: true, libraryKind: 'basic' },
  // k = 1: track 5 (conditional: the owner reviews)
  { suffix: '登记信息', sharingType: 'conditional', aggregated: false, libraryKind: 'thematic' },
  // k = 2: track 15 (not shareable as catalogued: three-party coordination)
  { suffix: '明细记录', sharingType: 'not_shareable', aggregated: false, libraryKind: 'department' },
] as const;

/** Builds the history; see the file's comment. */
export async function generateDashboardHistory(db: Db, options: HistoryOptions): Promise<HistoryReport> {
  const log = options.log ?? (() => {});
  const now = options.now ?? new Date();
  const requests = options.requests;
  if (!Number.isInteger(requests) || requests < 1) throw new Error(`BENCH_REQUESTS must be a positive integer, not ${requests}`);
  const phases: { phase: string; seconds: number }[] = [];
  const started = performance.now();
  let mark = started;
  const phase = (name: string) => {
    const t = performance.now();
    phases.push({ phase: name, seconds: (t - mark) / 1000 });
    log(`  ${name}: ${((t - mark) / 1000).toFixed(1)} s`);
    mark = t;
  };

  // ── Parents, through the services where they exist ───────────────────────────────────────
  await importPublishedSchedules(db, { actor: { kind: 'system', role: 'script' }, at: now });
  await identitySeedStep.run({ db, clock: systemClock, log: pino({ level: 'silent' }) });
  const policy = await currentPolicy(db);
  const commitment = await currentCommitment(db);
  const meta = { actor: { kind: 'system', role: 'script' } as const, now };
  const departments = rowsOf<{ id: string; code: string; is_data_center: boolean; is_competent_authority: boolean }>(
    await db.execute(sql`select id, code, is_data_center, is_competent_authority from departments order by code`),
  );
  const center = departments.find((d) => d.is_data_center);
  const authority = departments.find((d) => d.is_competent_authority);
  if (!center || !authority) throw new Error('the fixture names a big-data center and a competent authority');
  const tag = Math.floor(now.getTime() / 1000).toString(36);
  const staff: { i: number; id: string; userId: string }[] = [];
  for (const [i, d] of departments.entries()) {
    const user = await createUserAs(
      db,
      {
        username: `bench.${tag}.${d.code.toLowerCase()}`,
        displayName: `基准经办${d.code}`,
        departmentId: d.id,
        roles: ['requester', 'reviewer'],
      },
      meta,
    );
    staff.push({ i, id: d.id, userId: user.id });
  }
  const operator = await userWithRole(db, center.id, 'center_operator');
  const supervisor = await userWithRole(db, authority.id, 'supervisor');
  phase('parents (calendar, departments, users, policy)');

  const counts = await db.transaction(async (tx) => {
    const debug = process.env.BENCH_DEBUG === '1';
    const run = async (query: SQL) => {
      const t0 = performance.now();
      const result = await tx.execute(query);
      if (debug)
        log(`    ${((performance.now() - t0) / 1000).toFixed(2)} s  ${dialect.sqlToQuery(query).sql.replace(/\s+/g, ' ').slice(0, 90)}`);
      return result;
    };
    await run(sql`set local work_mem = '256MB'`);
    await run(sql`set local maintenance_work_mem = '512MB'`);
    await run(sql`select setseed(${options.seed ?? 0.1515}::float8)`);
    for (const table of FACT_TABLES) await run(sql.raw(`alter table ${table} disable trigger user`));

    // Departments by index, with the user acting for each.
    await run(sql`create temp table bench_depts (i int primary key, id uuid not null, user_id uuid not null) on commit drop`);
    await run(
      sql`insert into bench_depts (i, id, user_id) values ${sql.join(
        staff.map((s) => sql`(${s.i}, ${s.id}::uuid, ${s.userId}::uuid)`),
        sql`, `,
      )}`,
    );
    const nd = staff.length;

    // Three datasets per department, each with its first version.
    await run(sql`create temp table bench_datasets (dept_i int, k int, id uuid, primary key (dept_i, k)) on commit drop`);
    await run(sql`
      insert into bench_datasets (dept_i, k, id)
      select d.i, k, gen_random_uuid() from bench_depts d cross join generate_series(0, 2) k`);
    const kinds = sql.join(
      DATASET_KINDS.map(
        (k, i) => sql`(${i}::int, ${k.suffix}::text, ${k.sharingType}::text, ${k.aggregated}::boolean, ${k.libraryKind}::text)`,
      ),
      sql`, `,
    );
    await run(sql`
      insert into datasets (id, code, owner_department_id, lifecycle, current_version, aggregated, name, sharing_type,
                            library_kind, search_lexemes, created_at, updated_at)
      select bd.id, 'BENCH-' || ${tag} || '-' || dep.code || '-' || bd.k, d.id, 'published', 1, kd.aggregated,
             dep.name || kd.suffix, kd.sharing_type, kd.library_kind, array[kd.suffix], ${now}::timestamptz - interval '2 years',
             ${now}::timestamptz - interval '2 years'
      from bench_datasets bd
      join bench_depts d on d.i = bd.dept_i
      join departments dep on dep.id = d.id
      join (values ${kinds}) kd (k, suffix, sharing_type, aggregated, library_kind) on kd.k = bd.k`);
    await run(sql`
      insert into dataset_versions (dataset_id, version, name, description, library_kind, update_frequency, source_system,
                                    fields, sharing_type, legal_basis, created_at, created_by)
      select ds.id, 1, ds.name, ds.name || '（基准测试数据）', ds.library_kind, '每日', '部门业务系统',
             '[{"name":"姓名","type":"string","description":"姓名","sensitivity":"personal"},
               {"name":"公民身份号码","type":"string","description":"公民身份号码","sensitivity":"personal"},
               {"name":"状态","type":"string","description":"办理状态","sensitivity":"public"}]'::jsonb,
             ds.sharing_type,
             case when ds.sharing_type = 'not_shareable'
                  then '{"law":"《中华人民共和国个人信息保护法》","article":"第三十四条"}'::jsonb end,
             ds.created_at, 'bench'
      from datasets ds join bench_datasets bd on bd.id = ds.id`);

    // One register entry the refusals cite.
    const [basis] = rowsOf<{ legal_basis_id: string }>(
      await run(sql`
        with entry as (
          insert into legal_bases (current_version, created_at, updated_at) values (1, ${now}, ${now}) returning id)
        insert into legal_basis_versions (legal_basis_id, version, kind, title, article, excerpt, prohibits_sharing, in_force, note, created_at)
        select id, 1, 'law', '《中华人民共和国个人信息保护法》', '第三十四条',
               '国家机关为履行法定职责处理个人信息，应当依照法律、行政法规规定的权限、程序进行，不得超出履行法定职责所必需的范围和限度。',
               false, true, '基准测试', ${now}
        from entry returning legal_basis_id`),
    );
    const citation = JSON.stringify({
      source: 'register',
      entryId: basis!.legal_basis_id,
      version: 1,
      kind: 'law',
      title: '《中华人民共和国个人信息保护法》',
      documentNumber: null,
      article: '第三十四条',
      prohibitsSharing: false,
      inForce: true,
    });

    // Working days by ordinal; the end of a Shanghai day as an instant.
    await run(sql`create temp table bench_wd on commit drop as select ordinal as ord, date as d from calendar_ordinals where working`);
    await run(sql`alter table bench_wd add primary key (ord)`);
    await run(sql`
      create or replace function pg_temp.eod(day date) returns timestamptz language sql immutable as
      $$ select ((day + 1)::timestamp at time zone 'Asia/Shanghai') - interval '1 millisecond' $$`);
    phase('datasets, legal basis, working days');

    // ── The plan: one row per request with every instant and choice drawn ─────────────────
    const today = shanghaiDate(now);
    await run(sql`
      create temp table bench_base on commit drop as
      with span as (
        select o.date as d, o.ordinal as ord,
               (o.date + time '08:30') at time zone 'Asia/Shanghai' as opens,
               case when o.date = ${today}::date
                    then greatest(least(${now}::timestamptz - ((o.date + time '08:30') at time zone 'Asia/Shanghai'), interval '9 hours'), interval '0')
                    else interval '9 hours' end as hours,
               case when o.working then 1.0 else 0.12 end as day_weight
        from calendar_ordinals o
        where o.date between ${today}::date - 364 and ${today}::date
      ), weighted as (
        select *, (day_weight * extract(epoch from hours) / 32400)::numeric as w from span
      ), cumulative as (
        select *, sum(w) over (order by d) as c, sum(w) over () as total from weighted
      )
      select gen_random_uuid() as id, gen_random_uuid() as clock_id, c.d as filed_date, c.ord as filed_ord,
             c.opens + random() * c.hours as filed_at,
             random() as r_track, random() as r_owner, random() as r_requester, random() as r_kind, random() as r_supp,
             random() as r_ext, random() as r_late, random() as r_lateness, random() as r_done, random() as r_time,
             random() as r_decide, random() as r_dispute, random() as r_dispute_time, random() as r_dispute_late,
             random() as r_reply, random() as r_reply_time, random() as r_misc
      from cumulative c
      cross join lateral generate_series(1, (floor(${requests}::numeric * c.c / c.total) - floor(${requests}::numeric * (c.c - c.w) / c.total))::int)`);
    phase('plan: filings over the year');

    await run(sql`
      create temp table bench_a on commit drop as
      select b.*, t.track,
             least(${nd}::int - 1, floor(${nd}::int * power(b.r_owner, 1.7)))::int as owner_i,
             case
               when t.track <> 1 and b.r_supp < 0.022 then 'lapse'
               when b.r_kind < 0.02 then 'withdrawn'
               when t.track = 1 then 'granted'
               when t.track = 5 then case when b.r_kind < 0.14 then 'refused' else 'approved' end
               else case when b.r_kind < 0.20 then 'not_to_share' when b.r_kind < 0.60 then 'share_owner' else 'share_center' end
             end as kind,
             t.track <> 1 and b.r_supp < 0.22 as has_supp,
             t.track <> 1 and b.r_ext < case t.track when 5 then 0.07 else 0.04 end
               and b.filed_at < ${now}::timestamptz - interval '10 minutes' as ext_asked,
             case when t.track <> 1 and b.r_ext < case t.track when 5 then 0.05 else 0.03 end
                   and b.filed_at < ${now}::timestamptz - interval '10 minutes' then 2 else 0 end as ext_days,
             b.r_late < 0.08 as late,
             1 + floor(power(b.r_lateness, 2) * 8)::int as late_days
      from bench_base b
      cross join lateral (select case when b.r_track < 0.55 then 1 when b.r_track < 0.90 then 5 else 15 end as track) t`);
    await run(sql`analyze bench_a`);
    await run(sql`drop table bench_base`);

    await run(sql`
      create temp table bench_b on commit drop as
      select a.*,
             (a.owner_i + 1 + floor(a.r_requester * (${nd}::int - 1))::int) % ${nd}::int as requester_i,
             a.filed_ord + a.track + a.ext_days as deadline_ord,
             w.done_wd
      from bench_a a
      cross join lateral (select case when a.late then a.track + a.ext_days + a.late_days
                                      else floor(a.r_done * (a.track + a.ext_days + 1))::int end as done_wd) w`);
    await run(sql`analyze bench_b`);
    await run(sql`drop table bench_a`);

    await run(sql`
      create temp table bench_c on commit drop as
      select b.*, dl.d as deadline_date, pg_temp.eod(dl.d) as deadline_at, t.done_at,
             b.filed_at + (t.done_at - b.filed_at) * case when b.late then 0.55 + 0.4 * b.r_decide else 0.3 + 0.5 * b.r_decide end as dec_at
      from bench_b b
      join bench_wd dl on dl.ord = b.deadline_ord
      left join bench_wd dn on dn.ord = b.filed_ord + b.done_wd and b.done_wd > 0
      cross join lateral (select case when b.done_wd = 0 then b.filed_at + interval '15 minutes' + b.r_time * interval '4 hours'
                                      else ((dn.d + time '09:00') at time zone 'Asia/Shanghai') + b.r_time * interval '8 hours'
                                 end as done_at) t`);
    await run(sql`analyze bench_c`);
    await run(sql`drop table bench_b`);

    // Supplements, disputes, supervision periods: instants from the calendar's ordinals.
    await run(sql`
      create temp table bench_d on commit drop as
      select c.*, s.ask_at, s.answered_at, ao.ordinal as ask_ord, pg_temp.eod(sd.d) as supp_deadline_at,
             pg_temp.eod(sd.d) + interval '1 millisecond' as lapse_at,
             c.dec_at + (c.done_at - c.dec_at) * 0.7 as mid_at,
             c.deadline_at + interval '1 millisecond' as breach_at,
             pg_temp.eod(r1.d) as reply_due_1, pg_temp.eod(l2.d) as level_two_at, pg_temp.eod(r2.d) as reply_due_2,
             d.raised_at, pg_temp.eod(dd.d) as dispute_deadline_at, dd.d as dispute_deadline_date
      from bench_c c
      cross join lateral (
        select case when not c.has_supp then null
                    when c.kind = 'lapse' then c.filed_at + (c.deadline_at - c.filed_at) * 0.2
                    else c.filed_at + (c.dec_at - c.filed_at) * 0.25 end as ask_at,
               case when c.has_supp and c.kind <> 'lapse' then c.filed_at + (c.dec_at - c.filed_at) * 0.6 end as answered_at) s
      left join calendar_ordinals ao on ao.date = (s.ask_at at time zone 'Asia/Shanghai')::date
      left join bench_wd sd on sd.ord = ao.ordinal + 10
      join calendar_ordinals bi on bi.date = c.deadline_date + 1
      join bench_wd r1 on r1.ord = bi.ordinal + 3
      join bench_wd l2 on l2.ord = bi.ordinal + 5
      join bench_wd r2 on r2.ord = bi.ordinal + 8
      cross join lateral (
        select case when c.kind in ('refused', 'not_to_share') and c.r_dispute < 0.2
                    then c.done_at + interval '1 day' + c.r_dispute_time * interval '8 days' end as raised_at) d
      left join calendar_ordinals ro on ro.date = (d.raised_at at time zone 'Asia/Shanghai')::date
      left join bench_wd dd on dd.ord = ro.ordinal + 10`);
    await run(sql`analyze bench_d`);
    await run(sql`drop table bench_c`);

    // States as of now, and the clocks' state, outcome and parties.
    await run(sql`
      create temp table bench_plan on commit drop as
      with s as (
        select d.*,
               d.done_at <= ${now}::timestamptz as fin,
               d.dec_at <= ${now}::timestamptz as decided,
               coalesce(d.raised_at <= ${now}::timestamptz and d.done_at <= ${now}::timestamptz, false) as dispute_raised,
               case when d.r_dispute_late < 0.12
                    then d.dispute_deadline_at + interval '1 day' + d.r_dispute_time * interval '4 days'
                    else d.raised_at + (d.dispute_deadline_at - d.raised_at) * (0.1 + 0.85 * d.r_dispute_time) end as dispute_decided_at,
               d.r_dispute < 0.05 as ordered,
               case d.track when 1 then 'provisioning' when 5 then 'owner_review' else 'coordination' end as pre_state
        from bench_d d
      ), st as (
        select s.*,
               s.dispute_raised and s.dispute_decided_at <= ${now}::timestamptz as dispute_decided,
               case
                 when s.kind = 'lapse' then
                   case when s.lapse_at <= ${now}::timestamptz then 'lapsed'
                        when s.ask_at <= ${now}::timestamptz then 'awaiting_supplement' else s.pre_state end
                 when s.has_supp and s.ask_at <= ${now}::timestamptz and s.answered_at > ${now}::timestamptz then 'awaiting_supplement'
                 when s.kind = 'withdrawn' then case when s.fin then 'withdrawn' else s.pre_state end
                 when s.kind = 'granted' then case when s.fin then 'granted' else 'provisioning' end
                 when s.kind in ('refused', 'not_to_share') and s.fin then
                   case when not s.dispute_raised then 'refused'
                        when s.dispute_decided_at > ${now}::timestamptz then 'disputed'
                        when s.ordered then 'approved' else 'refused' end
                 when s.kind = 'refused' then 'owner_review'
                 when s.kind = 'not_to_share' then case when s.decided then 'explanation_due' else 'coordination' end
                 when s.fin then 'granted'
                 when not s.decided then s.pre_state
                 when s.kind = 'share_owner' and s.mid_at > ${now}::timestamptz then 'awaiting_owner_delivery'
                 else 'provisioning'
               end as state
        from s
      ), clocked as (
        select st.*,
               case when st.state = 'lapsed' then st.lapse_at
                    when st.state in ('withdrawn', 'granted', 'refused', 'disputed') then st.done_at
                    when st.state = 'approved' then st.done_at
                    else null end as stop_at
        from st
      )
      select c.*,
             case when c.stop_at is not null then 'stopped' when c.state = 'awaiting_supplement' then 'paused' else 'running' end as clock_state,
             case when c.stop_at is not null then case when c.state <> 'lapsed' and c.stop_at > c.deadline_at then 'breached' else 'met' end
                  when c.state = 'awaiting_supplement' then case when c.ask_at > c.deadline_at then 'breached' end
                  when ${now}::timestamptz > c.deadline_at then 'breached' end as outcome,
             case c.track
               when 1 then 'center'
               when 5 then case when c.state in ('provisioning', 'granted') then 'center' else 'owner' end
               else case when c.state in ('awaiting_owner_delivery', 'explanation_due', 'refused', 'disputed', 'approved') then 'owner' else 'center' end
             end as holder,
             case c.track
               when 1 then 'center'
               when 5 then case when c.kind = 'approved' and c.dec_at <= c.deadline_at then 'center' else 'owner' end
               else case when c.dec_at > c.deadline_at then 'center'
                         when c.kind = 'share_owner' and c.mid_at > c.deadline_at then 'owner'
                         when c.kind = 'not_to_share' then 'owner' else 'center' end
             end as breach_party,
             case when c.state = 'granted' then c.done_at end as granted_at,
             case when c.state = 'approved' then c.dispute_decided_at
                  when c.track = 1 or c.kind in ('withdrawn', 'lapse') then null
                  when c.state in ('owner_review', 'coordination', 'awaiting_supplement') then null
                  when c.kind = 'refused' then c.done_at
                  else c.dec_at end as decided_at,
             case when c.state in ('granted', 'withdrawn') then c.done_at
                  when c.state = 'lapsed' then c.lapse_at
                  when c.state = 'refused' then coalesce(case when c.dispute_decided then c.dispute_decided_at end, c.done_at) end as closed_at,
             case when c.dispute_raised then gen_random_uuid() end as dispute_id,
             case when c.dispute_raised then gen_random_uuid() end as dispute_clock_id,
             case when c.has_supp and c.ask_at <= ${now}::timestamptz then gen_random_uuid() end as supp_clock_id
      from clocked c`);
    await run(sql`drop table bench_d`);
    await run(sql`alter table bench_plan add primary key (id)`);
    await run(sql`analyze bench_plan`);
    phase('plan: lifecycle of every request');

    // ── The rows ─────────────────────────────────────────────────────────────────────────
    const clockColumns = sql.raw(`id, subject_type, subject_id, step, charged_party, workflow_id, policy_profile, policy_version,
      state, working_days, started_at, basis_at, basis_days, extension_days, deadline_at, deadline_date, provisional,
      calendar_version, paused_at, remaining_at_pause, breached_at, outcome, stopped_at, extension, version,
      supervision_level, level_two_at, reply_days, level_two_after_days, handover_grace_days`);
    await run(sql`
      insert into sla_clocks (${clockColumns})
      select p.clock_id, 'Request', p.id::text, 'track' || p.track, p.holder, 'request-' || p.id, ${policy.name}::text, ${policy.version}::int,
             p.clock_state, p.track, p.filed_at, p.filed_at, p.track, p.ext_days, p.deadline_at, p.deadline_date, o.provisional,
             o.version, case when p.clock_state = 'paused' then p.ask_at end,
             case when p.clock_state = 'paused' then greatest(p.deadline_ord - p.ask_ord, 0) end,
             case when p.outcome = 'breached' then p.breach_at end, p.outcome, p.stop_at,
             case when p.ext_asked then jsonb_build_object(
               'requestedAt', to_char((p.filed_at + interval '1 minute') at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
               'days', 2, 'reason', '数据量较大，需协调技术部门分批导出',
               'decision', case when p.ext_days > 0 then 'approved' else 'rejected' end,
               'decidedAt', to_char((p.filed_at + interval '5 minutes') at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
               'party', case p.track when 5 then 'owner' else 'center' end) end,
             1,
             case when p.outcome = 'breached' then case when coalesce(p.stop_at, ${now}::timestamptz) > p.level_two_at then 2 else 1 end else 0 end,
             case when p.outcome = 'breached' and p.clock_state <> 'stopped' and ${now}::timestamptz <= p.level_two_at then p.level_two_at end,
             3, 5, 1
      from bench_plan p join calendar_ordinals o on o.date = p.deadline_date`);
    phase('sla_clocks: track clocks');

    await run(sql`
      insert into sla_clocks (${clockColumns})
      select p.supp_clock_id, 'Request', p.id::text, 'supplement', 'requester', 'request-' || p.id, ${policy.name}::text, ${policy.version}::int,
             case when p.kind = 'lapse' and p.state = 'lapsed' then 'stopped'
                  when p.kind <> 'lapse' and p.answered_at <= ${now}::timestamptz then 'stopped' else 'running' end,
             10, p.ask_at, p.ask_at, 10, 0, p.supp_deadline_at, (p.supp_deadline_at at time zone 'Asia/Shanghai')::date, false,
             o.version, null, null,
             case when p.state = 'lapsed' then p.lapse_at end,
             case when p.state = 'lapsed' then 'breached'
                  when p.kind <> 'lapse' and p.answered_at <= ${now}::timestamptz then
                    case when p.answered_at > p.supp_deadline_at then 'breached' else 'met' end end,
             case when p.state = 'lapsed' then p.lapse_at
                  when p.kind <> 'lapse' and p.answered_at <= ${now}::timestamptz then p.answered_at end,
             null, 1, 0, null, 3, 5, 1
      from bench_plan p join calendar_ordinals o on o.date = p.deadline_date
      where p.supp_clock_id is not null`);
    await run(sql`
      insert into sla_clocks (${clockColumns})
      select p.dispute_clock_id, 'Request', p.id::text, 'dispute_decision', 'authority', 'request-' || p.id, ${policy.name}::text, ${policy.version}::int,
             case when p.dispute_decided then 'stopped' else 'running' end,
             10, p.raised_at, p.raised_at, 10, 0, p.dispute_deadline_at, p.dispute_deadline_date, false, o.version, null, null,
             case when p.dispute_decided_at > p.dispute_deadline_at and (p.dispute_decided or ${now}::timestamptz > p.dispute_deadline_at)
                  then p.dispute_deadline_at + interval '1 millisecond' end,
             case when p.dispute_decided then case when p.dispute_decided_at > p.dispute_deadline_at then 'breached' else 'met' end
                  when ${now}::timestamptz > p.dispute_deadline_at then 'breached' end,
             case when p.dispute_decided then p.dispute_decided_at end,
             null, 1,
             case when p.dispute_decided_at > p.dispute_deadline_at and (p.dispute_decided or ${now}::timestamptz > p.dispute_deadline_at) then 1 else 0 end,
             null, 3, 5, 1
      from bench_plan p join calendar_ordinals o on o.date = p.dispute_deadline_date
      where p.dispute_clock_id is not null`);
    phase('sla_clocks: supplement and dispute clocks');

    await run(sql`
      insert into requests (id, number, state, track, requester_department_id, requester_user_id, owner_department_id, dataset_id,
                            fields, purpose, usage_months, delivery_method, security_commitment_accepted, commitment_version,
                            commitment_accepted_at, commitment_accepted_by, snapshot, routing, pre_check, policy_name, policy_version,
                            state_before_supplement, clock_id, approved_fields, approved_usage_months, filed_at, decided_at, closed_at,
                            workflow_started_at, created_at, updated_at)
      select p.id,
             'GX-' || y.year || '-' || lpad((coalesce(nc.last, 0) + row_number() over (partition by y.year order by p.filed_at, p.id))::text, 6, '0'),
             p.state, p.track, rq.id, rq.user_id, ow.id, ds.id,
             '["姓名","公民身份号码"]'::jsonb, (${sql.raw(`array[${PURPOSES.map((x) => `'${x}'`).join(', ')}]`)})[1 + floor(p.r_misc * ${PURPOSES.length})::int], 12,
             case when p.r_misc < 0.8 then 'interface' else 'batch' end, true, ${commitment.version}::int, p.filed_at, rq.user_id,
             jsonb_build_object('datasetVersion', 1, 'sharingType', case p.track when 1 then 'unconditional' when 5 then 'conditional' else 'not_shareable' end,
                                'aggregated', p.track = 1, 'keyListVersion', 0, 'scenario', null,
                                'policy', jsonb_build_object('name', ${policy.name}::text, 'version', ${policy.version}::int)),
             jsonb_build_object('track', p.track, 'rule', case p.track when 1 then 'unconditional' when 5 then 'conditional' else 'not_shareable' end,
                                'reasons', jsonb_build_array('基准测试：按编目共享类型分类'), 'missingFields', '[]'::jsonb,
                                'ownerMayRefuse', p.track <> 1),
             null, ${policy.name}::text, ${policy.version}::int,
             case when p.state = 'awaiting_supplement' then p.pre_state end,
             p.clock_id,
             case when p.state in ('provisioning', 'granted', 'approved', 'awaiting_owner_delivery') then '["姓名","公民身份号码"]'::jsonb end,
             case when p.state in ('provisioning', 'granted', 'approved', 'awaiting_owner_delivery') then 12 end,
             p.filed_at, p.decided_at, p.closed_at, p.filed_at, p.filed_at - interval '1 hour',
             greatest(p.filed_at, coalesce(p.closed_at, p.decided_at, p.filed_at))
      from bench_plan p
      join bench_depts ow on ow.i = p.owner_i
      join bench_depts rq on rq.i = p.requester_i
      join bench_datasets ds on ds.dept_i = p.owner_i and ds.k = case p.track when 1 then 0 when 5 then 1 else 2 end
      cross join lateral (select extract(year from p.filed_date)::int as year) y
      left join request_number_counters nc on nc.year = y.year`);
    await run(sql`
      insert into request_number_counters (year, last)
      select substr(number, 4, 4)::int, max(substr(number, 9)::int) from requests where number like 'GX-%' group by 1
      on conflict (year) do update set last = greatest(request_number_counters.last, excluded.last)`);
    phase('requests');

    await run(sql`
      insert into request_supplements (request_id, question, asked_at, asked_by, clock_id, answer, answered_at, answered_by, lapsed_at)
      select p.id, '请补充申请用途的工作依据文件及经办人员名单', p.ask_at, ow.user_id, p.supp_clock_id,
             case when p.kind <> 'lapse' and p.answered_at <= ${now}::timestamptz then '已补充工作依据文件及经办人员名单' end,
             case when p.kind <> 'lapse' and p.answered_at <= ${now}::timestamptz then p.answered_at end,
             case when p.kind <> 'lapse' and p.answered_at <= ${now}::timestamptz then rq.user_id end,
             case when p.state = 'lapsed' then p.lapse_at end
      from bench_plan p join bench_depts ow on ow.i = p.owner_i join bench_depts rq on rq.i = p.requester_i
      where p.supp_clock_id is not null`);
    await run(sql`
      insert into written_explanations (request_id, legal_basis, legal_basis_id, legal_basis_version, cited_conditions, reasons,
                                        alternatives, author_user_id, department_id, filed_at)
      select p.id, ${citation}::jsonb, ${basis!.legal_basis_id}::uuid, 1, '[]'::jsonb,
             '申请的数据项涉及个人敏感信息，超出履行法定职责所必需的范围', '可申请脱敏后的统计数据，或通过数据核验接口核验',
             ow.user_id, ow.id, p.done_at
      from bench_plan p join bench_depts ow on ow.i = p.owner_i
      where p.kind in ('refused', 'not_to_share') and p.fin`);
    await run(sql`
      insert into coordination_outcomes (request_id, outcome, fields, usage_months, conditions, reasons, decided_by, decided_at)
      select p.id, case when p.kind = 'not_to_share' then 'not_to_share' else 'share' end,
             case when p.kind <> 'not_to_share' then '["姓名","公民身份号码"]'::jsonb end,
             case when p.kind <> 'not_to_share' then 12 end,
             case when p.kind <> 'not_to_share' then '仅限申请用途使用，不得向第三方提供' end,
             case when p.kind = 'not_to_share' then '经三方协调，申请数据涉及法律明确保护的个人信息，不予共享' end,
             ${operator}::uuid, p.dec_at
      from bench_plan p
      where p.track = 15 and p.kind in ('share_owner', 'share_center', 'not_to_share') and p.decided`);
    await run(sql`
      insert into request_disputes (id, request_id, party, department_id, raised_by, reasons, raised_at, clock_id)
      select p.dispute_id, p.id, 'requester', rq.id, rq.user_id, '申请用途有法定依据，拒绝理由不成立', p.raised_at, p.dispute_clock_id
      from bench_plan p join bench_depts rq on rq.i = p.requester_i
      where p.dispute_id is not null`);
    await run(sql`
      insert into dispute_decisions (dispute_id, decision, reasons, decided_by, department_id, decided_at)
      select p.dispute_id, case when p.ordered then 'ordered' else 'upheld' end,
             case when p.ordered then '申请具有法定依据，责令数据责任部门共享' else '拒绝理由成立，维持不予共享' end,
             ${supervisor}::uuid, ${authority.id}::uuid, p.dispute_decided_at
      from bench_plan p where p.dispute_decided`);
    await run(sql`
      insert into grants (number, request_id, requester_department_id, dataset_id, dataset_version, fields, purpose, state,
                          delivery_method, delivery_reference, valid_from, valid_to, created_at)
      -- The request's number as the grant's (SQ- for GX-): unique, and apart from the counters' sequence.
      select 'SQ-B' || substr(r.number, 4), r.id, r.requester_department_id, r.dataset_id, 1, '["姓名","公民身份号码"]'::jsonb, r.purpose, 'active', r.delivery_method,
             'https://exchange.sh.gov.cn/api/bench/' || r.number, p.granted_at, p.granted_at + interval '12 months', p.granted_at
      from bench_plan p join requests r on r.id = p.id
      where p.granted_at is not null`);
    phase('supplements, explanations, coordination, disputes, grants');

    // Supervision (督办): level 1 at each breach, level 2 when still open five working days on.
    await run(sql`
      insert into supervisions (subject_type, subject_id, clock_id, level, charged_party, responsible_department_id, issued_at,
                                reply_due_at, reply, replied_at, replied_by)
      select 'Request', p.id::text, p.clock_id, lv.level, p.breach_party,
             case when p.breach_party = 'owner' then ow.id else ${center.id}::uuid end,
             lv.issued_at, lv.reply_due_at,
             case when rp.replied_at <= ${now}::timestamptz then '已督促经办人员加快办理，并将按时限完成' end,
             case when rp.replied_at <= ${now}::timestamptz then rp.replied_at end,
             case when rp.replied_at <= ${now}::timestamptz then case when p.breach_party = 'owner' then ow.user_id else ${operator}::uuid end end
      from bench_plan p
      join bench_depts ow on ow.i = p.owner_i
      cross join lateral (
        select 1 as level, p.breach_at as issued_at, p.reply_due_1 as reply_due_at
        union all
        select 2, p.level_two_at, p.reply_due_2 where coalesce(p.stop_at, ${now}::timestamptz) > p.level_two_at) lv
      cross join lateral (
        select case when p.r_reply < case lv.level when 1 then 0.8 else 0.6 end
                    then lv.issued_at + (lv.reply_due_at - lv.issued_at) * (0.2 + 0.95 * p.r_reply_time) end as replied_at) rp
      where p.outcome = 'breached'`);
    await run(sql`
      insert into supervisions (subject_type, subject_id, clock_id, level, charged_party, responsible_department_id, issued_at,
                                reply_due_at, reply, replied_at, replied_by)
      select 'Request', p.id::text, p.dispute_clock_id, 1, 'authority', ${authority.id}::uuid,
             p.dispute_deadline_at + interval '1 millisecond', pg_temp.eod(r.d),
             case when p.dispute_decided then '已加快争议审查，将尽快作出决定' end,
             case when p.dispute_decided then least(p.dispute_decided_at, pg_temp.eod(r.d)) end,
             case when p.dispute_decided then ${supervisor}::uuid end
      from bench_plan p
      join calendar_ordinals bi on bi.date = p.dispute_deadline_date + 1
      join bench_wd r on r.ord = bi.ordinal + 3
      where p.dispute_clock_id is not null and p.dispute_decided_at > p.dispute_deadline_at
        and (p.dispute_decided or ${now}::timestamptz > p.dispute_deadline_at)`);
    phase('supervisions');

    for (const table of FACT_TABLES) await run(sql.raw(`alter table ${table} enable trigger user`));
    await run(sql`select rebuild_request_facts()`);
    phase('request_facts rebuilt');

    const states = rowsOf<HistoryReport['states'][number]>(
      await run(sql`select state, track, count(*)::int as count from bench_plan group by 1, 2 order by 2, 3 desc`),
    );
    const [busiest] = rowsOf<{ id: string; code: string; user_id: string }>(
      await run(sql`
        select d.id, dep.code, d.user_id from bench_plan p join bench_depts d on d.i = p.owner_i
        join departments dep on dep.id = d.id group by 1, 2, 3 order by count(*) desc limit 1`),
    );
    return { states, busiest: busiest! };
  });

  for (const table of COUNTED_TABLES) await db.execute(sql.raw(`analyze ${table}`));
  phase('analyze');
  return {
    ...(await sizes(db)),
    now,
    seconds: (performance.now() - started) / 1000,
    states: counts.states,
    phases,
    centerDepartmentId: center.id,
    busiestDepartment: { id: counts.busiest.id, code: counts.busiest.code, userId: counts.busiest.user_id },
  };
}

/**
 * The history an earlier run left in the database (BENCH_REUSE=1: re-measuring after a change of
 * the read paths without generating again), or null when there is none. Its `now` is now: the
 * periods are the last month and year before today, as for a fresh history.
 */
export async function existingHistory(db: Db): Promise<HistoryReport | null> {
  const [busiest] = rowsOf<{ id: string; code: string; user_id: string }>(
    await db.execute(sql`
      with top as (select owner_department_id as id from requests group by 1 order by count(*) desc limit 1)
      select top.id, dep.code, u.id as user_id from top join departments dep on dep.id = top.id
      join users u on u.department_id = top.id and u.username like 'bench.%'
      order by u.username limit 1`),
  );
  if (!busiest) return null;
  const [center] = rowsOf<{ id: string }>(await db.execute(sql`select id from departments where is_data_center`));
  const states = rowsOf<HistoryReport['states'][number]>(
    await db.execute(sql`select state, track, count(*)::int as count from requests group by 1, 2 order by 2, 3 desc`),
  );
  return {
    ...(await sizes(db)),
    now: new Date(),
    seconds: 0,
    states,
    phases: [{ phase: 'reused the history already in the database', seconds: 0 }],
    centerDepartmentId: center!.id,
    busiestDepartment: { id: busiest.id, code: busiest.code, userId: busiest.user_id },
  };
}

async function sizes(db: Db): Promise<Pick<HistoryReport, 'rows' | 'databaseBytes' | 'factsBytes'>> {
  const rows: Record<string, number> = {};
  for (const table of COUNTED_TABLES) {
    const [row] = rowsOf<{ n: string }>(await db.execute(sql.raw(`select count(*)::bigint as n from ${table}`)));
    rows[table] = Number(row!.n);
  }
  const [size] = rowsOf<{ db: string; facts: string }>(
    await db.execute(
      sql`select pg_database_size(current_database())::bigint as db, pg_total_relation_size('request_facts')::bigint as facts`,
    ),
  );
  return { rows, databaseBytes: Number(size!.db), factsBytes: Number(size!.facts) };
}

async function userWithRole(db: Db | Tx, departmentId: string, role: string): Promise<string> {
  const [row] = rowsOf<{ id: string }>(
    await db.execute(
      sql`select id from users where department_id = ${departmentId} and ${role} = any(roles) and active order by username limit 1`,
    ),
  );
  if (!row) throw new Error(`no ${role} in department ${departmentId}: the identity seed creates one`);
  return row.id;
}

const rowsOf = <T>(result: unknown): T[] => (result as { rows: T[] }).rows;

/** The Asia/Shanghai calendar date of an instant (UTC+8 all year). */
function shanghaiDate(at: Date): string {
  return new Date(at.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
}
