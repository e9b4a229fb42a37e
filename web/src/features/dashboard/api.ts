/**
 * The dashboard's server state: its filters (kept in the URL), a query per figure over the typed
 * client, and the tables and the monthly report downloaded as files under the API's own names.
 */
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api, saveFile, unwrap, unwrapResponse, type Schemas } from '../../lib/api';
import { useSession } from '../../lib/session';
import { shanghaiToday } from '../../lib/time';
import { useUrlFilters } from '../../lib/url';
import type { Bucket, DashboardTable } from './terms';

type Me = Schemas['Me'];
export type Track = 1 | 5 | 15;

/**
 * Whether the user reads the whole city (the center, the competent authority's supervisors and
 * auditors — those who read every filed request); everyone else reads their own department.
 */
const CITY_READERS: readonly Schemas['Role'][] = ['center_operator', 'center_admin', 'supervisor', 'auditor'];
export const readsWholeCity = (me: Me | undefined): boolean => Boolean(me?.user.roles.some((role) => CITY_READERS.includes(role)));

export interface DashboardFilters {
  from: string;
  to: string;
  departmentId?: string;
  districtId?: string;
  track?: Track;
}

/** The first day of the month `today` (YYYY-MM-DD) falls in. */
export const monthStart = (today: string): string => `${today.slice(0, 7)}-01`;

const TRACKS = new Set(['1', '5', '15']);

/**
 * The filters in the URL (`from`, `to`, `departmentId`, `districtId`, `track`); the period is this
 * month (Asia/Shanghai) until chosen. A department user's figures are always its own department's.
 */
export function useDashboardFilters() {
  const [params, set] = useUrlFilters();
  const { me } = useSession();
  const cityWide = readsWholeCity(me);
  const today = shanghaiToday();
  const track = params.get('track');
  const departmentId = cityWide ? params.get('departmentId') : me?.department.id;
  const districtId = cityWide ? params.get('districtId') : null;
  const filters: DashboardFilters = {
    from: params.get('from') ?? monthStart(today),
    to: params.get('to') ?? today,
    ...(departmentId ? { departmentId } : {}),
    ...(districtId ? { districtId } : {}),
    ...(track && TRACKS.has(track) ? { track: Number(track) as Track } : {}),
  };
  return { filters, params, set, cityWide };
}

/** The filters as a query string (`?from=…`), to carry them to another dashboard page. */
export function filterSearch(filters: DashboardFilters, extra: Record<string, string> = {}): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries({ ...filters, ...extra })) if (value !== undefined) search.set(key, String(value));
  return `?${search.toString()}`;
}

export function useOverview(filters: DashboardFilters) {
  return useQuery({
    placeholderData: keepPreviousData,
    queryKey: ['dashboard', 'overview', filters],
    queryFn: () => unwrap(api.GET('/api/v1/dashboard/overview', { params: { query: filters } })),
  });
}

export function useTrends(filters: DashboardFilters) {
  return useQuery({
    placeholderData: keepPreviousData,
    queryKey: ['dashboard', 'trends', filters],
    queryFn: () => unwrap(api.GET('/api/v1/dashboard/trends', { params: { query: filters } })),
  });
}

export function useDepartmentFigures(filters: DashboardFilters) {
  return useQuery({
    placeholderData: keepPreviousData,
    queryKey: ['dashboard', 'departments', filters],
    queryFn: () => unwrap(api.GET('/api/v1/dashboard/departments', { params: { query: filters } })),
  });
}

/** The center's and the competent authority's steps: asked only by those who may read them. */
export function useParties(period: { from: string; to: string }, enabled: boolean) {
  return useQuery({
    enabled,
    placeholderData: keepPreviousData,
    queryKey: ['dashboard', 'parties', period],
    queryFn: () => unwrap(api.GET('/api/v1/dashboard/parties', { params: { query: period } })),
  });
}

