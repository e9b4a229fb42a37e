/**
 * A dataset's detail: fields, sharing type and conditions, legal basis, lineage, versions (an older
 * one readable through ?version=), aggregation history, the scenarios covering it; the owner's
 * actions (edit, publish, retire) and the center administrator's aggregation record.
 */
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Descriptions, Select, Space, Table, Tag, Timeline, Typography } from 'antd';
import { Link, useParams, useSearchParams } from 'react-router';
import { StatusTag } from '../../components/StatusTag';
import { ErrorAlert } from '../../components/ErrorAlert';
import { api, unwrap, type Schemas } from '../../lib/api';
import { useDepartmentNames } from '../../lib/directory';
import { SHARING_LABELS } from '../../lib/labels';
import { useSession } from '../../lib/session';
import { shanghaiDate, shanghaiTime } from '../../lib/time';
import { AggregationAction } from './AggregationAction';
import { ReasonAction } from '../../components/ReasonAction';
import {
  BASIC_LIBRARY_LABELS,
  withReadableProblems,
  LEVEL_LABELS,
  LIBRARY_KIND_LABELS,
  LIFECYCLE_LABELS,
  SENSITIVITY_LABELS,
} from './terms';

function Conditions({ conditions }: { conditions: Schemas['SharingConditions'] | null | undefined }) {
  if (!conditions) return <>—</>;
  const items: string[] = [];
  if (conditions.requesterLevels?.length) items.push(`申请部门层级：${conditions.requesterLevels.map((l) => LEVEL_LABELS[l]).join('、')}`);
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

function Lineage({ lineage }: { lineage: Schemas['Lineage'] | null | undefined }) {
  if (!lineage?.sources.length) return null;
  return (
    <ul style={{ margin: 0, paddingInlineStart: 18 }}>
      {lineage.sources.map((s) => (
        <li key={s.datasetCode}>
          {s.datasetCode}：
          {Object.entries(s.fieldMap)
            .map(([target, from]) => (target === from ? target : `${target} ← ${from}`))
            .join('、')}
        </li>
      ))}
    </ul>
  );
}

/** The scenarios naming this dataset in their coverage, with the fields they use. */
function CoveringScenarios({ code }: { code: string }) {
  const scenarios = useQuery({ queryKey: ['scenarios'], queryFn: () => unwrap(api.GET('/api/v1/scenarios')) });
  const covering = (scenarios.data?.items ?? []).flatMap((s) => {
    const coverage = s.coverage.find((c) => c.datasetCode === code);
    return coverage ? [{ scenario: s, fields: coverage.fields }] : [];
  });
  return (
    <Card size="small" title="涵盖本资源的应用场景">
      <ErrorAlert error={scenarios.error} />
      <Table
        rowKey={(r) => r.scenario.id}
        size="small"
        pagination={false}
        loading={scenarios.isLoading}
        dataSource={covering}
        locale={{ emptyText: <Typography.Text>暂无应用场景使用本资源</Typography.Text> }}
        columns={[
          { title: '应用场景', render: (_, r) => <Link to={`/scenarios/${r.scenario.id}`}>{r.scenario.name}</Link> },
          { title: '使用的数据项', render: (_, r) => r.fields.join('、') },
          {
            title: '重点工作清单',
            width: 140,
            render: (_, r) =>
              r.scenario.retired ? <Tag>已停用</Tag> : r.scenario.onKeyList ? <StatusTag tone="blue">已列入</StatusTag> : '未列入',
          },
        ]}
      />
    </Card>
  );
}

export function DatasetPage() {
  const { datasetId } = useParams();
  const [params, setParams] = useSearchParams();
  const { me, has } = useSession();
  const queryClient = useQueryClient();
  const departmentName = useDepartmentNames();
  const viewed = params.get('version') ? Number(params.get('version')) : null;
  const detail = useQuery({
    queryKey: ['dataset', datasetId],
    queryFn: () => unwrap(api.GET('/api/v1/datasets/{datasetId}', { params: { path: { datasetId: datasetId! } } })),
  });
  const older = useQuery({
    queryKey: ['dataset', datasetId, 'version', viewed],
    queryFn: () =>
      unwrap(api.GET('/api/v1/datasets/{datasetId}/versions/{version}', { params: { path: { datasetId: datasetId!, version: viewed! } } })),
    enabled: viewed !== null && viewed !== detail.data?.current.version,
  });
  if (detail.error) return <ErrorAlert error={detail.error} />;
  if (!detail.data) return <Card loading />;
  const { dataset, current, aggregationHistory } = detail.data;
  const shown = viewed !== null && viewed !== current.version ? older.data : current;
  const refresh = (next?: Schemas['DatasetDetail']) => {
    if (next) queryClient.setQueryData(['dataset', datasetId], next);
    void queryClient.invalidateQueries({ queryKey: ['dataset', datasetId] });
    void queryClient.invalidateQueries({ queryKey: ['datasets'] });
    void queryClient.invalidateQueries({ queryKey: ['aggregation'] });
  };
  const owner = (has('reviewer') || has('dept_admin')) && me?.department.id === dataset.ownerDepartmentId;
  const canRequest = dataset.lifecycle === 'published' && me?.department.id !== dataset.ownerDepartmentId && has('requester');
  const move = (to: 'published' | 'retired') => async (reason: string | undefined) =>
    refresh(
      await unwrap(
        api.POST('/api/v1/datasets/{datasetId}/lifecycle', {
          params: { path: { datasetId: dataset.id } },
          body: { to, ...(reason ? { reason } : {}) },
        }),
      ),
    );
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Space wrap>
        <Typography.Title level={2} style={{ fontSize: 20, margin: 0 }}>
          {shown?.content.name ?? dataset.name}
        </Typography.Title>
        <Tag>{dataset.code}</Tag>
        <StatusTag tone={dataset.lifecycle === 'published' ? 'green' : dataset.lifecycle === 'draft' ? 'orange' : 'grey'}>
          {LIFECYCLE_LABELS[dataset.lifecycle]}
        </StatusTag>
        <StatusTag tone="blue">{SHARING_LABELS[dataset.sharingType]}</StatusTag>
        {dataset.aggregated ? <StatusTag tone="green">已归集至市大数据中心</StatusTag> : <Tag>未归集</Tag>}
      </Space>
      <Space wrap>
        {canRequest && (
          <Link to={`/requests/new?datasetId=${dataset.id}`}>
            <Button type="primary">申请共享</Button>
          </Link>
        )}
        {owner && dataset.lifecycle !== 'retired' && (
          <Link to={`/catalogue/${dataset.id}/edit`}>
            <Button>编辑</Button>
          </Link>
        )}
        {owner && dataset.lifecycle === 'draft' && (
          <ReasonAction
            label="发布"
            title={`发布 ${dataset.name}`}
            operationId="moveDataset"
            reasonLabel="发布说明（选填）"
            required={false}
            shownError={withReadableProblems}
            explanation={`发布后，第 ${current.version} 版在目录中对所有部门可见，可被申请共享。`}
            button={{ type: 'primary' }}
            run={move('published')}
          />
        )}
        {owner && dataset.lifecycle === 'published' && (
          <ReasonAction
            label="停用"
            title={`停用 ${dataset.name}`}
            operationId="moveDataset"
            reasonLabel="停用原因"
            required
            shownError={withReadableProblems}
            explanation="停用后不能再申请共享，也不能再修改；已有的申请和授权仍引用原版本。"
            button={{ danger: true }}
            run={move('retired')}
          />
        )}
        {has('center_admin') && <AggregationAction dataset={dataset} onDone={refresh} />}
      </Space>
      {viewed !== null && viewed !== current.version && (
        <Alert
          type="info"
          showIcon
          message={`正在查看历史版本：第 ${viewed} 版${shown ? `（${shanghaiTime(shown.createdAt)}）` : ''}`}
          action={<Button onClick={() => setParams({})}>回到当前版本</Button>}
        />
      )}
      <ErrorAlert error={withReadableProblems(older.error)} />
      {!shown ? (
        <Card loading />
      ) : (
        <>
          <Descriptions bordered size="small" column={{ xs: 1, md: 2 }}>
            <Descriptions.Item label="数据责任部门">{departmentName(dataset.ownerDepartmentId)}</Descriptions.Item>
            <Descriptions.Item label="版本">
              第 {shown.version} 版（{shanghaiDate(shown.createdAt)}）{shown.version === current.version ? '，当前版本' : ''}
            </Descriptions.Item>
            <Descriptions.Item label="资源分类">
              {LIBRARY_KIND_LABELS[shown.content.libraryKind]}
              {shown.content.basicLibrary ? `（${BASIC_LIBRARY_LABELS[shown.content.basicLibrary]}）` : ''}
            </Descriptions.Item>
            <Descriptions.Item label="共享类型">{SHARING_LABELS[shown.content.sharingType]}</Descriptions.Item>
            <Descriptions.Item label="更新频率">{shown.content.updateFrequency || '—'}</Descriptions.Item>
            <Descriptions.Item label="来源系统">{shown.content.sourceSystem || '—'}</Descriptions.Item>
            <Descriptions.Item label="描述" span={2}>
              {shown.content.description || '—'}
            </Descriptions.Item>
            {shown.content.sharingType === 'conditional' && (
              <Descriptions.Item label="共享条件" span={2}>
                <Conditions conditions={shown.content.conditions} />
                {shown.content.conditionNotes && <div>说明：{shown.content.conditionNotes}</div>}
              </Descriptions.Item>
            )}
            {shown.content.legalBasis && (
              <Descriptions.Item label="不予共享的法律依据" span={2}>
                {shown.content.legalBasis.law}
                {shown.content.legalBasis.article ?? ''}
                {shown.content.legalBasis.prohibitsSharing ? '（法律明确禁止共享）' : ''}
              </Descriptions.Item>
            )}
            {shown.content.lineage?.sources.length ? (
              <Descriptions.Item label="融合来源" span={2}>
                <Lineage lineage={shown.content.lineage} />
              </Descriptions.Item>
            ) : null}
          </Descriptions>
          <Card size="small" title="数据项">
            <Table
              rowKey="name"
              size="small"
              pagination={false}
              scroll={{ x: 600 }}
              dataSource={shown.content.fields}
              columns={[
                { title: '名称', dataIndex: 'name' },
                { title: '类型', dataIndex: 'type' },
                {
                  title: '敏感程度',
                  dataIndex: 'sensitivity',
                  render: (s: Schemas['DatasetField']['sensitivity']) => SENSITIVITY_LABELS[s],
                },
                { title: '说明', dataIndex: 'description' },
              ]}
            />
          </Card>
        </>
      )}
      <Card size="small" title="版本">
        <Space wrap>
          <Typography.Text>
            共 {current.version} 个版本，当前为第 {current.version} 版。
          </Typography.Text>
          <Select
            aria-label="查看版本"
            style={{ width: 200 }}
            value={viewed ?? current.version}
            onChange={(v: number) => setParams(v === current.version ? {} : { version: String(v) })}
            options={Array.from({ length: current.version }, (_, i) => current.version - i).map((v) => ({
              value: v,
              label: v === current.version ? `第 ${v} 版（当前）` : `第 ${v} 版`,
            }))}
          />
        </Space>
      </Card>
      <Card size="small" title="归集记录">
        {aggregationHistory.length === 0 ? (
          <Typography.Text>尚未归集</Typography.Text>
        ) : (
          <Timeline
            items={[...aggregationHistory].reverse().map((h) => ({
              children: `${shanghaiTime(h.from)} 起归集${h.to ? `，至 ${shanghaiTime(h.to)} 止` : '，至今'}`,
            }))}
          />
        )}
      </Card>
      <CoveringScenarios code={dataset.code} />
    </Space>
  );
}
