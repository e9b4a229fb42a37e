/** The objection report (异议核实情况) as the report page and the dashboard read it, and its downloads. */
import { useQuery } from '@tanstack/react-query';
import { api, saveFile, unwrap, unwrapResponse, type Schemas } from '../../lib/api';

export type ObjectionReport = Schemas['ObjectionReport'];

/** The period (Asia/Shanghai dates) and, for the center, the authority and auditors, one owner department. */
export interface ReportFilters {
  from: string;
  to: string;
  departmentId?: string | undefined;
}

/** The report's query parameters (also the report page's URL). */
export const reportQuery = (f: ReportFilters) => ({ from: f.from, to: f.to, ...(f.departmentId ? { departmentId: f.departmentId } : {}) });

export function useObjectionReport(filters: ReportFilters) {
  return useQuery({
    queryKey: ['objections', 'report', filters.from, filters.to, filters.departmentId ?? null],
    queryFn: async () =>
      (await unwrap(api.GET('/api/v1/objections/report', { params: { query: reportQuery(filters) } }))) as ObjectionReport,
  });
}

export async function downloadObjectionReport(filters: ReportFilters, format: 'xlsx' | 'csv'): Promise<void> {
  const { data } = await unwrapResponse(
    api.GET('/api/v1/objections/report', { params: { query: { ...reportQuery(filters), format } }, parseAs: 'blob' }),
  );
  saveFile(data, `异议核实情况-${filters.from}-${filters.to}.${format}`);
}

/** The report's figures by name, in the order the tables and cards show them. */
export const TOTAL_LABELS: [keyof ObjectionReport['totals'], string][] = [
  ['raised', '提出异议'],
  ['rejected', '不予受理'],
  ['open', '办理中'],
  ['corrected', '已更正'],
  ['confirmedAccurate', '经核实无误'],
  ['partiallyCorrected', '部分更正'],
  ['averageVerificationDays', '平均核实用时（工作日）'],
  ['overdueNow', '当前超期'],
];
