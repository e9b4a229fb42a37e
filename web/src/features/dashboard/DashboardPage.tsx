/**
 * 「SLA 看板」: the period's figures for the city (or, for a department, its own) — totals, the
 * on-time rate per track, requests by track and state, the weekly trends, the open items due now,
 * the owner departments' league table, the center's and the authority's own steps (for those who
 * may read them), supervision and the objections (异议核实); every table exports as XLSX or CSV with
 * the filters shown.
 */
import { Button, Card, Col, Row, Space, Statistic, Typography } from 'antd';
import { Link } from 'react-router';
import { ErrorAlert } from '../../components/ErrorAlert';
import { ObjectionFigures } from '../objections';
import { ApiError } from '../../lib/api';
import { shanghaiTime } from '../../lib/time';
import {
  useDashboardFilters,
  useDepartmentFigures,
  useOverview,
  useParties,
  useSupervisionFigures,
  useTrends,
  type DashboardFilters,
} from './api';
import { OnTimeChart, StatesChart, TrendsChart } from './Charts';
import { DepartmentTable } from './DepartmentTable';
import { Filters } from './Filters';
import { OpenItems } from './OpenItems';
import { PartiesTable } from './PartiesTable';
import { Section } from './Section';
import { SupervisionTable, SupervisionTotals } from './SupervisionTable';
import { percent } from './terms';

function Totals({ filters }: { filters: DashboardFilters }) {
  const overview = useOverview(filters);
  const totals = overview.data?.totals;
  const onTime = overview.data?.onTime ?? [];
  const met = onTime.reduce((sum, r) => sum + r.met, 0);
  const breached = onTime.reduce((sum, r) => sum + r.breached, 0);
  const figures: [string, number | string | undefined][] = [
    ['提交申请', totals?.filed],
    ['已作出决定', totals?.decided],
    ['办理中', totals?.open],
    ['当前超期', totals?.overdueNow],
    ['总体按时率', overview.data ? percent(met + breached > 0 ? met / (met + breached) : null) : undefined],
  ];
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <ErrorAlert error={overview.error} />
      <Row gutter={[12, 12]} role="list" aria-label="总量">
        {figures.map(([title, value]) => (
          <Col key={title} flex="1 1 160px" role="listitem">
            <Card size="small">
              <Statistic title={title} value={value ?? '…'} loading={overview.isLoading} />
            </Card>
          </Col>
        ))}
      </Row>
      {overview.data && (
        <Typography.Text type="secondary">
          统计区间 {overview.data.scope.from} 至 {overview.data.scope.to}（按提交日期），数据截至 {shanghaiTime(overview.data.scope.asOf)}
        </Typography.Text>
      )}
      <Row gutter={[12, 12]}>
        <Col xs={24} xl={10}>
          <Section title="各通道按时率" table="on_time" filters={filters}>
            <OnTimeChart rows={onTime} />
          </Section>
        </Col>
        <Col xs={24} xl={14}>
          <Section title="按通道和状态的申请数" table="states" filters={filters}>
            <StatesChart rows={overview.data?.byTrackAndState ?? []} />
          </Section>
        </Col>
      </Row>
    </Space>
  );
}

function Trends({ filters }: { filters: DashboardFilters }) {
  const trends = useTrends(filters);
  return (
    <Section title="每周趋势" table="trends" filters={filters}>
      <ErrorAlert error={trends.error} />
      <TrendsChart weeks={trends.data?.weeks ?? []} />
    </Section>
  );
}

function Departments({ filters }: { filters: DashboardFilters }) {
  const figures = useDepartmentFigures(filters);
  return (
    <Section title="数据责任部门排名" table="departments" filters={filters}>
      <ErrorAlert error={figures.error} />
      <DepartmentTable rows={figures.data?.rows ?? []} loading={figures.isLoading} filters={filters} />
    </Section>
  );
}

function Parties({ filters }: { filters: DashboardFilters }) {
  const parties = useParties({ from: filters.from, to: filters.to }, true);
  // Shown only to those who may read it; a refusal hides it rather than alarming.
  if (parties.error instanceof ApiError && parties.error.code === 'dashboard_scope') return null;
  return (
    <Section
      title="市大数据中心与主管部门环节"
      note="中心与主管部门自身环节，不按部门、区和通道筛选"
      table="parties"
      filters={{ from: filters.from, to: filters.to }}
    >
      <ErrorAlert error={parties.error} />
      <PartiesTable rows={parties.data?.rows ?? []} loading={parties.isLoading} />
    </Section>
  );
}

function Supervision({ filters }: { filters: DashboardFilters }) {
  const supervision = useSupervisionFigures(filters);
  return (
    <Section title="督办情况" note="督办涉及申请与异议，不按通道筛选" table="supervision" filters={filters}>
      <Space direction="vertical" style={{ width: '100%' }}>
        <ErrorAlert error={supervision.error} />
        {supervision.data && <SupervisionTotals totals={supervision.data.totals} />}
        <SupervisionTable rows={supervision.data?.rows ?? []} loading={supervision.isLoading} />
      </Space>
    </Section>
  );
}

export function DashboardPage() {
  const { filters, cityWide } = useDashboardFilters();
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Space style={{ justifyContent: 'space-between', width: '100%' }} wrap>
        <Typography.Title level={2} style={{ fontSize: 20, margin: 0 }}>
          SLA 看板
        </Typography.Title>
        <Link to={`/dashboard/evaluation?month=${filters.from.slice(0, 7)}`}>
          <Button>月度考核评估</Button>
        </Link>
      </Space>
      <Filters />
      <Totals filters={filters} />
      <Trends filters={filters} />
      <OpenItems />
      <Departments filters={filters} />
      {cityWide && <Parties filters={filters} />}
      <Supervision filters={filters} />
      <ObjectionFigures filters={{ from: filters.from, to: filters.to, departmentId: filters.departmentId }} />
    </Space>
  );
}
