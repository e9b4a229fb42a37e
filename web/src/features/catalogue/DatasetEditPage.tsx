/** 编辑数据资源 — to be built. */
import { Typography } from 'antd';

export function DatasetEditPage() {
  return (
    <Typography.Title level={2} style={{ fontSize: 20 }}>
      编辑数据资源
    </Typography.Title>
  );
}
