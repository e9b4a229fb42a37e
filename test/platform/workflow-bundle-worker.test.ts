/**
 * A worker process given a stale workflow bundle does not start, and says why (the bundle's
 * rules: workflow-bundle.test.ts).
 */
import { createHash, randomUUID } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import t from 'tap';
import { prebuiltWorkflowBundle, startWorkerProcess } from '../helpers/worker-process.js';

const bundle = await prebuiltWorkflowBundle(t);
const sha256 = (data: string) => createHash('sha256').update(data).digest('hex');

t.test('a worker process given a stale bundle does not start, and says why', async (t) => {
  const manifest = JSON.parse(await readFile(`${bundle}.manifest.json`, 'utf8')) as { sources: Record<string, string> };
  manifest.sources['workflows/objection.ts'] = sha256('an older objection workflow');
  await writeFile(`${bundle}.manifest.json`, JSON.stringify(manifest));
  const worker = startWorkerProcess(`bundle-${randomUUID()}`, '', {}, bundle);
  t.teardown(() => void worker.child.kill('SIGKILL'));
  const { code, stderr } = await worker.exited;
  t.equal(code, 1, 'exits with an error');
  t.match(stderr, /bundled from other sources than these \(workflows\/objection\.ts changed\)/, 'naming the changed source');
});
