/** The catalogue (数据资源目录): search by words or code, filter, page; filters live in the URL. */
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Button, Card, Form, Input, Select, Space, Table, Tag, Typography } from 'antd';
import { Link } from 'react-router';
import { StatusTag } from '../../components/StatusTag';
import { EmptyText } from '../../components/EmptyText';
import { ErrorAlert } from '../../components/ErrorAlert';
import { api, unwrap, type Schemas } from '../../lib/api';
import { useDepartmentNames } from '../../lib/directory';
import { SHARING_LABELS } from '../../lib/labels';
import { useUrlFilters } from '../../lib/url';

const LIFECYCLE_LABELS = { draft: '草稿', published: '已发布', retired: '已停用' } as const;

export function DatasetsPage() {
  const [params, update] = useUrlFilters();
  const departmentName = useDepartmentNames();
  const q = params.get('q') ?? '';
  const sharingType = (params.get('sharingType') as Schemas['SharingType'] | null) ?? undefined;
  const aggregated = params.get('aggregated');
  const cursor = params.get('cursor') ?? undefined;
  const datasets = useQuery({
    // The page shown stays until the next one arrives (no flash of an empty table).
    placeholderData: keepPreviousData,
    queryKey: ['datasets', q, sharingType, aggregated, cursor],
    queryFn: () =>
      unwrap(
        api.GET('/api/v1/datasets', {
          params: {
            query: {
              ...(q ? { q } : {}),
              ...(sharingType ? { sharingType } : {}),
              ...(aggregated ? { aggregated: aggregated === 'true' } : {}),
              ...(cursor ? { cursor } : {}),
              limit: 20,
            },
          },
        }),
      ),
  });
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={2} style={{ fontSize: 20, margin: 0 }}>
        数据资源目录
      </Typography.Title>
      <Card size="small">
        <Form layout="inline" onFinish={(values: { q?: string }) => update({ q: values.q?.trim() || undefined })} initialValues={{ q }}>
          <Form.Item name="q" label="关键词或编码">
            <Input.Search
              allowClear
              placeholder="如：社保、AMR-FR"
              enterButton="搜索"
              onSearch={(value) => update({ q: value.trim() || undefined })}
              style={{ width: 320 }}
            />
          </Form.Item>
          <Form.Item label="共享类型">
            <Select
              aria-label="共享类型"
              allowClear
              style={{ width: 160 }}
              value={sharingType}
              onChange={(value?: string) => update({ sharingType: value })}
              options={Object.entries(SHARING_LABELS).map(([value, label]) => ({ value, label }))}
              placeholder="全部"
            />
          </Form.Item>
          <Form.Item label="归集状态">
            <Select
              aria-label="归集状态"
              allowClear
              style={{ width: 140 }}
              value={aggregated ?? undefined}
              onChange={(value?: string) => update({ aggregated: value })}
              options={[
                { value: 'true', label: '已归集' },
                { value: 'false', label: '未归集' },
              ]}
              placeholder="全部"
            />
          </Form.Item>
        </Form>
      </Card>
      <ErrorAlert error={datasets.error} />
      <Table<Schemas['DatasetSummary']>
        rowKey="id"
        loading={datasets.isLoading}
        dataSource={datasets.data?.items ?? []}
        pagination={false}
        scroll={{ x: 720 }}
        locale={{ emptyText: <EmptyText>没有符合条件的数据资源</EmptyText> }}
        columns={[
          { title: '编码', dataIndex: 'code', width: 140 },
          { title: '名称', dataIndex: 'name', render: (name: string, d) => <Link to={`/catalogue/${d.id}`}>{name}</Link> },
          { title: '数据责任部门', dataIndex: 'ownerDepartmentId', render: (id: string) => departmentName(id) },
          {
            title: '共享类型',
            dataIndex: 'sharingType',
            width: 120,
            render: (t: Schemas['SharingType']) => <Tag>{SHARING_LABELS[t]}</Tag>,
          },
          {
            title: '归集',
            dataIndex: 'aggregated',
            width: 90,
            render: (a: boolean) => (a ? <StatusTag tone="green">已归集</StatusTag> : <Tag>未归集</Tag>),
          },
          { title: '状态', dataIndex: 'lifecycle', width: 90, render: (l: keyof typeof LIFECYCLE_LABELS) => LIFECYCLE_LABELS[l] },
        ]}
      />
      <Space>
        {cursor && <Button onClick={() => update({ cursor: undefined })}>回到第一页</Button>}
        {datasets.data?.nextCursor && <Button onClick={() => update({ cursor: datasets.data.nextCursor! })}>下一页</Button>}
      </Space>
    </Space>
  );
}
