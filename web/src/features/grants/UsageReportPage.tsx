/**
 * The monthly usage report (使用情况月报, 安全监管): per grant and per holder department, the
 * checks allowed and denied and the fields used, for the month in the URL; as XLSX to download.
 */
import { DownloadOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Button, Card, DatePicker, Space, Table, Typography } from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { Link } from 'react-router';
import { EmptyText } from '../../components/EmptyText';
import { ErrorAlert } from '../../components/ErrorAlert';
import { api, saveFile, unwrap, unwrapResponse, type Schemas } from '../../lib/api';
import { shanghaiToday } from '../../lib/time';
import { useUrlFilters } from '../../lib/url';

type Report = Schemas['GrantUsageReport'];

export function UsageReportPage() {
  const [params, update] = useUrlFilters();
  const month = params.get('month') ?? shanghaiToday().slice(0, 7);
  const report = useQuery({
    queryKey: ['grants', 'usage-report', month],
    // JSON is asked for (the default format); the contract's union also names the XLSX body.
    queryFn: async () => (await unwrap(api.GET('/api/v1/grants/usage-report', { params: { query: { month } } }))) as Report,
  });
  const [error, setError] = useState<unknown>(null);
  const download = async () => {
    setError(null);
    try {
      const { data } = await unwrapResponse(
        api.GET('/api/v1/grants/usage-report', { params: { query: { month, format: 'xlsx' } }, parseAs: 'blob' }),
      );
      saveFile(data, `授权使用情况月报-${month}.xlsx`);
    } catch (cause) {
      setError(cause);
    }
  };
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Space style={{ justifyContent: 'space-between', width: '100%' }} wrap>
        <Typography.Title level={2} style={{ fontSize: 20, margin: 0 }}>
          授权使用情况月报
        </Typography.Title>
        <Space wrap>
          <DatePicker
            picker="month"
            aria-label="月份"
            allowClear={false}
            value={dayjs(`${month}-01`)}
            onChange={(value) => value && update({ month: value.format('YYYY-MM') })}
          />
          <Button icon={<DownloadOutlined />} onClick={() => void download()}>
            导出 XLSX
          </Button>
        </Space>
      </Space>
      <ErrorAlert error={error ?? report.error} />
      <Card size="small" title="按需求部门">
        <Table<Report['departments'][number]>
          size="small"
          rowKey={(d) => d.department.id}
          loading={report.isLoading}
          dataSource={report.data?.departments ?? []}
          pagination={false}
          locale={{ emptyText: <EmptyText>本月没有使用记录</EmptyText> }}
          columns={[
            { title: '需求部门', key: 'department', render: (_, d) => d.department.name },
            { title: '授权数', dataIndex: 'grants', width: 90 },
            { title: '授权内校验次数', key: 'checks', width: 130, render: (_, d) => d.counts.checks },
            { title: '通过', key: 'allowed', width: 90, render: (_, d) => d.counts.allowed },
            { title: '拒绝', key: 'denied', width: 90, render: (_, d) => d.counts.denied },
            { title: '无授权尝试', dataIndex: 'attemptsWithoutGrant', width: 110 },
          ]}
        />
      </Card>
      <Card size="small" title="按授权">
        <Table<Report['grants'][number]>
          size="small"
          rowKey={(g) => g.grant.id}
          loading={report.isLoading}
          dataSource={report.data?.grants ?? []}
          pagination={false}
          scroll={{ x: 760 }}
          locale={{ emptyText: <EmptyText>本月没有使用记录</EmptyText> }}
          columns={[
            { title: '授权编号', key: 'grant', width: 160, render: (_, g) => <Link to={`/grants/${g.grant.id}`}>{g.grant.number}</Link> },
            { title: '需求部门', key: 'holder', render: (_, g) => g.holder.name },
            { title: '数据资源', dataIndex: 'dataset' },
            { title: '校验次数', key: 'checks', width: 100, render: (_, g) => g.counts.checks },
            { title: '通过', key: 'allowed', width: 80, render: (_, g) => g.counts.allowed },
            { title: '拒绝', key: 'denied', width: 80, render: (_, g) => g.counts.denied },
            { title: '使用字段', dataIndex: 'fieldsUsed', render: (f: string[]) => f.join('、') || '—' },
          ]}
        />
      </Card>
    </Space>
  );
}
