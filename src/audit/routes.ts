import { Action, Subject } from '../identity/rules/abilities.js';
import { accessibleWhere } from '../identity/index.js';
import { listAudit, verifyLedger } from './ledger.js';
import type { Clock } from '../platform/clock.js';
import type { Db } from '../platform/db/client.js';
import { auditEntries } from '../platform/db/schema.js';
import { ForbiddenError } from '../platform/errors.js';
import { operation, type JsonBody } from '../platform/http/contract.js';
import { decodeCursor, page } from '../platform/http/cursor.js';
import { contextOf } from '../identity/index.js';

export const auditFields = { actorDepartmentId: auditEntries.actorDepartmentId, subjectType: auditEntries.subjectType };

const isSeq = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) > 0;

export function auditHandlers(deps: { db: Db; clock: Clock }) {
  return {
    listAuditEntries: operation<'listAuditEntries'>(async (request): Promise<JsonBody<'listAuditEntries', 200>> => {
      const ctx = await contextOf(request, deps);
      // No rule at all (as opposed to rules that match no entry): say so rather than list nothing.
      if (!ctx.actor.ability.can(Action.read, Subject.AuditEntry))
        throw new ForbiddenError('forbidden', 'Your roles do not allow you to read the audit ledger');
      const query = request.query;
      // Validation applies the contract's default limit (50); the type still marks it optional.
      const limit = query.limit ?? 50;
      const visible = accessibleWhere(ctx.actor.ability, Action.read, Subject.AuditEntry, auditFields);
      const rows = await listAudit(
        deps.db,
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
    }),

    verifyAuditLedger: operation<'verifyAuditLedger'>(async (request): Promise<JsonBody<'verifyAuditLedger', 200>> => {
      const ctx = await contextOf(request, deps);
      if (!ctx.actor.ability.can(Action.verify, Subject.AuditLedger)) {
        throw new ForbiddenError('forbidden', 'Only auditors verify the audit ledger');
      }
      return verifyLedger(deps.db);
    }),
  };
}
