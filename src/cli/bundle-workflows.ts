/**
 * Bundles the workflow code for the workers, as a release step: `npm run bundle-workflows [-- PATH]`
 * (default dist/workflow-bundle.js, with its manifest beside it). Workers load it when
 * TEMPORAL_WORKFLOW_BUNDLE names it, and refuse it once the sources it was built from change.
 */
import { mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { writeWorkflowBundle } from '../platform/temporal/bundle.js';
import { bundleWorkflows } from '../platform/temporal/worker.js';

const { positionals } = parseArgs({ allowPositionals: true });
const path = resolve(positionals[0] ?? 'dist/workflow-bundle.js');
await mkdir(dirname(path), { recursive: true });
const { bytes, sources } = await writeWorkflowBundle(path, await bundleWorkflows());
process.stdout.write(`workflow bundle written: ${path} (${(bytes / 1024).toFixed(0)} kB from ${sources} source files)\n`);
