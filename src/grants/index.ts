/** The public face of grants (授权) and usage supervision (安全监管). Other capabilities import this, never the files behind it. */
export { issueGrant } from './steps.js';
export { createGrantActivities, GRANT_PERSON_STEPS } from './activities.js';
export { grantHandlers } from './routes.js';
export { startWorkflowOfGrantFrom } from './service.js';
export { recordCatalogueChange } from './catalogue.js';
export { UsageRecorder } from './usage-records.js';
export { grantsSeedStep } from './seed.js';
export { reconciledGrants } from './reconciled.js';
