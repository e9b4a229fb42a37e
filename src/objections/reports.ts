/**
 * The objection report (异议核实情况): per owner department and dataset, the objections raised in a
 * period by outcome, the average verification time in working days (a task's opening to its
 * decision, on the city's calendar), the steps overdue now and the most disputed fields. A
 * department sees the rows of its own data; the center, the authority and auditors every row.
 */
import { and, between, eq, inArray } from 'drizzle-orm';
import { loadCalendar } from '../calendar/index.js';
import { shanghaiDate } from '../calendar/rules/shanghai-time.js';
import { endOfShanghaiDay, startOfShanghaiDay } from '../calendar/rules/working-days.js';
import { resolvePeriod } from '../dashboard/rules/period.js';
import { scopedDepartment } from '../dashboard/rules/scope.js';
import type { RequestContext } from '../identity/index.js';
import { TABLE_MEDIA_TYPES, writeTables } from '../platform/documents/spreadsheet.js';
import { datasets, departments, objections, objectionTasks, slaClocks } from '../platform/db/schema.js';
import type { JsonBody, QueryParams } from '../platform/http/contract.js';
import { isOverdue } from '../sla/rules/clock.js';
import * as sla from '../sla/index.js';
import { readsEveryObjection } from './queries.js';
import { FINAL_OBJECTION_STATES } from './rules/lifecycle.js';

type Report = JsonBody<'getObjectionReport', 200>;
type ReportRow = Report['rows'][number];

export async function objectionReport(ctx: RequestContext, query: QueryParams<'getObjectionReport'>): Promise<Report> {
  const period = resolvePeriod(query, shanghaiDate(ctx.now));
  const owner = scopedDepartment({ departmentId: ctx.actor.departmentId, seesCity: readsEveryObjection(ctx) }, query.departmentId);
  const rows = await ctx.db
    .select({
      id: objections.id,
      state: objections.state,
      result: objections.result,
      field: objections.field,
      clockId: objections.clockId,
      owner: { id: departments.id, code: departments.code, name: departments.name },
      dataset: { id: datasets.id, code: datasets.code, name: datasets.name },
    })
    .from(objections)
    .innerJoin(departments, eq(departments.id, objections.ownerDepartmentId))
    .innerJoin(datasets, eq(datasets.id, objections.datasetId))
    .where(
      and(
        // A department's report is about its own data: the owner's rows only (the center, the authority and auditors see all, or one department's).
        owner ? eq(objections.ownerDepartmentId, owner) : undefined,
        between(objections.raisedAt, startOfShanghaiDay(period.from), new Date(endOfShanghaiDay(period.to).getTime())),
      ),
    );
  const ids = rows.map((r) => r.id);
  const tasks = ids.length
    ? await ctx.db
        .select({
          objectionId: objectionTasks.objectionId,
          createdAt: objectionTasks.createdAt,
          decidedAt: objectionTasks.decidedAt,
          clockId: objectionTasks.clockId,
        })
        .from(objectionTasks)
        .where(inArray(objectionTasks.objectionId, ids))
    : [];
  const clockIds = [...rows.map((r) => r.clockId), ...tasks.map((t) => t.clockId)].filter((c): c is string => Boolean(c));
  const clocks = new Map(
    (clockIds.length ? await ctx.db.select().from(slaClocks).where(inArray(slaClocks.id, clockIds)) : []).map((c) => [c.id, c]),
  );
  const overdue = (clockId: string | null) => {
    const clock = clockId ? clocks.get(clockId) : undefined;
    return Boolean(clock && clock.state !== 'stopped' && (isOverdue(sla.toDomain(clock)) || clock.deadlineAt < ctx.now));
  };
  const calendar = await loadCalendar(ctx.db);
  return assemble(rows, tasks, overdue, calendar, period);
}

/** Working days to one decimal; null when nothing was decided. */
const average = (days: number[]) => (days.length ? Math.round((days.reduce((s, d) => s + d, 0) / days.length) * 10) / 10 : null);

type Tally = ReportRow & { days: number[]; fieldCounts: Map<string, number> };
const top = (counts: Map<string, number>, n: number) =>
  [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, n);

