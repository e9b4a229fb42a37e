/** 应用场景详情 — to be built. */
import { Typography } from 'antd';

export function ScenarioPage() {
  return (
    <Typography.Title level={2} style={{ fontSize: 20 }}>
      应用场景详情
    </Typography.Title>
  );
}
