import fc from 'fast-check';
import t from 'tap';
import {
  AUDIT_CHAINS,
  chainOf,
  entryHash,
  findChainBreak,
  findHeadBreak,
  GENESIS_HASH,
  headDigest,
  type ChainedContent,
  type ChainedEntry,
  type ChainHead,
} from '../../../src/audit/rules/hash-chain.js';

/** Entries chained as the ledger chains them: a chain other than 0 is part of each entry's hashed content. */
function chain(contents: Omit<ChainedContent, 'seq'>[], number = 0): ChainedEntry[] {
  const out: ChainedEntry[] = [];
  let prev = GENESIS_HASH;
  contents.forEach((c, i) => {
    const content = { ...c, seq: i + 1 };
    const hash = entryHash(prev, number === 0 ? content : { ...content, chain: number });
    out.push({ ...content, prevHash: prev, hash });
    prev = hash;
  });
  return out;
}

const base = (n: number): Omit<ChainedContent, 'seq'> => ({
  occurredAt: new Date(Date.UTC(2026, 0, 1, 0, n)).toISOString(),
  actorUserId: null,
  actorDepartmentId: null,
  actorRole: 'system:test',
  action: `action.${n}`,
  subjectType: 'Thing',
  subjectId: String(n),
  before: null,
  after: { n, nested: { b: 2, a: 1 } },
  reason: null,
  requestId: null,
});

t.test('an intact chain verifies, from the start or continuing from a verified entry', async (t) => {
  const entries = chain([0, 1, 2, 3].map(base));
  t.equal(findChainBreak(entries), null);
  t.equal(findChainBreak(entries.slice(2), { seq: 2, hash: entries[1]!.hash }), null);
  t.equal(findChainBreak([]), null);
});

t.test('the hash covers content canonically: key order does not matter, values do', async (t) => {
  const a = { ...base(1), seq: 1, after: { x: 1, y: [1, 2] } };
  const b = { ...base(1), seq: 1, after: { y: [1, 2], x: 1 } };
  t.equal(entryHash(GENESIS_HASH, a), entryHash(GENESIS_HASH, b));
  t.not(entryHash(GENESIS_HASH, a), entryHash(GENESIS_HASH, { ...a, after: { x: 2, y: [1, 2] } }));
  t.not(entryHash(GENESIS_HASH, a), entryHash('f'.repeat(64), a), 'the previous hash is committed to');
});

t.test('edits, deletions, insertions and reorderings break the chain at the first changed place', async (t) => {
  const entries = chain([0, 1, 2, 3, 4].map(base));
  const edited = entries.map((e) => (e.seq === 3 ? { ...e, reason: 'tampered' } : e));
  t.match(findChainBreak(edited), { seq: 3, problem: 'hash_mismatch' });

  const deleted = entries.filter((e) => e.seq !== 2);
  t.match(findChainBreak(deleted), { seq: 3, problem: 'sequence_gap' });

  const renumbered = deleted.map((e) => (e.seq > 2 ? { ...e, seq: e.seq - 1 } : e));
  t.match(findChainBreak(renumbered), { seq: 2, problem: 'prev_hash_mismatch' });

  const swapped = [entries[0]!, { ...entries[2]!, seq: 2 }, { ...entries[1]!, seq: 3 }, entries[3]!, entries[4]!];
  t.match(findChainBreak(swapped), { seq: 2, problem: 'prev_hash_mismatch' });

  const rehashedEdit = entries.map(({ prevHash, hash, ...content }) =>
    content.seq === 4
      ? { ...content, action: 'forged', prevHash, hash: entryHash(prevHash, { ...content, action: 'forged' }) }
      : { ...content, prevHash, hash },
  );
  t.match(findChainBreak(rehashedEdit), { seq: 5, problem: 'prev_hash_mismatch' }, 'a forger who rehashes one entry breaks the next link');
});

t.test('property: any single-field change of any entry is detected at that entry', async () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 8 }), fc.nat(), fc.string({ minLength: 1 }), (length, pick, value) => {
      const entries = chain(Array.from({ length }, (_, i) => base(i)));
      const index = pick % length;
      const tampered = entries.map((e, i) => (i === index ? { ...e, subjectId: e.subjectId + value } : e));
      const found = findChainBreak(tampered);
      return found !== null && found.seq === index + 1 && found.problem === 'hash_mismatch';
    }),
  );
});

t.test('a subject always lands in the same chain, and subjects spread over every chain', async (t) => {
  t.equal(chainOf('Request', 'a'), chainOf('Request', 'a'));
  const counts = new Array<number>(AUDIT_CHAINS).fill(0);
  for (let i = 0; i < 1600; i++) counts[chainOf('Request', `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`)]!++;
  t.ok(
    counts.every((n) => n > 50),
    `every chain gets a share of 1600 subjects: ${counts.join(' ')}`,
  );
  t.ok(chainOf('Request', 'x') >= 0 && chainOf('Request', 'x') < AUDIT_CHAINS);
});

t.test('chain 0 hashes as the single-chain ledger did; other chains commit to their number', async (t) => {
  const legacy = chain([0, 1].map(base));
  t.equal(findChainBreak(legacy, null, 0), null, 'the ledger as it was verifies as chain 0');
  const five = chain([0, 1, 2].map(base), 5);
  t.equal(findChainBreak(five, null, 5), null);
  t.match(findChainBreak(five, null, 6), { chain: 6, seq: 1, problem: 'hash_mismatch' }, 'moved to another chain: caught');
  t.match(findChainBreak(legacy, null, 3), { chain: 3, seq: 1, problem: 'hash_mismatch' });
});

t.test("the head: one digest over the chains' ends, whatever their order; a lost or rewritten end is caught", async (t) => {
  const a = chain([0, 1, 2].map(base), 1);
  const b = chain([3, 4].map(base), 9);
  const exported: ChainHead[] = [
    { chain: 1, seq: 3, hash: a[2]!.hash },
    { chain: 9, seq: 2, hash: b[1]!.hash },
  ];
  t.equal(headDigest(exported), headDigest([...exported].reverse()), 'chain order, not list order');
  t.not(headDigest(exported), headDigest(exported.slice(0, 1)));
  t.match(headDigest([]), /^[0-9a-f]{64}$/);
  const byKey = new Map([...a, ...b].map((e, i) => [`${i < 3 ? 1 : 9}:${e.seq}`, e.hash]));
  const hashAt = (c: number, s: number) => byKey.get(`${c}:${s}`);
  const current = new Map(exported.map((h) => [h.chain, h]));
  t.equal(findHeadBreak(current, hashAt, exported), null, 'the same ends: held');
  const grown = new Map(current).set(1, { chain: 1, seq: 4, hash: 'f'.repeat(64) });
  t.equal(findHeadBreak(grown, hashAt, exported), null, 'a chain that grew since still holds its exported end');
  const cut = new Map(current).set(1, { chain: 1, seq: 2, hash: a[1]!.hash });
  t.match(findHeadBreak(cut, hashAt, exported), { chain: 1, seq: 3, problem: 'head_missing' }, 'a truncated end');
  const emptied = new Map(current);
  emptied.delete(9);
  t.match(findHeadBreak(emptied, hashAt, exported), { chain: 9, seq: 2, problem: 'head_missing', found: '(empty chain)' });
  t.match(
    findHeadBreak(current, (c, s) => (c === 9 ? 'e'.repeat(64) : hashAt(c, s)), exported),
    { chain: 9, seq: 2, problem: 'head_mismatch', expected: b[1]!.hash },
    'rewritten from before its end (every hash recomputed)',
  );
});
