/**
 * The dashboard's tables as files (XLSX, CSV) and the monthly evaluation (考核评估) as JSON, PDF
 * and XLSX. Column headers are Chinese: the files are read by people in the city's offices.
 */
import type { RequestContext } from '../identity/index.js';
import { renderPdfOffThread } from '../platform/documents/render-pool.js';
import type { PrintableTable } from '../platform/documents/pdf.js';
import { writeTables, TABLE_MEDIA_TYPES, type Cell, type Table } from '../platform/documents/spreadsheet.js';
import type { JsonBody, QueryParams } from '../platform/http/contract.js';
import { onTimeRate } from './rules/figures.js';
import { monthPeriod } from './rules/period.js';
import { viewerOf, type DashboardService } from './service.js';

type Evaluation = JsonBody<'getMonthlyEvaluation', 200>;
type DepartmentFigures = Evaluation['departments'][number];
type PartyRow = Evaluation['parties'][number];

const EXPORT_ROWS = 10_000;
const percent = (rate: number | null) => (rate === null ? null : Math.round(rate * 1000) / 10);
const PARTY = { center: '市大数据中心', authority: '公共数据主管部门' } as const;
const STEP = {
  provisioning: '数据提供',
  coordination: '三方协调',
  extension_decisions: '延期审核',
  dispute_decisions: '争议裁决',
} as const;
const CHARGED = { requester: '需求方', owner: '数据责任部门', center: '市大数据中心', authority: '公共数据主管部门' } as const;
const BUCKET = { overdue: '已超期', due_today: '今日到期', due_next_working_day: '下一工作日到期' } as const;
const OUTCOME = { met: '按时', breached: '超期', pending: '未计' } as const;

function departmentsTable(rows: readonly DepartmentFigures[]): Table {
  return {
    name: '数据责任部门排名',
    header: [
      '部门代码',
      '部门名称',
      '申请数',
      '按时',
      '超期',
      '已决定',
      '按时率(%)',
      '平均办理工作日',
      'P90办理工作日',
      '当前超期',
      '拒绝数',
      '已提交书面说明',
      '补正次数',
      '申请延期',
      '批准延期',
      '被督办次数',
      '争议被改判',
    ],
    rows: rows.map((r) => [
      r.department.code,
      r.department.name,
      r.filed,
      r.met,
      r.breached,
      r.decided,
      percent(r.onTimeRate),
      r.averageDaysToDecide,
      r.p90DaysToDecide,
      r.overdueNow,
      r.refusals,
      r.refusalsExplained,
      r.supplementsAsked,
      r.extensionsAsked,
      r.extensionsApproved,
      r.breachesCharged,
      r.disputesLost,
    ]),
  };
}

function onTimeTable(rows: Evaluation['city']['onTime']): Table {
  return {
    name: '按时率',
    header: ['通道', '按时', '超期', '其中办理中超期', '未计', '按时率(%)'],
    rows: rows.map((r) => [r.track, r.met, r.breached, r.openBreached, r.pending, percent(r.rate)]),
  };
}

const SUPERVISION_HEADER = ['一级督办中', '二级督办中', '已答复', '答复逾期'];
const supervisionCells = (s: Evaluation['supervision']): Cell[] => [s.openLevel1, s.openLevel2, s.repliesGiven, s.repliesOverdue];

function partiesTable(rows: readonly PartyRow[]): Table {
  return {
    name: '中心与主管部门',
    header: ['责任方', '环节', '完成数', '被督办', '办理中', '当前超期', '平均工作日'],
    rows: rows.map((r) => [PARTY[r.party], STEP[r.step], r.handled, r.breached, r.openNow, r.overdueNow, r.averageWorkingDays]),
  };
}

