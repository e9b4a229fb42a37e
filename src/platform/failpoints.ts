/**
 * Test-only fault injection. A failpoint named in GX_FAILPOINTS (refused in production by the
 * config) kills the process with SIGKILL when reached, e.g. right after an activity's database
 * commit and before the activity completes, so tests can prove recovery on real processes.
 */
let enabled = new Set<string>();

export function enableFailpoints(names: Iterable<string>): void {
  enabled = new Set(names);
}

export function failpoint(name: string): void {
  if (enabled.has(name)) {
    process.stderr.write(`failpoint ${name} reached: killing process ${process.pid}\n`);
    process.kill(process.pid, 'SIGKILL');
  }
}
