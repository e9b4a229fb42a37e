/** The administration feature's public face. */
export { AuditPage } from './AuditPage';
export { DirectoryPage } from './DirectoryPage';
export { PolicyProfilesPage } from './PolicyProfilesPage';
export { WebhooksPage } from './WebhooksPage';
export { ReconciliationPage } from './ReconciliationPage';
