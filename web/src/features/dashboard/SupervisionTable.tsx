/** Supervision (督办) now: open level-1 and level-2 notices, replies given and overdue — the totals and per responsible department. */
import { Descriptions, Table } from 'antd';
import { EmptyText } from '../../components/EmptyText';
import type { Schemas } from '../../lib/api';
import { byFigure } from './DepartmentTable';

type Figures = Schemas['SupervisionFigures'];
type Row = Schemas['DashboardSupervision']['rows'][number];
const FIGURES: [keyof Figures, string][] = [
  ['openLevel1', '一级督办（未办结）'],
  ['openLevel2', '二级督办（未办结）'],
  ['repliesGiven', '已答复'],
  ['repliesOverdue', '逾期未答复'],
];

export function SupervisionTotals({ totals }: { totals: Figures }) {
  return (
    <Descriptions size="small" bordered column={{ xs: 1, sm: 2, lg: 4 }}>
      {FIGURES.map(([key, label]) => (
        <Descriptions.Item key={key} label={label}>
          {totals[key]}
        </Descriptions.Item>
      ))}
    </Descriptions>
  );
}

export function SupervisionTable({ rows, loading }: { rows: Row[]; loading?: boolean }) {
  return (
    <Table<Row>
      rowKey={(r) => r.department.id}
      size="small"
      loading={loading}
      dataSource={rows}
      pagination={false}
      scroll={{ x: 720 }}
      locale={{ emptyText: <EmptyText>无督办</EmptyText> }}
      columns={[
        { title: '责任部门', key: 'department', width: 220, render: (_, r) => r.department.name },
        ...FIGURES.map(([key, label]) => ({
          title: label,
          dataIndex: key,
          width: 140,
          align: 'right' as const,
          sorter: byFigure((r: Row) => r[key]),
        })),
      ]}
    />
  );
}
