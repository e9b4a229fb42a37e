/**
 * A scenario: what it is, its validity and key-list status, the datasets and fields it covers;
 * its lead department's administrator (or the center administrator) edits it, the center
 * administrator puts it on the key-work list or takes it off, with a reason.
 */
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Button, Card, Descriptions, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { ErrorAlert } from '../../components/ErrorAlert';
import { ReasonAction } from '../../components/ReasonAction';
import { StatusTag } from '../../components/StatusTag';
import { api, unwrap, type Schemas } from '../../lib/api';
import { useDepartmentNames } from '../../lib/directory';
import { SHARING_LABELS } from '../../lib/labels';
import { useSession } from '../../lib/session';
import { ScenarioForm } from './ScenarioForm';
import { KIND_LABELS } from './terms';

function KeyListAction({ scenario }: { scenario: Schemas['Scenario'] }) {
  const queryClient = useQueryClient();
  const adding = !scenario.onKeyList;
  const label = adding ? '列入重点工作清单' : '移出重点工作清单';
  return (
    <ReasonAction
      label={label}
      title={`${label}：${scenario.name}`}
      operationId="setKeyListMembership"
      reasonLabel="理由"
      required
      explanation={
        adding
          ? '列入后，申请的应用场景为本场景且涵盖申请的全部数据项时，无需数据责任部门审核（清单生成新版本）。'
          : '移出后，本场景下的申请恢复由数据责任部门审核（清单生成新版本）。'
      }
      button={{ type: adding ? 'primary' : 'default', danger: !adding, disabled: adding && scenario.retired }}
      run={async (reason) => {
        const result = await unwrap(
          api.PUT('/api/v1/scenarios/{scenarioId}/key-list', {
            params: { path: { scenarioId: scenario.id } },
            body: { onKeyList: adding, reason: reason ?? '' },
          }),
        );
        queryClient.setQueryData(['scenario', scenario.id], result.scenario);
        void queryClient.invalidateQueries({ queryKey: ['scenarios'] });
        void queryClient.invalidateQueries({ queryKey: ['key-work-list'] });
      }}
    />
  );
}

export function ScenarioPage() {
  const { scenarioId } = useParams();
  const { me, has } = useSession();
  const departmentName = useDepartmentNames();
  const [editing, setEditing] = useState(false);
  const scenario = useQuery({
    queryKey: ['scenario', scenarioId],
    queryFn: () => unwrap(api.GET('/api/v1/scenarios/{scenarioId}', { params: { path: { scenarioId: scenarioId! } } })),
  });
  const covered = useQuery({
    queryKey: ['datasets', 'scenario', scenarioId],
    queryFn: () => unwrap(api.GET('/api/v1/datasets', { params: { query: { scenarioId: scenarioId!, limit: 200 } } })),
  });
  if (scenario.error) return <ErrorAlert error={scenario.error} />;
  if (!scenario.data) return <Card loading />;
  const s = scenario.data;
  const byCode = new Map((covered.data?.items ?? []).map((d) => [d.code, d]));
  const mayEdit = has('center_admin') || (has('dept_admin') && me?.department.id === s.leadDepartmentId);
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Space wrap>
        <Typography.Title level={2} style={{ fontSize: 20, margin: 0 }}>
          {s.name}
        </Typography.Title>
        <Tag>{KIND_LABELS[s.kind]}</Tag>
        {s.retired ? (
          <Tag>已停用</Tag>
        ) : s.onKeyList ? (
          <StatusTag tone="blue">已列入重点工作应用场景清单</StatusTag>
        ) : (
          <Tag>未列入重点工作清单</Tag>
        )}
      </Space>
      <Space wrap>
        {mayEdit && <Button onClick={() => setEditing(true)}>编辑</Button>}
        {has('center_admin') && <KeyListAction scenario={s} />}
      </Space>
      <Descriptions bordered size="small" column={{ xs: 1, md: 2 }}>
        <Descriptions.Item label="牵头部门">{departmentName(s.leadDepartmentId)}</Descriptions.Item>
        <Descriptions.Item label="有效期">
          {s.validFrom} 至 {s.validTo ?? '长期'}
        </Descriptions.Item>
        <Descriptions.Item label="场景说明" span={2}>
          {s.description || '—'}
        </Descriptions.Item>
      </Descriptions>
      <Card size="small" title="涵盖的数据资源和数据项">
        <ErrorAlert error={covered.error} />
        <Table
          rowKey="datasetCode"
          size="small"
          pagination={false}
          scroll={{ x: 640 }}
          dataSource={s.coverage}
          columns={[
            {
              title: '数据资源',
              render: (_, c: Schemas['Coverage']) => {
                const d = byCode.get(c.datasetCode);
                return d ? <Link to={`/catalogue/${d.id}`}>{`${d.name}（${c.datasetCode}）`}</Link> : c.datasetCode;
              },
            },
            { title: '数据项', render: (_, c: Schemas['Coverage']) => c.fields.join('、') },
            {
              title: '共享类型',
              width: 120,
              render: (_, c: Schemas['Coverage']) => {
                const d = byCode.get(c.datasetCode);
                return d ? SHARING_LABELS[d.sharingType] : '—';
              },
            },
            {
              title: '归集',
              width: 90,
              render: (_, c: Schemas['Coverage']) => {
                const d = byCode.get(c.datasetCode);
                return d ? d.aggregated ? <StatusTag tone="green">已归集</StatusTag> : <Tag>未归集</Tag> : '—';
              },
            },
          ]}
        />
      </Card>
      {editing && <ScenarioForm scenario={s} open onClose={() => setEditing(false)} onSaved={() => setEditing(false)} />}
    </Space>
  );
}
