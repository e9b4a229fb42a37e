/**
 * Every saved workflow history (test/histories, recorded from the end-to-end tests with
 * RECORD_HISTORIES=1) replays against today's workflow code. A change that would break
 * workflows already running in production fails here, not there.
 */
import { readdirSync, readFileSync } from 'node:fs';
import proto from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import t from 'tap';
import { bundleWorkflows } from '../../src/platform/temporal/worker.js';
import { historiesDir } from '../helpers/temporal.js';

const files = readdirSync(historiesDir)
  .filter((f) => f.endsWith('.pb'))
  .sort();

t.test('the saved histories replay against the current workflow code', async (t) => {
  t.ok(files.length >= 9, `histories to replay: ${files.join(', ')}`);
  const histories = files.map((file) => ({
    workflowId: file.replace(/\.pb$/, ''),
    history: proto.temporal.api.history.v1.History.decode(readFileSync(`${historiesDir}${file}`)),
  }));
  const results = Worker.runReplayHistories({ workflowBundle: await bundleWorkflows() }, histories);
  const replayed: string[] = [];
  for await (const result of results) {
    t.equal(result.error, undefined, `${result.workflowId} replays${result.error ? `: ${result.error.message}` : ''}`);
    replayed.push(result.workflowId);
  }
  t.same(replayed.sort(), histories.map((h) => h.workflowId).sort(), 'every history was replayed');
});
