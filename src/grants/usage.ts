/**
 * What usage supervision (安全监管) shows: a grant's use in a period (checks by outcome, reason,
 * field and day, the latest checks) and the monthly usage report per grant and holder department.
 * Figures come from the daily counts the check's transaction keeps; the latest checks from the
 * records themselves (the partition of the month, by the grant's index).
 */
import { and, between, desc, eq, gte, inArray, isNull, lt, sql } from 'drizzle-orm';
import { shanghaiDate } from '../calendar/rules/shanghai-time.js';
import { endOfShanghaiDay, startOfShanghaiDay } from '../calendar/rules/working-days.js';
import { monthPeriod, resolvePeriod, type Period } from '../dashboard/rules/period.js';
import { accessibleWhere, type RequestContext } from '../identity/index.js';
import { Action, Subject } from '../identity/rules/abilities.js';
import { TABLE_MEDIA_TYPES, writeTables } from '../platform/documents/spreadsheet.js';
import { grantUsage, grantUsageDaily, grantUsageFieldDaily } from '../platform/db/hand-made.js';
import { datasets, departments, grants, serviceClients } from '../platform/db/schema.js';
import type { JsonBody, QueryParams } from '../platform/http/contract.js';
import { readGrant } from './queries.js';
import type { DenialReason } from './rules/check.js';

type Usage = JsonBody<'getGrantUsage', 200>;
type Report = JsonBody<'getGrantUsageReport', 200>;

const num = (v: unknown) => Number(v ?? 0);

export async function grantUsageOf(ctx: RequestContext, id: string, query: QueryParams<'getGrantUsage'>): Promise<Usage> {
  const grant = await readGrant(ctx, id);
  const period = resolvePeriod(query, shanghaiDate(ctx.now));
  const days = await ctx.db
    .select({
      day: grantUsageDaily.day,
      allowed: grantUsageDaily.allowed,
      reason: grantUsageDaily.reason,
      checks: sql<string>`sum(${grantUsageDaily.checks})`,
    })
    .from(grantUsageDaily)
    .where(and(eq(grantUsageDaily.grantId, id), between(grantUsageDaily.day, period.from, period.to)))
    .groupBy(grantUsageDaily.day, grantUsageDaily.allowed, grantUsageDaily.reason)
    .orderBy(grantUsageDaily.day);
  const fields = await ctx.db
    .select({
      field: grantUsageFieldDaily.field,
      allowed: grantUsageFieldDaily.allowed,
      uses: sql<string>`sum(${grantUsageFieldDaily.uses})`,
    })
    .from(grantUsageFieldDaily)
    .where(and(eq(grantUsageFieldDaily.grantId, id), between(grantUsageFieldDaily.day, period.from, period.to)))
    .groupBy(grantUsageFieldDaily.field, grantUsageFieldDaily.allowed);
  const recent = await ctx.db
    .select({ usage: grantUsage, client: serviceClients.name })
    .from(grantUsage)
    .leftJoin(serviceClients, eq(serviceClients.id, grantUsage.clientId))
    .where(
      and(
        eq(grantUsage.grantId, id),
        gte(grantUsage.checkedAt, startOfShanghaiDay(period.from)),
        lt(grantUsage.checkedAt, endOfShanghaiDay(period.to)),
      ),
    )
    .orderBy(desc(grantUsage.checkedAt))
    .limit(50);

  const byDay = new Map<string, { day: string; allowed: number; denied: number }>();
  const byReason = new Map<string, number>();
  for (const d of days) {
    const entry = byDay.get(d.day) ?? { day: d.day, allowed: 0, denied: 0 };
    if (d.allowed) entry.allowed += num(d.checks);
    else {
      entry.denied += num(d.checks);
      byReason.set(d.reason, (byReason.get(d.reason) ?? 0) + num(d.checks));
    }
    byDay.set(d.day, entry);
  }
  const byField = new Map<string, { field: string; allowed: number; denied: number; inGrant: boolean }>();
  for (const f of fields) {
    const entry = byField.get(f.field) ?? { field: f.field, allowed: 0, denied: 0, inGrant: grant.fields.includes(f.field) };
    if (f.allowed) entry.allowed += num(f.uses);
    else entry.denied += num(f.uses);
    byField.set(f.field, entry);
  }
  const allowed = [...byDay.values()].reduce((n, d) => n + d.allowed, 0);
  const denied = [...byDay.values()].reduce((n, d) => n + d.denied, 0);
  return {
    ...period,
    totals: { checks: allowed + denied, allowed, denied },
    byReason: [...byReason].map(([reason, checks]) => ({ reason: reason as DenialReason, checks })).sort((a, b) => b.checks - a.checks),
    byField: [...byField.values()].sort((a, b) => b.allowed + b.denied - (a.allowed + a.denied) || a.field.localeCompare(b.field)),
    byDay: [...byDay.values()],
    recent: recent.map(({ usage, client }) => ({
      checkedAt: usage.checkedAt.toISOString(),
      fields: usage.fields,
      allowed: usage.allowed,
      reason: usage.reason,
      fieldsOutside: usage.fieldsOutside,
      client: client ?? '',
    })),
  };
}

/** Denied checks on data the department holds no grant on, per department (its own and its data's owner's business). */
async function attemptsWithoutGrant(ctx: RequestContext, period: Period, departmentId: string | undefined) {
  return ctx.db
    .select({ departmentId: grantUsageDaily.departmentId, checks: sql<string>`sum(${grantUsageDaily.checks})` })
    .from(grantUsageDaily)
    .innerJoin(datasets, eq(datasets.id, grantUsageDaily.datasetId))
    .where(
      and(
        isNull(grantUsageDaily.grantId),
        between(grantUsageDaily.day, period.from, period.to),
        // Attempts without a grant are the attempting department's and the data owner's business.
        accessibleWhere(ctx.actor.ability, Action.read, Subject.Grant, {
          requesterDepartmentId: grantUsageDaily.departmentId,
          ownerDepartmentId: datasets.ownerDepartmentId,
        }),
        departmentId ? eq(grantUsageDaily.departmentId, departmentId) : undefined,
      ),
    )
    .groupBy(grantUsageDaily.departmentId);
}

