import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';

/**
 * The audit ledger's hash chain (pure). Each entry's hash commits to the previous entry's hash
 * and to the entry's own content in canonical JSON (RFC 8785), so editing, deleting, inserting
 * or reordering entries breaks the chain at the first changed place.
 */
export const GENESIS_HASH = '0'.repeat(64);

export interface ChainedContent {
  seq: number;
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

export type ChainBreak = { seq: number; problem: 'sequence_gap' | 'prev_hash_mismatch' | 'hash_mismatch'; expected: string; found: string };

/**
 * Checks entries in ledger order, continuing from `previous` (the last verified entry, or none
 * for the start of the ledger). Returns the first broken link, or null.
 */
export function findChainBreak(entries: Iterable<ChainedEntry>, previous: { seq: number; hash: string } | null = null): ChainBreak | null {
  let prev = previous ?? { seq: 0, hash: GENESIS_HASH };
  for (const entry of entries) {
    if (entry.seq !== prev.seq + 1)
      return { seq: entry.seq, problem: 'sequence_gap', expected: String(prev.seq + 1), found: String(entry.seq) };
    if (entry.prevHash !== prev.hash) return { seq: entry.seq, problem: 'prev_hash_mismatch', expected: prev.hash, found: entry.prevHash };
    const { prevHash: _p, hash: _h, ...content } = entry;
    const recomputed = entryHash(entry.prevHash, content);
    if (recomputed !== entry.hash) return { seq: entry.seq, problem: 'hash_mismatch', expected: recomputed, found: entry.hash };
    prev = { seq: entry.seq, hash: entry.hash };
  }
  return null;
}
