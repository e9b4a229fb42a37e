// tap coverage map: which source files each test file may claim coverage for.
// Tests that spawn the platform as child processes (scripts/start, CLI scripts run by tsx) claim
// none: tap follows children into other loaders whose transpiled output differs from its own,
// and merging the two corrupts the report for the files both load. Their code is covered by
// the in-process tests.
const spawnsPlatformProcesses = new Set([
  'test/start.test.ts',
  'test/scripts/commands-in-order.test.ts',
  'test/platform/failpoints.test.ts',
  'test/cli/verify-audit.test.ts',
  'test/cli/mint-token.test.ts',
  'test/requests/worker-crash.test.ts',
]);

export default function coverageMap(testFile) {
  return spawnsPlatformProcesses.has(testFile.replace(/\\/g, '/')) ? null : [];
}
