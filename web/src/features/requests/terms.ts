/** The requests feature's words: the timeline's events, the clocks' events and steps, track 15's outcomes. */
import { PARTY_LABELS, TRACK_LABELS } from '../../lib/labels';

export const EVENT_LABELS: Record<string, string> = {
  filed: '提交申请',
  routed: '分流',
  opened: '开始办理',
  approved: '同意共享',
  refused: '不予共享',
  provisioning_started: '开始供数',
  delivered: '完成供数',
  withdrawn: '撤回',
  supplement_requested: '要求补正',
  supplement_answered: '答复补正',
  lapsed: '补正逾期失效',
  extension_requested: '申请延期',
  extension_approved: '同意延期',
  extension_rejected: '不同意延期',
  reminded: '到期提醒',
  deadline_breached: '超期，启动一级督办',
  escalated_level_two: '二级督办',
  supervision_replied: '答复督办',
  // Track 15: the coordination (三方协调), delivery and the written explanation.
  position_recorded: '表明协调意见',
  meeting_scheduled: '安排协调会议',
  minutes_recorded: '记录会议纪要',
  coordination_agreed: '协调同意共享',
  coordination_not_to_share: '协调决定不予共享',
  owner_delivery_requested: '请责任部门交付数据',
  aggregation_confirmed: '确认数据已归集',
  explanation_requested: '请责任部门出具书面说明',
  // Disputes (争议).
  disputed: '提出争议',
  dispute_upheld: '争议裁决：维持不予共享',
  sharing_ordered: '争议裁决：责令共享',
  dispute_window_closed: '争议期限届满',
};

export const CLOCK_EVENT_LABELS: Record<string, string> = {
  started: '开始计时',
  paused: '暂停计时',
  resumed: '恢复计时',
  extension_requested: '申请延期',
  extension_approved: '延期获批',
  extension_rejected: '延期未获批',
  handed_over: '移交',
  grace_expired: '移交宽限期届满',
  breached: '超期',
  stopped: '停止计时',
  recomputed: '日历更正后重算',
  recomputed_breached: '日历更正后超期',
  policy_changed: '政策调整后重算',
  provisional_changed: '节假日安排公布',
};

const STEP_LABELS: Record<string, string> = {
  supplement: '补正答复',
  dispute_window: '提出争议期限',
  dispute_decision: '争议裁决',
  sharing_ordered: '责令共享后供数',
};

/** The clocked steps of a request, by the name the clock records (`track<N>`, `supplement`, `dispute_decision` …). */
export const stepLabel = (step: string): string =>
  STEP_LABELS[step] ?? TRACK_LABELS[Number(step.replace('track', '')) as keyof typeof TRACK_LABELS] ?? step;

/** A party of a coordination or a dispute, by its role on the request. */
export const partyLabel = (party: string): string => PARTY_LABELS[party] ?? party;

export const DISPUTE_DECISION_LABELS: Record<string, string> = { upheld: '维持不予共享', ordered: '责令共享' };
