/** A titled card named for assistive technology (a landmark region with its heading), with an optional header action. */
import { Card } from 'antd';
import type { ReactNode } from 'react';

export function RegionCard(props: { title: string; extra?: ReactNode; children: ReactNode }) {
  return (
    <Card
      size="small"
      role="region"
      aria-label={props.title}
      title={<h3 style={{ fontSize: 16, margin: 0 }}>{props.title}</h3>}
      extra={props.extra ?? null}
      styles={{ header: { flexWrap: 'wrap', gap: 8 } }}
    >
      {props.children}
    </Card>
  );
}
