/**
 * The catalogue as a spreadsheet file, in and out: the import and export operations take and give
 * raw files (not JSON), so they go through fetch with the session's token, failing as unwrap does.
 */
import { ApiError, currentToken, type Schemas } from '../../lib/api';

export const SPREADSHEET_TYPES = {
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  csv: 'text/csv',
} as const;

async function failure(response: Response): Promise<ApiError> {
  const body = (await response.json().catch(() => ({}))) as { code?: string; message?: string; details?: unknown; requestId?: string };
  return new ApiError(response.status, body.code ?? 'http_error', body.message ?? response.statusText, body.details, body.requestId);
}

async function send(path: string, init: RequestInit): Promise<Response> {
  const headers = new Headers(init.headers);
  const token = currentToken();
  if (token) headers.set('Authorization', `Bearer ${token}`);
  try {
    return await fetch(new URL(path, window.location.origin), { ...init, headers });
  } catch (cause) {
    throw new ApiError(0, 'network_error', cause instanceof Error ? cause.message : String(cause));
  }
}

/** The format of a chosen file, by its name (the API needs the media type). */
export function formatOf(file: File): keyof typeof SPREADSHEET_TYPES | null {
  const name = file.name.toLowerCase();
  return name.endsWith('.xlsx') ? 'xlsx' : name.endsWith('.csv') ? 'csv' : null;
}

/** Checks (dry run) or imports (commit) a spreadsheet; a commit with problems fails with `import_invalid` and the report in details. */
export async function importSpreadsheet(file: File, mode: 'dry_run' | 'commit', idempotencyKey?: string) {
  const format = formatOf(file);
  if (!format) throw new ApiError(415, 'unsupported_media_type', `${file.name}: only .xlsx or .csv`);
  const response = await send(`/api/v1/datasets/import?mode=${mode}`, {
    method: 'POST',
    headers: { 'Content-Type': SPREADSHEET_TYPES[format], ...(idempotencyKey ? { 'Idempotency-Key': idempotencyKey } : {}) },
    body: file,
  });
  if (!response.ok) throw await failure(response);
  return (await response.json()) as Schemas['CatalogueImportReport'];
}

/** Downloads the export with the given filters, under the name the API gives it; answers how many datasets it holds. */
export async function downloadExport(query: Record<string, string>): Promise<number> {
  const response = await send(`/api/v1/datasets/export?${new URLSearchParams(query).toString()}`, { method: 'GET' });
  if (!response.ok) throw await failure(response);
  const blob = await response.blob();
  const name =
    /filename="?([^";]+)"?/.exec(response.headers.get('content-disposition') ?? '')?.[1] ?? `catalogue.${query.format ?? 'xlsx'}`;
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  return Number(response.headers.get('x-dataset-count') ?? 0);
}
