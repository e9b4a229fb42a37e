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
      { path: 'catalogue/:datasetId', lazy: async () => ({ Component: (await import('../features/catalogue')).DatasetPage }) },
      { path: 'requests', lazy: async () => ({ Component: (await import('../features/requests')).RequestsPage }) },
      { path: 'requests/new', lazy: async () => ({ Component: (await import('../features/requests')).NewRequestPage }) },
      { path: 'requests/:requestId', lazy: async () => ({ Component: (await import('../features/requests')).RequestPage }) },
      { path: 'calendar', lazy: async () => ({ Component: (await import('../features/calendar')).CalendarPage }) },
      { path: '*', lazy: async () => ({ Component: (await import('../components/NotFound')).NotFound }) },
    ],
  },
]);
