/**
 * The catalogue as a spreadsheet file, in and out, through the one API client: the import sends
 * the file as it is, the export is read as a file and saved under the name the API gives it.
 */
import { ApiError, api, rawBody, saveFile, unwrap, unwrapResponse, type paths, type Schemas } from '../../lib/api';

const SPREADSHEET_TYPES = {
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  csv: 'text/csv',
} as const;

/** The format of a chosen file, by its name (the API needs the media type). */
export function formatOf(file: File): keyof typeof SPREADSHEET_TYPES | null {
  const name = file.name.toLowerCase();
  return name.endsWith('.xlsx') ? 'xlsx' : name.endsWith('.csv') ? 'csv' : null;
}

/** Checks (dry run) or imports (commit) a spreadsheet; a commit with problems fails with `import_invalid` and the report in details. */
export async function importSpreadsheet(file: File, mode: 'dry_run' | 'commit', idempotencyKey?: string) {
  const format = formatOf(file);
  if (!format) throw new ApiError(415, 'unsupported_media_type', `${file.name}: only .xlsx or .csv`);
  return unwrap<Schemas['CatalogueImportReport']>(
    api.POST('/api/v1/datasets/import', {
      params: { query: { mode } },
      body: file as never,
      ...rawBody,
      headers: { 'Content-Type': SPREADSHEET_TYPES[format], ...(idempotencyKey ? { 'Idempotency-Key': idempotencyKey } : {}) },
    }),
  );
}

type ExportQuery = NonNullable<paths['/api/v1/datasets/export']['get']['parameters']['query']>;

/** Downloads the export with the given filters, under the name the API gives it; answers how many datasets it holds. */
export async function downloadExport(query: ExportQuery): Promise<number> {
  const { data, response } = await unwrapResponse(api.GET('/api/v1/datasets/export', { params: { query }, parseAs: 'blob' }));
  const name =
    /filename="?([^";]+)"?/.exec(response.headers.get('content-disposition') ?? '')?.[1] ?? `catalogue.${query.format ?? 'xlsx'}`;
  saveFile(data, name);
  return Number(response.headers.get('x-dataset-count') ?? 0);
}
