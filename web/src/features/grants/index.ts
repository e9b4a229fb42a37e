/** Grants (授权) in the console: the lists, a grant's page, the monthly usage report. */
export { GrantPage } from './GrantPage';
export { GrantsPage } from './GrantsPage';
export { UsageReportPage } from './UsageReportPage';
export { UseFlagsPage } from './UseFlagsPage';
