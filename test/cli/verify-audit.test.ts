import { spawnSync } from 'node:child_process';
import { sql } from 'drizzle-orm';
import t from 'tap';
import { appendAudit } from '../../src/audit/ledger.js';
import { openMigratedFreshDatabase } from '../helpers/db.js';
import { childEnv } from '../helpers/env.js';

const verify = (url: string) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/verify-audit.ts'], { env: childEnv({ DATABASE_URL: url }), encoding: 'utf8' });

t.test('npm run verify-audit: exit 0 with the head when intact, exit 2 naming the first broken link', async (t) => {
  const { url: freshUrl, handle: owner } = await openMigratedFreshDatabase(t, 1);
  for (let i = 0; i < 4; i++) {
    await owner.db.transaction((tx) =>
      appendAudit(tx, {
        actor: { kind: 'system', role: 'script' },
        action: 'probe',
        subjectType: 'Probe',
        subjectId: String(i),
        at: new Date(),
      }),
    );
  }
  const clean = verify(freshUrl);
  t.equal(clean.status, 0, clean.stderr);
  t.match(clean.stdout, /intact: 4 entries, head #4 [0-9a-f]{64}/);

  await owner.db.execute(sql`update audit_entries set subject_id = 'forged' where seq = 3`);
  const broken = verify(freshUrl);
  t.equal(broken.status, 2);
  t.match(broken.stdout, /BROKEN at entry #3: hash_mismatch .* 2 entries before it are intact/);

  const badConfig = verify('mysql://nowhere');
  t.equal(badConfig.status, 1);
  t.match(badConfig.stderr, /DATABASE_URL/);
});
