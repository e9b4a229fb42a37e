/** The grants' words in the console (授权), each stated once. */
import type { Schemas } from '../../lib/api';

export type GrantState = Schemas['GrantState'];

export { GRANT_STATE_LABELS as STATE_LABELS, GRANT_STATE_TONES as STATE_TONES } from '../../lib/labels';
export const EVENT_LABELS: Record<Schemas['GrantEvent']['kind'], string> = {
  issued: '签发',
  reminded: '到期提醒',
  expired: '到期',
  suspended: '暂停',
  resumed: '恢复',
  revoked: '撤销',
  catalogue_changed: '目录变更',
};
export const IMPACT_LABELS: Record<Schemas['GrantImpact']['kind'], string> = {
  dataset_retired: '数据资源已下线',
  became_not_shareable: '变更为不予共享',
  fields_removed: '授权字段已删除',
};
export const REASON_LABELS: Record<string, string> = {
  no_grant: '无授权',
  fields_outside_grant: '超出授权字段',
  not_yet_valid: '尚未生效',
  suspended: '授权已暂停',
  expired: '授权已到期',
  revoked: '授权已撤销',
};
export const PARTY_LABELS: Record<Schemas['GrantEvent']['party'], string> = {
  requester: '需求方',
  owner: '数据责任部门',
  center: '市大数据中心',
  system: '系统',
};
export const SCOPES = [
  { key: 'held', label: '本部门持有的授权' },
  { key: 'owned', label: '本部门数据的授权' },
  { key: 'all', label: '全部授权' },
] as const;

/** Whole days from today (Asia/Shanghai) to the last day; negative once past. */
export function daysLeft(lastDay: string, now = Date.now()): number {
  const today = new Date(now + 8 * 3600_000).toISOString().slice(0, 10);
  return Math.round((Date.parse(`${lastDay}T00:00:00Z`) - Date.parse(`${today}T00:00:00Z`)) / 86_400_000);
}
