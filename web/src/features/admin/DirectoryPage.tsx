/** 部门与用户 — to be built. */
import { Typography } from 'antd';

export function DirectoryPage() {
  return (
    <Typography.Title level={2} style={{ fontSize: 20 }}>
      部门与用户
    </Typography.Title>
  );
}
