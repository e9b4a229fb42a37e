/** The frame every page sits in: the header (department, user, roles, inbox) and the menu. */
import {
  ApiOutlined,
  AppstoreOutlined,
  AuditOutlined,
  BarChartOutlined,
  BookOutlined,
  CalendarOutlined,
  CloudSyncOutlined,
  DatabaseOutlined,
  FileTextOutlined,
  ExceptionOutlined,
  KeyOutlined,
  LogoutOutlined,
  SafetyCertificateOutlined,
  SettingOutlined,
  SyncOutlined,
  TeamOutlined,
} from '@ant-design/icons';
import { Button, Grid, Layout, Menu, Space, Spin, Tag, Typography } from 'antd';
import type { ReactNode } from 'react';
import { Navigate, Outlet, useLocation, useNavigate } from 'react-router';
import { InboxButton } from '../features/notifications';
import { ROLE_LABELS } from '../lib/labels';
import { useSession } from '../lib/session';

export function RequireSession({ children }: { children: ReactNode }) {
  const session = useSession();
  const location = useLocation();
  if (session.loading) return <Spin fullscreen tip="加载中" />;
  if (!session.me) return <Navigate to="/sign-in" replace state={{ from: location.pathname + location.search }} />;
  return <>{children}</>;
}

type Me = NonNullable<ReturnType<typeof useSession>['me']>;
const anyOf =
  (...roles: Me['user']['roles']) =>
  (me: Me) =>
    me.user.roles.some((role) => roles.includes(role));
const everyone = () => true;

/** The menu, each entry shown to whom its page has something for (the API decides what they may do there). */
const MENU: { key: string; icon: ReactNode; label: string; shownTo: (me: Me) => boolean }[] = [
  { key: '/catalogue', icon: <DatabaseOutlined />, label: '数据资源目录', shownTo: everyone },
  { key: '/requests', icon: <FileTextOutlined />, label: '共享申请', shownTo: everyone },
  { key: '/grants', icon: <KeyOutlined />, label: '数据授权', shownTo: everyone },
  { key: '/objections', icon: <ExceptionOutlined />, label: '异议核实', shownTo: everyone },
  { key: '/scenarios', icon: <AppstoreOutlined />, label: '应用场景', shownTo: everyone },
  // The center, the competent authority and auditors read the city; a department its own figures.
  { key: '/dashboard', icon: <BarChartOutlined />, label: 'SLA 看板', shownTo: everyone },
  {
    key: '/aggregation',
    icon: <CloudSyncOutlined />,
    label: '归集状态',
    shownTo: anyOf('center_operator', 'center_admin', 'supervisor', 'auditor'),
  },
  { key: '/legal-bases', icon: <BookOutlined />, label: '法律依据库', shownTo: everyone },
  { key: '/calendar', icon: <CalendarOutlined />, label: '工作日历', shownTo: everyone },
  {
    key: '/admin/policies',
    icon: <SettingOutlined />,
    label: '政策配置',
    shownTo: anyOf('center_operator', 'center_admin', 'supervisor', 'auditor'),
  },
  {
    key: '/admin/directory',
    icon: <TeamOutlined />,
    label: '部门与用户',
    shownTo: anyOf('dept_admin', 'center_operator', 'center_admin', 'supervisor', 'auditor'),
  },
  {
    key: '/admin/webhooks',
    icon: <ApiOutlined />,
    label: 'Webhook 订阅',
    shownTo: anyOf('dept_admin', 'center_operator', 'center_admin', 'auditor'),
  },
  { key: '/admin/audit', icon: <SafetyCertificateOutlined />, label: '审计日志', shownTo: anyOf('dept_admin', 'center_admin', 'auditor') },
  { key: '/admin/reconciliation', icon: <SyncOutlined />, label: '流程对账', shownTo: anyOf('center_operator', 'center_admin', 'auditor') },
];

export function Shell() {
  const { me, signOut } = useSession();
  const navigate = useNavigate();
  const location = useLocation();
  const items = me ? MENU.filter((m) => m.shownTo(me)).map(({ key, icon, label }) => ({ key, icon, label })) : [];
  const selected = items.find((m) => location.pathname.startsWith(m.key))?.key ?? '/catalogue';
  // On a tablet the menu runs along the top, and the header wraps instead of overlapping.
  const wide = Grid.useBreakpoint().lg ?? true;
  const menu = (
    <nav aria-label="主菜单">
      <Menu
        mode={wide ? 'inline' : 'horizontal'}
        selectedKeys={[selected]}
        items={items}
        onClick={({ key }) => void navigate(key)}
        style={wide ? { height: '100%' } : undefined}
      />
    </nav>
  );
  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Header
        style={{
          display: 'flex',
          alignItems: 'center',
          flexWrap: 'wrap',
          gap: 8,
          paddingInline: 16,
          paddingBlock: 8,
          height: 'auto',
          lineHeight: 1.6,
        }}
      >
        <Typography.Title level={1} style={{ color: '#fff', fontSize: 18, margin: 0, whiteSpace: 'nowrap' }}>
          <AuditOutlined /> 公共数据共享管理平台
        </Typography.Title>
        <div style={{ flex: 1 }} />
        {me && (
          <Space wrap size="small" style={{ color: '#fff' }}>
            <span>{me.department.name}</span>
            <span>{me.user.displayName}</span>
            {me.user.roles.map((role) => (
              <Tag key={role} color="blue">
                {ROLE_LABELS[role]}
              </Tag>
            ))}
            <InboxButton />
            <Button
              icon={<LogoutOutlined />}
              onClick={() => {
                signOut();
                void navigate('/sign-in');
              }}
            >
              退出
            </Button>
          </Space>
        )}
      </Layout.Header>
      {!wide && menu}
      <Layout>
        {wide && (
          <Layout.Sider theme="light" width={200}>
            {menu}
          </Layout.Sider>
        )}
        {/* Ant Design's Content is the page's one <main> landmark. */}
        <Layout.Content style={{ padding: 16, minWidth: 0 }}>
          <Outlet />
        </Layout.Content>
      </Layout>
    </Layout>
  );
}
