/** The objection's dossier (异议核实档案) as a printable document: what it disputes, the trace, each task's result, the feedback, the contest and the history. */
import type { PrintableDocument } from '../platform/documents/pdf.js';
import type { JsonBody } from '../platform/http/contract.js';
import { RESULT_LABELS } from './steps.js';

type Detail = JsonBody<'getObjection', 200>;

export const OBJECTION_STATE_LABELS: Record<Detail['objection']['state'], string> = {
  submitted: '待受理',
  rejected_out_of_scope: '不予受理',
  tracing: '溯源中',
  verifying: '核实中',
  corrected: '已更正',
  confirmed_accurate: '经核实无误',
  partially_corrected: '部分更正',
  feedback_given: '已反馈',
  contested: '复核中',
  archived: '已归档',
};

export const OBJECTION_EVENT_LABELS: Record<string, string> = {
  raised: '提出异议',
  accepted: '受理并标注',
  rejected: '不予受理',
  traced: '溯源',
  verified: '核实',
  concluded: '核实完毕',
  feedback_given: '反馈结果',
  contested: '申请复核',
  contest_decided: '复核决定',
  result_accepted: '认可核实结果',
  archived: '撤销标注并归档',
  extension_requested: '申请延期',
  extension_decided: '延期决定',
  reminded: '到期提醒',
  deadline_breached: '超期',
  escalated_level_two: '二级督办',
  supervision_replied: '督办答复',
};

const time = (iso: string | null) => (iso ? new Date(iso).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false }) : '—');

type Section = PrintableDocument['sections'][number];

function traceSection(d: Omit<Detail, 'objection'>): Section[] {
  if (!d.trace) return [];
  return [
    {
      heading: '溯源链',
      paragraphs: d.fused ? ['该数据为融合数据，按数据资源目录的血缘关系溯源至源头数据。'] : ['该数据由数据责任部门直接持有。'],
      table: {
        header: ['数据资源', '字段', '来源于', '核实'],
        rows: d.trace.map((h) => [
          `${h.datasetName}（${h.datasetCode}）`,
          h.field,
          h.feeds ? `${h.feeds.datasetCode}.${h.feeds.field}` : '异议字段',
          h.origin ? '源头' : '',
        ]),
        widths: [3, 2, 3, 1],
      },
    },
  ];
}

function tasksSection(d: Omit<Detail, 'objection'>): Section[] {
  if (!d.tasks.length) return [];
  return [
    {
      heading: '核实情况',
      paragraphs: [],
      table: {
        header: ['轮次', '核实部门', '结果', '更正前', '更正后', '更正依据或说明', '核实时间'],
        rows: d.tasks.map((t) => [
          String(t.round),
          t.department.name,
          t.outcome ? RESULT_LABELS[t.outcome]! : '核实中',
          t.valueBefore ?? '—',
          t.valueAfter ?? '—',
          t.correctionReference ?? t.explanation ?? '—',
          time(t.decidedAt),
        ]),
        widths: [0.8, 2.2, 1.4, 1.5, 1.5, 3, 2],
      },
    },
  ];
}

/** The center's and the objector's words at each of their steps. */
function decisionSections(d: Omit<Detail, 'objection'>): Section[] {
  const said = (kind: string, heading: string, text: (e: Detail['events'][number]) => string): Section[] =>
    d.events.filter((e) => e.kind === kind).map((e) => ({ heading, paragraphs: [text(e)] }));
  return [
    ...said('rejected', '不予受理', (e) => e.reason ?? ''),
    ...said('feedback_given', '反馈', (e) => e.reason ?? ''),
    ...said('contested', '复核申请', (e) => e.reason ?? ''),
    ...said(
      'contest_decided',
      '复核决定',
      (e) => `${(e.details as { sustained?: boolean }).sustained ? '重新核实' : '维持核实结果'}：${e.reason ?? ''}`,
    ),
  ];
}

export function objectionDossier(detail: Detail, generatedAt: Date): PrintableDocument {
  const d = { ...detail, ...detail.objection };
  return {
    title: '公共数据异议核实档案',
    number: d.number,
    facts: [
      { label: '状态', value: OBJECTION_STATE_LABELS[d.state] },
      { label: '核实结果', value: d.result ? RESULT_LABELS[d.result]! : '—' },
      { label: '提出部门', value: d.objectorDepartment.name },
      { label: '数据责任部门', value: d.ownerDepartment.name },
      { label: '数据资源', value: `${d.dataset.name}（${d.dataset.code}，第 ${d.dataset.version} 版）` },
      { label: '授权', value: d.grant.number },
      { label: '记录', value: d.recordKey },
      { label: '字段', value: d.field },
      { label: '提出时间', value: time(d.raisedAt) },
      { label: '办结时间', value: time(d.closedAt) },
    ],
    sections: [
      {
        heading: '异议内容',
        paragraphs: [`收到的值：${d.valueReceived || '（空）'}`, `认为正确的值：${d.valueClaimed || '（空）'}`, `理由：${d.reason}`],
        table: d.evidence.length
          ? {
              header: ['证明材料', '大小（字节）', 'SHA-256'],
              rows: d.evidence.map((e) => [e.fileName, String(e.sizeBytes), e.sha256]),
              widths: [3, 1.2, 4],
            }
          : undefined,
      },
      ...traceSection(d),
      ...tasksSection(d),
      ...decisionSections(d),
      {
        heading: '办理过程',
        paragraphs: [],
        table: {
          header: ['时间', '环节', '部门', '说明'],
          rows: d.events.map((e) => [
            time(e.at),
            OBJECTION_EVENT_LABELS[e.kind] ?? e.kind,
            e.actorDepartment?.name ?? '系统',
            e.reason ?? '',
          ]),
          widths: [2, 2, 2.5, 4],
        },
      },
    ],
    footer: `本档案由公共数据共享平台生成 · ${time(generatedAt.toISOString())}`,
  };
}
