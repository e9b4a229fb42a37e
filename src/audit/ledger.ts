import { and, asc, desc, eq, gt, gte, lt, lte, sql, type SQL } from 'drizzle-orm';
import type { Db, Tx } from '../platform/db/client.js';
import { auditEntries } from '../platform/db/schema.js';
import { entryHash, findChainBreak, GENESIS_HASH, type ChainBreak, type ChainedEntry } from './rules/hash-chain.js';

/** Who did it: a user acting in one of their roles, or the platform itself (workflows, seeding). */
export type AuditActor =
  | { kind: 'user'; userId: string; departmentId: string; role: string }
  | { kind: 'system'; role: 'workflow' | 'seed' | 'script' | 'exchange' };

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

/** Arbitrary constant naming the lock that serializes appends across concurrent transactions. */
const AUDIT_APPEND_LOCK = 151_515;

/**
 * Appends one entry in the caller's transaction, so the entry exists exactly when the change
 * does. A transaction-scoped advisory lock serializes appenders until commit: every entry
 * chains to the one committed before it, and the sequence has no gaps.
 */
export async function appendAudit(tx: Tx, input: AuditInput): Promise<{ seq: number; hash: string }> {
  return (await appendAuditEntries(tx, [input]))[0]!;
}

/** Several entries of one change, chained in order under one lock and written in one statement. */
export async function appendAuditEntries(tx: Tx, inputs: AuditInput[]): Promise<{ seq: number; hash: string }[]> {
  await tx.execute(sql`select pg_advisory_xact_lock(${AUDIT_APPEND_LOCK})`);
  const [last] = await tx
    .select({ seq: auditEntries.seq, hash: auditEntries.hash })
    .from(auditEntries)
    .orderBy(desc(auditEntries.seq))
    .limit(1);
  let previous = { seq: last?.seq ?? 0, hash: last?.hash ?? GENESIS_HASH };
  const rows = inputs.map((input) => {
    const content = {
      seq: previous.seq + 1,
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
    const row = { ...content, occurredAt: input.at, prevHash: previous.hash, hash: entryHash(previous.hash, content) };
    previous = { seq: row.seq, hash: row.hash };
    return row;
  });
  await tx.insert(auditEntries).values(rows);
  return rows.map((r) => ({ seq: r.seq, hash: r.hash }));
}

export interface LedgerVerification {
  valid: boolean;
  checked: number;
  head: { seq: number; hash: string } | null;
  firstBreak: ChainBreak | null;
}

/** Walks the whole ledger in order and reports the first broken link. */
export async function verifyLedger(db: Db, batchSize = 1000): Promise<LedgerVerification> {
  let previous: { seq: number; hash: string } | null = null;
  let checked = 0;
  let afterSeq = 0;
  for (;;) {
    const rows = await db.select().from(auditEntries).where(gt(auditEntries.seq, afterSeq)).orderBy(asc(auditEntries.seq)).limit(batchSize);
    if (rows.length === 0) break;
    const entries: ChainedEntry[] = rows.map((r) => ({
      seq: r.seq,
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
    }));
    const firstBreak = findChainBreak(entries, previous);
    if (firstBreak)
      return { valid: false, checked: checked + entries.findIndex((e) => e.seq === firstBreak.seq), head: previous, firstBreak };
    checked += entries.length;
    const last = entries[entries.length - 1]!;
    previous = { seq: last.seq, hash: last.hash };
    afterSeq = last.seq;
  }
  return { valid: true, checked, head: previous, firstBreak: null };
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
