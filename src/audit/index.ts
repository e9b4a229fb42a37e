/** The public face of the audit ledger (审计): append entries in the caller's transaction. Other capabilities import this, never the files behind it. */
export { appendAudit, appendAuditEntries, type AuditActor, type AuditInput } from './ledger.js';
export { ledgerRewriteRights, verifyLedger } from './ledger.js';
export type { ChainHead } from './rules/hash-chain.js';
export { auditHandlers } from './routes.js';
