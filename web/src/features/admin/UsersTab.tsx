/**
 * Users: filtered by department, role and activity (in the URL), paged by the API's cursor. The
 * center administrator creates and changes any user; a department administrator those of their
 * own department, with the roles a department grants (the center's, the supervisor's and the
 * auditor's roles are the center administrator's to grant — the API says so if tried).
 */
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Button, Checkbox, Form, Input, Modal, Select, Space, Table, Tag } from 'antd';
import { useState } from 'react';
import { CheckGroup } from '../../components/CheckGroup';
import { EmptyText } from '../../components/EmptyText';
import { CursorPager } from '../../components/CursorPager';
import { ErrorAlert } from '../../components/ErrorAlert';
import { StatusTag } from '../../components/StatusTag';
import { api, unwrap, type Schemas } from '../../lib/api';
import { inputLimits, rulesFor } from '../../lib/contract';
import { useDepartmentNames, useDepartments } from '../../lib/directory';
import { ROLE_LABELS } from '../../lib/labels';
import { useSession } from '../../lib/session';
import { useUrlFilters } from '../../lib/url';

type User = Schemas['User'];
type Role = Schemas['Role'];
const DEPARTMENT_ROLES: Role[] = ['requester', 'reviewer', 'dept_admin'];

export function UsersTab() {
  const { me, has } = useSession();
  const [params, update] = useUrlFilters();
  const departmentName = useDepartmentNames();
  const [editing, setEditing] = useState<User | 'new' | null>(null);
  const departments = useDepartments();
  const departmentId = params.get('departmentId') ?? undefined;
  const role = (params.get('role') as Role | null) ?? undefined;
  const active = params.get('active') ?? undefined;
  const cursor = params.get('cursor') ?? undefined;
  const query = {
    ...(departmentId ? { departmentId } : {}),
    ...(role ? { role } : {}),
    ...(active ? { active: active === 'true' } : {}),
    ...(cursor ? { cursor } : {}),
    limit: 20,
  };
  const list = useQuery({
    placeholderData: keepPreviousData,
    queryKey: ['users', query],
    queryFn: () => unwrap(api.GET('/api/v1/users', { params: { query } })),
  });
  const centerAdmin = has('center_admin');
  const canManage = (u: User) => centerAdmin || (has('dept_admin') && u.departmentId === me?.department.id);
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Space wrap style={{ justifyContent: 'space-between', width: '100%' }}>
        <Space wrap>
          <Select
            aria-label="所属部门"
            allowClear
            showSearch
            optionFilterProp="label"
            placeholder="全部部门"
            style={{ width: 220 }}
            value={departmentId}
            onChange={(value?: string) => update({ departmentId: value })}
            options={(departments.data?.items ?? []).map((d) => ({ value: d.id, label: d.name }))}
          />
          <Select
            aria-label="角色"
            allowClear
            placeholder="全部角色"
            style={{ width: 160 }}
            value={role}
            onChange={(value?: string) => update({ role: value })}
            options={Object.entries(ROLE_LABELS).map(([value, label]) => ({ value, label }))}
          />
          <Select
            aria-label="状态"
            allowClear
            placeholder="全部状态"
            style={{ width: 120 }}
            value={active}
            onChange={(value?: string) => update({ active: value })}
            options={[
              { value: 'true', label: '在用' },
              { value: 'false', label: '已停用' },
            ]}
          />
        </Space>
        {(centerAdmin || has('dept_admin')) && (
          <Button type="primary" onClick={() => setEditing('new')}>
            新建用户
          </Button>
        )}
      </Space>
      <ErrorAlert error={list.error} />
      <Table<User>
        rowKey="id"
        loading={list.isLoading}
        dataSource={list.data?.items ?? []}
        pagination={false}
        scroll={{ x: 820 }}
        locale={{ emptyText: <EmptyText>没有符合条件的用户</EmptyText> }}
        columns={[
          { title: '用户名', dataIndex: 'username', width: 160 },
          { title: '姓名', dataIndex: 'displayName' },
          { title: '所属部门', dataIndex: 'departmentId', render: (id: string) => departmentName(id) },
          {
            title: '角色',
            dataIndex: 'roles',
            render: (roles: Role[]) => roles.map((r) => <Tag key={r}>{ROLE_LABELS[r]}</Tag>),
          },
          {
            title: '状态',
            dataIndex: 'active',
            width: 90,
            render: (a: boolean) => (a ? <StatusTag tone="green">在用</StatusTag> : <StatusTag>已停用</StatusTag>),
          },
          {
            title: '操作',
            key: 'actions',
            width: 90,
            render: (_, u) =>
              canManage(u) ? (
                <Button size="small" autoInsertSpace={false} aria-label={`修改 ${u.displayName}`} onClick={() => setEditing(u)}>
                  修改
                </Button>
              ) : null,
          },
        ]}
      />
      <CursorPager cursor={cursor} nextCursor={list.data?.nextCursor} onChange={(next) => update({ cursor: next })} />
      {editing === 'new' && <CreateUserDialog onClose={() => setEditing(null)} />}
      {editing && editing !== 'new' && <EditUserDialog user={editing} onClose={() => setEditing(null)} />}
    </Space>
  );
}

