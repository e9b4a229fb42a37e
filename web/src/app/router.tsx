/** The console's pages. Each feature's pages load lazily, so the sign-in page stays small. */
import { createBrowserRouter, Navigate } from 'react-router';
import { RequireSession, Shell } from './Shell';

export const router = createBrowserRouter([
  { path: '/sign-in', lazy: async () => ({ Component: (await import('../features/auth')).SignInPage }) },
  {
    path: '/',
    element: (
      <RequireSession>
        <Shell />
      </RequireSession>
    ),
    children: [
      { index: true, element: <Navigate to="/catalogue" replace /> },
      { path: 'catalogue', lazy: async () => ({ Component: (await import('../features/catalogue')).DatasetsPage }) },
      { path: 'catalogue/new', lazy: async () => ({ Component: (await import('../features/catalogue')).DatasetEditPage }) },
      { path: 'catalogue/import', lazy: async () => ({ Component: (await import('../features/catalogue')).ImportPage }) },
      { path: 'catalogue/:datasetId', lazy: async () => ({ Component: (await import('../features/catalogue')).DatasetPage }) },
      { path: 'catalogue/:datasetId/edit', lazy: async () => ({ Component: (await import('../features/catalogue')).DatasetEditPage }) },
      { path: 'aggregation', lazy: async () => ({ Component: (await import('../features/catalogue')).AggregationPage }) },
      { path: 'scenarios', lazy: async () => ({ Component: (await import('../features/scenarios')).ScenariosPage }) },
      { path: 'scenarios/:scenarioId', lazy: async () => ({ Component: (await import('../features/scenarios')).ScenarioPage }) },
      { path: 'requests', lazy: async () => ({ Component: (await import('../features/requests')).RequestsPage }) },
      { path: 'requests/new', lazy: async () => ({ Component: (await import('../features/requests')).NewRequestPage }) },
      { path: 'requests/:requestId', lazy: async () => ({ Component: (await import('../features/requests')).RequestPage }) },
      { path: 'grants', lazy: async () => ({ Component: (await import('../features/grants')).GrantsPage }) },
      { path: 'grants/usage-report', lazy: async () => ({ Component: (await import('../features/grants')).UsageReportPage }) },
      { path: 'grants/use-flags', lazy: async () => ({ Component: (await import('../features/grants')).UseFlagsPage }) },
      { path: 'objections', lazy: async () => ({ Component: (await import('../features/objections')).ObjectionsPage }) },
      { path: 'objections/report', lazy: async () => ({ Component: (await import('../features/objections')).ObjectionReportPage }) },
      { path: 'objections/:objectionId', lazy: async () => ({ Component: (await import('../features/objections')).ObjectionPage }) },
      { path: 'grants/:grantId', lazy: async () => ({ Component: (await import('../features/grants')).GrantPage }) },
      { path: 'legal-bases', lazy: async () => ({ Component: (await import('../features/legal-basis')).LegalBasesPage }) },
      { path: 'legal-bases/:legalBasisId', lazy: async () => ({ Component: (await import('../features/legal-basis')).LegalBasisPage }) },
      { path: 'dashboard', lazy: async () => ({ Component: (await import('../features/dashboard')).DashboardPage }) },
      { path: 'dashboard/evaluation', lazy: async () => ({ Component: (await import('../features/dashboard')).EvaluationPage }) },
      {
        path: 'dashboard/departments/:departmentId',
        lazy: async () => ({ Component: (await import('../features/dashboard')).DepartmentItemsPage }),
      },
      { path: 'calendar', lazy: async () => ({ Component: (await import('../features/calendar')).CalendarPage }) },
      { path: 'admin/policies', lazy: async () => ({ Component: (await import('../features/admin')).PolicyProfilesPage }) },
      { path: 'admin/directory', lazy: async () => ({ Component: (await import('../features/admin')).DirectoryPage }) },
      { path: 'admin/webhooks', lazy: async () => ({ Component: (await import('../features/admin')).WebhooksPage }) },
      { path: 'admin/audit', lazy: async () => ({ Component: (await import('../features/admin')).AuditPage }) },
      { path: 'admin/reconciliation', lazy: async () => ({ Component: (await import('../features/admin')).ReconciliationPage }) },
      { path: '*', lazy: async () => ({ Component: (await import('../components/NotFound')).NotFound }) },
    ],
  },
]);
