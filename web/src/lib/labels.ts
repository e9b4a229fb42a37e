/** Chinese names of the platform's terms (DESIGN.md's glossary), for every page. */
import type { Schemas } from './api';

export const ROLE_LABELS: Record<Schemas['Role'], string> = {
  requester: '申请人',
  reviewer: '审核人',
  dept_admin: '部门管理员',
  center_operator: '中心经办人',
  center_admin: '中心管理员',
  supervisor: '主管部门督办人',
  auditor: '审计员',
};

export const STATE_LABELS: Record<Schemas['RequestState'], string> = {
  draft: '草稿',
  submitted: '已提交',
  routed: '已分流',
  provisioning: '供数中',
  granted: '已授权',
  owner_review: '责任部门审核中',
  approved: '已同意',
  refused: '不予共享',
  coordination: '三方协调中',
  agreed_to_share: '协调同意共享',
  awaiting_owner_delivery: '待责任部门提供',
  not_to_share: '协调不予共享',
  explanation_due: '待出具书面说明',
  disputed: '争议处理中',
  awaiting_supplement: '待补正',
  withdrawn: '已撤回',
  lapsed: '已失效',
};

export const TRACK_LABELS: Record<1 | 5 | 15, string> = { 1: '1个工作日通道', 5: '5个工作日通道', 15: '15个工作日通道' };

export const SHARING_LABELS: Record<Schemas['SharingType'], string> = {
  unconditional: '无条件共享',
  conditional: '有条件共享',
  not_shareable: '不予共享',
};

export const LEVEL_LABELS: Record<Schemas['DepartmentLevel'], string> = { city: '市级', district: '区级', street: '街镇级' };

export const DELIVERY_LABELS = { interface: '接口', batch: '批量交换' } as const;

export const PARTY_LABELS: Record<string, string> = {
  requester: '需求方',
  owner: '责任方',
  center: '市大数据中心',
  authority: '主管部门',
  system: '系统',
};

/** Why routing chose the track (the routing rule that fired), as the requester reads it. */
export const ROUTING_RULE_LABELS: Record<string, string> = {
  not_shareable: '该数据资源编目为不予共享：进入三方协调（以共享为原则、不共享为例外）',
  not_aggregated: '该数据尚未归集至市大数据中心：进入三方协调，商定提供方式',
  key_list_scenario: '申请的应用场景列入重点工作应用场景清单，且涵盖全部数据项：无需责任部门审核',
  unconditional: '该数据无条件共享且已归集：无需责任部门审核',
  conditional: '该数据有条件共享：由数据责任部门按编目的共享条件审核',
};

export const CONDITION_LABELS: Record<string, string> = {
  requesterDepartments: '限定申请部门',
  requesterLevels: '申请部门层级',
  allowedScenarios: '限定应用场景',
  allowedPurposes: '允许用途',
  restrictedFields: '不予共享数据项',
  legalBasisRequired: '须提供法律依据',
  maxUsageMonths: '使用期限上限',
  securityCommitmentRequired: '须签署安全承诺',
};

export const CHECK_RESULT_LABELS: Record<string, string> = { pass: '满足', fail: '不满足', needs_review: '需审核判断' };

/** 督办 levels: 1 by the center (or the competent authority for the center's own steps), 2 by the competent authority. */
export const SUPERVISION_LEVEL_LABELS: Record<number, string> = { 1: '一级督办', 2: '二级督办' };

/** A grant's state (授权状态) and the tone its tag takes. */
export const GRANT_STATE_LABELS: Record<Schemas['GrantState'], string> = {
  active: '有效',
  expiring: '即将到期',
  suspended: '已暂停',
  expired: '已到期',
  revoked: '已撤销',
};
export const GRANT_STATE_TONES: Record<Schemas['GrantState'], 'green' | 'orange' | 'red' | 'grey'> = {
  active: 'green',
  expiring: 'orange',
  suspended: 'red',
  expired: 'grey',
  revoked: 'grey',
};
