/**
 * 「月度考核评估」: the month's evaluation of departments' sharing work — the city's figures, the
 * owner departments' table, the center's and the competent authority's steps, supervision — as a
 * page that prints (app/print.css: no menu, no buttons) and as the API's PDF and XLSX; a city
 * reader may narrow it to one owner department (in the URL), a department reads its own.
 */
import { FilePdfOutlined, FileExcelOutlined, PrinterOutlined } from '@ant-design/icons';
import { Button, DatePicker, Descriptions, Form, Space, Table, Typography } from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { EmptyText } from '../../components/EmptyText';
import { ErrorAlert } from '../../components/ErrorAlert';
import type { Schemas } from '../../lib/api';
import { TRACK_LABELS } from '../../lib/labels';
import { shanghaiTime, shanghaiToday } from '../../lib/time';
import { useUrlFilters } from '../../lib/url';
import { downloadEvaluation, readsWholeCity, useEvaluation } from './api';
import { DepartmentTable } from './DepartmentTable';
import { Section } from './Section';
import { SupervisionTotals } from './SupervisionTable';
import { PartiesTable } from './PartiesTable';
import { percent } from './terms';
import { useSession } from '../../lib/session';
import { FilterSelect } from '../../components/FilterSelect';
import { useDepartments } from '../../lib/directory';

const MONTH = /^20[0-5][0-9]-(0[1-9]|1[0-2])$/;

function Downloads({ month, departmentId }: { month: string; departmentId: string | undefined }) {
  const [busy, setBusy] = useState<'pdf' | 'xlsx' | null>(null);
  const [error, setError] = useState<unknown>(null);
  const run = async (format: 'pdf' | 'xlsx') => {
    setError(null);
    setBusy(format);
    try {
      await downloadEvaluation(month, format, departmentId);
    } catch (cause) {
      setError(cause);
    } finally {
      setBusy(null);
    }
  };
  return (
    <Space wrap className="no-print">
      <Button icon={<PrinterOutlined />} onClick={() => window.print()}>
        打印
      </Button>
      <Button icon={<FilePdfOutlined />} loading={busy === 'pdf'} onClick={() => void run('pdf')}>
        下载 PDF
      </Button>
      <Button icon={<FileExcelOutlined />} loading={busy === 'xlsx'} onClick={() => void run('xlsx')}>
        下载 XLSX
      </Button>
      <ErrorAlert error={error} />
    </Space>
  );
}

function City({ city }: { city: Schemas['MonthlyEvaluation']['city'] }) {
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Descriptions size="small" bordered column={{ xs: 1, sm: 2, lg: 5 }}>
        <Descriptions.Item label="提交申请">{city.filed}</Descriptions.Item>
        <Descriptions.Item label="已作出决定">{city.decided}</Descriptions.Item>
        <Descriptions.Item label="按时">{city.met}</Descriptions.Item>
        <Descriptions.Item label="超期">{city.breached}</Descriptions.Item>
        <Descriptions.Item label="按时率">{percent(city.onTimeRate)}</Descriptions.Item>
      </Descriptions>
      <Table<Schemas['OnTimeRow']>
        rowKey="track"
        size="small"
        pagination={false}
        dataSource={city.onTime}
        locale={{ emptyText: <EmptyText>本月无申请</EmptyText> }}
        columns={[
          { title: '通道', dataIndex: 'track', render: (t: 1 | 5 | 15) => TRACK_LABELS[t] },
          { title: '按时', dataIndex: 'met', align: 'right' },
          { title: '超期', dataIndex: 'breached', align: 'right' },
          { title: '其中仍在办理', dataIndex: 'openBreached', align: 'right' },
          { title: '办理中（未超期）', dataIndex: 'pending', align: 'right' },
          { title: '按时率', dataIndex: 'rate', align: 'right', render: (rate: number | null) => percent(rate) },
        ]}
      />
    </Space>
  );
}

export function EvaluationPage() {
  const [params, set] = useUrlFilters();
  const { me } = useSession();
  const asked = params.get('month');
  const month = asked && MONTH.test(asked) ? asked : shanghaiToday().slice(0, 7);
  const cityWide = readsWholeCity(me);
  // A city reader may narrow the report to one owner department; a department reads its own anyway.
  const departmentId = (cityWide && params.get('departmentId')) || undefined;
  const departments = useDepartments();
  const report = useEvaluation(month, departmentId);
  const data = report.data;
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }} className="evaluation-report">
      <Space style={{ justifyContent: 'space-between', width: '100%' }} wrap>
        <Typography.Title level={2} style={{ fontSize: 20, margin: 0 }}>
          月度考核评估 · {month}
          {departmentId && ` · ${departments.data?.items.find((d) => d.id === departmentId)?.name ?? ''}`}
        </Typography.Title>
        <Downloads month={month} departmentId={departmentId} />
      </Space>
      <Form layout="inline" className="no-print">
        <Form.Item label="考核月份">
          <DatePicker
            picker="month"
            aria-label="考核月份"
            allowClear={false}
            value={dayjs(`${month}-01`)}
            onChange={(value) => value && set({ month: value.format('YYYY-MM') })}
          />
        </Form.Item>
        {cityWide && (
          <FilterSelect
            label="数据责任部门"
            searchable
            width={240}
            value={departmentId}
            onChange={(value) => set({ departmentId: value })}
            options={(departments.data?.items ?? []).map((d) => ({ value: d.id, label: d.name }))}
          />
        )}
      </Form>
      <ErrorAlert error={report.error} />
      {data && (
        <>
          <Typography.Text type="secondary">
            考核区间 {data.from} 至 {data.to}（按提交日期），数据截至 {shanghaiTime(data.asOf)}
          </Typography.Text>
          <Section title="全市概况">
            <City city={data.city} />
          </Section>
          <Section title="数据责任部门考核">
            <DepartmentTable rows={data.departments} filters={{ from: data.from, to: data.to }} />
          </Section>
          {(cityWide || data.parties.length > 0) && (
            <Section title="市大数据中心与主管部门环节">
              <PartiesTable rows={data.parties} />
            </Section>
          )}
          <Section title="督办情况">
            <SupervisionTotals totals={data.supervision} />
          </Section>
        </>
      )}
    </Space>
  );
}
