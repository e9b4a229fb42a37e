import { and, asc, desc, eq, gt, gte, lt, lte, sql, type SQL } from 'drizzle-orm';
import type { Db, Tx } from '../platform/db/client.js';
import { auditEntries } from '../platform/db/schema.js';
import {
  chainOf,
  entryHash,
  findChainBreak,
  findHeadBreak,
  GENESIS_HASH,
  headDigest,
  type ChainBreak,
  type ChainedEntry,
  type ChainHead,
} from './rules/hash-chain.js';

/** Who did it: a user acting in one of their roles, or the platform itself (workflows, seeding). */
export type AuditActor =
  | { kind: 'user'; userId: string; departmentId: string; role: string }
  | { kind: 'system'; role: 'workflow' | 'seed' | 'script' | 'exchange' | 'reconciler' };

export interface AuditInput {
  actor: AuditActor;
  action: string;
  subjectType: string;
  subjectId: string;
  before?: unknown;
  after?: unknown;
  reason?: string | null;
  requestId?: string | null;
  at: Date;
}

/** The advisory locks of the chains: this base plus the chain number (arbitrary constants). */
const AUDIT_CHAIN_LOCK_BASE = 151_515_000;

/**
 * Appends one entry in the caller's transaction, so the entry exists exactly when the change
 * does. The transaction's chain is locked until commit: every entry chains to the one committed
 * before it in its chain, and each chain has no gaps.
 */
export async function appendAudit(tx: Tx, input: AuditInput): Promise<{ seq: number; hash: string }> {
  return (await appendAuditEntries(tx, [input]))[0]!;
}

/**
 * Several entries of one change, chained in order under one lock and written in one statement.
 * A transaction appends to one chain — the one of its first entry's subject, remembered in a
 * transaction-local setting — so it holds one chain lock at most and two transactions never wait
 * on each other's chains in opposite orders.
 */
export async function appendAuditEntries(tx: Tx, inputs: AuditInput[]): Promise<{ seq: number; hash: string }[]> {
  let previous = heldChains.get(tx) ?? (await lockChain(tx, chainOf(inputs[0]!.subjectType, inputs[0]!.subjectId)));
  const chain = previous.chain;
  const rows = inputs.map((input) => {
    const content = {
      seq: previous.seq + 1,
      ...(chain === 0 ? {} : { chain }),
      occurredAt: input.at.toISOString(),
      actorUserId: input.actor.kind === 'user' ? input.actor.userId : null,
      actorDepartmentId: input.actor.kind === 'user' ? input.actor.departmentId : null,
      actorRole: input.actor.kind === 'user' ? input.actor.role : `system:${input.actor.role}`,
      action: input.action,
      subjectType: input.subjectType,
      subjectId: input.subjectId,
      before: input.before ?? null,
      after: input.after ?? null,
      reason: input.reason ?? null,
      requestId: input.requestId ?? null,
    };
    const { seq: chainSeq, ...fields } = content;
    const row = { ...fields, chain, chainSeq, occurredAt: input.at, prevHash: previous.hash, hash: entryHash(previous.hash, content) };
    previous = { chain, seq: chainSeq, hash: row.hash };
    return row;
  });
  const written = await tx.insert(auditEntries).values(rows).returning({ seq: auditEntries.seq, hash: auditEntries.hash });
  heldChains.set(tx, previous);
  return written;
}

/**
 * The chain each open transaction holds and its last entry. The lock lasts until the transaction
 * ends and only this module appends, so a transaction's later appends chain to what it wrote
 * last without locking or reading again (two statements fewer each). Were the remembered head
 * ever wrong, the chain's unique (chain, chain_seq) key would refuse the insert.
 */
const heldChains = new WeakMap<Tx, { chain: number; seq: number; hash: string }>();

/** Locks the chain of the transaction (its first entry's) and reads the chain's last committed entry. */
async function lockChain(tx: Tx, wanted: number): Promise<{ chain: number; seq: number; hash: string }> {
  const locked: unknown = await tx.execute(sql`
    select c.chain, pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK_BASE} + c.chain), set_config('gx.audit_chain', c.chain::text, true)
    from (select coalesce(nullif(current_setting('gx.audit_chain', true), '')::int, ${wanted}::int) as chain) c`);
  const chain = Number((locked as { rows: { chain: number }[] }).rows[0]!.chain);
  // A statement of its own after the lock: its snapshot sees the chain's last committed entry.
  const [last] = await tx
    .select({ seq: auditEntries.chainSeq, hash: auditEntries.hash })
    .from(auditEntries)
    .where(eq(auditEntries.chain, chain))
    .orderBy(desc(auditEntries.chainSeq))
    .limit(1);
  return { chain, seq: last?.seq ?? 0, hash: last?.hash ?? GENESIS_HASH };
}

/** A stored entry as its chain hashed it (the chain's number, for chains other than 0, is added by the verifier). */
export const chainedEntryOf = (r: typeof auditEntries.$inferSelect): ChainedEntry => ({
  seq: r.chainSeq,
  occurredAt: r.occurredAt.toISOString(),
  actorUserId: r.actorUserId,
  actorDepartmentId: r.actorDepartmentId,
  actorRole: r.actorRole,
  action: r.action,
  subjectType: r.subjectType,
  subjectId: r.subjectId,
  before: r.before,
  after: r.after,
  reason: r.reason,
  requestId: r.requestId,
  prevHash: r.prevHash,
  hash: r.hash,
});

