/**
 * Every error code the platform answers with, in Chinese, for the person in front of the screen.
 * An unknown code falls back to the server's (English) message with the code beside it.
 */
import { ApiError } from './api';

const MESSAGES: Record<string, string> = {
  network_error: '无法连接平台，请检查网络后重试',
  unauthenticated: '登录已失效，请重新登录',
  unknown_user: '该用户不存在或已停用',
  forbidden: '您的角色无权执行此操作',
  not_your_step: '当前环节不由您所在部门办理',
  validation_failed: '提交的内容不符合接口要求，请检查标红的字段',
  invalid_json: '提交的内容格式有误',
  body_required: '请填写后再提交',
  rate_limited: '操作过于频繁，请稍后再试',
  workflow_engine_timeout: '流程引擎暂未响应，操作可能仍会生效，请刷新后再确认',
  request_starting: '申请正在开启办理流程，请一分钟后再试',
  request_closed: '该申请已办结',
  request_not_found: '未找到该申请，或您无权查看',
  dataset_not_found: '未找到该数据资源，或您无权查看',
  invalid_state: '申请当前所处环节不允许此操作',
  invalid_refusal: '不予共享的书面说明不符合规则',
  invalid_partial_refusal: '缩减免申即享申请的范围相当于部分拒绝，须引用法律依据库中明确禁止共享的条目',
  legal_basis_required: '请从法律依据库中选择法律依据',
  unknown_legal_basis: '所选法律依据不存在',
  fields_not_requested: '批准时只能缩减申请的数据项，不能增加',
  usage_period_not_requested: '批准时只能缩短使用期限，不能延长',
  extension_already_requested: '本环节已申请过一次延期',
  extension_after_deadline: '延期须在办理时限届满前申请',
  extension_too_long: '延期天数超过上限',
  extension_reason_required: '请说明延期理由',
  supplement_lapsed: '补正期限已过，申请已失效',
  delivery_method_change_reason_required: '交付方式与申请不一致，请说明变更原因',
  own_dataset: '本部门的数据资源直接使用，无需申请',
  commitment_required: '提交申请须接受告知承诺',
  commitment_outdated: '告知承诺已更新，请阅读并重新接受',
  usage_period_too_long: '使用期限超过共享条件允许的上限',
  usage_period_required: '请填写使用期限',
  purpose_required: '未选择应用场景时须填写用途',
  unknown_fields: '所选数据项不属于该数据资源',
  no_fields: '请至少选择一个数据项',
  dataset_not_requestable: '该数据资源未发布或已停用，不能申请',
  scenario_retired: '该应用场景已停用',
  scenario_not_valid: '该应用场景不在有效期内',
  invalid_calendar_year: '节假日安排有误，请按提示修改',
  invalid_legal_basis: '法律依据条目内容有误',
  stale_version: '该条目已被他人修改，请刷新后再改',
  invalid_policy: '政策配置有误',
  invalid_cursor: '分页参数已失效，请回到第一页',
  already_replied: '该督办通知已答复',
  too_many_drafts: '草稿过多，请先提交或删除部分草稿',
};

/** The Chinese message of a code the platform uses (in errors and in filing problems), if known. */
export function codeMessage(code: string): string | undefined {
  return MESSAGES[code];
}

export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) {
    const known = MESSAGES[error.code];
    // Rule violations carry the platform's own reasons (which condition, which field): show them too.
    return known ? (error.status === 422 ? `${known}：${error.message}` : known) : `${error.message}（${error.code}）`;
  }
  return error instanceof Error ? error.message : String(error);
}