/** The table a `table` name stands for, with the same scope and filters as its JSON. */
async function tableOf(service: DashboardService, ctx: RequestContext, query: QueryParams<'exportDashboardTable'>): Promise<Table> {
  switch (query.table) {
    case 'states': {
      const o = await service.overview(ctx, query);
      return { name: '按通道和状态', header: ['通道', '状态', '申请数'], rows: o.byTrackAndState.map((r) => [r.track, r.state, r.count]) };
    }
    case 'on_time':
      return onTimeTable((await service.overview(ctx, query)).onTime);
    case 'open_items': {
      // One read of up to the cap: its counts need not be worked out again page after page.
      const o = await service.openItems(ctx, { ...query, limit: EXPORT_ROWS });
      const rows: Cell[][] = o.items.map((i) => [
        i.number,
        i.track,
        i.step,
        BUCKET[i.bucket],
        CHARGED[i.chargedParty],
        i.chargedDepartment?.name ?? null,
        i.deadlineDate,
        i.ageWorkingDays,
        i.lateWorkingDays,
        i.supervisionLevel,
      ]);
      return {
        name: '到期与超期事项',
        header: ['申请编号', '通道', '环节', '类别', '责任方', '责任部门', '截止日期', '已用工作日', '超期工作日', '督办级别'],
        rows,
      };
    }
    case 'departments':
      return departmentsTable((await service.departments(ctx, query)).rows);
    case 'items': {
      const page = await service.items(ctx, { ...query, limit: EXPORT_ROWS });
      const rows: Cell[][] = page.items.map((i) => [
        i.number,
        i.track,
        i.state,
        i.ownerDepartment.name,
        i.requesterDepartment.name,
        i.filedAt,
        i.decidedDate,
        i.daysToDecide,
        OUTCOME[i.outcome],
        i.deadlineDate,
      ]);
      return {
        name: '申请明细',
        header: ['申请编号', '通道', '状态', '数据责任部门', '需求部门', '提交时间', '决定日期', '办理工作日', '时效', '截止日期'],
        rows,
      };
    }
    case 'parties':
      return partiesTable((await service.parties(ctx, query)).rows);
    case 'supervision': {
      const s = await service.supervision(ctx, query);
      const rows: Cell[][] = s.rows.map((r) => [r.department.code, r.department.name, ...supervisionCells(r)]);
      return { name: '督办', header: ['部门代码', '部门名称', ...SUPERVISION_HEADER], rows };
    }
    case 'trends': {
      const t = await service.trends(ctx, query);
      const rows: Cell[][] = t.weeks.map((w) => [w.weekStart, w.filed, w.decided, w.met, w.breached, percent(w.onTimeRate)]);
      return { name: '每周趋势', header: ['周一', '提交', '决定', '按时', '超期', '按时率(%)'], rows };
    }
  }
}

export async function exportTable(service: DashboardService, ctx: RequestContext, query: QueryParams<'exportDashboardTable'>) {
  const table = await tableOf(service, ctx, query);
  const format = query.format ?? 'xlsx';
  const stamp = ctx.now.toISOString().slice(0, 10);
  return {
    file: await writeTables([table], format),
    mediaType: TABLE_MEDIA_TYPES[format],
    fileName: `dashboard-${query.table}-${stamp}.${format}`,
    rows: table.rows.length,
  };
}

/** The month's figures: the city's, each owner department's (a department: its own), the center's and the authority's, supervision. */
export async function monthlyEvaluation(
  service: DashboardService,
  ctx: RequestContext,
  query: QueryParams<'getMonthlyEvaluation'>,
): Promise<Evaluation> {
  const period = monthPeriod(query.month);
  const scope = service.scope(ctx, query, period);
  // Independent reads: side by side on the pool.
  const [city, departments, parties, supervision] = await Promise.all([
    service.figures.overview({ ...scope, departmentId: null }),
    service.departmentRows(scope),
    viewerOf(ctx).seesCity ? service.partyRows(scope) : [],
    service.supervisionFigures(scope),
  ]);
  const met = city.onTime.reduce((n, r) => n + r.met, 0);
  const breached = city.onTime.reduce((n, r) => n + r.breached, 0);
  return {
    month: query.month,
    ...period,
    asOf: ctx.now.toISOString(),
    city: {
      filed: city.totals.filed,
      decided: city.totals.decided,
      met,
      breached,
      onTimeRate: onTimeRate(met, breached),
      onTime: city.onTime,
    },
    departments,
    parties,
    supervision: supervision.totals,
  };
}

const rateText = (rate: number | null) => (rate === null ? '—' : `${(rate * 100).toFixed(1)}%`);

