/**
 * The long fuzzing profile, run by ./scripts/fuzz against the throwaway PostgreSQL and Temporal
 * it starts: many more examples per operation and minutes per identity than the suite's bounded
 * run. Options: --minutes M (per identity, default 5), --max-examples N (default 500),
 * --seed S, --identity NAME (repeatable; default all four). Reports go to .tools/fuzz/<time>/.
 * Exits 1 on any failure. --serve only starts the target and prints its address, tokens and
 * record ids, to replay a reported curl line against it (Ctrl-C stops it).
 */
import { mkdirSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { figures, IDENTITIES, runSchemathesis, startFuzzTarget, type FuzzResult, type Identity } from './harness.js';

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '5' },
    'max-examples': { type: 'string', default: '500' },
    seed: { type: 'string' },
    identity: { type: 'string', multiple: true },
    workers: { type: 'string', default: '1' },
    serve: { type: 'boolean', default: false },
  },
});
const identities = (values.identity?.length ? values.identity : [...IDENTITIES]) as Identity[];
for (const i of identities) if (!IDENTITIES.includes(i)) throw new Error(`--identity ${i}: one of ${IDENTITIES.join(', ')}`);
const profile = {
  maxExamples: Number(values['max-examples']),
  maxSeconds: Math.round(Number(values.minutes) * 60),
  workers: Number(values.workers),
  seed: values.seed ? Number(values.seed) : Math.floor(Math.random() * 2 ** 31),
};
const outDir = new URL(`../../.tools/fuzz/${new Date().toISOString().replace(/[:.]/g, '-')}/`, import.meta.url).pathname;
mkdirSync(outDir, { recursive: true });

const say = (line: string) => process.stderr.write(`[fuzz] ${line}\n`);
if (values.serve) say(`serving a fuzz target (API log in ${outDir}); Ctrl-C stops it`);
else
  say(
    `long profile: ${identities.join(', ')}; ${profile.maxExamples} examples per operation, ${values.minutes} min each, seed ${profile.seed}; reports in ${outDir}`,
  );
const target = await startFuzzTarget({ logDir: outDir });
if (values.serve) {
  process.stdout.write(`${JSON.stringify({ url: target.url, authorization: target.authorization, records: target.records }, null, 2)}\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await target.close();
  process.exit(0);
}
const results: FuzzResult[] = [];
try {
  for (const identity of identities) {
    say(`${identity}: running`);
    const result = await runSchemathesis(target, identity, profile, outDir);
    results.push(result);
    say(
      `${identity}: ${result.cases} cases over ${result.operations} operations; ${result.failures} failures, ${result.errors} errors, ${result.setAside} documented refusals (foreign cursor, file content) set aside; ${result.seconds.toFixed(0)} s (log ${result.logPath})`,
    );
    if (result.failureText) process.stdout.write(`\n--- ${identity} (API log: ${outDir}api.log) ---\n${result.failureText}\n`);
  }
} finally {
  await target.close();
}
const failed = results.some((r) => r.failures || r.errors || r.exitCode !== 0);
process.stdout.write(
  `${figures(results)} (long profile, ${results.reduce((s, r) => s + r.seconds, 0).toFixed(0)} s, seed ${profile.seed})\n`,
);
process.exit(failed ? 1 : 0);