/** Open notices now; replies given and overdue to the notices issued in the period. */
export function useSupervisionFigures(filters: DashboardFilters) {
  // Notices are not narrowed by track (an objection has none).
  const { track: _track, ...query } = filters;
  return useQuery({
    placeholderData: keepPreviousData,
    queryKey: ['dashboard', 'supervision', query],
    queryFn: () => unwrap(api.GET('/api/v1/dashboard/supervision', { params: { query } })),
  });
}

export function useOpenItems(filters: DashboardFilters, bucket: Bucket, cursor: string | undefined) {
  // Open items are as of now: the period does not apply.
  const { from: _from, to: _to, ...scope } = filters;
  const query = { ...scope, bucket, ...(cursor ? { cursor } : {}), limit: 20 };
  return useQuery({
    placeholderData: keepPreviousData,
    queryKey: ['dashboard', 'open-items', query],
    queryFn: () => unwrap(api.GET('/api/v1/dashboard/open-items', { params: { query } })),
  });
}

export type ItemsQuery = DashboardFilters & {
  side?: 'owner' | 'requester';
  outcome?: Schemas['OnTimeOutcome'];
  state?: Schemas['RequestState'];
  cursor?: string;
};

export function useItems(query: ItemsQuery) {
  const q = { ...query, limit: 20 };
  return useQuery({
    placeholderData: keepPreviousData,
    queryKey: ['dashboard', 'items', q],
    queryFn: () => unwrap(api.GET('/api/v1/dashboard/items', { params: { query: q } })),
  });
}

export function useEvaluation(month: string, departmentId: string | undefined) {
  const query = { month, ...(departmentId ? { departmentId } : {}) };
  return useQuery({
    placeholderData: keepPreviousData,
    queryKey: ['dashboard', 'evaluation', query],
    // The JSON form of the report (the same operation also answers PDF and XLSX).
    queryFn: () =>
      unwrap<Schemas['MonthlyEvaluation']>(
        api.GET('/api/v1/dashboard/evaluation', { params: { query: { ...query, format: 'json' } } }) as Promise<{
          data?: Schemas['MonthlyEvaluation'];
          error?: unknown;
          response: Response;
        }>,
      ),
  });
}

/** The name the API gives a file (`filename*=UTF-8''…` first, else `filename="…"`), if any. */
function fileNameOf(disposition: string | null): string | null {
  const encoded = disposition?.match(/filename\*=UTF-8''([^;]+)/i)?.[1];
  if (encoded) {
    try {
      return decodeURIComponent(encoded);
    } catch {
      // fall back to the plain name
    }
  }
  return disposition?.match(/filename="?([^";]+)"?/i)?.[1] ?? null;
}

/** What a table's export is narrowed by: the dashboard's filters and the table's own (the drill-down's, the open items' tab). */
export type ExportFilters = DashboardFilters & Pick<ItemsQuery, 'side' | 'outcome' | 'state'> & { bucket?: Bucket };

/** Downloads one of the dashboard's tables with the filters shown. */
export async function downloadTable(table: DashboardTable, format: 'xlsx' | 'csv', filters: ExportFilters): Promise<void> {
  const { data, response } = await unwrapResponse(
    api.GET('/api/v1/dashboard/export', { params: { query: { ...filters, table, format } }, parseAs: 'blob' }),
  );
  saveFile(data, fileNameOf(response.headers.get('Content-Disposition')) ?? `dashboard-${table}.${format}`);
}

/** Downloads the month's evaluation report as PDF or XLSX. */
export async function downloadEvaluation(month: string, format: 'pdf' | 'xlsx', departmentId: string | undefined): Promise<void> {
  const query = { month, format, ...(departmentId ? { departmentId } : {}) };
  const { data, response } = await unwrapResponse(api.GET('/api/v1/dashboard/evaluation', { params: { query }, parseAs: 'blob' }));
  saveFile(data, fileNameOf(response.headers.get('Content-Disposition')) ?? `考核评估-${month}.${format}`);
}
