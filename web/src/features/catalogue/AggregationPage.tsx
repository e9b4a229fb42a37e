/** 归集状态 — to be built. */
import { Typography } from 'antd';

export function AggregationPage() {
  return (
    <Typography.Title level={2} style={{ fontSize: 20 }}>
      归集状态
    </Typography.Title>
  );
}
