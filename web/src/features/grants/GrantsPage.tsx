/**
 * Grants (授权): those the caller's department holds (ending soonest first), those on its data
 * (who holds my data, for what, until when), and — for the center — all of them, with the ones a
 * catalogue change affected. Filters live in the URL; the list exports as XLSX or CSV.
 */
import { DownloadOutlined } from '@ant-design/icons';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Button, Card, Checkbox, Form, Input, Select, Space, Table, Tabs, Typography } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router';
import { CursorPager } from '../../components/CursorPager';
import { EmptyText } from '../../components/EmptyText';
import { ErrorAlert } from '../../components/ErrorAlert';
import { StatusTag } from '../../components/StatusTag';
import { api, saveFile, unwrap, unwrapResponse, type Schemas } from '../../lib/api';
import { useSession } from '../../lib/session';
import { useUrlFilters } from '../../lib/url';
import { daysLeft, SCOPES, STATE_LABELS, STATE_TONES, type GrantState } from './terms';

type Grant = Schemas['GrantSummary'];
type Scope = (typeof SCOPES)[number]['key'];
const WINDOWS = [7, 30, 90];

export function GrantsPage() {
  const { has } = useSession();
  const [params, update] = useUrlFilters();
  const seesAll = has('center_operator') || has('center_admin') || has('supervisor') || has('auditor');
  const scope = (params.get('scope') as Scope | null) ?? (seesAll ? 'all' : 'held');
  const state = (params.get('state') as GrantState | null) ?? undefined;
  const ending = params.get('endingWithinDays') ?? undefined;
  const affected = params.get('affected') === 'true' ? true : undefined;
  const q = params.get('q') ?? undefined;
  const cursor = params.get('cursor') ?? undefined;
  const filters = {
    scope,
    ...(state ? { state } : {}),
    ...(ending ? { endingWithinDays: Number(ending) } : {}),
    ...(affected ? { affected } : {}),
    ...(q ? { q } : {}),
  };
  const query = { ...filters, ...(cursor ? { cursor } : {}), limit: 20 };
  const list = useQuery({
    placeholderData: keepPreviousData,
    queryKey: ['grants', 'list', query],
    queryFn: () => unwrap(api.GET('/api/v1/grants', { params: { query } })),
  });
  const [exportError, setExportError] = useState<unknown>(null);
  const download = async (format: 'xlsx' | 'csv') => {
    setExportError(null);
    try {
      const { data } = await unwrapResponse(
        api.GET('/api/v1/grants/export', { params: { query: { ...filters, format } }, parseAs: 'blob' }),
      );
      saveFile(data, `授权清单.${format}`);
    } catch (error) {
      setExportError(error);
    }
  };
  const scopes = SCOPES.filter((s) => s.key !== 'all' || seesAll);
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Space style={{ justifyContent: 'space-between', width: '100%' }} wrap>
        <Typography.Title level={2} style={{ fontSize: 20, margin: 0 }}>
          数据授权
        </Typography.Title>
        <Space wrap>
          <Link to="/grants/usage-report">使用情况月报</Link>
          <Link to="/grants/use-flags">安全监管提示</Link>
          {(['xlsx', 'csv'] as const).map((format) => (
            <Button key={format} icon={<DownloadOutlined />} onClick={() => void download(format)}>
              导出 {format.toUpperCase()}
            </Button>
          ))}
        </Space>
      </Space>
      <ErrorAlert error={exportError} />
      <Tabs
        activeKey={scope}
        onChange={(key) => update({ scope: key, cursor: undefined })}
        items={scopes.map((s) => ({ key: s.key, label: s.label }))}
      />
      <Card size="small">
        <Form layout="inline">
          <Form.Item label="状态">
            <Select
              aria-label="状态"
              allowClear
              placeholder="全部"
              style={{ width: 120 }}
              value={state}
              onChange={(value?: string) => update({ state: value, cursor: undefined })}
              options={Object.entries(STATE_LABELS).map(([value, label]) => ({ value, label }))}
            />
          </Form.Item>
          <Form.Item label="到期时间">
            <Select
              aria-label="到期时间"
              allowClear
              placeholder="不限"
              style={{ width: 140 }}
              value={ending}
              onChange={(value?: string) => update({ endingWithinDays: value, cursor: undefined })}
              options={WINDOWS.map((d) => ({ value: String(d), label: `${d} 天内到期` }))}
            />
          </Form.Item>
          <Form.Item>
            <Checkbox
              checked={affected === true}
              onChange={(e) => update({ affected: e.target.checked ? 'true' : undefined, cursor: undefined })}
            >
              受目录变更影响
            </Checkbox>
          </Form.Item>
          <Form.Item label="授权编号">
            <Input.Search
              aria-label="授权编号"
              allowClear
              maxLength={40}
              defaultValue={q}
              placeholder="SQ-2026-"
              style={{ width: 200 }}
              onSearch={(value) => update({ q: value.trim() || undefined, cursor: undefined })}
            />
          </Form.Item>
        </Form>
      </Card>
      <ErrorAlert error={list.error} />
      <Table<Grant>
        rowKey="id"
        loading={list.isLoading}
        dataSource={list.data?.items ?? []}
        pagination={false}
        scroll={{ x: 960 }}
        locale={{ emptyText: <EmptyText>没有符合条件的授权</EmptyText> }}
        columns={[
          { title: '授权编号', dataIndex: 'number', width: 160, render: (n: string, g) => <Link to={`/grants/${g.id}`}>{n}</Link> },
          {
            title: '状态',
            dataIndex: 'state',
            width: 150,
            render: (s: GrantState, g) => (
              <Space size={4} wrap>
                <StatusTag tone={STATE_TONES[s]}>{STATE_LABELS[s]}</StatusTag>
                {g.affected && <StatusTag tone="orange">目录变更</StatusTag>}
              </Space>
            ),
          },
          { title: '需求部门', key: 'holder', render: (_, g) => g.requesterDepartment.name },
          { title: '数据责任部门', key: 'owner', render: (_, g) => g.ownerDepartment.name },
          { title: '数据资源', key: 'dataset', render: (_, g) => g.dataset.name },
          { title: '授权字段', dataIndex: 'fields', render: (f: string[]) => f.join('、') },
          {
            title: '有效期至',
            dataIndex: 'lastDay',
            width: 150,
            render: (day: string, g) => {
              const left = daysLeft(day);
              const open = g.state !== 'expired' && g.state !== 'revoked';
              return open && left >= 0 ? `${day}（剩 ${left} 天）` : day;
            },
          },
          {
            title: '续期',
            key: 'renewal',
            width: 140,
            render: (_, g) =>
              g.renewal ? (
                <Link to={`/requests/${g.renewal.requestId}`}>{g.renewal.grant?.number ?? g.renewal.requestNumber ?? '续期草稿'}</Link>
              ) : (
                '—'
              ),
          },
        ]}
      />
      <CursorPager cursor={cursor} nextCursor={list.data?.nextCursor} onChange={(next) => update({ cursor: next })} />
    </Space>
  );
}
