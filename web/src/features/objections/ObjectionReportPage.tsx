/**
 * 异议核实情况统计: per owner department and dataset, the objections raised in a period by outcome,
 * the average verification time in working days, the steps overdue now and the most disputed
 * fields; XLSX and CSV downloads. A department sees its own data; the center, the authority and
 * auditors the city.
 */
import { Card, DatePicker, Space, Table, Typography } from 'antd';
import dayjs from 'dayjs';
import { DownloadButtons } from '../../components/DownloadButtons';
import { EmptyText } from '../../components/EmptyText';
import { ErrorAlert } from '../../components/ErrorAlert';
import { shanghaiToday } from '../../lib/time';
import { useUrlFilters } from '../../lib/url';
import { downloadObjectionReport, TOTAL_LABELS, useObjectionReport, type ObjectionReport as Report } from './report';

export function ObjectionReportPage() {
  const [params, update] = useUrlFilters();
  const today = shanghaiToday();
  const filters = {
    from: params.get('from') ?? `${today.slice(0, 7)}-01`,
    to: params.get('to') ?? today,
    departmentId: params.get('departmentId') ?? undefined,
  };
  const { from, to } = filters;
  const report = useObjectionReport(filters);
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Space style={{ justifyContent: 'space-between', width: '100%' }} wrap>
        <Typography.Title level={2} style={{ fontSize: 20, margin: 0 }}>
          异议核实情况统计
        </Typography.Title>
        <Space wrap>
          <DatePicker.RangePicker
            aria-label="统计区间"
            allowClear={false}
            value={[dayjs(from), dayjs(to)]}
            onChange={(range) =>
              range?.[0] && range[1] && update({ from: range[0].format('YYYY-MM-DD'), to: range[1].format('YYYY-MM-DD') })
            }
          />
          <DownloadButtons size="middle" label="异议核实情况统计" download={(format) => downloadObjectionReport(filters, format)} />
        </Space>
      </Space>
      <ErrorAlert error={report.error} />
      <Card size="small" title="按数据资源">
        <Table<Report['rows'][number]>
          size="small"
          rowKey={(r) => `${r.ownerDepartment.id}:${r.dataset.id}`}
          loading={report.isLoading}
          dataSource={report.data?.rows ?? []}
          pagination={false}
          scroll={{ x: 1100 }}
          locale={{ emptyText: <EmptyText>本期没有异议</EmptyText> }}
          summary={() => <TotalsRow totals={report.data?.totals} />}
          columns={[
            { title: '数据责任部门', key: 'owner', render: (_, r) => r.ownerDepartment.name },
            { title: '数据资源', key: 'dataset', render: (_, r) => `${r.dataset.name}（${r.dataset.code}）` },
            { title: '提出', dataIndex: 'raised', width: 70, sorter: (a, b) => a.raised - b.raised },
            { title: '不予受理', dataIndex: 'rejected', width: 90 },
            { title: '办理中', dataIndex: 'open', width: 80 },
            { title: '已更正', dataIndex: 'corrected', width: 80 },
            { title: '经核实无误', dataIndex: 'confirmedAccurate', width: 100 },
            { title: '部分更正', dataIndex: 'partiallyCorrected', width: 90 },
            { title: '平均核实用时（工作日）', key: 'days', width: 170, render: (_, r) => r.averageVerificationDays ?? '—' },
            { title: '当前超期', dataIndex: 'overdueNow', width: 90 },
            {
              title: '异议最多的字段',
              key: 'top',
              render: (_, r) => r.topFields.map((f) => `${f.field}（${f.objections}）`).join('、') || '—',
            },
          ]}
        />
      </Card>
      <Card size="small" title="异议最多的字段">
        <Table<Report['fields'][number]>
          size="small"
          rowKey={(f) => `${f.datasetCode}.${f.field}`}
          dataSource={report.data?.fields ?? []}
          pagination={false}
          locale={{ emptyText: <EmptyText>本期没有异议</EmptyText> }}
          columns={[
            { title: '数据资源代码', dataIndex: 'datasetCode' },
            { title: '字段', dataIndex: 'field' },
            { title: '异议数', dataIndex: 'objections', width: 100 },
          ]}
        />
      </Card>
    </Space>
  );
}

/** 合计: the rows together (the average over every decided task), under the table. */
function TotalsRow({ totals }: { totals: Report['totals'] | undefined }) {
  if (!totals || totals.raised === 0) return null;
  const cells = TOTAL_LABELS.map(([key]) => totals[key] ?? '—');
  return (
    <Table.Summary.Row>
      <Table.Summary.Cell index={0} colSpan={2}>
        <Typography.Text strong>合计</Typography.Text>
      </Table.Summary.Cell>
      {cells.map((value, i) => (
        <Table.Summary.Cell key={TOTAL_LABELS[i]![0]} index={i + 2}>
          {value}
        </Table.Summary.Cell>
      ))}
      <Table.Summary.Cell index={cells.length + 2} />
    </Table.Summary.Row>
  );
}
