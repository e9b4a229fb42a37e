/** The audit capability's HTTP operations: each one service call, typed from the contract. */
import { contextOf } from '../identity/index.js';
import type { Clock } from '../platform/clock.js';
import type { Db } from '../platform/db/client.js';
import { operation } from '../platform/http/contract.js';
import { AuditService } from './service.js';

// Tests build the ledger's read filter from the same fields, imported from here.
export { auditFields } from './service.js';

export function auditHandlers(deps: { db: Db; clock: Clock }) {
  const service = new AuditService(deps);
  const context = (request: Parameters<typeof contextOf>[0]) => contextOf(request, deps);

  return {
    listAuditEntries: operation<'listAuditEntries'>(async (request) => service.list(await context(request), request.query)),
    verifyAuditLedger: operation<'verifyAuditLedger'>(async (request) => service.verify(await context(request))),
    verifyAuditLedgerAgainstHead: operation<'verifyAuditLedgerAgainstHead'>(async (request) =>
      service.verify(await context(request), request.body.head.chains),
    ),
  };
}
