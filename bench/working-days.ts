/**
 * Deadline computations per second: the precomputed calendar (binary search over working-day
 * ordinals) against a naive day-by-day loop over the same calendar, on the same random inputs.
 * Run: npm run bench (prints the ratio).
 */
import { publishedSchedulesFromPackage } from '../src/calendar/chinese-days-source.js';
import { statutoryHolidays } from '../src/calendar/rules/statutory-holidays.js';
import { WorkingDayCalendar } from '../src/calendar/rules/working-days.js';

const buildStart = performance.now();
const calendar = new WorkingDayCalendar({ published: publishedSchedulesFromPackage(), provisional: statutoryHolidays, version: 1 });
const buildMs = performance.now() - buildStart;

// Deterministic pseudo-random inputs (xorshift), the same for both contenders.
let seed = 1515;
const random = () => ((seed ^= seed << 13), (seed ^= seed >>> 17), (seed ^= seed << 5), (seed >>> 0) / 2 ** 32);
const from = Date.parse('2005-01-01T00:00:00Z');
const span = Date.parse('2055-01-01T00:00:00Z') - from;
const inputs = Array.from({ length: 200_000 }, () => ({
  event: new Date(from + random() * span),
  n: [1, 5, 15, 10, 3][Math.floor(random() * 5)]!,
}));

function naive(event: Date, n: number): string {
  let d = Date.parse(`${new Date(event.getTime() + 8 * 3_600_000).toISOString().slice(0, 10)}T00:00:00Z`);
  let left = n;
  for (;;) {
    d += 86_400_000;
    const date = new Date(d).toISOString().slice(0, 10);
    if (calendar.isWorkingDay(date) && --left === 0) return date;
  }
}

function measure(name: string, fn: (event: Date, n: number) => string): { name: string; perSecond: number; checksum: number } {
  for (let i = 0; i < 5_000; i++) fn(inputs[i]!.event, inputs[i]!.n); // warm-up
  let checksum = 0;
  const start = performance.now();
  for (const { event, n } of inputs) checksum += fn(event, n).charCodeAt(9);
  const seconds = (performance.now() - start) / 1000;
  return { name, perSecond: inputs.length / seconds, checksum };
}

const fast = measure('precomputed', (event, n) => calendar.addWorkingDays(event, n).date);
const slow = measure('naive loop', naive);
if (fast.checksum !== slow.checksum) throw new Error('the two implementations disagree');
console.log(`calendar build (2004–2060): ${buildMs.toFixed(1)} ms`);
for (const r of [fast, slow])
  console.log(`${r.name.padEnd(12)} ${Math.round(r.perSecond).toLocaleString('en-US').padStart(12)} deadlines/s`);
console.log(
  `ratio precomputed / naive: ${(fast.perSecond / slow.perSecond).toFixed(1)}x (same ${inputs.length.toLocaleString('en-US')} inputs, results identical)`,
);
