/** The dashboard feature's public face: the SLA dashboard, its drill-down and the monthly evaluation. */
export { DashboardPage } from './DashboardPage';
export { DepartmentItemsPage } from './DepartmentItemsPage';
export { EvaluationPage } from './EvaluationPage';
