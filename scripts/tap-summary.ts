/**
 * Prints the plain closing line "N passed, N failed" from tap's saved per-file results
 * (.tap/test-results/*.tap). A test is a top-level `t.test` of a file; a file that crashed or
 * timed out before reporting counts as one failure, and so does a non-zero tap exit status with
 * no failing test (coverage). Exits 1 when anything failed or nothing ran. Before it, the figures
 * test files report as comments `# <name>: N operations, M cases, F failures …` (the contract
 * fuzzer, the authorization matrix).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Parser, type FinalResults } from 'tap-parser';

function tapFiles(dir: string): string[] {
  // No results at all (tap found no test file to run): nothing ran, which the summary reports as a failure.
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? tapFiles(path) : name.endsWith('.tap') ? [path] : [];
  });
}

function parse(text: string): FinalResults {
  let results: FinalResults | undefined;
  const parser = new Parser((r) => (results = r));
  parser.end(text);
  if (!results) throw new Error('tap-parser produced no results');
  return results;
}

const dir = process.argv[2] ?? '.tap/test-results';
/** tap's own exit status: non-zero with no failing test means coverage fell short or a file never reported. */
const tapStatus = Number(process.argv[3] ?? 0);
let passed = 0;
let failed = 0;
let skipped = 0;
const figures: string[] = [];
for (const file of tapFiles(dir)) {
  const text = readFileSync(file, 'utf8');
  for (const m of text.matchAll(/^\s*# ([a-z][a-z ]*: \d+ operations, \d+ cases, \d+ failures.*)$/gm)) figures.push(m[1]!);
  const results = parse(text);
  passed += results.pass - results.skip - results.todo;
  skipped += results.skip + results.todo;
  failed += results.fail;
  if (!results.ok && results.fail === 0) {
    failed += 1; // crashed, timed out or bailed out without a failing assertion of its own
    process.stderr.write(`${file}: did not complete\n`);
  }
}
if (tapStatus !== 0 && failed === 0) {
  failed = 1;
  process.stderr.write(
    `tap exited with status ${tapStatus} without a failing test: coverage below the thresholds, or a file that never reported (see above)\n`,
  );
}
for (const line of figures) process.stdout.write(`${line}\n`);
process.stdout.write(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
