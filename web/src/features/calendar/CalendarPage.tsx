/** The working-day calendar (工作日历): a year's holidays and make-up working days, published or provisional. */
import { useQuery } from '@tanstack/react-query';
import { Alert, Card, Select, Space, Table, Typography } from 'antd';
import { useSearchParams } from 'react-router';
import { StatusTag } from '../../components/StatusTag';
import { ErrorAlert } from '../../components/ErrorAlert';
import { api, unwrap, type Schemas } from '../../lib/api';

export function CalendarPage() {
  const [params, setParams] = useSearchParams();
  const year = Number(params.get('year') ?? new Date().getFullYear());
  const years = useQuery({ queryKey: ['calendar', 'years'], queryFn: () => unwrap(api.GET('/api/v1/calendar/years')) });
  const days = useQuery({
    queryKey: ['calendar', 'days', year],
    queryFn: () => unwrap(api.GET('/api/v1/calendar/days', { params: { query: { from: `${year}-01-01`, to: `${year}-12-31` } } })),
  });
  const published = years.data?.years.find((y) => y.year === year);
  const exceptional = (days.data?.days ?? []).filter((d) => d.kind !== null);
  const workingDays = (days.data?.days ?? []).filter((d) => d.working).length;
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Space wrap>
        <Typography.Title level={2} style={{ fontSize: 20, margin: 0 }}>
          工作日历
        </Typography.Title>
        <Select
          aria-label="年份"
          value={year}
          style={{ width: 120 }}
          onChange={(value: number) => setParams({ year: String(value) })}
          options={Array.from({ length: 8 }, (_, i) => new Date().getFullYear() - 5 + i).map((y) => ({ value: y, label: `${y} 年` }))}
        />
      </Space>
      <ErrorAlert error={years.error ?? days.error} />
      {published ? (
        <Alert
          type="success"
          showIcon
          message={`已公布：${published.notice}`}
          description={`来源 ${published.source}，日历第 ${published.version} 版`}
        />
      ) : (
        <Alert
          type="warning"
          showIcon
          message="暂定日历"
          description="国务院办公厅尚未公布本年度节假日安排：按法定节假日推算，适逢周末的补休至其后第一个工作日，不含调休上班日。公布后截止日期自动重算。"
        />
      )}
      <Card size="small" title={`${year} 年节假日与调休（全年工作日 ${workingDays} 天）`}>
        <Table<Schemas['CalendarDay']>
          rowKey="date"
          size="small"
          loading={days.isLoading}
          pagination={false}
          dataSource={exceptional}
          columns={[
            { title: '日期', dataIndex: 'date', width: 140 },
            { title: '名称', dataIndex: 'name' },
            {
              title: '类别',
              dataIndex: 'kind',
              render: (kind: Schemas['CalendarDay']['kind']) =>
                kind === 'holiday' ? <StatusTag tone="red">放假</StatusTag> : <StatusTag tone="blue">调休上班</StatusTag>,
            },
          ]}
        />
      </Card>
    </Space>
  );
}