/** The holder departments' totals, with those that only attempted without a grant. */
async function departmentRows(
  ctx: RequestContext,
  grantsOut: Report['grants'],
  attempts: Array<{ departmentId: string; checks: string }>,
): Promise<Map<string, Report['departments'][number]>> {
  const byDepartment = new Map<string, Report['departments'][number]>();
  for (const g of grantsOut) {
    const d = byDepartment.get(g.holder.id) ?? {
      department: g.holder,
      grants: 0,
      counts: { checks: 0, allowed: 0, denied: 0 },
      attemptsWithoutGrant: 0,
    };
    d.grants++;
    d.counts = {
      checks: d.counts.checks + g.counts.checks,
      allowed: d.counts.allowed + g.counts.allowed,
      denied: d.counts.denied + g.counts.denied,
    };
    byDepartment.set(g.holder.id, d);
  }
  const missing = attempts.map((a) => a.departmentId).filter((id) => !byDepartment.has(id));
  const named = missing.length
    ? await ctx.db
        .select({ id: departments.id, code: departments.code, name: departments.name })
        .from(departments)
        .where(inArray(departments.id, missing))
    : [];
  for (const department of named)
    byDepartment.set(department.id, { department, grants: 0, counts: { checks: 0, allowed: 0, denied: 0 }, attemptsWithoutGrant: 0 });
  for (const a of attempts) byDepartment.get(a.departmentId)!.attemptsWithoutGrant = num(a.checks);
  return byDepartment;
}

export async function grantUsageReport(ctx: RequestContext, query: QueryParams<'getGrantUsageReport'>): Promise<Report> {
  const period: Period = monthPeriod(query.month);
  const visible = accessibleWhere(ctx.actor.ability, Action.read, Subject.Grant, {
    requesterDepartmentId: grants.requesterDepartmentId,
    ownerDepartmentId: datasets.ownerDepartmentId,
  });
  const rows = await ctx.db
    .select({
      id: grants.id,
      number: grants.number,
      holder: { id: departments.id, code: departments.code, name: departments.name },
      dataset: datasets.name,
      allowed: sql<string>`sum(${grantUsageDaily.checks}) filter (where ${grantUsageDaily.allowed})`,
      denied: sql<string>`sum(${grantUsageDaily.checks}) filter (where not ${grantUsageDaily.allowed})`,
    })
    .from(grantUsageDaily)
    .innerJoin(grants, eq(grants.id, grantUsageDaily.grantId))
    .innerJoin(datasets, eq(datasets.id, grants.datasetId))
    .innerJoin(departments, eq(departments.id, grants.requesterDepartmentId))
    .where(
      and(
        visible,
        between(grantUsageDaily.day, period.from, period.to),
        query.departmentId ? eq(grants.requesterDepartmentId, query.departmentId) : undefined,
      ),
    )
    .groupBy(grants.id, grants.number, departments.id, departments.code, departments.name, datasets.name)
    .orderBy(grants.number);
  const ids = rows.map((r) => r.id);
  const used = ids.length
    ? await ctx.db
        .selectDistinct({ grantId: grantUsageFieldDaily.grantId, field: grantUsageFieldDaily.field })
        .from(grantUsageFieldDaily)
        .where(
          and(
            inArray(grantUsageFieldDaily.grantId, ids),
            eq(grantUsageFieldDaily.allowed, true),
            between(grantUsageFieldDaily.day, period.from, period.to),
          ),
        )
    : [];
  const attempts = await attemptsWithoutGrant(ctx, period, query.departmentId);
  const grantsOut = rows.map((r) => {
    const allowed = num(r.allowed);
    const denied = num(r.denied);
    return {
      grant: { id: r.id, number: r.number },
      holder: r.holder,
      dataset: r.dataset,
      counts: { checks: allowed + denied, allowed, denied },
      fieldsUsed: used
        .filter((u) => u.grantId === r.id)
        .map((u) => u.field)
        .sort(),
    };
  });
  const byDepartment = await departmentRows(ctx, grantsOut, attempts);
  return {
    month: query.month,
    grants: grantsOut,
    departments: [...byDepartment.values()].sort((a, b) => a.department.code.localeCompare(b.department.code)),
  };
}

export async function usageReportFile(report: Report) {
  const file = await writeTables(
    [
      {
        name: '按授权',
        header: ['授权编号', '需求部门', '数据资源', '校验次数', '通过', '拒绝', '使用字段'],
        rows: report.grants.map((g) => [
          g.grant.number,
          g.holder.name,
          g.dataset,
          g.counts.checks,
          g.counts.allowed,
          g.counts.denied,
          g.fieldsUsed.join('、'),
        ]),
      },
      {
        name: '按部门',
        header: ['需求部门', '授权数', '校验次数', '通过', '拒绝', '无授权尝试'],
        rows: report.departments.map((d) => [
          d.department.name,
          d.grants,
          d.counts.checks,
          d.counts.allowed,
          d.counts.denied,
          d.attemptsWithoutGrant,
        ]),
      },
    ],
    'xlsx',
  );
  return { file, mediaType: TABLE_MEDIA_TYPES.xlsx, fileName: `grant-usage-${report.month}.xlsx` };
}
