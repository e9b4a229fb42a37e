/**
 * Sign-in. In demo mode: pick a seeded user, grouped by department. Otherwise the city's unified
 * identity (SSO) signs users in and hands the console a platform token (README, "Sign-in").
 */
import { useMutation, useQuery } from '@tanstack/react-query';
import { Alert, Button, Card, Col, Row, Space, Spin, Tag, Typography } from 'antd';
import { Navigate, useLocation, useNavigate } from 'react-router';
import { ErrorAlert } from '../../components/ErrorAlert';
import { api, unwrap } from '../../lib/api';
import { ROLE_LABELS } from '../../lib/labels';
import { useSession } from '../../lib/session';

export function SignInPage() {
  const session = useSession();
  const navigate = useNavigate();
  const from = (useLocation().state as { from?: string } | null)?.from ?? '/catalogue';
  const info = useQuery({ queryKey: ['system-info'], queryFn: () => unwrap(api.GET('/api/v1/system/info')) });
  const users = useQuery({
    queryKey: ['demo-users'],
    queryFn: () => unwrap(api.GET('/api/v1/auth/demo-users')),
    enabled: info.data?.demoMode === true,
  });
  const signIn = useMutation({
    mutationFn: (username: string) => unwrap(api.POST('/api/v1/auth/demo-sign-in', { body: { username } })),
    onSuccess: (signed) => {
      session.signIn(signed.token);
      void navigate(from, { replace: true });
    },
  });
  if (session.me) return <Navigate to={from} replace />;
  return (
    <main style={{ maxWidth: 1100, margin: '0 auto', padding: 24 }}>
      <Typography.Title level={1} style={{ fontSize: 24 }}>
        公共数据共享管理平台
      </Typography.Title>
      <Typography.Paragraph type="secondary">“1515”授权机制与异议核实处理 · 市大数据中心</Typography.Paragraph>
      {info.isLoading && <Spin />}
      <ErrorAlert error={info.error ?? users.error ?? signIn.error} />
      {info.data && !info.data.demoMode && (
        <Alert
          type="info"
          showIcon
          message="请通过本市统一身份认证登录"
          description="正式环境由统一身份认证（SSO）签发平台令牌，本页不提供演示账号。"
        />
      )}
      {users.data && (
        <>
          <Typography.Title level={2} style={{ fontSize: 18 }}>
            演示账号登录
          </Typography.Title>
          <Row gutter={[16, 16]}>
            {users.data.departments.map((department) => (
              <Col key={department.id} xs={24} md={12} xl={8}>
                <Card size="small" title={department.name}>
                  <Space direction="vertical" style={{ width: '100%' }}>
                    {users.data.items
                      .filter((u) => u.departmentId === department.id)
                      .map((u) => (
                        <Button
                          key={u.id}
                          block
                          style={{ textAlign: 'left', height: 'auto', whiteSpace: 'normal' }}
                          loading={signIn.isPending && signIn.variables === u.username}
                          onClick={() => signIn.mutate(u.username)}
                        >
                          {u.displayName}{' '}
                          {u.roles.map((r) => (
                            <Tag key={r}>{ROLE_LABELS[r]}</Tag>
                          ))}
                        </Button>
                      ))}
                  </Space>
                </Card>
              </Col>
            ))}
          </Row>
        </>
      )}
    </main>
  );
}
