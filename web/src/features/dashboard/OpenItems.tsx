/**
 * Open items now — due today, due the next working day, overdue (counts in the tabs) — each with
 * its step, the party and department it is charged to, its age and lateness in working days and
 * its supervision; the tab and the page are kept in the URL, the columns sort the page shown and
 * the export carries the tab.
 */
import { Space, Table, Tabs } from 'antd';
import { Link } from 'react-router';
import { CursorPager } from '../../components/CursorPager';
import { EmptyText } from '../../components/EmptyText';
import { ErrorAlert } from '../../components/ErrorAlert';
import { StatusTag } from '../../components/StatusTag';
import type { Schemas } from '../../lib/api';
import { SUPERVISION_LEVEL_LABELS, TRACK_LABELS } from '../../lib/labels';
import { useDashboardFilters, useOpenItems } from './api';
import { byFigure } from './DepartmentTable';
import { Section } from './Section';
import { BUCKET_LABELS, BUCKETS, CHARGED_PARTY_LABELS, openStepLabel, scrollWide, type Bucket } from './terms';

type Item = Schemas['OpenItem'];

export function OpenItems() {
  const { filters, params, set } = useDashboardFilters();
  const requested = params.get('bucket') as Bucket | null;
  const bucket: Bucket = requested && requested in BUCKET_LABELS ? requested : 'due_today';
  const cursor = params.get('cursor') ?? undefined;
  const items = useOpenItems(filters, bucket, cursor);
  const counts = items.data?.counts;
  return (
    <Section title="到期与超期事项" note="当前时点，不按统计区间" table="open_items" filters={{ ...filters, bucket }}>
      <Space direction="vertical" style={{ width: '100%' }}>
        <Tabs
          activeKey={bucket}
          onChange={(key) => set({ bucket: key })}
          items={BUCKETS.map((key) => ({ key, label: `${BUCKET_LABELS[key]}（${counts ? counts[key] : '…'}）` }))}
        />
        <ErrorAlert error={items.error} />
        <Table<Item>
          rowKey="clockId"
          size="small"
          loading={items.isLoading}
          dataSource={items.data?.items ?? []}
          pagination={false}
          scroll={scrollWide(items.data?.items, 1200)}
          locale={{ emptyText: <EmptyText>暂无{BUCKET_LABELS[bucket]}的事项</EmptyText> }}
          columns={[
            {
              title: '编号',
              dataIndex: 'number',
              width: 170,
              fixed: 'left',
              render: (number: string, r) => <Link to={`/requests/${r.requestId}`}>{number}</Link>,
            },
            {
              title: '环节',
              dataIndex: 'step',
              width: 150,
              render: (step: string) => openStepLabel(step),
            },
            { title: '通道', dataIndex: 'track', width: 130, render: (t: Item['track']) => TRACK_LABELS[t] },
            { title: '责任方', dataIndex: 'chargedParty', width: 120, render: (p: string) => CHARGED_PARTY_LABELS[p] ?? p },
            { title: '责任部门', key: 'chargedDepartment', width: 200, render: (_, r) => r.chargedDepartment?.name ?? '—' },
            { title: '需求方', key: 'requester', width: 200, render: (_, r) => r.requesterDepartment.name },
            { title: '截止日', dataIndex: 'deadlineDate', width: 110, sorter: (a, b) => a.deadlineDate.localeCompare(b.deadlineDate) },
            {
              title: '已用工作日',
              dataIndex: 'ageWorkingDays',
              width: 100,
              align: 'right',
              sorter: byFigure((r: Item) => r.ageWorkingDays),
            },
            {
              title: '超期工作日',
              dataIndex: 'lateWorkingDays',
              width: 100,
              align: 'right',
              sorter: byFigure((r: Item) => r.lateWorkingDays),
              render: (late: number) => (late > 0 ? <StatusTag tone="red">{late}</StatusTag> : late),
            },
            {
              title: '督办级别',
              dataIndex: 'supervisionLevel',
              width: 100,
              sorter: byFigure((r: Item) => r.supervisionLevel),
              render: (level: number) => (level > 0 ? <StatusTag tone="red">{SUPERVISION_LEVEL_LABELS[level]}</StatusTag> : '—'),
            },
          ]}
        />
        <CursorPager cursor={cursor} nextCursor={items.data?.nextCursor} onChange={(next) => set({ cursor: next })} />
      </Space>
    </Section>
  );
}
