/**
 * The catalogue's aggregation status (归集状态), for the center: which datasets the big-data center
 * holds, since when, by department; filters in the URL; the center administrator records an
 * aggregation (or its end) from the list.
 */
import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import { Button, Card, Form, Input, Space, Table, Tag, Typography } from 'antd';
import { Link } from 'react-router';
import { EmptyText } from '../../components/EmptyText';
import { CursorPager } from '../../components/CursorPager';
import { ErrorAlert } from '../../components/ErrorAlert';
import { FilterSelect } from '../../components/FilterSelect';
import { StatusTag } from '../../components/StatusTag';
import { api, unwrap, type Schemas } from '../../lib/api';
import { useDepartmentNames, useDepartments } from '../../lib/directory';
import { SHARING_LABELS } from '../../lib/labels';
import { useSession } from '../../lib/session';
import { shanghaiTime } from '../../lib/time';
import { useUrlFilters } from '../../lib/url';
import { AggregationAction } from './AggregationAction';
import { AGGREGATION_OPTIONS, LIFECYCLE_LABELS } from './terms';

/** Pages read for the summary by department (200 datasets each). */
const SUMMARY_PAGES = 25;

/** The latest aggregation period of a dataset, from its detail. */
function LastAggregation({ id }: { id: string }) {
  const detail = useQuery({
    queryKey: ['dataset', id],
    queryFn: () => unwrap(api.GET('/api/v1/datasets/{datasetId}', { params: { path: { datasetId: id } } })),
  });
  const last = detail.data?.aggregationHistory.at(-1);
  if (detail.isLoading) return <>…</>;
  if (!last) return <>从未归集</>;
  return <>{last.to ? `${shanghaiTime(last.from)} 至 ${shanghaiTime(last.to)}` : `${shanghaiTime(last.from)} 起`}</>;
}

/** Aggregated and not, per owning department, over the whole catalogue the caller sees. */
function useSummary() {
  return useQuery({
    queryKey: ['aggregation', 'summary'],
    // Many pages read to count: kept a few minutes, not refetched on every visit (a change invalidates it).
    staleTime: 5 * 60_000,
    queryFn: async () => {
      const counts = new Map<string, { aggregated: number; not: number }>();
      let cursor: string | undefined;
      let complete = false;
      for (let page = 0; page < SUMMARY_PAGES; page += 1) {
        const result = await unwrap(
          api.GET('/api/v1/datasets', { params: { query: { lifecycle: 'published', limit: 200, ...(cursor ? { cursor } : {}) } } }),
        );
        for (const d of result.items) {
          const c = counts.get(d.ownerDepartmentId) ?? { aggregated: 0, not: 0 };
          if (d.aggregated) c.aggregated += 1;
          else c.not += 1;
          counts.set(d.ownerDepartmentId, c);
        }
        if (!result.nextCursor) {
          complete = true;
          break;
        }
        cursor = result.nextCursor;
      }
      return { rows: [...counts].map(([departmentId, c]) => ({ departmentId, ...c })), complete };
    },
  });
}

