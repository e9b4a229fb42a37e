/** 法律依据 — to be built. */
import { Typography } from 'antd';

export function LegalBasisPage() {
  return (
    <Typography.Title level={2} style={{ fontSize: 20 }}>
      法律依据
    </Typography.Title>
  );
}