/** The evaluation as a file: a workbook of its tables, or a printable A4 record. */
export async function evaluationFile(evaluation: Evaluation, format: 'pdf' | 'xlsx', fontDir: string, now: Date) {
  const name = `evaluation-${evaluation.month}.${format}`;
  if (format === 'xlsx') {
    const c = evaluation.city;
    const city: Table = {
      name: '全市',
      header: ['月份', '申请数', '已决定', '按时', '超期', '按时率(%)'],
      rows: [[evaluation.month, c.filed, c.decided, c.met, c.breached, percent(c.onTimeRate)]],
    };
    const supervision: Table = { name: '督办', header: SUPERVISION_HEADER, rows: [supervisionCells(evaluation.supervision)] };
    const tables = [
      city,
      onTimeTable(c.onTime),
      departmentsTable(evaluation.departments),
      ...(evaluation.parties.length ? [partiesTable(evaluation.parties)] : []),
      supervision,
    ];
    return { fileName: name, mediaType: TABLE_MEDIA_TYPES.xlsx, content: await writeTables(tables, 'xlsx') };
  }
  const [year, month] = evaluation.month.split('-');
  const s = evaluation.supervision;
  const content = await renderPdfOffThread(
    {
      title: `${year}年${Number(month)}月公共数据共享工作考核评估`,
      number: evaluation.month,
      facts: [
        { label: '统计期间', value: `${evaluation.from} 至 ${evaluation.to}（按提交日期）` },
        { label: '全市申请', value: `${evaluation.city.filed} 件，已决定 ${evaluation.city.decided} 件` },
        {
          label: '按时率',
          value: `${rateText(evaluation.city.onTimeRate)}（按时 ${evaluation.city.met}，超期 ${evaluation.city.breached}）`,
        },
        { label: '督办', value: `一级 ${s.openLevel1}，二级 ${s.openLevel2}，已答复 ${s.repliesGiven}，答复逾期 ${s.repliesOverdue}` },
      ],
      sections: [
        {
          heading: '数据责任部门',
          paragraphs: ['按时率升序；平均与 P90 为作出决定所用工作日，拒绝括号内为附书面说明的件数，延期为批准/申请。'],
          table: leagueTable(evaluation),
        },
        ...(evaluation.parties.length
          ? [
              {
                heading: '市大数据中心与主管部门',
                paragraphs: [],
                table: {
                  header: ['部门', '环节', '完成', '平均工作日', '被督办', '办理中', '其中超期'],
                  widths: [2, 2, 1, 1.4, 1, 1, 1],
                  rows: evaluation.parties.map((p) => [
                    PARTY[p.party],
                    STEP[p.step],
                    String(p.handled),
                    String(p.averageWorkingDays ?? '—'),
                    String(p.breached),
                    String(p.openNow),
                    String(p.overdueNow),
                  ]),
                },
              },
            ]
          : []),
      ],
      footer: `本报告由公共数据共享平台生成 · 生成时间 ${now.toISOString()}`,
    },
    { fontDir, createdAt: now },
  );
  return { fileName: name, mediaType: 'application/pdf', content };
}

/** The evaluation's league as a printed table (the PDF); the workbook has every column. */
function leagueTable(evaluation: Evaluation): PrintableTable {
  return {
    header: ['序号', '部门', '申请', '按时率', '平均', 'P90', '当前超期', '拒绝', '补正', '延期', '被督办', '争议改判'],
    widths: [1, 3.5, 1.1, 1.4, 1, 0.9, 1.2, 1.9, 1, 1.1, 1.2, 1.3],
    rows: evaluation.departments.map((d, i) => [
      String(i + 1),
      d.department.name,
      String(d.filed),
      rateText(d.onTimeRate),
      String(d.averageDaysToDecide ?? '—'),
      String(d.p90DaysToDecide ?? '—'),
      String(d.overdueNow),
      `${d.refusals}（${d.refusalsExplained}）`,
      String(d.supplementsAsked),
      `${d.extensionsApproved}/${d.extensionsAsked}`,
      String(d.breachesCharged),
      String(d.disputesLost),
    ]),
  };
}
