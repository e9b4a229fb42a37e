/**
 * Deadline computations per second: the precomputed calendar (O(1) lookups by day number and
 * working-day ordinal) against a naive day-by-day loop over the same calendar, on the same random
 * inputs, measured side by side in one run; then the time for 1,000,000 deadline computations.
 * Run: ./scripts/bench working-days (prints the ratio and the 1M time; targets: ≥ 50× and < 1 s).
 */
import { publishedSchedulesFromPackage } from '../src/calendar/chinese-days-source.js';
import { statutoryHolidays } from '../src/calendar/rules/statutory-holidays.js';
import { WorkingDayCalendar } from '../src/calendar/rules/working-days.js';

const buildStart = performance.now();
const calendar = new WorkingDayCalendar({ published: publishedSchedulesFromPackage(), provisional: statutoryHolidays, version: 1 });
const buildMs = performance.now() - buildStart;

// Deterministic pseudo-random inputs (xorshift), the same for both contenders. The first 200,000
// are compared side by side (the naive loop is too slow for more); all 1,000,000 are timed.
let seed = 1515;
const random = () => ((seed ^= seed << 13), (seed ^= seed >>> 17), (seed ^= seed << 5), (seed >>> 0) / 2 ** 32);
const from = Date.parse('2005-01-01T00:00:00Z');
const span = Date.parse('2055-01-01T00:00:00Z') - from;
const allInputs = Array.from({ length: 1_000_000 }, () => ({
  event: new Date(from + random() * span),
  n: [1, 5, 15, 10, 3][Math.floor(random() * 5)]!,
}));
const inputs = allInputs.slice(0, 200_000);

// The baseline: parse and format every day, asking isWorkingDay (string in, a Date.parse per call).
function naive(event: Date, n: number): string {
  let d = Date.parse(`${new Date(event.getTime() + 8 * 3_600_000).toISOString().slice(0, 10)}T00:00:00Z`);
  let left = n;
  for (;;) {
    d += 86_400_000;
    const date = new Date(d).toISOString().slice(0, 10);
    if (calendar.isWorkingDay(date) && --left === 0) return date;
  }
}

interface Tally {
  seconds: number;
  checksum: number;
  dates: string[];
}
const tally = (): Tally => ({ seconds: 0, checksum: 0, dates: new Array<string>(inputs.length) });

// One loop per contender, each calling its contender directly (a loop shared by both would make
// the call site polymorphic and slow the fast one down for the wrong reason).
/** `rounds` timed passes of the precomputed calendar over inputs [from, to): it takes a few ms a chunk. */
function runPrecomputed(t: Tally, from: number, to: number, rounds: number): void {
  let checksum = 0;
  const start = performance.now();
  for (let round = 0; round < rounds; round++) {
    checksum = 0;
    for (let i = from; i < to; i++) {
      const date = calendar.addWorkingDays(inputs[i]!.event, inputs[i]!.n).date;
      t.dates[i] = date;
      checksum += date.charCodeAt(9);
    }
  }
  t.seconds += (performance.now() - start) / 1000 / rounds;
  t.checksum += checksum;
}

/** One timed pass of the naive loop over inputs [from, to). */
function runNaive(t: Tally, from: number, to: number): void {
  let checksum = 0;
  const start = performance.now();
  for (let i = from; i < to; i++) {
    const date = naive(inputs[i]!.event, inputs[i]!.n);
    t.dates[i] = date;
    checksum += date.charCodeAt(9);
  }
  t.seconds += (performance.now() - start) / 1000;
  t.checksum += checksum;
}

const fast = tally();
const slow = tally();
runPrecomputed(tally(), 0, 5_000, 1); // warm-up
runNaive(tally(), 0, 5_000);
// The contenders take turns chunk by chunk, so a load change on this shared machine hits both alike.
const CHUNK = 20_000;
for (let from = 0; from < inputs.length; from += CHUNK) {
  runPrecomputed(fast, from, Math.min(from + CHUNK, inputs.length), 5);
  runNaive(slow, from, Math.min(from + CHUNK, inputs.length));
}
const perSecond = (t: Tally) => inputs.length / t.seconds;
if (fast.checksum !== slow.checksum) throw new Error('the two implementations disagree (checksums)');
const differing = fast.dates.findIndex((date, i) => date !== slow.dates[i]);
if (differing !== -1)
  throw new Error(`the two implementations disagree on input ${differing}: ${fast.dates[differing]} ≠ ${slow.dates[differing]}`);

// Wall time, and the process's CPU time beside it: on this shared machine the first stretches with the load.
let checksum = 0;
const millionCpu = process.cpuUsage();
const millionStart = performance.now();
for (const { event, n } of allInputs) checksum += calendar.addWorkingDays(event, n).date.charCodeAt(9);
const millionMs = performance.now() - millionStart;
const { user, system } = process.cpuUsage(millionCpu);

console.log(`calendar build (2004–2060): ${buildMs.toFixed(1)} ms`);
for (const [name, r] of [
  ['precomputed', fast],
  ['naive loop', slow],
] as const)
  console.log(`${name.padEnd(12)} ${Math.round(perSecond(r)).toLocaleString('en-US').padStart(12)} deadlines/s`);
console.log(
  `ratio precomputed / naive: ${(perSecond(fast) / perSecond(slow)).toFixed(1)}x (same ${inputs.length.toLocaleString('en-US')} inputs, results identical)`,
);
console.log(
  `${allInputs.length.toLocaleString('en-US')} deadline computations (precomputed): ${millionMs.toFixed(0)} ms (CPU ${((user + system) / 1000).toFixed(0)} ms; checksum ${checksum})`,
);
