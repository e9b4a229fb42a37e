/**
 * The league table of owner departments (数据责任部门): every numeric column sorts; a department's
 * name drills down to the requests behind its figures, with the same filters.
 */
import { Table, type TableColumnType } from 'antd';
import { Link } from 'react-router';
import { EmptyText } from '../../components/EmptyText';
import type { Schemas } from '../../lib/api';
import { filterSearch, type DashboardFilters } from './api';
import { days, percent } from './terms';

type Row = Schemas['DepartmentFigures'];

/** Sorts by a figure; a missing one (nothing decided) sorts below every number. */
export function byFigure<T>(figure: (row: T) => number | null): (a: T, b: T) => number {
  return (a, b) => {
    const x = figure(a);
    const y = figure(b);
    if (x === null || y === null) return x === y ? 0 : x === null ? -1 : 1;
    return x - y;
  };
}

type Count = { [K in keyof Row]: Row[K] extends number ? K : never }[keyof Row];

const count = (title: string, key: Count, width = 96): TableColumnType<Row> => ({
  title,
  dataIndex: key,
  width,
  align: 'right',
  sorter: byFigure((r: Row) => r[key]),
});

export function DepartmentTable(props: { rows: Row[]; loading?: boolean; filters?: DashboardFilters; caption?: string }) {
  const { rows, loading, filters } = props;
  return (
    <Table<Row>
      rowKey={(r) => r.department.id}
      size="small"
      loading={loading}
      dataSource={rows}
      pagination={false}
      scroll={{ x: 1500 }}
      locale={{ emptyText: <EmptyText>本期无申请</EmptyText> }}
      columns={[
        {
          title: '数据责任部门',
          key: 'department',
          fixed: 'left',
          width: 220,
          sorter: (a, b) => a.department.name.localeCompare(b.department.name, 'zh-CN'),
          render: (_, r) =>
            filters ? (
              <Link to={`/dashboard/departments/${r.department.id}${filterSearch(filters)}`}>{r.department.name}</Link>
            ) : (
              r.department.name
            ),
        },
        count('申请数', 'filed', 84),
        count('已决', 'decided', 84),
        count('按时', 'met', 84),
        count('超期', 'breached', 84),
        {
          title: '按时率',
          dataIndex: 'onTimeRate',
          width: 96,
          align: 'right',
          sorter: byFigure((r: Row) => r.onTimeRate),
          render: (rate: number | null) => percent(rate),
        },
        {
          title: '平均办理工作日',
          dataIndex: 'averageDaysToDecide',
          width: 130,
          align: 'right',
          sorter: byFigure((r: Row) => r.averageDaysToDecide),
          render: (value: number | null) => days(value),
        },
        {
          title: 'P90 办理工作日',
          dataIndex: 'p90DaysToDecide',
          width: 130,
          align: 'right',
          sorter: byFigure((r: Row) => r.p90DaysToDecide),
          render: (value: number | null) => days(value),
        },
        count('当前超期', 'overdueNow'),
        count('不予共享', 'refusals'),
        count('已出具书面说明', 'refusalsExplained', 130),
        count('要求补正', 'supplementsAsked'),
        count('申请延期', 'extensionsAsked'),
        count('延期获批', 'extensionsApproved'),
        count('被督办', 'breachesCharged'),
        count('争议被责令共享', 'disputesLost', 130),
      ]}
    />
  );
}
