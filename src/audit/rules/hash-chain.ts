import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';

/**
 * The audit ledger's hash chains (pure). The ledger is AUDIT_CHAINS parallel chains; each entry's
 * hash commits to the previous entry of its chain and to the entry's own content in canonical JSON
 * (RFC 8785), so editing, deleting, inserting or reordering entries breaks a chain at the first
 * changed place, and moving an entry to another chain changes its content. The chains' heads
 * together, digested, are the ledger's head: kept outside, it proves that no chain lost its end.
 */
export const GENESIS_HASH = '0'.repeat(64);

/** How many chains the ledger appends to in parallel; a case's entries stay in one chain. */
export const AUDIT_CHAINS = 16;

/** The chain of a transaction's first entry (FNV-1a of the subject): a case's entries keep their order in one chain. */
export function chainOf(subjectType: string, subjectId: string): number {
  let hash = 0x811c9dc5;
  for (const ch of `${subjectType}\u0000${subjectId}`) {
    hash ^= ch.codePointAt(0)!;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % AUDIT_CHAINS;
}

export interface ChainedContent {
  /** The entry's position in its chain (from 1, gapless). */
  seq: number;
  /** The chain, absent for chain 0 — whose entries read as the single-chain ledger's always did. */
  chain?: number;
  occurredAt: string;
  actorUserId: string | null;
  actorDepartmentId: string | null;
  actorRole: string;
  action: string;
  subjectType: string;
  subjectId: string;
  before: unknown;
  after: unknown;
  reason: string | null;
  requestId: string | null;
}

export function entryHash(prevHash: string, content: ChainedContent): string {
  const canonical = (canonicalize as unknown as (v: unknown) => string)(content);
  return createHash('sha256').update(prevHash).update('\n').update(canonical).digest('hex');
}

export interface ChainedEntry extends ChainedContent {
  prevHash: string;
  hash: string;
}

export type ChainBreak = {
  chain: number;
  /** The position in the chain where it breaks. */
  seq: number;
  problem: 'sequence_gap' | 'prev_hash_mismatch' | 'hash_mismatch' | 'head_missing' | 'head_mismatch';
  expected: string;
  found: string;
};

/**
 * Checks entries in ledger order, continuing from `previous` (the last verified entry, or none
 * for the start of the ledger). Returns the first broken link, or null.
 */
export function findChainBreak(
  entries: Iterable<ChainedEntry>,
  previous: { seq: number; hash: string } | null = null,
  chain = 0,
): ChainBreak | null {
  let prev = previous ?? { seq: 0, hash: GENESIS_HASH };
  for (const entry of entries) {
    const at = { chain, seq: entry.seq };
    if (entry.seq !== prev.seq + 1) return { ...at, problem: 'sequence_gap', expected: String(prev.seq + 1), found: String(entry.seq) };
    if (entry.prevHash !== prev.hash) return { ...at, problem: 'prev_hash_mismatch', expected: prev.hash, found: entry.prevHash };
    const { prevHash: _p, hash: _h, ...content } = entry;
    const recomputed = entryHash(entry.prevHash, chain === 0 ? content : { ...content, chain });
    if (recomputed !== entry.hash) return { ...at, problem: 'hash_mismatch', expected: recomputed, found: entry.hash };
    prev = { seq: entry.seq, hash: entry.hash };
  }
  return null;
}

export interface ChainHead {
  chain: number;
  seq: number;
  hash: string;
}

/** The ledger's head: one digest over every non-empty chain's last entry, in chain order. */
export function headDigest(chains: readonly ChainHead[]): string {
  const sorted = [...chains].sort((a, b) => a.chain - b.chain);
  return createHash('sha256')
    .update((canonicalize as unknown as (v: unknown) => string)(sorted))
    .digest('hex');
}

/**
 * Whether the verified chains still hold an exported head: each chain's exported last entry must
 * be in its chain with the same hash — a chain cut back below it (a truncated end) or rewritten
 * from before it does not.
 */
export function findHeadBreak(
  current: ReadonlyMap<number, ChainHead>,
  hashAt: (chain: number, seq: number) => string | undefined,
  exported: readonly ChainHead[],
): ChainBreak | null {
  for (const head of [...exported].sort((a, b) => a.chain - b.chain)) {
    const now = current.get(head.chain);
    if (!now || now.seq < head.seq)
      return {
        chain: head.chain,
        seq: head.seq,
        problem: 'head_missing',
        expected: `#${head.seq} ${head.hash}`,
        found: now ? `#${now.seq}` : '(empty chain)',
      };
    const found = hashAt(head.chain, head.seq);
    if (found !== head.hash)
      return { chain: head.chain, seq: head.seq, problem: 'head_mismatch', expected: head.hash, found: found ?? '(none)' };
  }
  return null;
}
