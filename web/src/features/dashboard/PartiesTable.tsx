/** The big-data center's and the competent authority's own steps: handled, breached, open, overdue, working days taken. */
import { Table } from 'antd';
import { EmptyText } from '../../components/EmptyText';
import type { Schemas } from '../../lib/api';
import { byFigure } from './DepartmentTable';
import { days, PARTY_STEP_LABELS } from './terms';

type Row = Schemas['PartyStepFigures'];
const PARTY_NAMES: Record<Row['party'], string> = { center: '市大数据中心', authority: '公共数据主管部门' };

export function PartiesTable({ rows, loading }: { rows: Row[]; loading?: boolean }) {
  const figure = (title: string, key: 'handled' | 'breached' | 'openNow' | 'overdueNow') => ({
    title,
    dataIndex: key,
    width: 96,
    align: 'right' as const,
    sorter: byFigure((r: Row) => r[key]),
  });
  return (
    <Table<Row>
      rowKey={(r) => `${r.party}-${r.step}`}
      size="small"
      loading={loading}
      dataSource={rows}
      pagination={false}
      scroll={{ x: 720 }}
      locale={{ emptyText: <EmptyText>本期无数据</EmptyText> }}
      columns={[
        { title: '责任方', dataIndex: 'party', width: 150, render: (party: Row['party']) => PARTY_NAMES[party] },
        { title: '环节', dataIndex: 'step', width: 110, render: (step: string) => PARTY_STEP_LABELS[step] ?? step },
        figure('本期办结', 'handled'),
        figure('被督办', 'breached'),
        figure('办理中', 'openNow'),
        figure('当前超期', 'overdueNow'),
        {
          title: '平均用时（工作日）',
          dataIndex: 'averageWorkingDays',
          width: 150,
          align: 'right',
          sorter: byFigure((r: Row) => r.averageWorkingDays),
          render: (value: number | null) => days(value),
        },
      ]}
    />
  );
}
