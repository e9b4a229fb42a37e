/**
 * 异议核实 on the SLA dashboard: the period's objections (by the day raised) for the city or one
 * owner department — raised, by outcome, the average verification time in working days, overdue
 * now — the most disputed fields, the report's downloads and a link to the whole report. The
 * dashboard's district and track filters do not apply: objections have neither.
 */
import { Col, List, Row, Space, Statistic, Typography } from 'antd';
import { Link } from 'react-router';
import { DownloadButtons } from '../../components/DownloadButtons';
import { ErrorAlert } from '../../components/ErrorAlert';
import { RegionCard } from '../../components/RegionCard';
import { downloadObjectionReport, reportQuery, TOTAL_LABELS, useObjectionReport, type ReportFilters } from './report';

export function ObjectionFigures({ filters }: { filters: ReportFilters }) {
  const report = useObjectionReport(filters);
  const totals = report.data?.totals;
  const search = new URLSearchParams(reportQuery(filters));
  return (
    <RegionCard
      title="异议核实"
      note="异议无区和通道之分，不按区和通道筛选"
      extra={
        <Space wrap size="small">
          <DownloadButtons label="异议核实" download={(format) => downloadObjectionReport(filters, format)} />
          <Link to={`/objections/report?${search.toString()}`}>异议核实情况统计</Link>
        </Space>
      }
    >
      <Space direction="vertical" style={{ width: '100%' }}>
        <ErrorAlert error={report.error} />
        <Row gutter={[12, 12]} role="list" aria-label="异议核实总量">
          {TOTAL_LABELS.map(([key, title]) => (
            <Col key={key} flex="1 1 140px" role="listitem">
              <Statistic title={title} value={totals ? (totals[key] ?? '—') : '…'} loading={report.isLoading} />
            </Col>
          ))}
        </Row>
        {report.data && report.data.fields.length > 0 && (
          <List
            size="small"
            header={<Typography.Text strong>异议最多的字段</Typography.Text>}
            dataSource={report.data.fields.slice(0, 5)}
            renderItem={(f) => <List.Item>{`${f.datasetCode} · ${f.field}：${f.objections} 件`}</List.Item>}
          />
        )}
        <Typography.Text type="secondary">按提出异议的日期统计；不按区和通道筛选。</Typography.Text>
      </Space>
    </RegionCard>
  );
}
