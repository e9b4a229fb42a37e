/**
 * Reading and writing spreadsheet files (XLSX, CSV) as grids of text with exceljs. What the
 * cells mean is the catalogue's business (src/catalogue/rules/spreadsheet*.ts); how much of a
 * file is read is bounded by its SHEET_LIMITS, checked as the file is read, row by row.
 */
import { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import { cellLimitBreach, rowLimitBreach, sizeLimitBreach, widthLimitBreach, type SheetLimitBreach } from './rules/spreadsheet-limits.js';
import { AppError, RuleViolationError } from '../platform/errors.js';
import { storedZip, xlsxSheetParts } from './xlsx-parts.js';

export type SpreadsheetFormat = 'xlsx' | 'csv';

export const MEDIA_TYPES: Record<SpreadsheetFormat, string> = {
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  csv: 'text/csv',
};

export const SHEET_NAME = '数据资源目录';
const BOM = '\ufeff';
/** CSV rows read between two turns of the event loop, so that other requests are served meanwhile. */
const CSV_ROWS_PER_TURN = 2_000;

export interface Grid {
  header: string[];
  /** Data rows numbered from row 2 as the sheet numbers them; cells past a row's last non-empty one are left out. */
  rows: string[][];
}

export function formatOfMediaType(contentType: string | undefined): SpreadsheetFormat | undefined {
  const type = contentType?.split(';', 1)[0]?.trim().toLowerCase();
  return (Object.entries(MEDIA_TYPES) as [SpreadsheetFormat, string][]).find(([, media]) => media === type)?.[0];
}

const tooLarge = ({ message, ...details }: SheetLimitBreach) => new RuleViolationError('spreadsheet_too_large', message, details);
const unreadable = (format: SpreadsheetFormat, reason: string) =>
  new RuleViolationError('unreadable_spreadsheet', `The file is not a readable ${format.toUpperCase()} spreadsheet: ${reason}`);

/**
 * The first sheet (or the one named 数据资源目录) as text exactly as a person sees it. The file is
 * read as a stream and refused (422 `spreadsheet_too_large`) at the first limit it passes.
 */
export async function readGrid(file: Buffer, format: SpreadsheetFormat): Promise<Grid> {
  const fileBreach = sizeLimitBreach('fileBytes', file.length);
  if (fileBreach) throw tooLarge(fileBreach);
  const grid = new GridBuilder();
  try {
    if (format === 'csv') await readCsv(file, grid);
    else await readXlsx(file, grid);
  } catch (error) {
    // Limits passed stay as they are; anything else (a damaged ZIP, bad XML or CSV) is unreadable.
    if (error instanceof AppError) throw error;
    throw unreadable(format, (error as Error).message);
  }
  if (!grid.header) throw new RuleViolationError('empty_spreadsheet', 'The spreadsheet has no header row');
  return { header: grid.header, rows: grid.rows };
}

/** Collects rows as they are read, checking each against the limits before keeping it. */
class GridBuilder {
  header: string[] | undefined;
  readonly rows: string[][] = [];
  private last = 0;

  /**
   * A row as the sheet numbers it (the header is 1): its width (last column with a cell, empty
   * or not), checked before its cells (by column, numbered from 1) are read.
   */
  add(number: number, width: number, cells: () => Iterable<[column: number, text: string]>): void {
    const wide = widthLimitBreach(number, width);
    if (wide) throw tooLarge(wide);
    const values: string[] = [];
    for (const [column, text] of cells()) {
      if (!text) continue;
      const long = cellLimitBreach(number, column, text);
      if (long) throw tooLarge(long);
      while (values.length < column - 1) values.push('');
      values[column - 1] = text;
    }
    const far = values.length ? rowLimitBreach(number) : null;
    if (far) throw tooLarge(far);
    // Empty rows (formatting, or nothing) are kept only as gaps before a later row with text.
    if (!values.length) return;
    if (number <= this.last) throw new Error(`row ${number} comes after row ${this.last}`);
    if (number === 1) this.header = values;
    else {
      this.header ??= [];
      while (this.rows.length < number - 2) this.rows.push([]);
      this.rows.push(values);
    }
    this.last = number;
  }
}

async function readXlsx(file: Buffer, grid: GridBuilder): Promise<void> {
  let source: Readable | undefined;
  try {
    const { parts, unpackedBytes } = await xlsxSheetParts(file, SHEET_NAME);
    const breach = sizeLimitBreach('unpackedBytes', unpackedBytes);
    if (breach) throw tooLarge(breach);
    source = Readable.from(storedZip(parts));
    // Errors are read from source.errored; without a listener an 'error' event would throw.
    source.on('error', () => {});
    const reader = new ExcelJS.stream.xlsx.WorkbookReader(source, {
      worksheets: 'emit',
      sharedStrings: 'cache',
      hyperlinks: 'ignore',
      styles: 'ignore',
      entries: 'ignore',
    });
    // The package holds the one sheet imported. It is read to its end: a part that inflates to
    // more than it declares reaches exceljs cut at the declared size, looking complete, and only
    // the next part's turn shows the failure.
    for await (const sheet of racing(reader[Symbol.asyncIterator](), source)) {
      let number = 0;
      for await (const row of racing(sheet[Symbol.asyncIterator](), source)) {
        // A row's number (r) is optional in the format: without it, rows follow one another.
        number = Number.isInteger(row.number) && row.number > 0 ? row.number : number + 1;
        // cellCount is the last column with a cell element, empty or not.
        grid.add(number, row.cellCount, () => cellsOf(row));
      }
    }
  } finally {
    // Stops inflating what is left when reading stopped early.
    source?.destroy();
  }
}

/**
 * The iterator's steps, ending with the source's error if it fails meanwhile: exceljs pipes the
 * source into unzipper, and a pipe does not pass errors on, so a part cut off would otherwise
 * leave the reader waiting for ever. (One listener per step, removed after it: a race against
 * one long-pending promise would keep every step's result alive.)
 */
async function* racing<T>(iterator: AsyncIterator<T>, source: Readable): AsyncGenerator<T> {
  for (;;) {
    const next = await new Promise<IteratorResult<T>>((resolve, reject) => {
      if (source.errored) return reject(source.errored);
      source.once('error', reject);
      void iterator
        .next()
        .then(resolve, reject)
        .finally(() => source.off('error', reject));
    });
    if (next.done) return;
    yield next.value;
  }
}

function cellsOf(row: ExcelJS.Row): [number, string][] {
  const cells: [number, string][] = [];
  row.eachCell((cell, column) => cells.push([column, cellText(cell)]));
  return cells;
}

function cellText(cell: ExcelJS.Cell): string {
  const value = cell.value;
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  // Rich text, hyperlinks, formulas (their result), numbers, dates: what the cell shows.
  return cell.text ?? JSON.stringify(value);
}

/**
 * RFC 4180 CSV (quotes doubled inside quoted cells; CRLF, LF or CR between rows), read row by
 * row so that limits stop it early. Every cell is kept as written: no numbers, no dates.
 */
async function readCsv(file: Buffer, grid: GridBuilder): Promise<void> {
  let text = file.toString('utf8');
  if (text.startsWith(BOM)) text = text.slice(1);
  const end = text.length;
  let at = 0;
  let number = 0;
  while (at < end) {
    number++;
    const cells: [number, string][] = [];
    let column = 0;
    for (;;) {
      column++;
      let cell: string;
      if (text[at] === '"') {
        const parts: string[] = [];
        let from = at + 1;
        for (;;) {
          const quote = text.indexOf('"', from);
          if (quote < 0) throw new Error(`row ${number} has a quoted cell that is never closed`);
          parts.push(text.slice(from, quote));
          if (text[quote + 1] !== '"') {
            at = quote + 1;
            break;
          }
          parts.push('"');
          from = quote + 2;
        }
        cell = parts.join('');
        if (at < end && !',\r\n'.includes(text[at]!)) throw new Error(`row ${number} has text after a closing quote`);
      } else {
        let stop = at;
        while (stop < end && text[stop] !== ',' && text[stop] !== '\r' && text[stop] !== '\n') stop++;
        cell = text.slice(at, stop);
        at = stop;
      }
      if (cell) cells.push([column, cell]);
      if (text[at] === ',') {
        at++;
        continue;
      }
      break;
    }
    if (text[at] === '\r') at++;
    if (text[at] === '\n') at++;
    grid.add(number, column, () => cells);
    if (number % CSV_ROWS_PER_TURN === 0) await new Promise((resolve) => setImmediate(resolve));
  }
}

/** A file of the grid: XLSX with a bold frozen header, or UTF-8 CSV with a BOM so Excel reads Chinese. */
export async function writeGrid(grid: Grid, format: SpreadsheetFormat): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'gongxiang';
  const sheet = workbook.addWorksheet(SHEET_NAME, { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.addRow(grid.header).font = { bold: true };
  for (const row of grid.rows) sheet.addRow(row);
  if (format === 'csv') {
    const body = await workbook.csv.writeBuffer({ map: (value: unknown) => value });
    return Buffer.concat([Buffer.from(BOM, 'utf8'), Buffer.from(body)]);
  }
  sheet.columns.forEach((column, i) => {
    column.width = Math.min(40, Math.max(10, (grid.header[i]?.length ?? 0) * 2 + 2));
    column.numFmt = '@'; // text: codes and numbers stay as written when edited in Excel
  });
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
