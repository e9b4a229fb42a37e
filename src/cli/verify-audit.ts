/** Verifies the audit ledger's hash chain. Exits 0 when intact, 2 at the first broken link. */
import { verifyLedger } from '../audit/index.js';
import { ConfigError, loadDatabaseConfig } from '../platform/config.js';
import { openDatabase } from '../platform/db/client.js';

try {
  const database = await openDatabase(loadDatabaseConfig());
  const result = await verifyLedger(database.db);
  await database.close();
  if (result.valid) {
    process.stdout.write(
      `audit ledger intact: ${result.checked} entries, head ${result.head ? `#${result.head.seq} ${result.head.hash}` : '(empty)'}\n`,
    );
  } else {
    const b = result.firstBreak!;
    process.stdout.write(
      `audit ledger BROKEN at entry #${b.seq}: ${b.problem} (expected ${b.expected}, found ${b.found}); ${result.checked} entries before it are intact\n`,
    );
    process.exit(2);
  }
} catch (error) {
  process.stderr.write(`${error instanceof ConfigError ? error.message : String(error)}\n`);
  process.exit(1);
}
