/**
 * One entry of the legal-basis register: its current text and every version it has had, each
 * with its reason. The supervisor or the center administrator revises it against the version
 * read; when someone else revised it meanwhile (409 stale_version) the form keeps what was
 * typed and the newer version is shown beside it, to be taken into account before resending.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Descriptions, Form, Modal, Space, Spin, Table, Typography } from 'antd';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { ErrorAlert } from '../../components/ErrorAlert';
import { NotFound } from '../../components/NotFound';
import { StatusTag } from '../../components/StatusTag';
import { api, ApiError, unwrap, type Schemas } from '../../lib/api';
import { useSession } from '../../lib/session';
import { shanghaiTime } from '../../lib/time';
import { entryContent, KIND_LABELS, LegalBasisFields, type EntryValues } from './LegalBasisForm';

type Entry = Schemas['LegalBasisEntry'];

function EntryText({ entry }: { entry: Entry }) {
  return (
    <Descriptions
      size="small"
      column={{ xs: 1, md: 2 }}
      bordered
      items={[
        { key: 'kind', label: '文件类别', children: KIND_LABELS[entry.kind] },
        { key: 'number', label: '文号', children: entry.documentNumber ?? '—' },
        { key: 'article', label: '条款', children: entry.article ?? '整体引用' },
        {
          key: 'flags',
          label: '属性',
          children: (
            <Space wrap>
              {entry.prohibitsSharing ? <StatusTag tone="red">明确禁止共享</StatusTag> : <StatusTag>未明确禁止共享</StatusTag>}
              {entry.inForce ? <StatusTag tone="green">现行有效</StatusTag> : <StatusTag tone="orange">已废止</StatusTag>}
            </Space>
          ),
        },
        {
          key: 'excerpt',
          label: '条文内容',
          span: 'filled',
          children: <span style={{ whiteSpace: 'pre-wrap' }}>{entry.excerpt}</span>,
        },
      ]}
    />
  );
}

export function LegalBasisPage() {
  const { legalBasisId = '' } = useParams();
  const { has } = useSession();
  const [revising, setRevising] = useState(false);
  const detail = useQuery({
    queryKey: ['legal-basis', legalBasisId],
    queryFn: () => unwrap(api.GET('/api/v1/legal-bases/{legalBasisId}', { params: { path: { legalBasisId } } })),
  });
  if (detail.error instanceof ApiError && (detail.error.status === 404 || detail.error.code === 'validation_failed')) return <NotFound />;
  if (detail.isLoading) return <Spin tip="加载中" />;
  if (!detail.data) return <ErrorAlert error={detail.error} />;
  const { entry, versions } = detail.data;
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Link to="/legal-bases">返回法律依据库</Link>
      <Space style={{ justifyContent: 'space-between', width: '100%' }} wrap>
        <Typography.Title level={2} style={{ fontSize: 20, margin: 0 }}>
          {`${entry.title}${entry.article ?? ''}`}
        </Typography.Title>
        {(has('supervisor') || has('center_admin')) && (
          <Button type="primary" onClick={() => setRevising(true)}>
            修订
          </Button>
        )}
      </Space>
      <Card size="small" title={`现行文本（第 ${entry.version} 版，${shanghaiTime(entry.createdAt)}）`}>
        <EntryText entry={entry} />
      </Card>
      <Card size="small" title={`全部版本（${versions.length}）`}>
        <Table<Entry>
          rowKey="version"
          size="small"
          pagination={false}
          dataSource={versions}
          scroll={{ x: 720 }}
          expandable={{ expandedRowRender: (v) => <EntryText entry={v} /> }}
          columns={[
            { title: '版本', dataIndex: 'version', width: 80, render: (v: number) => `第 ${v} 版` },
            { title: '时间', dataIndex: 'createdAt', width: 150, render: (at: string) => shanghaiTime(at) },
            { title: '名称与条款', dataIndex: 'title', render: (title: string, v) => `${title}${v.article ?? ''}` },
            { title: '说明或修订理由', dataIndex: 'note', render: (note: string | null) => note ?? '—' },
          ]}
        />
      </Card>
      {revising && <ReviseDialog entry={entry} onClose={() => setRevising(false)} />}
    </Space>
  );
}

function ReviseDialog({ entry, onClose }: { entry: Entry; onClose: () => void }) {
  const [form] = Form.useForm<EntryValues>();
  const queryClient = useQueryClient();
  // The version the change is written against: the one shown when the dialog opened, or the newer one the user has seen since.
  const [basis, setBasis] = useState(entry.version);
  const revise = useMutation({
    mutationFn: (v: EntryValues) =>
      unwrap(
        api.PUT('/api/v1/legal-bases/{legalBasisId}', {
          params: { path: { legalBasisId: entry.id } },
          body: { ...entryContent(v), reason: (v.reason ?? '').trim(), expectedVersion: basis },
        }),
      ),
    onSuccess: (detail) => {
      queryClient.setQueryData(['legal-basis', entry.id], detail);
      void queryClient.invalidateQueries({ queryKey: ['legal-bases'] });
      onClose();
    },
  });
  const stale = revise.error instanceof ApiError && revise.error.code === 'stale_version';
  const latest = useQuery({
    queryKey: ['legal-basis', entry.id, 'latest'],
    queryFn: () => unwrap(api.GET('/api/v1/legal-bases/{legalBasisId}', { params: { path: { legalBasisId: entry.id } } })),
    enabled: stale,
    staleTime: 0,
  });
  return (
    <Modal
      open
      title={`修订：${entry.title}${entry.article ?? ''}`}
      okText="保存修订"
      cancelText="取消"
      confirmLoading={revise.isPending}
      onOk={() => form.submit()}
      onCancel={onClose}
      width={720}
    >
      <Typography.Paragraph>以第 {basis} 版为基础修订；已出具的书面说明仍引用其当时引用的版本。</Typography.Paragraph>
      <Form<EntryValues> form={form} layout="vertical" initialValues={{ ...entry, reason: '' }} onFinish={(v) => revise.mutate(v)}>
        <LegalBasisFields revising />
        <ErrorAlert error={revise.error} />
        {stale && latest.data && latest.data.entry.version !== basis && (
          <Alert
            type="warning"
            style={{ marginTop: 8 }}
            message={`他人已将此条目修订为第 ${latest.data.entry.version} 版（${shanghaiTime(latest.data.entry.createdAt)}，理由：${latest.data.entry.note ?? '—'}）`}
            description={
              <Space direction="vertical" style={{ width: '100%' }}>
                <EntryText entry={latest.data.entry} />
                <span>您填写的内容均已保留。请对照上面的最新版本修改后，以最新版本为基础再提交。</span>
                <Button
                  onClick={() => {
                    setBasis(latest.data.entry.version);
                    queryClient.setQueryData(['legal-basis', entry.id], latest.data);
                    revise.reset();
                  }}
                >
                  以第 {latest.data.entry.version} 版为基础继续修订
                </Button>
              </Space>
            }
          />
        )}
      </Form>
    </Modal>
  );
}
