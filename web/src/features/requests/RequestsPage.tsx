/**
 * Requests as each party works them: the requester's own, the owner's inboxes (review, written
 * explanations, data to deliver), the center's queues, the competent authority's disputes to
 * decide; filters in the URL so a view can be shared.
 */
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Button, Select, Space, Table, Tabs, Tag, Typography } from 'antd';
import { shanghaiTime } from '../../lib/time';
import { Link } from 'react-router';
import { EmptyText } from '../../components/EmptyText';
import { StatusTag } from '../../components/StatusTag';
import { CursorPager } from '../../components/CursorPager';
import { ErrorAlert } from '../../components/ErrorAlert';
import { api, unwrap, type Schemas } from '../../lib/api';
import { useDepartmentNames } from '../../lib/directory';
import { STATE_LABELS, TRACK_LABELS, SUPERVISION_LEVEL_LABELS } from '../../lib/labels';
import { useSession } from '../../lib/session';
import { useUrlFilters } from '../../lib/url';
import { WorkingDays } from './WorkingDays';

type Summary = Schemas['RequestSummary'];

export function RequestsPage() {
  const { me, has } = useSession();
  const [params, set] = useUrlFilters();
  const departmentName = useDepartmentNames();
  const center = me?.department.isDataCenter ?? false;
  const tabs = [
    ...(has('requester') ? [{ key: 'mine', label: '本部门的申请' }] : []),
    ...(has('requester') ? [{ key: 'drafts', label: '草稿' }] : []),
    ...(has('reviewer')
      ? [
          { key: 'inbox', label: '待本部门审核' },
          { key: 'explanations', label: '待提交书面说明' },
          { key: 'deliveries', label: '待交付数据' },
        ]
      : []),
    ...(center
      ? [
          { key: 'provisioning', label: '待确认供数' },
          { key: 'coordination', label: '三方协调' },
          { key: 'aggregation', label: '待确认归集' },
          { key: 'extensions', label: '待审批延期' },
        ]
      : []),
    ...(has('supervisor') ? [{ key: 'disputes', label: '争议待裁决' }] : []),
    ...(center || has('reviewer') || has('supervisor') || has('dept_admin') ? [{ key: 'supervised', label: '督办中' }] : []),
    { key: 'all', label: '全部可见' },
  ];
  const tab = params.get('tab') ?? tabs[0]!.key;
  const state = (params.get('state') as Schemas['RequestState'] | null) ?? undefined;
  const overdue = params.get('overdue') === 'true' ? true : undefined;
  const cursor = params.get('cursor') ?? undefined;
  const departmentId = me?.department.id;
  const query = {
    ...(tab === 'mine' && departmentId ? { requesterDepartmentId: departmentId } : {}),
    ...(tab === 'drafts' && departmentId ? { requesterDepartmentId: departmentId, state: 'draft' as const } : {}),
    ...(tab === 'extensions' ? { extensionPending: true } : {}),
    ...(tab === 'supervised' ? { supervised: true } : {}),
    ...(tab === 'inbox' && departmentId ? { ownerDepartmentId: departmentId, state: 'owner_review' as const } : {}),
    ...(tab === 'explanations' && departmentId ? { ownerDepartmentId: departmentId, state: 'explanation_due' as const } : {}),
    ...(tab === 'deliveries' && departmentId ? { ownerDepartmentId: departmentId, state: 'awaiting_owner_delivery' as const } : {}),
    ...(tab === 'provisioning' ? { state: 'provisioning' as const } : {}),
    ...(tab === 'coordination' ? { state: 'coordination' as const } : {}),
    ...(tab === 'aggregation' ? { state: 'awaiting_owner_delivery' as const } : {}),
    ...(tab === 'disputes' ? { state: 'disputed' as const } : {}),
    ...(state ? { state } : {}),
    ...(overdue ? { overdue } : {}),
    ...(cursor ? { cursor } : {}),
    limit: 20,
  };
  const list = useQuery({
    // The page shown stays until the next one arrives (no flash of an empty table).
    placeholderData: keepPreviousData,
    queryKey: ['requests', query],
    queryFn: () => unwrap(api.GET('/api/v1/requests', { params: { query } })),
  });
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Space style={{ justifyContent: 'space-between', width: '100%' }} wrap>
        <Typography.Title level={2} style={{ fontSize: 20, margin: 0 }}>
          共享申请
        </Typography.Title>
        {has('requester') && (
          <Link to="/requests/new">
            <Button type="primary">新建申请</Button>
          </Link>
        )}
      </Space>
      <Tabs activeKey={tab} items={tabs} onChange={(key) => set({ tab: key, state: undefined })} />
      <Space wrap>
        <Select
          aria-label="办理状态"
          allowClear
          placeholder="全部状态"
          style={{ width: 180 }}
          value={state}
          onChange={(value?: string) => set({ state: value })}
          options={Object.entries(STATE_LABELS).map(([value, label]) => ({ value, label }))}
        />
        <Select
          aria-label="是否超期"
          allowClear
          placeholder="是否超期"
          style={{ width: 140 }}
          value={overdue ? 'true' : undefined}
          onChange={(value?: string) => set({ overdue: value })}
          options={[{ value: 'true', label: '仅看超期' }]}
        />
      </Space>
      <ErrorAlert error={list.error} />
      <Table<Summary>
        rowKey="id"
        loading={list.isLoading}
        dataSource={list.data?.items ?? []}
        pagination={false}
        scroll={{ x: 900 }}
        locale={{ emptyText: <EmptyText>暂无申请</EmptyText> }}
        columns={[
          {
            title: '编号',
            dataIndex: 'number',
            width: 160,
            // A draft opens in the form, to be finished and filed.
            render: (number: string | null, r) =>
              number ? <Link to={`/requests/${r.id}`}>{number}</Link> : <Link to={`/requests/new?draft=${r.id}`}>草稿（继续编辑）</Link>,
          },
          {
            title: '状态',
            dataIndex: 'state',
            width: 160,
            render: (s: Summary['state'], r) => (
              <Space size={4} wrap>
                <Tag>{STATE_LABELS[s]}</Tag>
                {r.supervisionLevel > 0 && <StatusTag tone="red">{SUPERVISION_LEVEL_LABELS[r.supervisionLevel]}</StatusTag>}
              </Space>
            ),
          },
          { title: '通道', dataIndex: 'track', width: 140, render: (t: Summary['track']) => (t ? TRACK_LABELS[t] : '—') },
          { title: '需求方', dataIndex: 'requesterDepartmentId', render: (id: string) => departmentName(id) },
          { title: '数据责任部门', dataIndex: 'ownerDepartmentId', render: (id: string) => departmentName(id) },
          { title: '截止日', dataIndex: 'deadlineDate', width: 120, render: (d: string | null) => d ?? '—' },
          { title: '办理时限', key: 'timing', width: 200, render: (_, r) => <WorkingDays timing={r} /> },
          {
            title: '提交时间',
            dataIndex: 'filedAt',
            width: 150,
            render: (at: string | null) => shanghaiTime(at),
          },
        ]}
      />
      <CursorPager cursor={cursor} nextCursor={list.data?.nextCursor} onChange={(next) => set({ cursor: next })} />
    </Space>
  );
}
