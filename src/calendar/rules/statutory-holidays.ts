import chineseDays from 'chinese-days';
import type { DayException } from './working-days.js';

/**
 * The statutory public holidays of a year under the holiday regulation in force that year
 * (全国年节及纪念日放假办法): what every year has before the State Council's notice arranges the
 * breaks, and what a published schedule must therefore include.
 *
 * - 1999 text (to 2007): 元旦 1 Jan; 春节 初一–初三; 劳动节 1–3 May; 国庆 1–3 Oct.
 * - 2007 revision (2008–2013): 元旦; 春节 除夕–初二; 清明 (a solar term); 劳动节 1 May; 端午 (lunar
 *   5/5); 中秋 (lunar 8/15); 国庆 1–3 Oct.
 * - 2013 revision (2014–2024): as 2008 but 春节 初一–初三.
 * - 2024 revision (from 2025): 春节 除夕–初三; 劳动节 1–2 May; the rest as 2014.
 *
 * The lunar conversions are computed in memory by the pinned `chinese-days` package.
 */
export function statutoryHolidays(year: number): DayException[] {
  let days = computed.get(year);
  if (!days) {
    // chinese-days converts lunar and solar-term dates through the process's local time zone:
    // west of Greenwich every festival moved a day. The conversion runs in Asia/Shanghai, whatever
    // the host's zone (synchronous, so nothing else observes the switch; a zone switch is costly,
    // hence each year is computed once).
    const hostZone = process.env.TZ;
    process.env.TZ = 'Asia/Shanghai';
    try {
      days = computeStatutoryHolidays(year);
    } finally {
      if (hostZone === undefined) delete process.env.TZ;
      else process.env.TZ = hostZone;
    }
    computed.set(year, days);
  }
  return days.map((d) => ({ ...d }));
}

/**
 * An unpublished year as the platform counts it until the State Council publishes it: the
 * statutory holidays and, for each that falls on a Saturday or Sunday, a working day off in its
 * place (art. 6: 适逢星期六、星期日，应当在工作日补假) — the first weekday after it that is not a
 * holiday already. Two festivals on one date (中秋 on a 国庆 day) owe a day too, as the 2009 and
 * 2020 notices gave one. No make-up working days (调休上班): only a notice can order those.
 */
export function provisionalSchedule(year: number): DayException[] {
  const holidays = statutoryHolidays(year);
  const off = new Set(holidays.map((h) => h.date));
  const substitutes: DayException[] = [];
  for (const holiday of holidays) {
    const festivals = holiday.name.split('、');
    // A weekday holiday gives one festival its day off; every other festival is owed one.
    for (const festival of festivals.slice(isWeekend(holiday.date) ? 0 : 1)) {
      let date = plusDays(holiday.date, 1);
      while (isWeekend(date) || off.has(date)) date = plusDays(date, 1);
      off.add(date);
      substitutes.push({ date, kind: 'holiday', name: `${baseName(festival)}（补休）` });
    }
  }
  return [...holidays, ...substitutes].sort((a, b) => a.date.localeCompare(b.date));
}

/** The statutory holidays a year's published schedule leaves out (it must list every one as a holiday). */
export function missingStatutoryHolidays(year: number, days: readonly DayException[]): DayException[] {
  const listed = new Set(days.filter((d) => d.kind === 'holiday').map((d) => d.date));
  return statutoryHolidays(year).filter((h) => !listed.has(h.date));
}

/** Each year's holidays, computed once per process (the rule is fixed by law, the input a year). */
const computed = new Map<number, DayException[]>();

const plusDays = (date: string, n: number) => new Date(Date.parse(`${date}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
const isWeekend = (date: string) => [0, 6].includes(new Date(`${date}T00:00:00Z`).getUTCDay());
const baseName = (name: string) => name.replace(/（.*）$/, '');

function computeStatutoryHolidays(year: number): DayException[] {
  const days: DayException[] = [];
  // Two festivals on one date (中秋 on a 国庆 day, as in 2028) are one day off, named for both.
  const add = (date: string, name: string) => {
    const same = days.find((d) => d.date === date);
    if (same) same.name = `${same.name}、${name}`;
    else days.push({ date, kind: 'holiday', name });
  };
  const { getSolarDateFromLunar, getSolarTermDate } = chineseDays;
  const lunarNewYear = getSolarDateFromLunar(`${year}-01-01`).date;

  add(`${year}-01-01`, '元旦');
  // 春节: from 除夕 (2008–2013, and from 2025) or from 初一 (to 2007, 2014–2024).
  const springFrom = (year >= 2008 && year <= 2013) || year >= 2025 ? -1 : 0;
  const springTo = year >= 2025 ? 2 : springFrom + 2;
  for (let i = springFrom; i <= springTo; i++) add(plusDays(lunarNewYear, i), i === -1 ? '春节（除夕）' : '春节');
  if (year >= 2008) {
    add(getSolarTermDate(year, 4, 'pure_brightness'), '清明节');
    add(getSolarDateFromLunar(`${year}-05-05`).date, '端午节');
    add(getSolarDateFromLunar(`${year}-08-15`).date, '中秋节');
  }
  const labourDays = year < 2008 ? 3 : year < 2025 ? 1 : 2;
  for (let i = 1; i <= labourDays; i++) add(`${year}-05-0${i}`, '劳动节');
  for (const d of ['10-01', '10-02', '10-03']) add(`${year}-${d}`, '国庆节');
  return days.sort((a, b) => a.date.localeCompare(b.date));
}
