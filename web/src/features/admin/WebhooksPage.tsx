/**
 * Webhook 订阅: a department administrator registers URLs that receive every message of their
 * department's inbox, signed (the secret shown once, at registration), and stops them; the
 * delivery log shows each delivery's status, attempts and last error (filters in the URL, paged).
 */
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Form, Input, Modal, Popconfirm, Select, Space, Table, Typography } from 'antd';
import { useState } from 'react';
import { EmptyText } from '../../components/EmptyText';
import { CursorPager } from '../../components/CursorPager';
import { ErrorAlert } from '../../components/ErrorAlert';
import { StatusTag } from '../../components/StatusTag';
import { api, unwrap, type Schemas } from '../../lib/api';
import { inputLimits, rulesFor } from '../../lib/contract';
import { useDepartmentNames } from '../../lib/directory';
import { useSession } from '../../lib/session';
import { shanghaiTime } from '../../lib/time';
import { useUrlFilters } from '../../lib/url';

type Webhook = Schemas['Webhook'];
type Delivery = Schemas['WebhookDelivery'];

const STATUS: Record<Delivery['status'], { label: string; tone: 'green' | 'red' | 'orange' }> = {
  pending: { label: '投递中', tone: 'orange' },
  delivered: { label: '已送达', tone: 'green' },
  failed: { label: '失败', tone: 'red' },
};

export function WebhooksPage() {
  const { me, has } = useSession();
  const departmentName = useDepartmentNames();
  const queryClient = useQueryClient();
  const [creating, setCreating] = useState(false);
  const webhooks = useQuery({ queryKey: ['webhooks'], queryFn: () => unwrap(api.GET('/api/v1/webhooks')) });
  const deactivate = useMutation({
    mutationFn: (webhookId: string) => unwrap(api.DELETE('/api/v1/webhooks/{webhookId}', { params: { path: { webhookId } } })),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['webhooks'] }),
  });
  const ownAdmin = (w: Webhook) => has('dept_admin') && w.departmentId === me?.department.id;
  const urls = new Map((webhooks.data?.items ?? []).map((w) => [w.id, w.url]));
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Space style={{ justifyContent: 'space-between', width: '100%' }} wrap>
        <Typography.Title level={2} style={{ fontSize: 20, margin: 0 }}>
          Webhook 订阅
        </Typography.Title>
        {has('dept_admin') && (
          <Button type="primary" onClick={() => setCreating(true)}>
            新建订阅
          </Button>
        )}
      </Space>
      <Typography.Paragraph style={{ margin: 0 }}>
        订阅地址接收本部门消息中心的每一条消息（POST JSON），请求头带签名：x-gongxiang-signature 为 v1=
        加上以签名密钥对“时间戳.投递编号.正文”计算的 HMAC-SHA256。非 2xx 应答按指数退避重试，共 8 次，之后记为失败。
      </Typography.Paragraph>
      <ErrorAlert error={webhooks.error ?? deactivate.error} />
      <Card size="small" title="订阅地址">
        <Table<Webhook>
          rowKey="id"
          size="small"
          loading={webhooks.isLoading}
          dataSource={webhooks.data?.items ?? []}
          pagination={{ pageSize: 20, hideOnSinglePage: true, showSizeChanger: false }}
          scroll={{ x: 760 }}
          locale={{ emptyText: <EmptyText>暂无订阅</EmptyText> }}
          columns={[
            { title: '地址', dataIndex: 'url', render: (url: string) => <Typography.Text code>{url}</Typography.Text> },
            { title: '部门', dataIndex: 'departmentId', render: (id: string) => departmentName(id) },
            {
              title: '状态',
              dataIndex: 'active',
              width: 90,
              render: (a: boolean) => (a ? <StatusTag tone="green">启用</StatusTag> : <StatusTag>已停用</StatusTag>),
            },
            { title: '创建时间', dataIndex: 'createdAt', width: 150, render: (at: string) => shanghaiTime(at) },
            {
              title: '操作',
              key: 'actions',
              width: 90,
              render: (_, w) =>
                w.active && ownAdmin(w) ? (
                  <Popconfirm
                    title="停用后不再向该地址投递，确定停用？"
                    okText="停用"
                    cancelText="取消"
                    onConfirm={() => deactivate.mutate(w.id)}
                  >
                    <Button
                      size="small"
                      autoInsertSpace={false}
                      aria-label={`停用 ${w.url}`}
                      loading={deactivate.isPending && deactivate.variables === w.id}
                    >
                      停用
                    </Button>
                  </Popconfirm>
                ) : null,
            },
          ]}
        />
      </Card>
      <Deliveries webhooks={webhooks.data?.items ?? []} urlOf={(id) => urls.get(id) ?? id} />
      {creating && <CreateDialog onClose={() => setCreating(false)} />}
    </Space>
  );
}

