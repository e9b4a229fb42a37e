/** The public face of the SLA dashboard (看板) and the monthly evaluation (考核评估). Other capabilities import this, never the files behind it. */
export { dashboardHandlers } from './routes.js';
export { createDashboardActivities, ensureDashboardRollups } from './rollups.js';
