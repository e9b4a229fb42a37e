import { columnLetter } from './spreadsheet.js';

/**
 * How much of a file an import reads (导入上限), in one place. A department's catalogue is at
 * most a few thousand rows; a file past a limit is refused as soon as the reader gets there,
 * before the rest is unpacked, so that one upload cannot take the memory or the time of the API.
 */
export const SHEET_LIMITS = {
  /** Data rows, the header not counted. Rows are numbered as the sheet numbers them. */
  rows: 20_000,
  /** Columns a row reaches, empty cells included: the catalogue has 29; the rest leaves room for a department's own notes. */
  columns: 64,
  /** Characters in one cell: Excel's own maximum. The longest catalogue text allows 4 000. */
  cellChars: 32_767,
  /** Bytes of the uploaded file. */
  fileBytes: 10 * 1024 * 1024,
  /** Bytes of the XLSX parts read (workbook, relationships, shared strings, the sheet) once inflated; 20 000 catalogue rows are about 25 MB. */
  unpackedBytes: 64 * 1024 * 1024,
} as const;

export type SheetLimit = keyof typeof SHEET_LIMITS;

/** A limit passed: what, its maximum, and where (a row, a cell) or how much (bytes). */
export interface SheetLimitBreach {
  limit: SheetLimit;
  max: number;
  row?: number;
  column?: string;
  found?: number;
  message: string;
}

/**
 * Whether a row with text, numbered from 1 as the sheet numbers it, is past the row limit.
 * Empty rows do not count: sheets often carry formatted empty rows far below their data.
 */
export function rowLimitBreach(row: number): SheetLimitBreach | null {
  const { rows } = SHEET_LIMITS;
  return row > rows + 1
    ? { limit: 'rows', max: rows, row, message: `At most ${rows} data rows are imported at once; row ${row} is past that` }
    : null;
}

/**
 * Whether a row is too wide: `width` is its last column holding a cell (or CSV field), empty or
 * not, since the work of reading a row grows with it.
 */
export function widthLimitBreach(row: number, width: number): SheetLimitBreach | null {
  const { columns } = SHEET_LIMITS;
  if (width <= columns) return null;
  const letter = columnLetter(width - 1);
  return {
    limit: 'columns',
    max: columns,
    row,
    column: letter,
    found: width,
    message: `At most ${columns} columns are read; row ${row} reaches column ${letter}`,
  };
}

/** The limit a cell's text passes, if any (row and column numbered from 1). */
export function cellLimitBreach(row: number, column: number, text: string): SheetLimitBreach | null {
  const { cellChars } = SHEET_LIMITS;
  if (text.length <= cellChars) return null;
  const letter = columnLetter(column - 1);
  return {
    limit: 'cellChars',
    max: cellChars,
    row,
    column: letter,
    found: text.length,
    message: `Cell ${letter}${row} has ${text.length} characters; at most ${cellChars} are read`,
  };
}

/** The limit a size in bytes passes, if any: the file's, or what an XLSX unpacks to. */
export function sizeLimitBreach(limit: 'fileBytes' | 'unpackedBytes', bytes: number): SheetLimitBreach | null {
  const max = SHEET_LIMITS[limit];
  if (bytes <= max) return null;
  const what = limit === 'fileBytes' ? `The file has ${bytes} bytes` : `The spreadsheet unpacks to ${bytes} bytes`;
  return { limit, max, found: bytes, message: `${what}; at most ${max} are ${limit === 'fileBytes' ? 'imported' : 'read'}` };
}
