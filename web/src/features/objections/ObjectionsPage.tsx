/**
 * Objections (异议核实): those the caller's department raised, those on its data, its verification
 * tasks, and — for the center, the competent authority and auditors — all of them, with the step
 * each waits for and its deadline. Filters live in the URL.
 */
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Checkbox, Form, Input, Select, Space, Table, Tabs, Typography } from 'antd';
import { Link } from 'react-router';
import { CursorPager } from '../../components/CursorPager';
import { EmptyText } from '../../components/EmptyText';
import { ErrorAlert } from '../../components/ErrorAlert';
import { StatusTag } from '../../components/StatusTag';
import { api, unwrap, type Schemas } from '../../lib/api';
import { useSession } from '../../lib/session';
import { shanghaiTime } from '../../lib/time';
import { useUrlFilters } from '../../lib/url';
import { PARTY_LABELS, SCOPES, STATE_LABELS, STATE_TONES, STEP_LABELS, type ObjectionState } from './terms';

type Summary = Schemas['ObjectionSummary'];
type Scope = (typeof SCOPES)[number]['key'];

export function ObjectionsPage() {
  const { has } = useSession();
  const [params, update] = useUrlFilters();
  const seesAll = has('center_operator') || has('center_admin') || has('supervisor') || has('auditor');
  const isCenter = has('center_operator') || has('center_admin');
  // Each user starts where their work is: the center at its queue, a reviewer at its department's tasks.
  const scope =
    (params.get('scope') as Scope | null) ?? (isCenter ? 'center_queue' : seesAll ? 'all' : has('reviewer') ? 'tasks' : 'raised');
  const state = (params.get('state') as ObjectionState | null) ?? undefined;
  const open = params.get('open') === 'true' ? true : undefined;
  const q = params.get('q') ?? undefined;
  const cursor = params.get('cursor') ?? undefined;
  const query = {
    scope,
    ...(state ? { state } : {}),
    ...(open ? { open } : {}),
    ...(q ? { q } : {}),
    ...(cursor ? { cursor } : {}),
    limit: 20,
  };
  const list = useQuery({
    placeholderData: keepPreviousData,
    queryKey: ['objections', 'list', query],
    queryFn: () => unwrap(api.GET('/api/v1/objections', { params: { query } })),
  });
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Space style={{ justifyContent: 'space-between', width: '100%' }} wrap>
        <Typography.Title level={2} style={{ fontSize: 20, margin: 0 }}>
          异议核实
        </Typography.Title>
        <Link to="/objections/report">异议核实情况统计</Link>
      </Space>
      <Tabs
        activeKey={scope}
        onChange={(key) => update({ scope: key })}
        items={SCOPES.filter((s) => (s.key !== 'all' || seesAll) && (s.key !== 'center_queue' || isCenter)).map((s) => ({
          key: s.key,
          label: s.label,
        }))}
      />
      <Form layout="inline" style={{ rowGap: 8 }}>
        <Form.Item label="状态">
          <Select<ObjectionState>
            allowClear
            aria-label="状态"
            style={{ width: 160 }}
            value={state}
            onChange={(v) => update({ state: v })}
            options={Object.entries(STATE_LABELS).map(([value, label]) => ({ value: value as ObjectionState, label }))}
          />
        </Form.Item>
        <Form.Item>
          <Checkbox checked={open ?? false} onChange={(e) => update({ open: e.target.checked ? 'true' : undefined })}>
            仅办理中
          </Checkbox>
        </Form.Item>
        <Form.Item label="编号">
          <Input.Search
            allowClear
            aria-label="异议编号"
            defaultValue={q}
            onSearch={(v) => update({ q: v.trim() || undefined })}
            style={{ width: 200 }}
          />
        </Form.Item>
      </Form>
      <ErrorAlert error={list.error} />
      <Table<Summary>
        size="small"
        rowKey="id"
        loading={list.isLoading}
        dataSource={list.data?.items ?? []}
        pagination={false}
        scroll={{ x: 1000 }}
        locale={{ emptyText: <EmptyText>没有符合条件的异议</EmptyText> }}
        columns={[
          { title: '编号', key: 'number', width: 150, render: (_, o) => <Link to={`/objections/${o.id}`}>{o.number}</Link> },
          {
            title: '状态',
            key: 'state',
            width: 140,
            render: (_, o) => (
              <Space size={4}>
                <StatusTag tone={STATE_TONES[o.state]}>{STATE_LABELS[o.state]}</StatusTag>
                {o.marked && <StatusTag tone="orange">已标注</StatusTag>}
              </Space>
            ),
          },
          { title: '数据资源', key: 'dataset', render: (_, o) => `${o.dataset.name}（${o.dataset.code}）` },
          { title: '字段', dataIndex: 'field', width: 110 },
          { title: '记录', dataIndex: 'recordKey', width: 170 },
          { title: '提出部门', key: 'objector', render: (_, o) => o.objectorDepartment.name },
          {
            title: '当前环节',
            key: 'step',
            width: 220,
            render: (_, o) =>
              o.step ? (
                <Space size={4} wrap>
                  <span>{`${STEP_LABELS[o.step.step] ?? o.step.step}（${PARTY_LABELS[o.step.chargedParty] ?? o.step.chargedParty}）`}</span>
                  <span>{`至 ${o.step.deadlineDate}`}</span>
                  {o.step.overdue && <StatusTag tone="red">超期</StatusTag>}
                </Space>
              ) : (
                '—'
              ),
          },
          { title: '提出时间', key: 'raisedAt', width: 150, render: (_, o) => shanghaiTime(o.raisedAt) },
        ]}
      />
      <CursorPager cursor={cursor} nextCursor={list.data?.nextCursor} onChange={(next) => update({ cursor: next })} />
    </Space>
  );
}
