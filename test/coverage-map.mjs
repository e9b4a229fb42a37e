// tap coverage map: which source files each test file may claim coverage for.
// Tests that spawn the platform's code as child processes under tsx (scripts/start, CLI scripts,
// worker processes) claim none: tap follows children into other loaders whose transpiled output
// differs from its own, and merging the two corrupts the report for the files both load (one such
// test left unlisted dropped the suite's line coverage from above 85 % to 78 %). They are found
// by what they contain, so a new one cannot be forgotten; their code is covered in-process.
import { readFileSync } from 'node:fs';

const spawnsUnderTsx = /'--import', 'tsx'|helpers\/(?:worker-process|start)\.js'/;

export default function coverageMap(testFile) {
  return spawnsUnderTsx.test(readFileSync(testFile, 'utf8')) ? null : [];
}
