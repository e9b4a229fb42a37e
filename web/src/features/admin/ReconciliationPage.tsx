/**
 * 流程对账: the reconciler's runs — every interval it compares each kind of case between the
 * database and its workflow and repairs what differs. The center sees what each run compared and
 * repaired (only runs with repairs by default, filter in the URL) and may start a run now.
 */
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Descriptions, Space, Switch, Table, Typography } from 'antd';
import { CursorPager } from '../../components/CursorPager';
import { EmptyText } from '../../components/EmptyText';
import { ErrorAlert } from '../../components/ErrorAlert';
import { StatusTag } from '../../components/StatusTag';
import { api, unwrap, type Schemas } from '../../lib/api';
import { useSession } from '../../lib/session';
import { shanghaiTime } from '../../lib/time';
import { useUrlFilters } from '../../lib/url';

type Run = Schemas['ReconciliationRun'];
type Repair = Run['repairs'][number];

const KIND: Record<Repair['kind'], string> = { request: '共享申请', grant: '授权', objection: '异议' };

const DIVERGENCE_LABELS: Record<Schemas['ReconciliationDivergence'], string> = {
  workflow_not_started: '流程未启动',
  workflow_missing: '流程缺失',
  workflow_closed: '流程已结束而案件未办结',
  view_stale: '流程状态落后于数据库',
  case_closed: '案件已办结而流程仍在运行',
  case_absent: '数据库中无此案件',
  clock_unannounced: '时限变更未通知流程',
};

const REPAIR: Record<Repair['repair'], string> = {
  start: '启动流程',
  refresh: '流程重新读取',
  terminate: '终止流程',
  announce: '通知时限变更',
};

const caseLink = (r: Repair) =>
  r.kind === 'request' ? `/requests/${r.caseId}` : r.kind === 'grant' ? `/grants/${r.caseId}` : `/objections/${r.caseId}`;

export function ReconciliationPage() {
  const { has } = useSession();
  const queryClient = useQueryClient();
  const [params, update] = useUrlFilters();
  const all = params.get('all') === '1';
  const cursor = params.get('cursor') ?? undefined;
  const query = { repairedOnly: !all, limit: 20, ...(cursor ? { cursor } : {}) };
  const runs = useQuery({
    placeholderData: keepPreviousData,
    queryKey: ['reconciliation-runs', query],
    queryFn: () => unwrap(api.GET('/api/v1/reconciliation-runs', { params: { query } })),
    refetchInterval: 15_000,
  });
  const runNow = useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/reconciliation-runs')),
    // The run reports when it ends: look again shortly.
    onSuccess: () => setTimeout(() => void queryClient.invalidateQueries({ queryKey: ['reconciliation-runs'] }), 3_000),
  });
  const mayRun = has('center_operator') || has('center_admin');
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Space style={{ justifyContent: 'space-between', width: '100%' }} wrap>
        <Typography.Title level={2} style={{ fontSize: 20, margin: 0 }}>
          流程对账
        </Typography.Title>
        {mayRun && (
          <Button type="primary" loading={runNow.isPending} onClick={() => runNow.mutate()}>
            立即对账
          </Button>
        )}
      </Space>
      <Typography.Paragraph style={{ margin: 0 }}>
        对账任务每分钟比对一次数据库中的共享申请（含三方协调）、授权和异议与其办理流程：流程未启动或已丢失的予以启动，
        流程状态落后的令其重新读取，案件已办结而流程仍在运行的令其结束，时限变更未通知的补发通知。以数据库为准，从不改动案件数据。
      </Typography.Paragraph>
      {runNow.isSuccess && <Alert type="success" showIcon message="已发起对账，完成后结果显示在下方" />}
      <ErrorAlert error={runs.error ?? runNow.error} />
      <Space>
        <Switch
          checked={all}
          onChange={(checked) => update({ all: checked ? '1' : undefined, cursor: undefined })}
          aria-label="显示未发现差异的对账"
        />
        <span>显示未发现差异的对账</span>
      </Space>
      <Table<Run>
        rowKey="id"
        size="small"
        loading={runs.isLoading}
        dataSource={runs.data?.items ?? []}
        pagination={false}
        scroll={{ x: 760 }}
        locale={{ emptyText: <EmptyText>{all ? '暂无对账记录' : '近期对账未发现差异'}</EmptyText> }}
        expandable={{ expandedRowRender: (run) => <Repairs run={run} />, rowExpandable: (run) => run.repairCount > 0 }}
        columns={[
          { title: '开始时间', dataIndex: 'startedAt', width: 160, render: (at: string) => shanghaiTime(at) },
          {
            title: '比对',
            key: 'checked',
            render: (_, run) =>
              `申请 ${run.checked.request.cases} 件 · 授权 ${run.checked.grant.cases} 件 · 异议 ${run.checked.objection.cases} 件`,
          },
          {
            title: '差异',
            dataIndex: 'repairCount',
            width: 320,
            render: (count: number, run) =>
              count === 0 ? (
                <StatusTag tone="green">无差异</StatusTag>
              ) : (
                <Space wrap size={4}>
                  {Object.entries(run.byDivergence).map(([divergence, n]) => (
                    <StatusTag key={divergence} tone="orange">
                      {DIVERGENCE_LABELS[divergence as Schemas['ReconciliationDivergence']]} {n}
                    </StatusTag>
                  ))}
                </Space>
              ),
          },
        ]}
      />
      <CursorPager cursor={cursor} nextCursor={runs.data?.nextCursor} onChange={(next) => update({ cursor: next })} />
    </Space>
  );
}

function Repairs({ run }: { run: Run }) {
  return (
    <Card size="small" title={`本次修复 ${run.repairCount} 项`}>
      <Descriptions size="small" column={1} style={{ marginBottom: 8 }}>
        <Descriptions.Item label="完成时间">{shanghaiTime(run.finishedAt)}</Descriptions.Item>
      </Descriptions>
      <Table<Repair>
        rowKey={(r) => `${r.workflowId}:${r.divergence}`}
        size="small"
        pagination={{ pageSize: 20, hideOnSinglePage: true, showSizeChanger: false }}
        dataSource={run.repairs}
        columns={[
          { title: '类型', dataIndex: 'kind', width: 90, render: (k: Repair['kind']) => KIND[k] },
          {
            title: '案件',
            key: 'case',
            render: (_, r) => (r.divergence === 'case_absent' ? r.caseId : <a href={caseLink(r)}>{r.caseId}</a>),
          },
          { title: '差异', dataIndex: 'divergence', render: (d: Repair['divergence']) => DIVERGENCE_LABELS[d] },
          { title: '修复', dataIndex: 'repair', width: 120, render: (x: Repair['repair']) => REPAIR[x] },
          {
            title: '结果',
            key: 'done',
            width: 160,
            render: (_, r) => (r.done ? <StatusTag tone="green">已修复</StatusTag> : <StatusTag tone="red">未成功，下次重试</StatusTag>),
          },
        ]}
      />
    </Card>
  );
}
