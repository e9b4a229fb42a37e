/** The objections' words in the console (异议核实), each stated once. */
import type { Schemas } from '../../lib/api';

export type ObjectionState = Schemas['ObjectionState'];
export type ObjectionDetail = Schemas['ObjectionDetail'];

export const STATE_LABELS: Record<ObjectionState, string> = {
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
export const STATE_TONES: Record<ObjectionState, 'blue' | 'orange' | 'green' | 'red' | 'grey'> = {
  submitted: 'blue',
  rejected_out_of_scope: 'grey',
  tracing: 'orange',
  verifying: 'orange',
  corrected: 'green',
  confirmed_accurate: 'green',
  partially_corrected: 'green',
  feedback_given: 'blue',
  contested: 'red',
  archived: 'grey',
};
export const RESULT_LABELS: Record<Schemas['ObjectionResult'], string> = {
  corrected: '已更正',
  confirmed_accurate: '经核实无误',
  partially_corrected: '部分更正',
};
export const STEP_LABELS: Record<string, string> = {
  accept: '中心受理',
  trace: '中心溯源',
  verify: '源头部门核实',
  feedback: '中心反馈',
  contest_window: '申请复核期',
  contest_decision: '中心复核决定',
};
export const PARTY_LABELS: Record<string, string> = {
  center: '市大数据中心',
  objector: '提出部门',
  verifier: '核实部门',
  owner: '数据责任部门',
  system: '系统',
};
export const EVENT_LABELS: Record<string, string> = {
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
export const SCOPES = [
  { key: 'raised', label: '本部门提出的异议' },
  { key: 'on_my_data', label: '本部门数据的异议' },
  { key: 'tasks', label: '本部门待核实任务' },
  { key: 'center_queue', label: '待中心处理' },
  { key: 'all', label: '全部异议' },
] as const;
