/** 应用场景 — to be built. */
import { Typography } from 'antd';

export function ScenariosPage() {
  return (
    <Typography.Title level={2} style={{ fontSize: 20 }}>
      应用场景
    </Typography.Title>
  );
}
