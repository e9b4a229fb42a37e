/**
 * A titled card named for assistive technology (a landmark region with its heading), with an
 * optional note beside the heading (what the figures are not narrowed by, say) and header action.
 */
import { Card, Typography } from 'antd';
import type { ReactNode } from 'react';

export function RegionCard(props: { title: string; note?: string; extra?: ReactNode; children: ReactNode }) {
  return (
    <Card
      size="small"
      role="region"
      aria-label={props.title}
      title={
        <>
          <h3 style={{ fontSize: 16, margin: 0, display: 'inline' }}>{props.title}</h3>
          {props.note && (
            <Typography.Text type="secondary" style={{ fontSize: 12, fontWeight: 'normal', marginInlineStart: 8, whiteSpace: 'normal' }}>
              {props.note}
            </Typography.Text>
          )}
        </>
      }
      extra={props.extra ?? null}
      styles={{ header: { flexWrap: 'wrap', gap: 8 } }}
    >
      {props.children}
    </Card>
  );
}