/** The roles a granter is offered: all for the center administrator, the department's own for a department administrator. */
function roleOptions(centerAdmin: boolean, current: Role[] = []) {
  return (Object.entries(ROLE_LABELS) as [Role, string][])
    .filter(([value]) => centerAdmin || DEPARTMENT_ROLES.includes(value) || current.includes(value))
    .map(([value, label]) => ({ value, label }));
}

interface CreateValues {
  username: string;
  displayName: string;
  departmentId: string;
  roles: Role[];
}

function CreateUserDialog({ onClose }: { onClose: () => void }) {
  const { me, has } = useSession();
  const centerAdmin = has('center_admin');
  const [form] = Form.useForm<CreateValues>();
  const queryClient = useQueryClient();
  const departments = useDepartments();
  const create = useMutation({
    mutationFn: (v: CreateValues) => unwrap(api.POST('/api/v1/users', { body: { ...v, displayName: v.displayName.trim() } })),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ['users'] });
      onClose();
    },
  });
  return (
    <Modal
      open
      title="新建用户"
      okText="保存"
      cancelText="取消"
      confirmLoading={create.isPending}
      onOk={() => form.submit()}
      onCancel={onClose}
    >
      <Form<CreateValues>
        form={form}
        layout="vertical"
        initialValues={{ departmentId: centerAdmin ? undefined : me?.department.id, roles: [] }}
        onFinish={(v) => create.mutate(v)}
      >
        <Form.Item
          name="username"
          label="用户名"
          extra="小写字母、数字及 . _ -，2 至 64 位"
          rules={rulesFor('createUser', 'username', '用户名', { format: ' 2 至 64 位小写字母、数字或 . _ -' })}
        >
          {/* The contract's pattern allows 64 characters. */}
          <Input maxLength={64} autoComplete="off" />
        </Form.Item>
        <Form.Item name="displayName" label="姓名" rules={rulesFor('createUser', 'displayName', '姓名')}>
          <Input {...inputLimits('createUser', 'displayName')} />
        </Form.Item>
        <Form.Item name="departmentId" label="所属部门" rules={rulesFor('createUser', 'departmentId', '所属部门')}>
          <Select
            showSearch
            optionFilterProp="label"
            disabled={!centerAdmin}
            options={(departments.data?.items ?? []).map((d) => ({ value: d.id, label: d.name }))}
          />
        </Form.Item>
        <Form.Item name="roles" label="角色" rules={rulesFor('createUser', 'roles', '角色')}>
          <CheckGroup label="角色" options={roleOptions(centerAdmin)} />
        </Form.Item>
        <ErrorAlert error={create.error} />
      </Form>
    </Modal>
  );
}

interface EditValues {
  displayName: string;
  roles: Role[];
  active: boolean;
  reason?: string;
}

function EditUserDialog({ user, onClose }: { user: User; onClose: () => void }) {
  const { has } = useSession();
  const [form] = Form.useForm<EditValues>();
  const queryClient = useQueryClient();
  const [unchanged, setUnchanged] = useState(false);
  const save = useMutation({
    mutationFn: (body: Partial<EditValues>) => unwrap(api.PATCH('/api/v1/users/{userId}', { params: { path: { userId: user.id } }, body })),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ['users'] });
      onClose();
    },
  });
  const submit = (v: EditValues) => {
    const sameRoles = v.roles.length === user.roles.length && v.roles.every((r) => user.roles.includes(r));
    const body = {
      ...(v.displayName.trim() !== user.displayName ? { displayName: v.displayName.trim() } : {}),
      ...(sameRoles ? {} : { roles: v.roles }),
      ...(v.active !== user.active ? { active: v.active } : {}),
    };
    setUnchanged(Object.keys(body).length === 0);
    if (Object.keys(body).length === 0) return;
    save.mutate({ ...body, ...(v.reason?.trim() ? { reason: v.reason.trim() } : {}) });
  };
  return (
    <Modal
      open
      title={`修改用户：${user.displayName}（${user.username}）`}
      okText="保存"
      cancelText="取消"
      confirmLoading={save.isPending}
      onOk={() => form.submit()}
      onCancel={onClose}
    >
      <Form<EditValues> form={form} layout="vertical" initialValues={{ ...user, reason: '' }} onFinish={submit}>
        <Form.Item
          name="displayName"
          label="姓名"
          // The change may leave the name out, but a changed name is sent, and never empty.
          rules={rulesFor('updateUser', 'displayName', '姓名', { required: true })}
        >
          <Input {...inputLimits('updateUser', 'displayName')} />
        </Form.Item>
        <Form.Item
          name="roles"
          label="角色"
          rules={[
            // Changed roles are sent, and never none (minItems 1); an empty list is not checked unless required.
            { required: true, message: '请选择角色' },
            ...rulesFor('updateUser', 'roles', '角色'),
          ]}
        >
          <CheckGroup label="角色" options={roleOptions(has('center_admin'), user.roles)} />
        </Form.Item>
        <Form.Item name="active" valuePropName="checked">
          <Checkbox>在用（取消勾选即停用该用户）</Checkbox>
        </Form.Item>
        <Form.Item name="reason" label="变更原因" rules={rulesFor('updateUser', 'reason', '变更原因')}>
          <Input.TextArea rows={2} {...inputLimits('updateUser', 'reason')} showCount />
        </Form.Item>
        {unchanged && <ErrorAlert error={new Error('没有修改任何内容')} />}
        <ErrorAlert error={save.error} />
      </Form>
    </Modal>
  );
}
