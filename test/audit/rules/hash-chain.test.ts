import fc from 'fast-check';
import t from 'tap';
import { entryHash, findChainBreak, GENESIS_HASH, type ChainedContent, type ChainedEntry } from '../../../src/audit/rules/hash-chain.js';

function chain(contents: Omit<ChainedContent, 'seq'>[]): ChainedEntry[] {
  const out: ChainedEntry[] = [];
  let prev = GENESIS_HASH;
  contents.forEach((c, i) => {
    const content = { ...c, seq: i + 1 };
    const hash = entryHash(prev, content);
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
