/** The audit capability's use cases, one call per HTTP operation: listing the entries a caller may read, verifying the chain. */
import { accessibleWhere, type RequestContext } from '../identity/index.js';
import { Action, Subject } from '../identity/rules/abilities.js';
import type { Db } from '../platform/db/client.js';
import { auditEntries } from '../platform/db/schema.js';
import { ForbiddenError } from '../platform/errors.js';
import type { JsonBody, QueryParams } from '../platform/http/contract.js';
import { decodeCursor, page } from '../platform/http/cursor.js';
import { listAudit, verifyLedger } from './ledger.js';
import type { ChainHead } from './rules/hash-chain.js';

/** The entry columns the read rules name, for filtering the ledger in SQL. */
export const auditFields = { actorDepartmentId: auditEntries.actorDepartmentId, subjectType: auditEntries.subjectType };

const isSeq = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) > 0;

export class AuditService {
  constructor(private readonly deps: { db: Db }) {}

  async list(ctx: RequestContext, query: QueryParams<'listAuditEntries'>): Promise<JsonBody<'listAuditEntries', 200>> {
    // No rule at all (as opposed to rules that match no entry): say so rather than list nothing.
    if (!ctx.actor.ability.can(Action.read, Subject.AuditEntry))
      throw new ForbiddenError('forbidden', 'Your roles do not allow you to read the audit ledger');
    // Validation applies the contract's default limit (50); the type still marks it optional.
    const limit = query.limit ?? 50;
    const visible = accessibleWhere(ctx.actor.ability, Action.read, Subject.AuditEntry, auditFields);
    const rows = await listAudit(
      this.deps.db,
      {
        subjectType: query.subjectType,
        subjectId: query.subjectId,
        action: query.action,
        actorUserId: query.actorUserId,
        actorDepartmentId: query.actorDepartmentId,
        from: query.from ? new Date(query.from) : undefined,
        to: query.to ? new Date(query.to) : undefined,
        beforeSeq: decodeCursor(query.cursor, isSeq),
        limit: limit + 1,
      },
      visible,
    );
    const result = page(rows, limit, (e) => e.seq);
    return { items: result.items.map((e) => ({ ...e, occurredAt: e.occurredAt.toISOString() })), nextCursor: result.nextCursor };
  }

  /** The chains recomputed; with a head exported earlier, also that every chain still holds its end. */
  async verify(ctx: RequestContext, exportedHead?: readonly ChainHead[]): Promise<JsonBody<'verifyAuditLedger', 200>> {
    if (!ctx.actor.ability.can(Action.verify, Subject.AuditLedger)) {
      throw new ForbiddenError('forbidden', 'Only auditors verify the audit ledger');
    }
    return verifyLedger(this.deps.db, exportedHead ? { exportedHead } : {});
  }
}
