/** Webhook 订阅 — to be built. */
import { Typography } from 'antd';

export function WebhooksPage() {
  return (
    <Typography.Title level={2} style={{ fontSize: 20 }}>
      Webhook 订阅
    </Typography.Title>
  );
}
