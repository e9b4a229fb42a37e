/**
 * The contract, fuzzed: Schemathesis runs every operation of openapi/openapi.yaml with every
 * check against the real API (listening on loopback, its own worker and database), as a
 * requester, the owner department's reviewer, the center administrator and without a token.
 * Any 5xx, undocumented status, response off its schema, headers or content type, schema-valid
 * request refused with 400, invalid one accepted, or undeclared method not answered 405 fails
 * the identity's test, with Schemathesis's report of each failure (and a curl line to replay
 * against `./scripts/fuzz --serve`). Set aside, as the contract documents it: a cursor the list
 * never issued is 400 `invalid_cursor`, and bytes that are not a file of the declared type are 415
 * `content_mismatch` (test/fuzz/hooks.py).
 *
 * Bounded: FUZZ_SECONDS per identity (default 60: on a loaded machine the coverage phase alone
 * takes most of 40 s now that the contract has 92 operations) and FUZZ_MAX_EXAMPLES per operation and cycle
 * (default 20); FUZZ_SEED repeats a run. ./scripts/fuzz runs the long profile.
 */
import { readFileSync } from 'node:fs';
import t from 'tap';
import YAML from 'yaml';
import { figures, IDENTITIES, runSchemathesis, specificationPath, startFuzzTarget, type FuzzResult } from './harness.js';

const profile = {
  maxExamples: Number(process.env.FUZZ_MAX_EXAMPLES ?? 20),
  maxSeconds: Number(process.env.FUZZ_SECONDS ?? 60),
  workers: 1,
  seed: process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : Math.floor(Math.random() * 2 ** 31),
};
// Four runs of their time budget plus the target's start: more than the suite's per-file default.
t.setTimeout((IDENTITIES.length * (profile.maxSeconds + 30) + 120) * 1000);

const METHODS = new Set(['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace']);
const documented = Object.values(
  (YAML.parse(readFileSync(specificationPath, 'utf8')) as { paths: Record<string, Record<string, unknown>> }).paths,
).reduce((n, item) => n + Object.keys(item).filter((m) => METHODS.has(m)).length, 0);

const outDir = new URL('../../.tap/fuzz/', import.meta.url).pathname;
const target = await startFuzzTarget({ logDir: outDir });
t.teardown(() => target.close());
const results: FuzzResult[] = [];

for (const identity of IDENTITIES) {
  await t.test(`fuzzed as ${identity}: every operation, every check, no failure`, async (t) => {
    const result = await runSchemathesis(target, identity, profile, outDir);
    results.push(result);
    t.comment(
      `as ${identity}: ${result.cases} cases over ${result.operations} operations; ${result.failures} failures, ${result.errors} errors, ${result.setAside} documented refusals (foreign cursor, file content) set aside; ${result.seconds.toFixed(0)} s, seed ${profile.seed}; log ${result.logPath}`,
    );
    t.equal(result.operations, documented, 'every documented operation was tested', { log: result.logPath });
    t.ok(result.cases > 0, 'cases were generated');
    t.equal(result.failures + result.errors, 0, 'no failing check and no error', {
      failures: result.failureText,
      log: result.logPath,
      apiLog: `${outDir}api.log`,
    });
    // Without a reported failure, a non-zero exit is Schemathesis's own trouble (e.g. the document).
    if (!result.failures && !result.errors)
      t.equal(result.exitCode, 0, 'Schemathesis exited successfully', { command: result.command, output: result.failureText });
  });
}

// Read by scripts/tap-summary.ts, which prints it beside the closing line.
t.comment(`${figures(results)} (${results.reduce((s, r) => s + r.seconds, 0).toFixed(0)} s, seed ${profile.seed})`);
