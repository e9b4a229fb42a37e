/**
 * Application scenarios (应用场景): all of them, searchable and filtered (filters in the URL), and
 * the key-work scenario list (重点工作应用场景清单) as a tab, current or at a version. Department
 * administrators create scenarios led by their department; the center administrator any.
 */
import { useQuery } from '@tanstack/react-query';
import { Button, Card, Form, Input, InputNumber, Select, Space, Table, Tabs, Tag, Typography } from 'antd';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { EmptyText } from '../../components/EmptyText';
import { ErrorAlert } from '../../components/ErrorAlert';
import { StatusTag } from '../../components/StatusTag';
import { api, unwrap, type Schemas } from '../../lib/api';
import { useDepartmentNames, useDepartments } from '../../lib/directory';
import { useSession } from '../../lib/session';
import { useUrlFilters } from '../../lib/url';
import { ScenarioForm } from './ScenarioForm';
import { KIND_LABELS } from './terms';

const coverageText = (coverage: Schemas['Coverage'][]) => coverage.map((c) => `${c.datasetCode}（${c.fields.join('、')}）`).join('；');

function validity(s: { validFrom: string; validTo: string | null }) {
  return `${s.validFrom} 至 ${s.validTo ?? '长期'}`;
}

function AllScenarios() {
  const [params, update] = useUrlFilters();
  const departmentName = useDepartmentNames();
  const q = params.get('q') ?? '';
  const kind = params.get('kind') ?? undefined;
  const lead = params.get('lead') ?? undefined;
  const departments = useDepartments();
  const scenarios = useQuery({ queryKey: ['scenarios'], queryFn: () => unwrap(api.GET('/api/v1/scenarios')) });
  const words = q.toLowerCase().split(/\s+/).filter(Boolean);
  const shown = (scenarios.data?.items ?? []).filter(
    (s) =>
      (!kind || s.kind === kind) &&
      (!lead || s.leadDepartmentId === lead) &&
      words.every((w) => `${s.name} ${s.description} ${s.coverage.map((c) => c.datasetCode).join(' ')}`.toLowerCase().includes(w)),
  );
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Card size="small">
        <Form layout="inline" initialValues={{ q }}>
          <Form.Item name="q" label="关键词">
            <Input.Search
              allowClear
              enterButton="搜索"
              placeholder="场景名称、说明或资源代码"
              onSearch={(value) => update({ q: value.trim() || undefined })}
              style={{ width: 300 }}
            />
          </Form.Item>
          <Form.Item label="场景类型">
            <Select
              aria-label="场景类型"
              allowClear
              style={{ width: 140 }}
              value={kind}
              onChange={(value?: string) => update({ kind: value })}
              options={Object.entries(KIND_LABELS).map(([value, label]) => ({ value, label }))}
              placeholder="全部"
            />
          </Form.Item>
          <Form.Item label="牵头部门">
            <Select
              aria-label="牵头部门"
              allowClear
              showSearch
              optionFilterProp="label"
              style={{ width: 200 }}
              value={lead}
              onChange={(value?: string) => update({ lead: value })}
              options={(departments.data?.items ?? []).map((d) => ({ value: d.id, label: d.name }))}
              placeholder="全部"
            />
          </Form.Item>
        </Form>
      </Card>
      <ErrorAlert error={scenarios.error} />
      <Table<Schemas['Scenario']>
        rowKey="id"
        loading={scenarios.isLoading}
        dataSource={shown}
        pagination={{ pageSize: 20, hideOnSinglePage: true, showSizeChanger: false }}
        scroll={{ x: 860 }}
        locale={{ emptyText: <EmptyText>没有符合条件的应用场景</EmptyText> }}
        columns={[
          { title: '场景名称', dataIndex: 'name', render: (name: string, s) => <Link to={`/scenarios/${s.id}`}>{name}</Link> },
          { title: '类型', dataIndex: 'kind', width: 100, render: (k: Schemas['ScenarioKind']) => KIND_LABELS[k] },
          { title: '牵头部门', dataIndex: 'leadDepartmentId', width: 160, render: (id: string) => departmentName(id) },
          { title: '有效期', width: 200, render: (_, s) => validity(s) },
          { title: '涵盖数据', render: (_, s) => coverageText(s.coverage) },
          {
            title: '重点工作清单',
            width: 120,
            render: (_, s) => (s.retired ? <Tag>已停用</Tag> : s.onKeyList ? <StatusTag tone="blue">已列入</StatusTag> : '未列入'),
          },
        ]}
      />
    </Space>
  );
}

function KeyWorkList() {
  const [params, update] = useUrlFilters();
  const version = params.get('version') ? Number(params.get('version')) : undefined;
  const list = useQuery({
    queryKey: ['key-work-list', version ?? 'current'],
    queryFn: () => unwrap(api.GET('/api/v1/key-work-list', { params: { query: version !== undefined ? { version } : {} } })),
  });
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Space wrap>
        <Typography.Text>
          {list.data
            ? `第 ${list.data.version} 版${version === undefined ? '（现行）' : ''}，共 ${list.data.scenarios.length} 个场景。`
            : ''}
          列入清单且涵盖申请的全部数据项的申请，无需数据责任部门审核。
        </Typography.Text>
        <label>
          查看历史版本{' '}
          <InputNumber
            aria-label="清单版本"
            min={0}
            precision={0}
            value={version}
            placeholder="现行"
            onChange={(v) => update({ version: v === null ? undefined : String(v) })}
          />
        </label>
        {version !== undefined && <Button onClick={() => update({ version: undefined })}>回到现行版本</Button>}
      </Space>
      <ErrorAlert error={list.error} />
      <Table
        rowKey="id"
        loading={list.isLoading}
        dataSource={list.data?.scenarios ?? []}
        pagination={false}
        scroll={{ x: 720 }}
        locale={{ emptyText: <EmptyText>清单中暂无场景</EmptyText> }}
        columns={[
          { title: '场景名称', dataIndex: 'name', render: (name: string, s) => <Link to={`/scenarios/${s.id}`}>{name}</Link> },
          { title: '类型', dataIndex: 'kind', width: 100, render: (k: Schemas['ScenarioKind']) => KIND_LABELS[k] },
          { title: '有效期', width: 200, render: (_, s) => validity(s) },
          { title: '涵盖数据', render: (_, s) => coverageText(s.coverage) },
        ]}
      />
    </Space>
  );
}

export function ScenariosPage() {
  const [params, update] = useUrlFilters();
  const { has } = useSession();
  const navigate = useNavigate();
  const [creating, setCreating] = useState(false);
  const tab = params.get('tab') === 'key-list' ? 'key-list' : 'all';
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Space wrap style={{ justifyContent: 'space-between', width: '100%' }}>
        <Typography.Title level={2} style={{ fontSize: 20, margin: 0 }}>
          应用场景
        </Typography.Title>
        {(has('dept_admin') || has('center_admin')) && (
          <Button type="primary" onClick={() => setCreating(true)}>
            新建应用场景
          </Button>
        )}
      </Space>
      <Tabs
        activeKey={tab}
        onChange={(key) =>
          update({ tab: key === 'all' ? undefined : key, q: undefined, kind: undefined, lead: undefined, version: undefined })
        }
        items={[
          { key: 'all', label: '全部场景', children: tab === 'all' && <AllScenarios /> },
          { key: 'key-list', label: '重点工作应用场景清单', children: tab === 'key-list' && <KeyWorkList /> },
        ]}
      />
      {creating && <ScenarioForm open onClose={() => setCreating(false)} onSaved={(s) => void navigate(`/scenarios/${s.id}`)} />}
    </Space>
  );
}
