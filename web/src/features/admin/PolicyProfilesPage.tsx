/** 政策配置 — to be built. */
import { Typography } from 'antd';

export function PolicyProfilesPage() {
  return (
    <Typography.Title level={2} style={{ fontSize: 20 }}>
      政策配置
    </Typography.Title>
  );
}
