/**
 * Reading and writing spreadsheet files (XLSX, CSV) as grids of text with exceljs. What the
 * cells mean is the catalogue's business (src/domain/catalogue/spreadsheet.ts).
 */
import { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import { RuleViolationError } from '../errors.js';

export type SpreadsheetFormat = 'xlsx' | 'csv';

export const MEDIA_TYPES: Record<SpreadsheetFormat, string> = {
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  csv: 'text/csv',
};

export const SHEET_NAME = '数据资源目录';
/** More rows than this is not a department's catalogue; it is refused before it is read in full. */
export const MAX_ROWS = 20_000;
const BOM = '\ufeff';

export interface Grid {
  header: string[];
  rows: string[][];
}

export function formatOfMediaType(contentType: string | undefined): SpreadsheetFormat | undefined {
  const type = contentType?.split(';', 1)[0]?.trim().toLowerCase();
  return (Object.entries(MEDIA_TYPES) as [SpreadsheetFormat, string][]).find(([, media]) => media === type)?.[0];
}

/** The first sheet (or the one named 数据资源目录) as text exactly as a person sees it. */
export async function readGrid(file: Buffer, format: SpreadsheetFormat): Promise<Grid> {
  const workbook = new ExcelJS.Workbook();
  let sheet: ExcelJS.Worksheet | undefined;
  try {
    if (format === 'csv') {
      const text = file.toString('utf8');
      // Keep every cell as written: exceljs would otherwise turn codes into numbers and dates.
      sheet = await workbook.csv.read(Readable.from([text.startsWith(BOM) ? text.slice(1) : text]), { map: (value: unknown) => value });
    } else {
      await workbook.xlsx.load(file as unknown as ExcelJS.Buffer);
      sheet = workbook.getWorksheet(SHEET_NAME) ?? workbook.worksheets[0];
    }
  } catch (error) {
    throw new RuleViolationError('unreadable_spreadsheet', `The file is not a readable ${format.toUpperCase()} spreadsheet: ${(error as Error).message}`);
  }
  if (!sheet || sheet.rowCount === 0) throw new RuleViolationError('empty_spreadsheet', 'The spreadsheet has no header row');
  if (sheet.rowCount > MAX_ROWS + 1) throw new RuleViolationError('spreadsheet_too_large', `At most ${MAX_ROWS} rows are imported at once; this file has ${sheet.rowCount - 1}`);
  const width = sheet.columnCount;
  const textOf = (row: ExcelJS.Row) => Array.from({ length: width }, (_, i) => cellText(row.getCell(i + 1)));
  const header = textOf(sheet.getRow(1));
  const rows: string[][] = [];
  for (let r = 2; r <= sheet.rowCount; r++) rows.push(textOf(sheet.getRow(r)));
  return { header, rows };
}

function cellText(cell: ExcelJS.Cell): string {
  const value = cell.value;
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  // Rich text, hyperlinks, formulas (their result), numbers, dates: what the cell shows.
  return cell.text ?? String(value);
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
