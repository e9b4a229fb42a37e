/** A dataset's detail: fields, sharing type and conditions, legal basis, aggregation history. */
import { useQuery } from '@tanstack/react-query';
import { Button, Card, Descriptions, Space, Table, Tag, Timeline, Typography } from 'antd';
import { shanghaiDate } from '../../lib/time';
import { Link, useParams } from 'react-router';
import { StatusTag } from '../../components/StatusTag';
import { ErrorAlert } from '../../components/ErrorAlert';
import { api, unwrap, type Schemas } from '../../lib/api';
import { useDepartmentNames } from '../../lib/directory';
import { SHARING_LABELS } from '../../lib/labels';
import { useSession } from '../../lib/session';

const SENSITIVITY = { public: '公开', internal: '内部', sensitive: '敏感', core: '核心' } as const;

function Conditions({ conditions }: { conditions: Schemas['SharingConditions'] | null | undefined }) {
  if (!conditions) return <>—</>;
  const items: string[] = [];
  if (conditions.requesterLevels?.length) items.push(`申请部门层级：${conditions.requesterLevels.join('、')}`);
  if (conditions.requesterDepartments?.length) items.push(`限定申请部门：${conditions.requesterDepartments.join('、')}`);
  if (conditions.allowedPurposes?.length) items.push(`允许用途：${conditions.allowedPurposes.join('；')}`);
  if (conditions.allowedScenarios?.length) items.push(`限定应用场景 ${conditions.allowedScenarios.length} 个`);
  if (conditions.restrictedFields?.length) items.push(`不予共享数据项：${conditions.restrictedFields.join('、')}`);
  if (conditions.legalBasisRequired) items.push('须提供法律依据');
  if (conditions.maxUsageMonths) items.push(`使用期限不超过 ${conditions.maxUsageMonths} 个月`);
  if (conditions.securityCommitmentRequired) items.push('须签署安全承诺');
  return (
    <ul style={{ margin: 0, paddingInlineStart: 18 }}>
      {items.map((item) => (
        <li key={item}>{item}</li>
      ))}
    </ul>
  );
}

export function DatasetPage() {
  const { datasetId } = useParams();
  const { me } = useSession();
  const departmentName = useDepartmentNames();
  const detail = useQuery({
    queryKey: ['dataset', datasetId],
    queryFn: () => unwrap(api.GET('/api/v1/datasets/{datasetId}', { params: { path: { datasetId: datasetId! } } })),
  });
  if (detail.error) return <ErrorAlert error={detail.error} />;
  if (!detail.data) return <Card loading />;
  const { dataset, current, aggregationHistory } = detail.data;
  const content = current.content;
  const canRequest =
    dataset.lifecycle === 'published' && me?.department.id !== dataset.ownerDepartmentId && me?.user.roles.includes('requester');
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Space wrap>
        <Typography.Title level={2} style={{ fontSize: 20, margin: 0 }}>
          {content.name}
        </Typography.Title>
        <Tag>{dataset.code}</Tag>
        <StatusTag tone="blue">{SHARING_LABELS[dataset.sharingType]}</StatusTag>
        {dataset.aggregated ? <StatusTag tone="green">已归集至市大数据中心</StatusTag> : <Tag>未归集</Tag>}
        {canRequest && (
          <Link to={`/requests/new?datasetId=${dataset.id}`}>
            <Button type="primary">申请共享</Button>
          </Link>
        )}
      </Space>
      <Descriptions bordered size="small" column={{ xs: 1, md: 2 }}>
        <Descriptions.Item label="数据责任部门">{departmentName(dataset.ownerDepartmentId)}</Descriptions.Item>
        <Descriptions.Item label="版本">
          第 {current.version} 版（{shanghaiDate(current.createdAt)}）
        </Descriptions.Item>
        <Descriptions.Item label="更新频率">{content.updateFrequency}</Descriptions.Item>
        <Descriptions.Item label="来源系统">{content.sourceSystem}</Descriptions.Item>
        <Descriptions.Item label="描述" span={2}>
          {content.description || '—'}
        </Descriptions.Item>
        <Descriptions.Item label="共享条件" span={2}>
          <Conditions conditions={content.conditions} />
        </Descriptions.Item>
        {content.legalBasis && (
          <Descriptions.Item label="不予共享的法律依据" span={2}>
            {content.legalBasis.law}
            {content.legalBasis.article ?? ''}
          </Descriptions.Item>
        )}
      </Descriptions>
      <Card size="small" title="数据项">
        <Table
          rowKey="name"
          size="small"
          pagination={false}
          dataSource={content.fields}
          columns={[
            { title: '名称', dataIndex: 'name' },
            { title: '类型', dataIndex: 'type' },
            { title: '敏感程度', dataIndex: 'sensitivity', render: (s: keyof typeof SENSITIVITY) => SENSITIVITY[s] },
            { title: '说明', dataIndex: 'description' },
          ]}
        />
      </Card>
      <Card size="small" title="归集记录">
        {aggregationHistory.length === 0 ? (
          <Typography.Text type="secondary">尚未归集</Typography.Text>
        ) : (
          <Timeline
            items={aggregationHistory.map((h) => ({
              children: `${shanghaiDate(h.from)} 起归集${h.to ? `，至 ${shanghaiDate(h.to)}` : '，至今'}`,
            }))}
          />
        )}
      </Card>
    </Space>
  );
}
