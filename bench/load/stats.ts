/**
 * What the load driver saw: every HTTP answer with its operation, API process, status, latency
 * and the phase of the run it fell in (normal, a worker restarting, Temporal stopped), and the
 * report printed from them.
 */

export type Phase = 'normal' | 'worker restart' | 'temporal outage';
export const PHASES: Phase[] = ['normal', 'worker restart', 'temporal outage'];

export interface Sample {
  op: string;
  api: number;
  /** HTTP status, or 0 when no answer came (connection refused, reset, timed out). */
  status: number;
  code: string | undefined;
  retryAfter: string | undefined;
  ms: number;
  /** Seconds since the load started. */
  at: number;
  phase: Phase;
}

export interface Window {
  phase: Exclude<Phase, 'normal'>;
  from: number;
  to: number;
}

export class Recorder {
  readonly samples: Sample[] = [];
  /** The disruption windows; `to` is Infinity while one lasts. */
  readonly windows: Window[] = [];
  private started = performance.now();

  /** Starts the clock again (the load's start), forgetting what was recorded before. */
  reset(): void {
    this.started = performance.now();
    this.samples.length = 0;
    this.windows.length = 0;
  }

  now(): number {
    return (performance.now() - this.started) / 1000;
  }

  open(phase: Window['phase']): Window {
    const window = { phase, from: this.now(), to: Infinity };
    this.windows.push(window);
    return window;
  }

  /** The phase of a call from `from` to `to`: a disruption it overlapped; a Temporal outage wins over a worker restart. */
  phaseOf(from: number, to: number): Phase {
    const current = this.windows.filter((w) => w.from <= to && from < w.to).map((w) => w.phase);
    return current.includes('temporal outage') ? 'temporal outage' : (current[0] ?? 'normal');
  }

  record(sample: Omit<Sample, 'phase' | 'at'> & { startedAt: number }): Sample {
    const { startedAt, ...rest } = sample;
    const full = { ...rest, at: startedAt, phase: this.phaseOf(startedAt, this.now()) };
    this.samples.push(full);
    return full;
  }
}

export const percentile = (xs: number[], p: number): number =>
  xs.length ? [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]! : NaN;

/** Seconds each phase lasted within [0, end]. */
export function phaseSeconds(windows: readonly Window[], end: number): Record<Phase, number> {
  const out: Record<Phase, number> = { normal: 0, 'worker restart': 0, 'temporal outage': 0 };
  // Integrate in 100 ms steps: windows may overlap, and the outage wins as in phaseAt.
  for (let t = 0; t < end; t += 0.1) {
    const current = windows.filter((w) => w.from <= t && t < w.to).map((w) => w.phase);
    out[current.includes('temporal outage') ? 'temporal outage' : (current[0] ?? 'normal')] += Math.min(0.1, end - t);
  }
  return out;
}

const pad = (s: string | number, n: number) => String(s).padStart(n);
const ms = (x: number) => (Number.isNaN(x) ? '-' : x < 10 ? x.toFixed(1) : x.toFixed(0));

/** Throughput and latency per operation and phase, then the answers by status. */
export function report(recorder: Recorder, end: number, ops: readonly string[]): string {
  const lines: string[] = [];
  const seconds = phaseSeconds(recorder.windows, end);
  lines.push(
    `phases: ${PHASES.map((p) => `${p} ${seconds[p].toFixed(0)} s`).join(', ')} (a window lasts from the event until the workers poll again and no workflow task waits for them)`,
  );
  lines.push('');
  lines.push(`${'operation'.padEnd(22)}${'phase'.padEnd(17)}${pad('answers', 8)}${pad('per s', 8)}${pad('p50 ms', 9)}${pad('p99 ms', 9)}`);
  for (const op of ops) {
    for (const phase of ['all', ...PHASES] as const) {
      const xs = recorder.samples.filter((s) => s.op === op && (phase === 'all' || s.phase === phase));
      if (!xs.length && phase !== 'all') continue;
      const span = phase === 'all' ? end : seconds[phase];
      const latencies = xs.map((s) => s.ms);
      lines.push(
        `${(phase === 'all' ? op : '').padEnd(22)}${phase.padEnd(17)}${pad(xs.length, 8)}${pad(span ? (xs.length / span).toFixed(1) : '-', 8)}${pad(ms(percentile(latencies, 50)), 9)}${pad(ms(percentile(latencies, 99)), 9)}`,
      );
    }
  }
  lines.push('');
  lines.push('answers by status (code), per operation and API process:');
  for (const op of ops) {
    const counts = new Map<string, number>();
    for (const s of recorder.samples.filter((x) => x.op === op)) {
      const key = `${s.status === 0 ? 'no answer' : s.status}${s.code ? ` ${s.code}` : ''}${s.status === 503 ? (s.retryAfter ? ` (Retry-After ${s.retryAfter})` : ' (no Retry-After)') : ''}${s.phase === 'normal' ? '' : ` [${s.phase}]`}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    const perApi = [1, 2].map((api) => recorder.samples.filter((x) => x.op === op && x.api === api).length);
    lines.push(
      `  ${op.padEnd(20)} api1 ${pad(perApi[0]!, 6)}  api2 ${pad(perApi[1]!, 6)}   ${[...counts]
        .sort()
        .map(([k, n]) => `${k}: ${n}`)
        .join(', ')}`,
    );
  }
  return lines.join('\n');
}
