/**
 * Supervision notices (安全监管提示): attempts to use data outside a grant, one per grant (or, with
 * no grant, per department and dataset) and day — for the center and the data's owner, and the
 * department whose use it was. A month at a time, newest first; filters in the URL.
 */
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { DatePicker, Space, Table, Typography } from 'antd';
import dayjs from 'dayjs';
import { Link } from 'react-router';
import { CursorPager } from '../../components/CursorPager';
import { EmptyText } from '../../components/EmptyText';
import { ErrorAlert } from '../../components/ErrorAlert';
import { api, unwrap, type Schemas } from '../../lib/api';
import { shanghaiTime, shanghaiToday } from '../../lib/time';
import { useUrlFilters } from '../../lib/url';
import { REASON_LABELS } from './terms';

type Flag = Schemas['GrantUseFlag'];

export function UseFlagsPage() {
  const [params, update] = useUrlFilters();
  const month = params.get('month') ?? shanghaiToday().slice(0, 7);
  const cursor = params.get('cursor') ?? undefined;
  const from = `${month}-01`;
  const to = dayjs(from).endOf('month').format('YYYY-MM-DD');
  const query = { from, to, limit: 20, ...(cursor ? { cursor } : {}) };
  const flags = useQuery({
    placeholderData: keepPreviousData,
    queryKey: ['grants', 'use-flags', query],
    queryFn: () => unwrap(api.GET('/api/v1/grants/use-flags', { params: { query } })),
  });
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Space style={{ justifyContent: 'space-between', width: '100%' }} wrap>
        <Typography.Title level={2} style={{ fontSize: 20, margin: 0 }}>
          安全监管提示
        </Typography.Title>
        <DatePicker
          picker="month"
          aria-label="月份"
          allowClear={false}
          value={dayjs(from)}
          onChange={(value) => value && update({ month: value.format('YYYY-MM') })}
        />
      </Space>
      <Typography.Text type="secondary">
        超出授权的使用尝试（无授权、超出授权字段、授权到期、暂停或撤销后仍调用）按授权（无授权的按部门和数据资源）每日提示一次，同时告知市大数据中心和数据责任部门。
      </Typography.Text>
      <ErrorAlert error={flags.error} />
      <Table<Flag>
        size="small"
        rowKey="key"
        loading={flags.isLoading}
        dataSource={flags.data?.items ?? []}
        pagination={false}
        scroll={{ x: 960 }}
        locale={{ emptyText: <EmptyText>本月没有超出授权的使用</EmptyText> }}
        columns={[
          { title: '日期', dataIndex: 'day', width: 110 },
          { title: '首次发现', key: 'firstAt', width: 100, render: (_, f) => shanghaiTime(f.firstAt).slice(11) },
          { title: '使用部门', key: 'department', render: (_, f) => f.department.name },
          { title: '数据资源', key: 'dataset', render: (_, f) => `${f.dataset.name}（${f.dataset.code}）` },
          { title: '数据责任部门', key: 'owner', render: (_, f) => f.owner.name },
          {
            title: '情形',
            key: 'reason',
            render: (_, f) => `${REASON_LABELS[f.reason]}${f.fieldsOutside.length ? `（${f.fieldsOutside.join('、')}）` : ''}`,
          },
          {
            title: '授权',
            key: 'grant',
            width: 160,
            render: (_, f) => (f.grant ? <Link to={`/grants/${f.grant.id}`}>{f.grant.number}</Link> : '无'),
          },
          { title: '当日拒绝次数', dataIndex: 'deniedChecks', width: 120 },
        ]}
      />
      <CursorPager cursor={cursor} nextCursor={flags.data?.nextCursor} onChange={(next) => update({ cursor: next })} />
    </Space>
  );
}
