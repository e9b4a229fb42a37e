/** The console's providers: Ant Design in Simplified Chinese, server state, the session, the pages. */
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { App as AntApp, ConfigProvider } from 'antd';
import zhCN from 'antd/locale/zh_CN';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import { RouterProvider } from 'react-router';
import { ApiError } from '../lib/api';
import { SessionProvider } from '../lib/session';
import { router } from './router';

dayjs.locale('zh-cn');

// Users who ask their system for less motion get none: dialogs and messages appear without zooming or fading.
const reducedMotion = globalThis.matchMedia?.('(prefers-reduced-motion: reduce)').matches ?? false;

const queryClient = new QueryClient({
  defaultOptions: {
    // A 4xx will not change on retry; a network hiccup may.
    queries: {
      retry: (count, error) => !(error instanceof ApiError && error.status >= 400 && error.status < 500) && count < 2,
      staleTime: 10_000,
    },
  },
});

export function App() {
  return (
    <ConfigProvider
      locale={zhCN}
      theme={{
        // Darker than Ant Design's defaults where its greys and links miss WCAG AA contrast (4.5:1).
        token: {
          colorPrimary: '#1554ad',
          colorLink: '#1554ad',
          colorError: '#cf1322',
          borderRadius: 4,
          motion: !reducedMotion,
          colorTextSecondary: 'rgba(0, 0, 0, 0.68)',
          colorTextTertiary: 'rgba(0, 0, 0, 0.62)',
          colorTextPlaceholder: 'rgba(0, 0, 0, 0.6)',
          colorTextDescription: 'rgba(0, 0, 0, 0.62)',
        },
      }}
    >
      <AntApp>
        <QueryClientProvider client={queryClient}>
          <SessionProvider>
            <RouterProvider router={router} />
          </SessionProvider>
        </QueryClientProvider>
      </AntApp>
    </ConfigProvider>
  );
}
