/** An empty list's message, in the body text colour (Ant Design's placeholder grey misses AA contrast). */
import { Typography } from 'antd';
import type { ReactNode } from 'react';

export function EmptyText({ children }: { children: ReactNode }) {
  return <Typography.Text>{children}</Typography.Text>;
}
