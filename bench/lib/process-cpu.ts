/**
 * CPU time spent by this Node process, the PostgreSQL server and the Temporal server between two
 * samples, read from /proc (Linux). What a throughput ratio cannot say: which process a unit of
 * work costs, in milliseconds of CPU. Elsewhere the servers read as zero.
 */
import { readdirSync, readFileSync } from 'node:fs';

export interface CpuSample {
  node: number;
  /** Of which in the kernel (socket writes, mostly). */
  nodeSystem: number;
  postgres: number;
  temporal: number;
}

/** Linux's USER_HZ: /proc reports CPU time in hundredths of a second on every mainstream build. */
const TICK_MS = 10;

function serverTicks(): { postgres: number; temporal: number } {
  const ticks = { postgres: 0, temporal: 0 };
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return ticks;
  }
  for (const pid of pids) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      continue; // ended since the listing
    }
    // "pid (comm) state ppid …": comm may hold spaces, so fields count from the closing parenthesis.
    const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const used = Number(fields[11]) + Number(fields[12]); // utime, stime
    if (comm === 'postgres') ticks.postgres += used;
    else if (comm === 'temporal') ticks.temporal += used;
  }
  return ticks;
}

/** Starts a measurement; the returned function gives the CPU milliseconds spent since. */
export function measureCpu(): () => CpuSample {
  const node = process.cpuUsage();
  const servers = serverTicks();
  return () => {
    const spent = process.cpuUsage(node);
    const now = serverTicks();
    return {
      node: (spent.user + spent.system) / 1000,
      nodeSystem: spent.system / 1000,
      postgres: (now.postgres - servers.postgres) * TICK_MS,
      temporal: (now.temporal - servers.temporal) * TICK_MS,
    };
  };
}

/** "node 4.1 · postgres 2.0 · temporal 5.3 ms of CPU per filing". */
export function cpuPerUnit(sample: CpuSample, units: number, unit: string): string {
  const per = (ms: number) => (ms / units).toFixed(1);
  return `CPU per ${unit}: node ${per(sample.node)} (kernel ${per(sample.nodeSystem)}) · postgres ${per(sample.postgres)} · temporal ${per(sample.temporal)} ms`;
}

/**
 * Runs `work` under the V8 CPU profiler when `path` is given (e.g. from BENCH_CPU_PROFILE), and
 * writes the profile there (open it in Chrome DevTools or `scripts/…`): only the measured phase,
 * not the setup that `node --cpu-prof` would mix in.
 */
export async function profiled<T>(path: string | undefined, work: () => Promise<T>): Promise<T> {
  if (!path) return work();
  const { Session } = await import('node:inspector/promises');
  const { writeFile } = await import('node:fs/promises');
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 200 });
  await session.post('Profiler.start');
  try {
    return await work();
  } finally {
    const { profile } = await session.post('Profiler.stop');
    await writeFile(path, JSON.stringify(profile));
    session.disconnect();
  }
}
