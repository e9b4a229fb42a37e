/**
 * The working-day calendar (工作日历): a year's holidays and make-up working days, published or
 * provisional; the center administrator publishes or corrects a year, everyone else reads it.
 */
import { useQuery } from '@tanstack/react-query';
import { Alert, Button, Card, Select, Space, Table, Typography } from 'antd';
import { useState } from 'react';
import { useSearchParams } from 'react-router';
import { StatusTag } from '../../components/StatusTag';
import { EmptyText } from '../../components/EmptyText';
import { ErrorAlert } from '../../components/ErrorAlert';
import { api, unwrap, type Schemas } from '../../lib/api';
import { useSession } from '../../lib/session';
import { shanghaiTime, shanghaiToday } from '../../lib/time';
import { CalendarEditor } from './CalendarEditor';
import type { ScheduleRow } from './schedule';

export function CalendarPage() {
  const [params, setParams] = useSearchParams();
  const { has } = useSession();
  const [editing, setEditing] = useState<number | null>(null);
  const thisYear = Number(shanghaiToday().slice(0, 4));
  const asked = Number(params.get('year') ?? thisYear);
  const year = Number.isInteger(asked) && asked >= 2004 && asked <= 2060 ? asked : thisYear;
  const years = useQuery({ queryKey: ['calendar', 'years'], queryFn: () => unwrap(api.GET('/api/v1/calendar/years')) });
  const days = useQuery({
    queryKey: ['calendar', 'days', year],
    queryFn: () => unwrap(api.GET('/api/v1/calendar/days', { params: { query: { from: `${year}-01-01`, to: `${year}-12-31` } } })),
  });
  const published = years.data?.years.find((y) => y.year === year);
  const exceptional = (days.data?.days ?? []).filter((d) => d.kind !== null);
  const workingDays = (days.data?.days ?? []).filter((d) => d.working).length;
  const publishedYears = new Set((years.data?.years ?? []).map((y) => y.year));
  const yearOptions = [...new Set([...Array.from({ length: 8 }, (_, i) => thisYear - 5 + i), year])].sort((a, b) => a - b);
  const canPublish = has('center_admin');
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Space wrap>
        <Typography.Title level={2} style={{ fontSize: 20, margin: 0 }}>
          工作日历
        </Typography.Title>
        <Select
          aria-label="年份"
          value={year}
          onChange={(value: number) => setParams({ year: String(value) })}
          options={yearOptions.map((y) => ({ value: y, label: `${y} 年${publishedYears.has(y) ? '' : '（暂定）'}` }))}
          style={{ width: 150 }}
        />
        {canPublish && editing !== year && (
          <Button type="primary" disabled={days.isLoading || years.isLoading} onClick={() => setEditing(year)}>
            {published ? '更正本年度安排' : '公布本年度安排'}
          </Button>
        )}
      </Space>
      <ErrorAlert error={years.error ?? days.error} />
      {published ? (
        <Alert
          type="success"
          showIcon
          message={`已公布：${published.notice}`}
          description={`来源：${published.source === 'api' ? '中心管理员公布' : `导入自 ${published.source}`}，${shanghaiTime(published.publishedAt)} 公布，日历第 ${published.version} 版`}
        />
      ) : (
        <Alert
          type="warning"
          showIcon
          message="暂定日历"
          description="国务院办公厅尚未公布本年度节假日安排：按法定节假日推算，适逢周末的补休至其后第一个工作日，不含调休上班日。公布后截止日期自动重算。"
        />
      )}
      {editing === year && (
        <CalendarEditor
          key={year}
          year={year}
          correcting={Boolean(published)}
          notice={published?.notice ?? `国务院办公厅关于${year}年部分节假日安排的通知`}
          initialRows={exceptional.map((d) => ({ date: d.date, kind: d.kind!, name: d.name ?? '' }) satisfies ScheduleRow)}
          onClose={() => setEditing(null)}
        />
      )}
      <Card size="small" title={`${year} 年节假日与调休（全年工作日 ${workingDays} 天）`}>
        <Table<Schemas['CalendarDay']>
          rowKey="date"
          size="small"
          loading={days.isLoading}
          pagination={false}
          dataSource={exceptional}
          locale={{ emptyText: <EmptyText>本年度没有放假或调休日期</EmptyText> }}
          columns={[
            { title: '日期', dataIndex: 'date', width: 140 },
            {
              title: '星期',
              dataIndex: 'date',
              key: 'weekday',
              width: 80,
              render: (d: string) => WEEKDAYS[new Date(`${d}T00:00:00Z`).getUTCDay()],
            },
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

const WEEKDAYS = ['周日', '周一', '周二', '周三', '周四', '周五', '周六'];
