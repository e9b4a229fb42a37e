/**
 * The workflow bundle built at release time (npm run bundle-workflows): its manifest names the
 * sources it was built from, and a worker refuses it once they change, once its code is not the
 * one the manifest describes, or when it is missing (a worker process given one does not start:
 * workflow-bundle-worker.test.ts). Workers loading a sound one run workflows in
 * test/requests/worker-crash.test.ts.
 */
import { createHash, randomUUID } from 'node:crypto';
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { readWorkflowBundle, WorkflowBundleError, writeWorkflowBundle } from '../../src/platform/temporal/bundle.js';
import pino from 'pino';
import { bundleWorkflows, createWorker } from '../../src/platform/temporal/worker.js';
import { testConfig } from '../helpers/env.js';

const dir = await mkdtemp(join(tmpdir(), 'gx-bundle-'));
t.teardown(() => rm(dir, { recursive: true, force: true }));
const bundle = join(dir, 'workflow-bundle.js');
const written = await writeWorkflowBundle(bundle, await bundleWorkflows());
const manifest = JSON.parse(await readFile(`${bundle}.manifest.json`, 'utf8')) as { sha256: string; sources: Record<string, string> };
const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

/** A copy of the bundle and its manifest, the manifest changed by `edit`. */
async function copyWith(edit: (m: typeof manifest) => void, code?: string): Promise<string> {
  const path = join(dir, `copy-${randomUUID()}.js`);
  if (code === undefined) await copyFile(bundle, path);
  else await writeFile(path, code);
  const copy = structuredClone(manifest);
  edit(copy);
  await writeFile(`${path}.manifest.json`, JSON.stringify(copy));
  return path;
}

t.test('the manifest names the sources, with their digests as on disk, and the bundle’s own', async (t) => {
  const files = Object.keys(manifest.sources);
  t.equal(written.sources, files.length, 'as many files as the manifest lists');
  for (const file of ['workflows/index.ts', 'workflows/request.ts', 'workflows/notifications.ts', 'src/sla/rules/step.ts'])
    t.equal(manifest.sources[file], sha256(await readFile(file)), `${file}, as on disk`);
  t.ok(
    files.some((f) => f.startsWith('node_modules/@temporalio/workflow/')),
    'the SDK’s workflow library too: an upgrade makes the bundle stale',
  );
  t.notOk(
    files.some((f) => f.startsWith('webpack/') || f.startsWith('/') || f.startsWith('..')),
    'only files of the project, by path from its root',
  );
  t.equal(manifest.sha256, sha256(await readFile(bundle)), 'the bundle’s digest');
  t.equal((await readWorkflowBundle(bundle)).code, await readFile(bundle, 'utf8'), 'a sound bundle is read');
});

t.test('a bundle whose sources changed since is refused, naming them', async (t) => {
  const stale = await copyWith((m) => {
    m.sources['workflows/request.ts'] = sha256('yesterday’s request workflow');
  });
  await t.rejects(readWorkflowBundle(stale), {
    name: 'WorkflowBundleError',
    message: /other sources.*workflows\/request\.ts.*npm run bundle-workflows/,
  });
  const gone = await copyWith((m) => {
    m.sources['workflows/retired.ts'] = sha256('a workflow file since removed');
  });
  await t.rejects(readWorkflowBundle(gone), { message: /workflows\/retired\.ts/ });
});

t.test('a bundle that is not the one its manifest describes, or is missing, is refused', async (t) => {
  const altered = await copyWith(() => {}, `${await readFile(bundle, 'utf8')}\n;globalThis.x = 1;`);
  await t.rejects(readWorkflowBundle(altered), { message: /not the bundle its manifest describes/ });
  await t.rejects(
    readWorkflowBundle(join(dir, 'nowhere.js')),
    new WorkflowBundleError(`TEMPORAL_WORKFLOW_BUNDLE: cannot read ${join(dir, 'nowhere.js')} (build it with npm run bundle-workflows)`),
  );
});

t.test('createWorker refuses a stale bundle before it polls', async (t) => {
  const stale = await copyWith((m) => {
    m.sources['workflows/grant.ts'] = sha256('an older grant workflow');
  });
  const config = testConfig({ TEMPORAL_WORKFLOW_BUNDLE: stale });
  await t.rejects(createWorker({ settings: config.temporal, activities: {}, log: pino({ level: 'silent' }) }), {
    name: 'WorkflowBundleError',
    message: /workflows\/grant\.ts/,
  });
});
