/** 法律依据库 — to be built. */
import { Typography } from 'antd';

export function LegalBasesPage() {
  return (
    <Typography.Title level={2} style={{ fontSize: 20 }}>
      法律依据库
    </Typography.Title>
  );
}
