/**
 * The open objection marks (异议标注) on a grant's data: the records whose fields in the grant are
 * being verified, so the holder uses them with care; a mark leaves when its objection is archived.
 * Shown to whoever may read the dataset's marks (a holder of a valid grant, the owner, the center,
 * the authority, auditors); for anyone else the card is left out.
 */
import { useQuery } from '@tanstack/react-query';
import { Table, Typography } from 'antd';
import { EmptyText } from '../../components/EmptyText';
import { ErrorAlert } from '../../components/ErrorAlert';
import { RegionCard } from '../../components/RegionCard';
import { api, ApiError, unwrap } from '../../lib/api';
import { shanghaiTime } from '../../lib/time';

export function DataMarks({ datasetId, fields }: { datasetId: string; fields: readonly string[] }) {
  const marks = useQuery({
    queryKey: ['datasets', datasetId, 'marks'],
    queryFn: () => unwrap(api.GET('/api/v1/datasets/{datasetId}/marks', { params: { path: { datasetId } } })),
    retry: false,
  });
  if (marks.error instanceof ApiError && marks.error.code === 'marks_need_grant') return null;
  const items = (marks.data?.items ?? []).filter((m) => fields.includes(m.field));
  return (
    <RegionCard title="异议标注">
      <ErrorAlert error={marks.error} />
      <Typography.Paragraph type="secondary">
        以下记录的授权字段正在异议核实中，使用时请注意；核实办结归档后，标注自动撤销。
      </Typography.Paragraph>
      <Table
        size="small"
        rowKey={(m) => `${m.objectionId}:${m.field}`}
        loading={marks.isPending}
        pagination={{ pageSize: 10, hideOnSinglePage: true }}
        dataSource={items}
        locale={{ emptyText: <EmptyText>本授权字段上没有异议标注</EmptyText> }}
        scroll={{ x: 'max-content' }}
        columns={[
          { title: '记录标识', dataIndex: 'recordKey' },
          { title: '字段', dataIndex: 'field' },
          { title: '异议编号', dataIndex: 'objectionNumber' },
          { title: '标注时间', dataIndex: 'setAt', render: shanghaiTime },
        ]}
      />
    </RegionCard>
  );
}
