/**
 * Tables as files: XLSX (a sheet per table, bold frozen header, numbers as numbers) or UTF-8 CSV
 * with a BOM so that Excel reads Chinese. What the columns mean is the capability's business.
 */
import ExcelJS from 'exceljs';

export type Cell = string | number | null;

export interface Table {
  /** The sheet's name (at most 31 characters in XLSX). */
  name: string;
  header: string[];
  rows: Cell[][];
}

export const TABLE_MEDIA_TYPES = {
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  csv: 'text/csv; charset=utf-8',
} as const;

const BOM = '\ufeff';

function workbookOf(tables: readonly Table[]): ExcelJS.Workbook {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'gongxiang';
  for (const table of tables) {
    const sheet = workbook.addWorksheet(table.name.slice(0, 31), { views: [{ state: 'frozen', ySplit: 1 }] });
    sheet.addRow(table.header).font = { bold: true };
    for (const row of table.rows) sheet.addRow(row.map((cell) => cell ?? ''));
    sheet.columns.forEach((column, i) => {
      column.width = Math.min(40, Math.max(10, (table.header[i]?.length ?? 0) * 2 + 2));
    });
  }
  return workbook;
}

/** One table as CSV, or one or more tables as an XLSX workbook. */
export async function writeTables(tables: readonly Table[], format: 'xlsx' | 'csv'): Promise<Buffer> {
  const workbook = workbookOf(format === 'csv' ? tables.slice(0, 1) : tables);
  if (format === 'csv') {
    const body = await workbook.csv.writeBuffer({ map: (value: unknown) => value });
    return Buffer.concat([Buffer.from(BOM, 'utf8'), Buffer.from(body)]);
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
