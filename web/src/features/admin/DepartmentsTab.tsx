/**
 * The department directory: every department by code, filtered by level; the center
 * administrator adds a department and renames one or changes its flags (the big-data center,
 * the competent authority — one of each).
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Button, Checkbox, Form, Input, Modal, Select, Space, Table } from 'antd';
import { useState } from 'react';
import { EmptyText } from '../../components/EmptyText';
import { ErrorAlert } from '../../components/ErrorAlert';
import { StatusTag } from '../../components/StatusTag';
import { LEVEL_LABELS } from '../../lib/labels';
import { useDepartments } from '../../lib/directory';
import { api, unwrap, type Schemas } from '../../lib/api';
import { inputLimits, rulesFor } from '../../lib/contract';
import { useSession } from '../../lib/session';
import { useUrlFilters } from '../../lib/url';

type Department = Schemas['Department'];

export function DepartmentsTab() {
  const { has } = useSession();
  const [params, update] = useUrlFilters();
  const level = (params.get('level') as Schemas['DepartmentLevel'] | null) ?? undefined;
  const [editing, setEditing] = useState<Department | 'new' | null>(null);
  const all = useDepartments();
  const list = useQuery({
    queryKey: ['departments', { level }],
    queryFn: () => unwrap(api.GET('/api/v1/departments', { params: { query: level ? { level } : {} } })),
  });
  const byId = new Map((all.data?.items ?? []).map((d) => [d.id, d]));
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Space wrap style={{ justifyContent: 'space-between', width: '100%' }}>
        <Select
          aria-label="层级"
          allowClear
          placeholder="全部层级"
          style={{ width: 140 }}
          value={level}
          onChange={(value?: string) => update({ level: value })}
          options={Object.entries(LEVEL_LABELS).map(([value, label]) => ({ value, label }))}
        />
        {has('center_admin') && (
          <Button type="primary" onClick={() => setEditing('new')}>
            新建部门
          </Button>
        )}
      </Space>
      <ErrorAlert error={list.error} />
      <Table<Department>
        rowKey="id"
        loading={list.isLoading}
        dataSource={list.data?.items ?? []}
        pagination={{ pageSize: 20, hideOnSinglePage: true, showSizeChanger: false }}
        scroll={{ x: 820 }}
        locale={{ emptyText: <EmptyText>没有部门</EmptyText> }}
        columns={[
          { title: '编码', dataIndex: 'code', width: 130 },
          { title: '名称', dataIndex: 'name' },
          { title: '英文名称', dataIndex: 'nameEn', render: (n: string | null) => n ?? '—' },
          { title: '层级', dataIndex: 'level', width: 80, render: (l: Department['level']) => LEVEL_LABELS[l] },
          { title: '上级部门', dataIndex: 'parentId', render: (id: string | null) => (id ? (byId.get(id)?.name ?? '—') : '—') },
          {
            title: '身份',
            key: 'flags',
            render: (_, d) => (
              <Space size={4} wrap>
                {d.isDataCenter && <StatusTag tone="blue">市大数据中心</StatusTag>}
                {d.isCompetentAuthority && <StatusTag tone="blue">公共数据主管部门</StatusTag>}
              </Space>
            ),
          },
          ...(has('center_admin')
            ? [
                {
                  title: '操作',
                  key: 'actions',
                  width: 90,
                  render: (_: unknown, d: Department) => (
                    <Button size="small" autoInsertSpace={false} aria-label={`修改 ${d.name}`} onClick={() => setEditing(d)}>
                      修改
                    </Button>
                  ),
                },
              ]
            : []),
        ]}
      />
      {editing && (
        <DepartmentDialog
          department={editing === 'new' ? null : editing}
          departments={all.data?.items ?? []}
          onClose={() => setEditing(null)}
        />
      )}
    </Space>
  );
}

interface DepartmentValues {
  code: string;
  name: string;
  nameEn?: string;
  level: Schemas['DepartmentLevel'];
  parentCode?: string;
  isDataCenter: boolean;
  isCompetentAuthority: boolean;
}

function DepartmentDialog(props: { department: Department | null; departments: Department[]; onClose: () => void }) {
  const { department } = props;
  const [form] = Form.useForm<DepartmentValues>();
  const queryClient = useQueryClient();
  const level = Form.useWatch('level', form);
  const operation = department ? 'updateDepartment' : 'createDepartment';
  const save = useMutation({
    mutationFn: (v: DepartmentValues) => {
      const nameEn = v.nameEn?.trim() ? v.nameEn.trim() : null;
      const flags = { isDataCenter: v.isDataCenter, isCompetentAuthority: v.isCompetentAuthority };
      return department
        ? unwrap(
            api.PATCH('/api/v1/departments/{departmentId}', {
              params: { path: { departmentId: department.id } },
              body: { name: v.name.trim(), nameEn, ...flags },
            }),
          )
        : unwrap(
            api.POST('/api/v1/departments', {
              body: { code: v.code, name: v.name.trim(), nameEn, level: v.level, parentCode: v.parentCode ?? null, ...flags },
            }),
          );
    },
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ['departments'] });
      props.onClose();
    },
  });
  const parents = props.departments.filter((d) =>
    level === 'street' ? d.level === 'district' : level === 'district' ? d.level !== 'street' : false,
  );
  return (
    <Modal
      open
      title={department ? `修改部门：${department.name}` : '新建部门'}
      okText="保存"
      cancelText="取消"
      confirmLoading={save.isPending}
      onOk={() => form.submit()}
      onCancel={props.onClose}
      width={600}
    >
      <Form<DepartmentValues>
        form={form}
        layout="vertical"
        initialValues={
          department
            ? { ...department, nameEn: department.nameEn ?? undefined }
            : { level: 'city', isDataCenter: false, isCompetentAuthority: false }
        }
        onFinish={(v) => save.mutate(v)}
      >
        <Form.Item
          name="code"
          label="部门编码"
          extra={department ? '编码创建后不可修改' : '大写字母、数字和连字符，2 至 40 位，如 SH-PSB'}
          rules={department ? [] : rulesFor('createDepartment', 'code', '部门编码', { format: ' 2 至 40 位大写字母、数字或连字符' })}
        >
          {/* The contract's pattern allows 40 characters. */}
          <Input maxLength={40} disabled={Boolean(department)} />
        </Form.Item>
        <Form.Item
          name="name"
          label="部门名称"
          // A rename may leave the name out, but this form always sends it, and never empty.
          rules={rulesFor(operation, 'name', '部门名称', { required: true })}
        >
          <Input {...inputLimits(operation, 'name')} />
        </Form.Item>
        <Form.Item name="nameEn" label="英文名称" rules={rulesFor(operation, 'nameEn', '英文名称')}>
          <Input {...inputLimits(operation, 'nameEn')} />
        </Form.Item>
        <Form.Item name="level" label="层级" rules={department ? [] : rulesFor('createDepartment', 'level', '层级')}>
          <Select disabled={Boolean(department)} options={Object.entries(LEVEL_LABELS).map(([value, label]) => ({ value, label }))} />
        </Form.Item>
        {!department && level !== 'city' && (
          <Form.Item
            name="parentCode"
            label="上级部门"
            rules={level === 'street' ? [{ required: true, message: '街镇须隶属于区级部门' }] : []}
          >
            <Select
              allowClear
              showSearch
              optionFilterProp="label"
              options={parents.map((d) => ({ value: d.code, label: `${d.name}（${d.code}）` }))}
            />
          </Form.Item>
        )}
        <Form.Item name="isDataCenter" valuePropName="checked">
          <Checkbox>市大数据中心</Checkbox>
        </Form.Item>
        <Form.Item name="isCompetentAuthority" valuePropName="checked">
          <Checkbox>公共数据主管部门</Checkbox>
        </Form.Item>
        <ErrorAlert error={save.error} />
      </Form>
    </Modal>
  );
}
