/** The frame every page sits in: the header (department, user, roles, inbox) and the menu. */
import { AuditOutlined, CalendarOutlined, DatabaseOutlined, FileTextOutlined, LogoutOutlined } from '@ant-design/icons';
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

const MENU = [
  { key: '/catalogue', icon: <DatabaseOutlined />, label: '数据资源目录' },
  { key: '/requests', icon: <FileTextOutlined />, label: '共享申请' },
  { key: '/calendar', icon: <CalendarOutlined />, label: '工作日历' },
];

export function Shell() {
  const { me, signOut } = useSession();
  const navigate = useNavigate();
  const location = useLocation();
  const selected = MENU.find((m) => location.pathname.startsWith(m.key))?.key ?? '/catalogue';
  // On a tablet the menu runs along the top, and the header wraps instead of overlapping.
  const wide = Grid.useBreakpoint().lg ?? true;
  const menu = (
    <nav aria-label="主菜单">
      <Menu
        mode={wide ? 'inline' : 'horizontal'}
        selectedKeys={[selected]}
        items={MENU}
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
        <Layout.Content style={{ padding: 16, minWidth: 0 }}>
          <main>
            <Outlet />
          </main>
        </Layout.Content>
      </Layout>
    </Layout>
  );
}
