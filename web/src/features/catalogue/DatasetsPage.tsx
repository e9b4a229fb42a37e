/**
 * The catalogue (数据资源目录): search by words or code, filter, page; filters live in the URL.
 * Owners (reviewers, department administrators) also see their own drafts, catalogue new entries
 * and import a spreadsheet; everyone exports what the filters select.
 */
import { keepPreviousData, useMutation, useQuery } from '@tanstack/react-query';
import { Alert, Button, Card, Checkbox, Form, Input, Space, Table, Tag, Typography } from 'antd';
import { Link } from 'react-router';
import { StatusTag } from '../../components/StatusTag';
import { EmptyText } from '../../components/EmptyText';
import { CursorPager } from '../../components/CursorPager';
import { ErrorAlert } from '../../components/ErrorAlert';
import { FilterSelect } from '../../components/FilterSelect';
import { api, unwrap, type Schemas } from '../../lib/api';
import { useDepartmentNames } from '../../lib/directory';
import { SHARING_LABELS } from '../../lib/labels';
import { useSession } from '../../lib/session';
import { useUrlFilters } from '../../lib/url';
import { downloadExport } from './files';
import { AGGREGATION_OPTIONS, withReadableProblems, LIFECYCLE_LABELS } from './terms';

export function DatasetsPage() {
  const [params, update] = useUrlFilters();
  const departmentName = useDepartmentNames();
  const q = params.get('q') ?? '';
  const sharingType = (params.get('sharingType') as Schemas['SharingType'] | null) ?? undefined;
  const aggregated = params.get('aggregated');
  const lifecycle = (params.get('lifecycle') as Schemas['DatasetSummary']['lifecycle'] | null) ?? undefined;
  const ownerDepartmentId = params.get('ownerDepartmentId') ?? undefined;
  const cursor = params.get('cursor') ?? undefined;
  const { me, has } = useSession();
  const owner = has('reviewer') || has('dept_admin');
  const filters = {
    ...(q ? { q } : {}),
    ...(sharingType ? { sharingType } : {}),
    ...(aggregated ? { aggregated: aggregated === 'true' } : {}),
    ...(lifecycle ? { lifecycle } : {}),
    ...(ownerDepartmentId ? { ownerDepartmentId } : {}),
  };
  const datasets = useQuery({
    // The page shown stays until the next one arrives (no flash of an empty table).
    placeholderData: keepPreviousData,
    queryKey: ['datasets', filters, cursor],
    queryFn: () => unwrap(api.GET('/api/v1/datasets', { params: { query: { ...filters, ...(cursor ? { cursor } : {}), limit: 20 } } })),
  });
  // The filters travel with the click: the ones of the page the user sees, not of a render to come.
  const exported = useMutation({ mutationFn: downloadExport });
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Space wrap style={{ justifyContent: 'space-between', width: '100%' }}>
        <Typography.Title level={2} style={{ fontSize: 20, margin: 0 }}>
          数据资源目录
        </Typography.Title>
        <Space wrap>
          {owner && (
            <>
              <Link to="/catalogue/new">
                <Button type="primary">新建数据资源</Button>
              </Link>
              <Link to="/catalogue/import">
                <Button>批量导入</Button>
              </Link>
            </>
          )}
          <Button
            loading={exported.isPending && exported.variables.format === 'xlsx'}
            onClick={() => exported.mutate({ format: 'xlsx', ...filters })}
          >
            导出 Excel
          </Button>
          <Button
            loading={exported.isPending && exported.variables.format === 'csv'}
            onClick={() => exported.mutate({ format: 'csv', ...filters })}
          >
            导出 CSV
          </Button>
        </Space>
      </Space>
      {exported.isSuccess && (
        <Alert type="success" showIcon closable role="status" message={`已导出 ${exported.data} 个数据资源（按当前筛选条件）`} />
      )}
      <ErrorAlert error={withReadableProblems(exported.error)} />
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
          <FilterSelect
            label="共享类型"
            width={160}
            value={sharingType}
            onChange={(value) => update({ sharingType: value })}
            options={Object.entries(SHARING_LABELS).map(([value, label]) => ({ value, label }))}
          />
          <FilterSelect
            label="归集状态"
            width={140}
            value={aggregated ?? undefined}
            onChange={(value) => update({ aggregated: value })}
            options={AGGREGATION_OPTIONS}
          />
          <FilterSelect
            label="状态"
            width={120}
            value={lifecycle}
            onChange={(value) => update({ lifecycle: value })}
            options={Object.entries(LIFECYCLE_LABELS).map(([value, label]) => ({ value, label }))}
          />
          {me && (
            <Form.Item>
              <Checkbox
                checked={ownerDepartmentId === me.department.id}
                onChange={(e) => update({ ownerDepartmentId: e.target.checked ? me.department.id : undefined })}
              >
                只看本部门
              </Checkbox>
            </Form.Item>
          )}
        </Form>
        {owner && (
          <Typography.Text style={{ display: 'block', marginTop: 8 }}>
            目录中只显示已发布的资源；本部门的草稿和已停用资源也会列出。
          </Typography.Text>
        )}
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
          {
            title: '状态',
            dataIndex: 'lifecycle',
            width: 90,
            render: (l: keyof typeof LIFECYCLE_LABELS) =>
              l === 'draft' ? <StatusTag tone="orange">{LIFECYCLE_LABELS[l]}</StatusTag> : LIFECYCLE_LABELS[l],
          },
        ]}
      />
      <CursorPager cursor={cursor} nextCursor={datasets.data?.nextCursor} onChange={(next) => update({ cursor: next })} />
    </Space>
  );
}