/** The rows per owner department and dataset, and the most disputed fields, from the period's objections and their tasks. */
function assemble(
  rows: {
    id: string;
    state: string;
    result: string | null;
    field: string;
    clockId: string | null;
    owner: ReportRow['ownerDepartment'];
    dataset: ReportRow['dataset'];
  }[],
  tasks: { objectionId: string; createdAt: Date; decidedAt: Date | null; clockId: string }[],
  overdue: (clockId: string | null) => boolean,
  calendar: { workingDaysBetween(from: Date, to: Date): number },
  period: { from: string; to: string },
): Report {
  const byKey = new Map<string, Tally>();
  for (const r of rows) {
    const key = `${r.owner.id}:${r.dataset.id}`;
    const row = byKey.get(key) ?? {
      ownerDepartment: r.owner,
      dataset: r.dataset,
      raised: 0,
      rejected: 0,
      open: 0,
      corrected: 0,
      confirmedAccurate: 0,
      partiallyCorrected: 0,
      averageVerificationDays: null,
      overdueNow: 0,
      topFields: [],
      days: [],
      fieldCounts: new Map<string, number>(),
    };
    row.raised++;
    if (r.state === 'rejected_out_of_scope') row.rejected++;
    else if (!FINAL_OBJECTION_STATES.includes(r.state as never)) row.open++;
    if (r.result === 'corrected') row.corrected++;
    if (r.result === 'confirmed_accurate') row.confirmedAccurate++;
    if (r.result === 'partially_corrected') row.partiallyCorrected++;
    const mine = tasks.filter((t) => t.objectionId === r.id);
    row.overdueNow += (overdue(r.clockId) ? 1 : 0) + mine.filter((t) => !t.decidedAt && overdue(t.clockId)).length;
    for (const t of mine) if (t.decidedAt) row.days.push(calendar.workingDaysBetween(t.createdAt, t.decidedAt));
    row.fieldCounts.set(r.field, (row.fieldCounts.get(r.field) ?? 0) + 1);
    byKey.set(key, row);
  }
  const reportRows = [...byKey.values()]
    .sort((a, b) => a.ownerDepartment.code.localeCompare(b.ownerDepartment.code) || a.dataset.code.localeCompare(b.dataset.code))
    .map(({ days, fieldCounts, ...row }) => ({
      ...row,
      averageVerificationDays: average(days),
      topFields: top(fieldCounts, 3).map(([field, objections]) => ({ field, objections })),
    }));
  const allDays = [...byKey.values()].flatMap((r) => r.days);
  const sum = (key: 'raised' | 'rejected' | 'open' | 'corrected' | 'confirmedAccurate' | 'partiallyCorrected' | 'overdueNow') =>
    reportRows.reduce((total, r) => total + r[key], 0);
  const totals = {
    raised: sum('raised'),
    rejected: sum('rejected'),
    open: sum('open'),
    corrected: sum('corrected'),
    confirmedAccurate: sum('confirmedAccurate'),
    partiallyCorrected: sum('partiallyCorrected'),
    verifiedTasks: allDays.length,
    averageVerificationDays: average(allDays),
    overdueNow: sum('overdueNow'),
  };
  const fields = new Map<string, number>();
  for (const r of rows) fields.set(`${r.dataset.code}\u0000${r.field}`, (fields.get(`${r.dataset.code}\u0000${r.field}`) ?? 0) + 1);
  return {
    from: period.from,
    to: period.to,
    totals,
    rows: reportRows,
    fields: top(fields, 10).map(([key, objections]) => {
      const [datasetCode, field] = key.split('\u0000') as [string, string];
      return { datasetCode, field, objections };
    }),
  };
}

const totalsRow = (t: Report['totals']) => [
  '合计',
  '',
  '',
  t.raised,
  t.rejected,
  t.open,
  t.corrected,
  t.confirmedAccurate,
  t.partiallyCorrected,
  t.averageVerificationDays ?? '',
  t.overdueNow,
  '',
];

export async function objectionReportFile(report: Report, format: 'xlsx' | 'csv') {
  const file = await writeTables(
    [
      {
        name: '按数据资源',
        header: [
          '数据责任部门',
          '数据资源代码',
          '数据资源',
          '提出',
          '不予受理',
          '办理中',
          '已更正',
          '经核实无误',
          '部分更正',
          '平均核实用时（工作日）',
          '当前超期',
          '异议最多的字段',
        ],
        rows: [
          ...report.rows.map((r) => [
            r.ownerDepartment.name,
            r.dataset.code,
            r.dataset.name,
            r.raised,
            r.rejected,
            r.open,
            r.corrected,
            r.confirmedAccurate,
            r.partiallyCorrected,
            r.averageVerificationDays ?? '',
            r.overdueNow,
            r.topFields.map((f) => `${f.field}（${f.objections}）`).join('、'),
          ]),
          totalsRow(report.totals),
        ],
      },
      {
        name: '异议最多的字段',
        header: ['数据资源代码', '字段', '异议数'],
        rows: report.fields.map((f) => [f.datasetCode, f.field, f.objections]),
      },
    ],
    format,
  );
  return { file, mediaType: TABLE_MEDIA_TYPES[format], fileName: `objections-${report.from}-${report.to}.${format}` };
}
