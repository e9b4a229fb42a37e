/**
 * The legal-basis register (法律依据库): what a written explanation may cite — search by words,
 * filter by kind, prohibition and force, page through; the competent authority's supervisor or
 * the center administrator adds an entry.
 */
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Button, Card, Form, Input, Modal, Select, Space, Table, Typography } from 'antd';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { EmptyText } from '../../components/EmptyText';
import { CursorPager } from '../../components/CursorPager';
import { ErrorAlert } from '../../components/ErrorAlert';
import { StatusTag } from '../../components/StatusTag';
import { api, unwrap, type Schemas } from '../../lib/api';
import { useSession } from '../../lib/session';
import { useUrlFilters } from '../../lib/url';
import { entryContent, KIND_LABELS, LegalBasisFields, type EntryValues } from './LegalBasisForm';

type Entry = Schemas['LegalBasisEntry'];
const YES_NO = [
  { value: 'true', label: '是' },
  { value: 'false', label: '否' },
];

export function LegalBasesPage() {
  const { has } = useSession();
  const [params, update] = useUrlFilters();
  const [creating, setCreating] = useState(false);
  const q = params.get('q') ?? '';
  const kind = (params.get('kind') as Schemas['InstrumentKind'] | null) ?? undefined;
  const prohibitsSharing = params.get('prohibitsSharing') ?? undefined;
  const inForce = params.get('inForce') ?? undefined;
  const cursor = params.get('cursor') ?? undefined;
  const query = {
    ...(q ? { q } : {}),
    ...(kind ? { kind } : {}),
    ...(prohibitsSharing ? { prohibitsSharing: prohibitsSharing === 'true' } : {}),
    ...(inForce ? { inForce: inForce === 'true' } : {}),
    ...(cursor ? { cursor } : {}),
    limit: 20,
  };
  const list = useQuery({
    placeholderData: keepPreviousData,
    queryKey: ['legal-bases', 'list', query],
    queryFn: () => unwrap(api.GET('/api/v1/legal-bases', { params: { query } })),
  });
  const canCurate = has('supervisor') || has('center_admin');
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Space style={{ justifyContent: 'space-between', width: '100%' }} wrap>
        <Typography.Title level={2} style={{ fontSize: 20, margin: 0 }}>
          法律依据库
        </Typography.Title>
        {canCurate && (
          <Button type="primary" onClick={() => setCreating(true)}>
            新增法律依据
          </Button>
        )}
      </Space>
      <Card size="small">
        <Form layout="inline" initialValues={{ q }} onFinish={(v: { q?: string }) => update({ q: v.q?.trim() || undefined })}>
          <Form.Item name="q" label="关键词" rules={[{ max: 100 }]}>
            <Input.Search
              allowClear
              maxLength={100}
              placeholder="名称、文号、条款或条文"
              enterButton="搜索"
              onSearch={(value) => update({ q: value.trim() || undefined })}
              style={{ width: 300 }}
            />
          </Form.Item>
          <Form.Item label="文件类别">
            <Select
              aria-label="文件类别"
              allowClear
              placeholder="全部"
              style={{ width: 140 }}
              value={kind}
              onChange={(value?: string) => update({ kind: value })}
              options={Object.entries(KIND_LABELS).map(([value, label]) => ({ value, label }))}
            />
          </Form.Item>
          <Form.Item label="明确禁止共享">
            <Select
              aria-label="明确禁止共享"
              allowClear
              placeholder="全部"
              style={{ width: 100 }}
              value={prohibitsSharing}
              onChange={(value?: string) => update({ prohibitsSharing: value })}
              options={YES_NO}
            />
          </Form.Item>
          <Form.Item label="现行有效">
            <Select
              aria-label="现行有效"
              allowClear
              placeholder="全部"
              style={{ width: 100 }}
              value={inForce}
              onChange={(value?: string) => update({ inForce: value })}
              options={YES_NO}
            />
          </Form.Item>
        </Form>
      </Card>
      <ErrorAlert error={list.error} />
      <Table<Entry>
        rowKey="id"
        loading={list.isLoading}
        dataSource={list.data?.items ?? []}
        pagination={false}
        scroll={{ x: 860 }}
        locale={{ emptyText: <EmptyText>没有符合条件的法律依据</EmptyText> }}
        columns={[
          {
            title: '文件名称与条款',
            dataIndex: 'title',
            render: (title: string, e) => <Link to={`/legal-bases/${e.id}`}>{`${title}${e.article ?? ''}`}</Link>,
          },
          { title: '类别', dataIndex: 'kind', width: 110, render: (k: Entry['kind']) => KIND_LABELS[k] },
          { title: '文号', dataIndex: 'documentNumber', width: 170, render: (n: string | null) => n ?? '—' },
          {
            title: '禁止共享',
            dataIndex: 'prohibitsSharing',
            width: 110,
            render: (p: boolean) => (p ? <StatusTag tone="red">明确禁止</StatusTag> : <StatusTag>否</StatusTag>),
          },
          {
            title: '效力',
            dataIndex: 'inForce',
            width: 90,
            render: (f: boolean) => (f ? <StatusTag tone="green">现行有效</StatusTag> : <StatusTag tone="orange">已废止</StatusTag>),
          },
          { title: '版本', dataIndex: 'version', width: 70, render: (v: number) => `第 ${v} 版` },
        ]}
      />
      <CursorPager cursor={cursor} nextCursor={list.data?.nextCursor} onChange={(next) => update({ cursor: next })} />
      {creating && <CreateDialog onClose={() => setCreating(false)} />}
    </Space>
  );
}

function CreateDialog({ onClose }: { onClose: () => void }) {
  const [form] = Form.useForm<EntryValues>();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const create = useMutation({
    mutationFn: (v: EntryValues) =>
      unwrap(api.POST('/api/v1/legal-bases', { body: { ...entryContent(v), note: v.note?.trim() ? v.note.trim() : null } })),
    onSuccess: (detail) => {
      void queryClient.invalidateQueries({ queryKey: ['legal-bases'] });
      queryClient.setQueryData(['legal-basis', detail.entry.id], detail);
      onClose();
      void navigate(`/legal-bases/${detail.entry.id}`);
    },
  });
  return (
    <Modal
      open
      title="新增法律依据"
      okText="保存"
      cancelText="取消"
      confirmLoading={create.isPending}
      onOk={() => form.submit()}
      onCancel={onClose}
      width={680}
    >
      <Form<EntryValues>
        form={form}
        layout="vertical"
        initialValues={{ kind: 'law', prohibitsSharing: false, inForce: true }}
        onFinish={(v) => create.mutate(v)}
      >
        <LegalBasisFields revising={false} />
        <ErrorAlert error={create.error} />
      </Form>
    </Modal>
  );
}
