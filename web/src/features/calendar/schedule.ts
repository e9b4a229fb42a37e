/**
 * A year's schedule as the editor handles it: rows of date, kind and name; lines pasted from the
 * notice turned into rows; the API's reasons for refusing a schedule read in Chinese.
 */
import type { Schemas } from '../../lib/api';

export type DayKind = NonNullable<Schemas['CalendarDay']['kind']>;

export interface ScheduleRow {
  date: string;
  kind: DayKind;
  name: string;
}

export const KIND_LABELS: Record<DayKind, string> = { holiday: '放假', makeup_workday: '调休上班' };

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const HOLIDAY_WORDS = ['放假', '休', '假', '休息', 'holiday'];
const WORKDAY_WORDS = ['上班', '班', '调休上班', '补班', 'makeup_workday', 'workday'];

const plusDays = (date: string, n: number) => new Date(Date.parse(`${date}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
const isRealDate = (date: string) => DATE.test(date) && !Number.isNaN(Date.parse(`${date}T00:00:00Z`)) && plusDays(date, 0) === date;
export const isWeekend = (date: string) => [0, 6].includes(new Date(`${date}T00:00:00Z`).getUTCDay());

/** Normalises 2027/1/1, 2027.1.1 and 2027年1月1日 to 2027-01-01. */
function normaliseDate(text: string): string | null {
  const m = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$/.exec(text);
  if (!m) return null;
  const date = `${m[1]}-${m[2]!.padStart(2, '0')}-${m[3]!.padStart(2, '0')}`;
  return isRealDate(date) ? date : null;
}

/**
 * Lines such as `2027-02-06 春节 放假`, `2027-02-06~2027-02-12 春节 放假` (a range) or
 * `2027-02-14,春节,上班`; separators: spaces, tabs, commas. Each line names a date (or range),
 * a kind (放假 / 上班) and a name, in any order.
 */
export function parsePasted(text: string): { rows: ScheduleRow[]; errors: string[] } {
  const rows: ScheduleRow[] = [];
  const errors: string[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (!line) return;
    const tokens = line.split(/[\s,，、\t]+/).filter(Boolean);
    let dates: string[] | null = null;
    let kind: DayKind | null = null;
    const names: string[] = [];
    for (const token of tokens) {
      const range = token.split(/~|至|—|–/);
      if (!dates && range.length === 2 && normaliseDate(range[0]!) && normaliseDate(range[1]!)) {
        const from = normaliseDate(range[0]!)!;
        const to = normaliseDate(range[1]!)!;
        dates = [];
        for (let d = from; d <= to && dates.length < 60; d = plusDays(d, 1)) dates.push(d);
      } else if (!dates && normaliseDate(token)) dates = [normaliseDate(token)!];
      else if (!kind && HOLIDAY_WORDS.includes(token)) kind = 'holiday';
      else if (!kind && WORKDAY_WORDS.includes(token)) kind = 'makeup_workday';
      else names.push(token);
    }
    const name = names.join(' ').slice(0, 50);
    if (!dates || dates.length === 0) errors.push(`第 ${index + 1} 行：没有可识别的日期（如 2027-01-01）`);
    else if (!kind) errors.push(`第 ${index + 1} 行：请注明“放假”或“上班”`);
    else if (!name) errors.push(`第 ${index + 1} 行：请写明节日名称`);
    else for (const date of dates) rows.push({ date, kind, name });
  });
  return { rows, errors };
}

/**
 * What the form can tell before sending (the contract's count of dates, `maxDays`, and the
 * weekend rule); the API checks the statutory holidays.
 */
export function rowProblems(year: number, rows: readonly Partial<ScheduleRow>[], maxDays: number): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  if (rows.length === 0) problems.push('请至少列出一个放假日');
  if (rows.length > maxDays) problems.push(`一年最多列出 ${maxDays} 天`);
  if (rows.length > 0 && !rows.some((r) => r.kind === 'holiday')) problems.push('请至少列出一个放假日');
  for (const r of rows) {
    if (!r.date) continue;
    if (Math.abs(Number(r.date.slice(0, 4)) - year) > 1) problems.push(`${r.date} 不属于 ${year} 年及相邻年度`);
    if (seen.has(r.date)) problems.push(`${r.date} 重复列出`);
    seen.add(r.date);
    if (r.kind === 'makeup_workday' && !isWeekend(r.date)) problems.push(`${r.date} 不是周六或周日，不能作为调休上班日`);
  }
  return problems;
}

export interface MissingHoliday {
  date: string;
  name: string;
}

/** The statutory holidays the API says the schedule left out. */
export function missingHolidays(problems: readonly unknown[]): MissingHoliday[] {
  return problems.flatMap((p) => {
    const m = typeof p === 'string' ? /^(\d{4}-\d{2}-\d{2}): the statutory holiday (.+) is missing/.exec(p) : null;
    return m ? [{ date: m[1]!, name: m[2]! }] : [];
  });
}

/** One of the API's reasons, in Chinese where the form knows it. */
export function problemText(problem: unknown): string {
  const text = typeof problem === 'string' ? problem : JSON.stringify(problem);
  const [missing] = missingHolidays([text]);
  if (missing) return `缺少法定节假日：${missing.date}（${missing.name}），须列为放假日`;
  const m = /^(\d{4}-\d{2}-\d{2}): (.*)$/.exec(text);
  if (m) {
    const [, date, rest] = m;
    if (rest!.includes('Saturday or Sunday')) return `${date} 不是周六或周日，不能作为调休上班日`;
    if (rest!.includes('listed twice')) return `${date} 重复列出`;
    if (rest!.includes('not a date')) return `${date} 不是有效日期`;
    if (rest!.includes('neighbouring years')) return `${date} 不属于本年度及相邻年度`;
    if (rest!.includes('outside the calendar')) return `${date} 超出日历范围（2004–2060 年）`;
  }
  if (text.includes('names its holidays')) return '请至少列出一个放假日';
  return text;
}