export interface LedgerVerification {
  valid: boolean;
  checked: number;
  head: { digest: string; chains: ChainHead[] } | null;
  firstBreak: ChainBreak | null;
}

/**
 * Walks every chain in order and reports the first broken link; given a head exported earlier
 * (the `head.chains` of a verification), also that every chain still holds its exported end.
 */
export async function verifyLedger(
  db: Db,
  options: { batchSize?: number; exportedHead?: readonly ChainHead[] } = {},
): Promise<LedgerVerification> {
  const batchSize = options.batchSize ?? 1000;
  const heads = new Map<number, ChainHead>();
  let checked = 0;
  const result = (firstBreak: ChainBreak | null): LedgerVerification => {
    const chains = [...heads.values()].sort((a, b) => a.chain - b.chain);
    return { valid: firstBreak === null, checked, head: chains.length ? { digest: headDigest(chains), chains } : null, firstBreak };
  };
  const present = await db.selectDistinct({ chain: auditEntries.chain }).from(auditEntries).orderBy(asc(auditEntries.chain));
  for (const { chain } of present) {
    let previous: { seq: number; hash: string } | null = null;
    for (;;) {
      const rows = await db
        .select()
        .from(auditEntries)
        .where(and(eq(auditEntries.chain, chain), gt(auditEntries.chainSeq, previous?.seq ?? 0)))
        .orderBy(asc(auditEntries.chainSeq))
        .limit(batchSize);
      if (rows.length === 0) break;
      const entries: ChainedEntry[] = rows.map(chainedEntryOf);
      const firstBreak = findChainBreak(entries, previous, chain);
      if (firstBreak) {
        checked += entries.findIndex((e) => e.seq === firstBreak.seq);
        return result(firstBreak);
      }
      checked += entries.length;
      const last = entries[entries.length - 1]!;
      previous = { seq: last.seq, hash: last.hash };
      heads.set(chain, { chain, seq: last.seq, hash: last.hash });
    }
  }
  if (options.exportedHead?.length) {
    const hashes = new Map<string, string>();
    for (const head of options.exportedHead) {
      const [row] = await db
        .select({ hash: auditEntries.hash })
        .from(auditEntries)
        .where(and(eq(auditEntries.chain, head.chain), eq(auditEntries.chainSeq, head.seq)));
      if (row) hashes.set(`${head.chain}:${head.seq}`, row.hash);
    }
    const headBreak = findHeadBreak(heads, (chain, seq) => hashes.get(`${chain}:${seq}`), options.exportedHead);
    if (headBreak) return result(headBreak);
  }
  return result(null);
}

export interface AuditFilter {
  subjectType?: string | undefined;
  subjectId?: string | undefined;
  action?: string | undefined;
  actorUserId?: string | undefined;
  actorDepartmentId?: string | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
  /** Newest first: entries with seq below this. */
  beforeSeq?: number | undefined;
  limit: number;
}

export function auditFilterWhere(filter: AuditFilter): SQL | undefined {
  return and(
    filter.subjectType ? eq(auditEntries.subjectType, filter.subjectType) : undefined,
    filter.subjectId ? eq(auditEntries.subjectId, filter.subjectId) : undefined,
    filter.action ? eq(auditEntries.action, filter.action) : undefined,
    filter.actorUserId ? eq(auditEntries.actorUserId, filter.actorUserId) : undefined,
    filter.actorDepartmentId ? eq(auditEntries.actorDepartmentId, filter.actorDepartmentId) : undefined,
    filter.from ? gte(auditEntries.occurredAt, filter.from) : undefined,
    filter.to ? lte(auditEntries.occurredAt, filter.to) : undefined,
    filter.beforeSeq ? lt(auditEntries.seq, filter.beforeSeq) : undefined,
  );
}

export async function listAudit(db: Db, filter: AuditFilter, visible: SQL | undefined) {
  return db
    .select()
    .from(auditEntries)
    .where(and(visible, auditFilterWhere(filter)))
    .orderBy(desc(auditEntries.seq))
    .limit(filter.limit);
}

/**
 * The rights the connected database role has that would let it rewrite the ledger (UPDATE,
 * DELETE, TRUNCATE on audit_entries); empty as it should be. A role that owns the schema has
 * them all: production refuses to run on one (see src/server/main.ts).
 */
export async function ledgerRewriteRights(db: Db): Promise<string[]> {
  const rights = ['UPDATE', 'DELETE', 'TRUNCATE'];
  const result = await db.execute<Record<string, boolean>>(
    sql`select ${sql.join(
      rights.map((r) => sql`has_table_privilege('audit_entries', ${r}) as ${sql.identifier(r.toLowerCase())}`),
      sql`, `,
    )}`,
  );
  const row = (result as { rows: Record<string, boolean>[] }).rows[0] ?? {};
  return rights.filter((r) => row[r.toLowerCase()]);
}
