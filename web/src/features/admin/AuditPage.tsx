/** 审计日志 — to be built. */
import { Typography } from 'antd';

export function AuditPage() {
  return (
    <Typography.Title level={2} style={{ fontSize: 20 }}>
      审计日志
    </Typography.Title>
  );
}
