import { spawnSync } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import t from 'tap';
import { appendAudit } from '../../src/audit/ledger.js';
import { openMigratedFreshDatabase } from '../helpers/db.js';
import { childEnv } from '../helpers/env.js';

const verify = (url: string, ...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/verify-audit.ts', ...args], {
    env: childEnv({ DATABASE_URL: url }),
    encoding: 'utf8',
  });

t.test('npm run verify-audit: exit 0 with the head when intact, exit 2 naming the first broken link or a lost end', async (t) => {
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
  t.match(clean.stdout, /intact: 4 entries in [1-4] chains, head [0-9a-f]{64}/);
  const asJson = verify(freshUrl, '--json');
  const headFile = join(await mkdtemp(join(tmpdir(), 'gx-head-')), 'head.json');
  await writeFile(headFile, asJson.stdout);
  const held = verify(freshUrl, '--head', headFile);
  t.equal(held.status, 0, held.stderr);
  t.match(held.stdout, /the exported head held/);

  const selected: unknown = await owner.db.execute(sql`select chain, chain_seq from audit_entries where subject_id = '3'`);
  const [last] = (selected as { rows: { chain: number; chain_seq: number }[] }).rows;
  await owner.db.execute(sql`delete from audit_entries where subject_id = '3'`);
  t.equal(verify(freshUrl).status, 0, 'a lost end alone leaves the chains intact');
  const truncated = verify(freshUrl, '--head', headFile);
  t.equal(truncated.status, 2);
  t.match(truncated.stdout, new RegExp(`BROKEN in chain ${last!.chain} at entry #${last!.chain_seq}: head_missing`));

  await owner.db.execute(sql`update audit_entries set subject_id = 'forged' where subject_id = '1'`);
  const broken = verify(freshUrl);
  t.equal(broken.status, 2);
  t.match(broken.stdout, /BROKEN in chain \d+ at entry #\d+: hash_mismatch .* entries before it are intact/);

  const badConfig = verify('mysql://nowhere');
  t.equal(badConfig.status, 1);
  t.match(badConfig.stderr, /DATABASE_URL/);
});
