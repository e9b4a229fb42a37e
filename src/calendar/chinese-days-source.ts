import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { missingStatutoryHolidays } from './rules/statutory-holidays.js';
import type { DayException } from './rules/working-days.js';

/** The pinned package the published schedules are imported from (see package.json). */
export const CHINESE_DAYS_PACKAGE = 'chinese-days@1.5.7';

interface ChineseDaysData {
  /** date → "English name,中文名,days" */
  holidays: Record<string, string>;
  /** make-up working days (调休上班): date → "English name,中文名,days" */
  workdays: Record<string, string>;
}

/**
 * Every published year's exceptional dates, as shipped in the pinned `chinese-days` package
 * (its data follows the State Council's yearly holiday notices). The package leaves out a few
 * statutory holidays that fell on a weekend inside a break (2012-06-23, 端午, a Saturday of the
 * notice's 22–24 June): they are added back as the notice names them, which changes no working
 * day; a statutory holiday missing on a weekday is left missing, and publishing refuses the year.
 */
export function publishedSchedulesFromPackage(): Map<number, DayException[]> {
  const path = createRequire(import.meta.url).resolve('chinese-days/dist/chinese-days.json');
  const data = JSON.parse(readFileSync(path, 'utf8')) as ChineseDaysData;
  const years = new Map<number, DayException[]>();
  const add = (date: string, kind: DayException['kind'], label: string) => {
    const year = Number(date.slice(0, 4));
    const name = label.split(',')[1] ?? label;
    years.set(year, [...(years.get(year) ?? []), { date, kind, name }]);
  };
  for (const [date, label] of Object.entries(data.holidays)) add(date, 'holiday', label);
  for (const [date, label] of Object.entries(data.workdays)) add(date, 'makeup_workday', label);
  for (const [year, list] of years) {
    const weekend = (date: string) => [0, 6].includes(new Date(`${date}T00:00:00Z`).getUTCDay());
    list.push(...missingStatutoryHolidays(year, list).filter((h) => weekend(h.date)));
    list.sort((a, b) => a.date.localeCompare(b.date));
  }
  return years;
}

/** The notice a year's schedule comes from (国务院办公厅关于YYYY年部分节假日安排的通知). */
export function noticeFor(year: number): string {
  return `国务院办公厅关于${year}年部分节假日安排的通知`;
}