export function AggregationPage() {
  const [params, update] = useUrlFilters();
  const { has } = useSession();
  const queryClient = useQueryClient();
  const departmentName = useDepartmentNames();
  const departments = useDepartments();
  const q = params.get('q') ?? '';
  const aggregated = params.get('aggregated');
  const ownerDepartmentId = params.get('ownerDepartmentId') ?? undefined;
  const lifecycle = (params.get('lifecycle') as Schemas['DatasetSummary']['lifecycle'] | null) ?? undefined;
  const cursor = params.get('cursor') ?? undefined;
  const filters = {
    ...(q ? { q } : {}),
    ...(aggregated ? { aggregated: aggregated === 'true' } : {}),
    ...(ownerDepartmentId ? { ownerDepartmentId } : {}),
    ...(lifecycle ? { lifecycle } : {}),
  };
  const datasets = useQuery({
    placeholderData: keepPreviousData,
    queryKey: ['datasets', 'aggregation', filters, cursor],
    queryFn: () => unwrap(api.GET('/api/v1/datasets', { params: { query: { ...filters, ...(cursor ? { cursor } : {}), limit: 20 } } })),
  });
  const summary = useSummary();
  const refresh = (next: Schemas['DatasetDetail']) => {
    queryClient.setQueryData(['dataset', next.dataset.id], next);
    void queryClient.invalidateQueries({ queryKey: ['datasets'] });
    void queryClient.invalidateQueries({ queryKey: ['aggregation'] });
  };
  const totals = (summary.data?.rows ?? []).reduce((t, r) => ({ aggregated: t.aggregated + r.aggregated, not: t.not + r.not }), {
    aggregated: 0,
    not: 0,
  });
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={2} style={{ fontSize: 20, margin: 0 }}>
        归集状态
      </Typography.Title>
      <Card
        size="small"
        title={`已发布资源按部门统计：已归集 ${totals.aggregated} 个，未归集 ${totals.not} 个${summary.data && !summary.data.complete ? '（仅统计前 5000 个）' : ''}`}
      >
        <ErrorAlert error={summary.error} />
        <Table
          rowKey="departmentId"
          size="small"
          loading={summary.isLoading}
          pagination={false}
          scroll={{ x: 480 }}
          dataSource={summary.data?.rows ?? []}
          columns={[
            { title: '数据责任部门', dataIndex: 'departmentId', render: (id: string) => departmentName(id) },
            { title: '已归集', dataIndex: 'aggregated', width: 100 },
            { title: '未归集', dataIndex: 'not', width: 100 },
            {
              title: '查看',
              width: 160,
              render: (_, r) =>
                r.not > 0 && (
                  <Button type="link" onClick={() => update({ ownerDepartmentId: r.departmentId, aggregated: 'false' })}>
                    查看未归集资源
                  </Button>
                ),
            },
          ]}
        />
      </Card>
      <Card size="small">
        <Form layout="inline" initialValues={{ q }}>
          <Form.Item name="q" label="关键词或编码">
            <Input.Search
              allowClear
              enterButton="搜索"
              onSearch={(value) => update({ q: value.trim() || undefined })}
              style={{ width: 280 }}
            />
          </Form.Item>
          <FilterSelect
            label="数据责任部门"
            width={200}
            searchable
            value={ownerDepartmentId}
            onChange={(value) => update({ ownerDepartmentId: value })}
            options={(departments.data?.items ?? []).map((d) => ({ value: d.id, label: d.name }))}
          />
          <FilterSelect
            label="归集状态"
            width={120}
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
        </Form>
      </Card>
      <ErrorAlert error={datasets.error} />
      <Table<Schemas['DatasetSummary']>
        rowKey="id"
        loading={datasets.isLoading}
        dataSource={datasets.data?.items ?? []}
        pagination={false}
        scroll={{ x: 900 }}
        locale={{ emptyText: <EmptyText>没有符合条件的数据资源</EmptyText> }}
        columns={[
          { title: '编码', dataIndex: 'code', width: 130 },
          { title: '名称', dataIndex: 'name', render: (name: string, d) => <Link to={`/catalogue/${d.id}`}>{name}</Link> },
          { title: '数据责任部门', dataIndex: 'ownerDepartmentId', render: (id: string) => departmentName(id) },
          { title: '共享类型', dataIndex: 'sharingType', width: 110, render: (t: Schemas['SharingType']) => SHARING_LABELS[t] },
          { title: '状态', dataIndex: 'lifecycle', width: 80, render: (l: keyof typeof LIFECYCLE_LABELS) => LIFECYCLE_LABELS[l] },
          {
            title: '归集',
            dataIndex: 'aggregated',
            width: 90,
            render: (a: boolean) => (a ? <StatusTag tone="green">已归集</StatusTag> : <Tag>未归集</Tag>),
          },
          { title: '最近归集', width: 200, render: (_, d) => <LastAggregation id={d.id} /> },
          ...(has('center_admin')
            ? [
                {
                  title: '操作',
                  width: 110,
                  render: (_: unknown, d: Schemas['DatasetSummary']) => <AggregationAction dataset={d} onDone={refresh} size="small" />,
                },
              ]
            : []),
        ]}
      />
      <CursorPager cursor={cursor} nextCursor={datasets.data?.nextCursor} onChange={(next) => update({ cursor: next })} />
    </Space>
  );
}
