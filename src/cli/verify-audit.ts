/**
 * Verifies the audit ledger's hash chains. Exits 0 when intact, 2 at the first broken link.
 * `--head FILE` also checks a head exported earlier (the `head` of an earlier run's `--json` output
 * or of `GET /api/v1/audit-entries/verification`): a chain that lost its end is caught.
 * `--json` prints the whole result (keep its `head` outside the platform).
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { verifyLedger, type ChainHead } from '../audit/index.js';
import { ConfigError, loadDatabaseConfig } from '../platform/config.js';
import { openDatabase } from '../platform/db/client.js';

try {
  const { values } = parseArgs({ options: { head: { type: 'string' }, json: { type: 'boolean', default: false } } });
  const exported = values.head
    ? (JSON.parse(await readFile(values.head, 'utf8')) as { head?: { chains?: unknown }; chains?: unknown })
    : null;
  const chains = (exported?.head?.chains ?? exported?.chains) as ChainHead[] | undefined;
  if (exported && !Array.isArray(chains)) throw new ConfigError([`${values.head} holds no head (a "chains" list)`]);
  const database = await openDatabase(loadDatabaseConfig());
  const result = await verifyLedger(database.db, chains ? { exportedHead: chains } : {});
  await database.close();
  if (values.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  else if (result.valid)
    process.stdout.write(
      `audit ledger intact: ${result.checked} entries in ${result.head?.chains.length ?? 0} chains, head ${result.head?.digest ?? '(empty)'}${chains ? ', the exported head held' : ''}\n`,
    );
  else {
    const b = result.firstBreak!;
    process.stdout.write(
      `audit ledger BROKEN in chain ${b.chain} at entry #${b.seq}: ${b.problem} (expected ${b.expected}, found ${b.found}); ${result.checked} entries before it are intact\n`,
    );
  }
  if (!result.valid) process.exit(2);
} catch (error) {
  process.stderr.write(`${error instanceof ConfigError ? error.message : String(error)}\n`);
  process.exit(1);
}
