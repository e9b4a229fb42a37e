/** The public face of the reconciler (对账): the database and the workflows compared and repaired, every kind of case. Other capabilities import this, never the files behind it. */
export { reconciledCase, type ReconciledCase, type ReconciledCases } from './cases.js';
export { createReconciliationActivities, type ReconciliationActivities } from './activities.js';
export { ensureReconcilerSchedule, reconcilerScheduleId, DEFAULT_RECONCILER_INPUT, type ReconcilerInput } from './schedule.js';
export { reconciliationHandlers } from './routes.js';
