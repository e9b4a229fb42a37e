/** The scenarios' Chinese terms and the zh-CN wording of their error codes (not in lib/errors.ts). */
import { ApiError, type Schemas } from '../../lib/api';

export const KIND_LABELS: Record<Schemas['ScenarioKind'], string> = {
  one_network_service: '一网通办',
  one_network_governance: '一网统管',
  no_application: '免申即享',
  other: '其他',
};

const MESSAGES: Record<string, string> = {
  invalid_scenario: '应用场景内容不符合规则',
  key_list_scenario_locked: '该场景已列入重点工作应用场景清单：涵盖的数据、类型和有效期由市大数据中心调整（名称和说明仍可修改）',
  unknown_department: '牵头部门不存在',
  scenario_not_found: '未找到该应用场景',
  key_list_version_not_found: '重点工作应用场景清单没有这个版本',
};

/** The error with the scenario code's Chinese wording before the server's message (ErrorAlert shows both). */
export function inChinese(error: unknown): unknown {
  if (!(error instanceof ApiError)) return error;
  const zh = MESSAGES[error.code];
  return zh ? new ApiError(error.status, error.code, `${zh}：${error.message}`, error.details, error.requestId) : error;
}
