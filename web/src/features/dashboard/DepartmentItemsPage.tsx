/**
 * The requests behind an owner department's figures (drill-down from the league table): the same
 * period and filters, narrowed by outcome and state (in the URL), paged by the API's cursor (the
 * columns sort the page shown; the export has every row, up to its cap); each number opens the request.
 */
import { Button, Space, Table, Tag, Typography } from 'antd';
import { Link, useParams } from 'react-router';
import { CursorPager } from '../../components/CursorPager';
import { EmptyText } from '../../components/EmptyText';
import { ErrorAlert } from '../../components/ErrorAlert';
import { FilterSelect } from '../../components/FilterSelect';
import { StatusTag } from '../../components/StatusTag';
import type { Schemas } from '../../lib/api';
import { useDepartmentNames } from '../../lib/directory';
import { STATE_LABELS, TRACK_LABELS } from '../../lib/labels';
import { shanghaiTime } from '../../lib/time';
import { filterSearch, useDashboardFilters, useItems } from './api';
import { byFigure } from './DepartmentTable';
import { Section } from './Section';
import { Filters } from './Filters';
import { OUTCOME_LABELS, days, scrollWide } from './terms';

type Item = Schemas['DashboardItem'];
const OUTCOME_TONES = { met: 'green', breached: 'red', pending: 'blue' } as const;
/** Dates (YYYY-MM-DD) in order, the undated first. */
const byDate = (key: 'deadlineDate' | 'decidedDate') => (a: Item, b: Item) => (a[key] ?? '').localeCompare(b[key] ?? '');

export function DepartmentItemsPage() {
  const { departmentId = '' } = useParams();
  const { filters: shown, params, set } = useDashboardFilters();
  const departmentName = useDepartmentNames();
  const outcome = (params.get('outcome') as Schemas['OnTimeOutcome'] | null) ?? undefined;
  const state = (params.get('state') as Schemas['RequestState'] | null) ?? undefined;
  const cursor = params.get('cursor') ?? undefined;
  // The department is the page's own (the path), whatever the dashboard's filter was.
  const filters = { ...shown, departmentId };
  const items = useItems({
    ...filters,
    side: 'owner',
    ...(outcome ? { outcome } : {}),
    ...(state ? { state } : {}),
    ...(cursor ? { cursor } : {}),
  });
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Space style={{ justifyContent: 'space-between', width: '100%' }} wrap>
        <Typography.Title level={2} style={{ fontSize: 20, margin: 0 }}>
          {departmentName(departmentId)} · 申请明细
        </Typography.Title>
        <Link to={`/dashboard${filterSearch(shown)}`}>
          <Button>返回 SLA 看板</Button>
        </Link>
      </Space>
      <Filters department={false} />
      <Section
        title="申请明细"
        table="items"
        filters={{ ...filters, side: 'owner', ...(outcome ? { outcome } : {}), ...(state ? { state } : {}) }}
      >
        <Space direction="vertical" style={{ width: '100%' }}>
          <Space wrap>
            <FilterSelect
              label="办理结果"
              value={outcome}
              onChange={(value) => set({ outcome: value })}
              options={Object.entries(OUTCOME_LABELS).map(([value, label]) => ({ value, label }))}
              width={180}
            />
            <FilterSelect
              label="办理状态"
              value={state}
              onChange={(value) => set({ state: value })}
              options={Object.entries(STATE_LABELS).map(([value, label]) => ({ value, label }))}
              width={180}
            />
          </Space>
          <ErrorAlert error={items.error} />
          <Table<Item>
            rowKey="requestId"
            size="small"
            loading={items.isLoading}
            dataSource={items.data?.items ?? []}
            pagination={false}
            scroll={scrollWide(items.data?.items, 1200)}
            locale={{ emptyText: <EmptyText>暂无申请</EmptyText> }}
            columns={[
              {
                title: '编号',
                dataIndex: 'number',
                width: 170,
                fixed: 'left',
                render: (number: string, r) => <Link to={`/requests/${r.requestId}`}>{number}</Link>,
              },
              { title: '通道', dataIndex: 'track', width: 130, render: (t: Item['track']) => TRACK_LABELS[t] },
              { title: '状态', dataIndex: 'state', width: 140, render: (s: Item['state']) => <Tag>{STATE_LABELS[s]}</Tag> },
              { title: '需求方', key: 'requester', width: 220, render: (_, r) => r.requesterDepartment.name },
              {
                title: '提交时间',
                dataIndex: 'filedAt',
                width: 150,
                render: (at: string) => shanghaiTime(at),
                sorter: (a, b) => a.filedAt.localeCompare(b.filedAt),
              },
              {
                title: '截止日',
                dataIndex: 'deadlineDate',
                width: 110,
                render: (d: string | null) => d ?? '—',
                sorter: byDate('deadlineDate'),
              },
              {
                title: '决定日',
                dataIndex: 'decidedDate',
                width: 110,
                render: (d: string | null) => d ?? '—',
                sorter: byDate('decidedDate'),
              },
              {
                title: '办理工作日',
                dataIndex: 'daysToDecide',
                width: 100,
                align: 'right',
                render: (d: number | null) => days(d),
                sorter: byFigure((r: Item) => r.daysToDecide),
              },
              {
                title: '办理结果',
                dataIndex: 'outcome',
                width: 150,
                render: (o: Item['outcome'], r) => (
                  <Space size={4} wrap>
                    <StatusTag tone={OUTCOME_TONES[o]}>{OUTCOME_LABELS[o]}</StatusTag>
                    {r.overdueNow && <StatusTag tone="red">当前超期</StatusTag>}
                  </Space>
                ),
              },
            ]}
          />
          <CursorPager cursor={cursor} nextCursor={items.data?.nextCursor} onChange={(next) => set({ cursor: next })} />
        </Space>
      </Section>
    </Space>
  );
}
