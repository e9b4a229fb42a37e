/**
 * The worker's one `workflowsPath`: every workflow of the platform is re-exported here.
 * Workflow files hold orchestration only — deterministic code, no I/O, activities imported as
 * types and called through `proxyActivities`.
 */
export * from './dashboard.js';
export * from './notifications.js';
export * from './request.js';
export * from './grant.js';
export * from './objection.js';
export * from './reconciler.js';
