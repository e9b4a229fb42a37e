/** 批量导入 — to be built. */
import { Typography } from 'antd';

export function ImportPage() {
  return (
    <Typography.Title level={2} style={{ fontSize: 20 }}>
      批量导入
    </Typography.Title>
  );
}
