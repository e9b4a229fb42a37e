import chineseDays from 'chinese-days';
import type { DayException } from './working-days.js';

/**
 * The statutory public holidays a year is certain to have before its schedule is published
 * (全国年节及纪念日放假办法, as revised in 2024): 元旦 1 Jan; 春节 除夕 and 初一–初三; 清明 (a solar
 * term); 劳动节 1–2 May; 端午 (lunar 5/5); 中秋 (lunar 8/15); 国庆 1–3 Oct. An unpublished year's
 * calendar uses these and weekends only — no make-up working days — and is marked provisional.
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

/** Each year's holidays, computed once per process (the rule is fixed by law, the input a year). */
const computed = new Map<number, DayException[]>();

function computeStatutoryHolidays(year: number): DayException[] {
  const days: DayException[] = [];
  const add = (date: string, name: string) => days.push({ date, kind: 'holiday', name });
  const { getSolarDateFromLunar, getSolarTermDate } = chineseDays;
  const plusDays = (date: string, n: number) => new Date(Date.parse(`${date}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

  add(`${year}-01-01`, '元旦');
  const lunarNewYear = getSolarDateFromLunar(`${year}-01-01`).date;
  add(plusDays(lunarNewYear, -1), '春节（除夕）');
  for (let i = 0; i < 3; i++) add(plusDays(lunarNewYear, i), '春节');
  add(getSolarTermDate(year, 4, 'pure_brightness'), '清明节');
  add(`${year}-05-01`, '劳动节');
  add(`${year}-05-02`, '劳动节');
  add(getSolarDateFromLunar(`${year}-05-05`).date, '端午节');
  add(getSolarDateFromLunar(`${year}-08-15`).date, '中秋节');
  for (const d of ['10-01', '10-02', '10-03']) add(`${year}-${d}`, '国庆节');
  return days.sort((a, b) => a.date.localeCompare(b.date));
}