function Deliveries({ webhooks, urlOf }: { webhooks: Webhook[]; urlOf: (id: string) => string }) {
  const [params, update] = useUrlFilters();
  const webhookId = params.get('webhookId') ?? undefined;
  const status = (params.get('status') as Delivery['status'] | null) ?? undefined;
  const cursor = params.get('cursor') ?? undefined;
  const query = { ...(webhookId ? { webhookId } : {}), ...(status ? { status } : {}), ...(cursor ? { cursor } : {}), limit: 20 };
  const deliveries = useQuery({
    placeholderData: keepPreviousData,
    queryKey: ['webhook-deliveries', query],
    queryFn: () => unwrap(api.GET('/api/v1/webhook-deliveries', { params: { query } })),
    // Deliveries move on by themselves (retries): the log refreshes while it is open.
    refetchInterval: 10_000,
  });
  return (
    <Card size="small" title="投递记录">
      <Space direction="vertical" size="middle" style={{ width: '100%' }}>
        <Space wrap>
          <Select
            aria-label="订阅地址"
            allowClear
            placeholder="全部订阅"
            style={{ width: 320 }}
            value={webhookId}
            onChange={(value?: string) => update({ webhookId: value })}
            options={webhooks.map((w) => ({ value: w.id, label: w.url }))}
          />
          <Select
            aria-label="投递状态"
            allowClear
            placeholder="全部状态"
            style={{ width: 140 }}
            value={status}
            onChange={(value?: string) => update({ status: value })}
            options={Object.entries(STATUS).map(([value, s]) => ({ value, label: s.label }))}
          />
          <Button onClick={() => void deliveries.refetch()}>刷新</Button>
        </Space>
        <ErrorAlert error={deliveries.error} />
        <Table<Delivery>
          rowKey="id"
          size="small"
          loading={deliveries.isLoading}
          dataSource={deliveries.data?.items ?? []}
          pagination={false}
          scroll={{ x: 1000 }}
          locale={{ emptyText: <EmptyText>暂无投递记录</EmptyText> }}
          columns={[
            { title: '生成时间', dataIndex: 'createdAt', width: 150, render: (at: string) => shanghaiTime(at) },
            { title: '订阅地址', dataIndex: 'webhookId', render: (id: string) => urlOf(id) },
            {
              title: '状态',
              dataIndex: 'status',
              width: 90,
              render: (s: Delivery['status']) => <StatusTag tone={STATUS[s].tone}>{STATUS[s].label}</StatusTag>,
            },
            { title: '尝试次数', dataIndex: 'attempts', width: 90 },
            { title: '最近应答', dataIndex: 'lastStatusCode', width: 90, render: (c: number | null) => c ?? '—' },
            { title: '最近错误', dataIndex: 'lastError', render: (e: string | null) => e ?? '—' },
            { title: '最近尝试', dataIndex: 'lastAttemptAt', width: 150, render: (at: string | null) => shanghaiTime(at) },
            { title: '送达时间', dataIndex: 'deliveredAt', width: 150, render: (at: string | null) => shanghaiTime(at) },
          ]}
        />
        <CursorPager cursor={cursor} nextCursor={deliveries.data?.nextCursor} onChange={(next) => update({ cursor: next })} />
      </Space>
    </Card>
  );
}

/** https, or plain http to a loopback address (for testing) — the API's own rule, checked first here. */
function urlProblem(value: string): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return '请填写完整的网址，如 https://example.gov.cn/hooks/gongxiang';
  }
  const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) return '须使用 https（仅本机测试地址可用 http）';
  if (url.username || url.password) return '网址中不能包含用户名或密码，投递以签名认证';
  return null;
}

function CreateDialog({ onClose }: { onClose: () => void }) {
  const [form] = Form.useForm<{ url: string }>();
  const queryClient = useQueryClient();
  const create = useMutation({
    mutationFn: (url: string) => unwrap(api.POST('/api/v1/webhooks', { body: { url } })),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['webhooks'] }),
  });
  const created = create.data;
  return (
    <Modal
      open
      title={created ? '订阅已创建' : '新建订阅'}
      okText={created ? '我已保存密钥' : '创建'}
      cancelText="取消"
      cancelButtonProps={created ? { style: { display: 'none' } } : {}}
      confirmLoading={create.isPending}
      onOk={() => (created ? onClose() : form.submit())}
      onCancel={onClose}
      maskClosable={!created}
    >
      {created ? (
        <Space direction="vertical" style={{ width: '100%' }}>
          <Alert type="warning" showIcon message="签名密钥只显示这一次，请立即妥善保存；遗失后只能停用此订阅并重新创建。" />
          <div>
            地址：<Typography.Text code>{created.webhook.url}</Typography.Text>
          </div>
          <div>
            签名密钥：
            <Typography.Text code copyable={{ tooltips: ['复制', '已复制'] }}>
              {created.secret}
            </Typography.Text>
          </div>
        </Space>
      ) : (
        <Form form={form} layout="vertical" onFinish={(v) => create.mutate(v.url.trim())}>
          <Form.Item
            name="url"
            label="接收地址"
            extra="接收本部门消息中心的全部消息"
            rules={[
              ...rulesFor('createWebhook', 'url', '接收地址'),
              {
                validator: (_, v: string | undefined) =>
                  v && urlProblem(v.trim()) ? Promise.reject(new Error(urlProblem(v.trim())!)) : Promise.resolve(),
              },
            ]}
          >
            <Input {...inputLimits('createWebhook', 'url')} placeholder="https://" />
          </Form.Item>
          <ErrorAlert error={create.error} />
        </Form>
      )}
    </Modal>
  );
}
