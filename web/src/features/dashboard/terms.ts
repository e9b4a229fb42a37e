/** The dashboard's words and number formats: the clocked steps it lists, the parties' steps, outcomes, rates. */
export const BUCKET_LABELS = { due_today: '今日到期', due_next_working_day: '下一工作日到期', overdue: '已超期' } as const;
export type Bucket = keyof typeof BUCKET_LABELS;
export const BUCKETS = Object.keys(BUCKET_LABELS) as Bucket[];

/** The steps an open item can be on, as the open-items list names them (`track1` … `sharing_ordered`); the track is its own column. */
const OPEN_STEP_LABELS: Record<string, string> = {
  track1: '通道办理',
  track5: '通道办理',
  track15: '通道办理',
  supplement: '补正答复',
  dispute_decision: '争议裁决',
  sharing_ordered: '责令共享后供数',
};
export const openStepLabel = (step: string): string => OPEN_STEP_LABELS[step] ?? step;

/** Who a step is charged to (责任方). */
export const CHARGED_PARTY_LABELS: Record<string, string> = {
  requester: '需求方',
  owner: '数据责任部门',
  center: '市大数据中心',
  authority: '主管部门',
};

/** The center's and the competent authority's own steps. */
export const PARTY_STEP_LABELS: Record<string, string> = {
  provisioning: '供数',
  coordination: '三方协调',
  extension_decisions: '延期审批',
  dispute_decisions: '争议裁决',
};

export const OUTCOME_LABELS = { met: '按时', breached: '超期', pending: '办理中（未超期）' } as const;

/** The tables the export offers, by the name the API gives them. */
export type DashboardTable = 'states' | 'on_time' | 'open_items' | 'departments' | 'items' | 'parties' | 'supervision' | 'trends';

/** 0.667 → 66.7%; null (nothing decided) → —. */
export const percent = (rate: number | null | undefined): string =>
  rate === null || rate === undefined ? '—' : `${(rate * 100).toFixed(1)}%`;
/** Working days with one decimal where they have one; null → —. */
export const days = (value: number | null | undefined): string =>
  value === null || value === undefined ? '—' : Number.isInteger(value) ? String(value) : value.toFixed(1);
