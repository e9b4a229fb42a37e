/** A titled section of a dashboard page, named for assistive technology, with its table's export. */
import { Card } from 'antd';
import type { ReactNode } from 'react';
import type { DashboardFilters } from './api';
import { ExportButtons } from './ExportButtons';
import type { DashboardTable } from './terms';

export function Section(props: { title: string; table?: DashboardTable; filters?: DashboardFilters; children: ReactNode }) {
  return (
    <Card
      size="small"
      role="region"
      aria-label={props.title}
      title={<h3 style={{ fontSize: 16, margin: 0 }}>{props.title}</h3>}
      extra={props.table && props.filters ? <ExportButtons table={props.table} filters={props.filters} label={props.title} /> : null}
      styles={{ header: { flexWrap: 'wrap', gap: 8 } }}
    >
      {props.children}
    </Card>
  );
}
