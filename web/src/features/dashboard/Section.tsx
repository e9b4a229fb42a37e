/** A titled section of a dashboard page, named for assistive technology, with its table's export. */
import type { ReactNode } from 'react';
import { DownloadButtons } from '../../components/DownloadButtons';
import { RegionCard } from '../../components/RegionCard';
import { downloadTable, type ExportFilters } from './api';
import type { DashboardTable } from './terms';

export function Section(props: { title: string; table?: DashboardTable; filters?: ExportFilters; note?: string; children: ReactNode }) {
  const { table, filters } = props;
  return (
    <RegionCard
      title={props.title}
      note={props.note}
      extra={table && filters ? <DownloadButtons label={props.title} download={(format) => downloadTable(table, format, filters)} /> : null}
    >
      {props.children}
    </RegionCard>
  );
}
