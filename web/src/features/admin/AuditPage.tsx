/**
 * 审计日志: the hash-chained ledger, newest first, filtered by actor, department, action,
 * subject and time (all in the URL) and paged by the API's cursor; each entry opens to its
 * before / after, reason and hashes. The auditor recomputes the chains and reads the result:
 * intact with the head (saved as a file to keep outside), or the first broken link with what was
 * expected and what was found — and compares a head saved earlier to catch a truncated end.
 */
import { DownloadOutlined } from '@ant-design/icons';
import { keepPreviousData, useMutation, useQuery } from '@tanstack/react-query';
import { Alert, AutoComplete, Button, Card, DatePicker, Descriptions, Form, Input, Select, Space, Table, Typography, Upload } from 'antd';
import dayjs from 'dayjs';
import { EmptyText } from '../../components/EmptyText';
import { CursorPager } from '../../components/CursorPager';
import { ErrorAlert } from '../../components/ErrorAlert';
import { api, saveFile, unwrap, type Schemas } from '../../lib/api';
import { useDepartmentNames, useDepartments } from '../../lib/directory';
import { ROLE_LABELS } from '../../lib/labels';
import { useSession } from '../../lib/session';
import { shanghaiTime } from '../../lib/time';
import { useUrlFilters } from '../../lib/url';

type Entry = Schemas['AuditEntry'];

const ACTION_LABELS: Record<string, string> = {
  'calendar.year_published': '公布年度节假日安排',
  'calendar.year_corrected': '更正年度节假日安排',
  'department.created': '新建部门',
  'department.updated': '修改部门',
  'user.created': '新建用户',
  'user.updated': '修改用户',
  'webhook.created': '新建 Webhook 订阅',
  'webhook.deactivated': '停用 Webhook 订阅',
  'notification.read': '阅读消息',
  'legal_basis.created': '新增法律依据',
  'legal_basis.revised': '修订法律依据',
  'policy_profile.version_created': '新建政策配置版本',
  'commitment.published': '发布告知承诺',
  'dataset.created': '新建数据资源',
  'dataset.revised': '修订数据资源',
  'dataset.aggregated': '标记已归集',
  'dataset.aggregation_ended': '取消归集',
  'scenario.created': '新建应用场景',
  'scenario.revised': '修订应用场景',
  'request.draft_saved': '保存申请草稿',
  'request.draft_discarded': '删除申请草稿',
  'request.attachment_added': '上传申请附件',
  'request.filed': '提交申请',
  'request.routed': '申请分流',
  'request.supervision_replied': '答复督办',
};

const SUBJECT_LABELS: Record<string, string> = {
  Request: '共享申请',
  Dataset: '数据资源',
  Scenario: '应用场景',
  Department: '部门',
  User: '用户',
  Webhook: 'Webhook 订阅',
  Notification: '消息',
  CalendarYear: '年度节假日安排',
  SlaClock: '办理时限',
  PolicyProfile: '政策配置',
  Commitment: '告知承诺',
  LegalBasis: '法律依据',
};

const PROBLEM_LABELS: Record<string, string> = {
  sequence_gap: '序号不连续（有记录缺失或插入）',
  prev_hash_mismatch: '前序哈希与上一条记录不符',
  hash_mismatch: '本条记录的哈希与其内容不符（内容被改动）',
  head_missing: '链的末尾记录缺失（记录被截断）',
  head_mismatch: '链头记录与保存的链头不符（记录被整体改写）',
};

const actionLabel = (action: string) => ACTION_LABELS[action] ?? action;
const json = (value: unknown) => (value === null || value === undefined ? '—' : JSON.stringify(value, null, 2));

export function AuditPage() {
  const { has } = useSession();
  const [params, update] = useUrlFilters();
  const departmentName = useDepartmentNames();
  const departments = useDepartments();
  const users = useQuery({
    queryKey: ['users', 'directory'],
    queryFn: () => unwrap(api.GET('/api/v1/users', { params: { query: { limit: 200 } } })),
    staleTime: 60_000,
  });
  const userName = new Map((users.data?.items ?? []).map((u) => [u.id, u.displayName]));
  const filters = {
    actorUserId: params.get('actorUserId') ?? undefined,
    actorDepartmentId: params.get('actorDepartmentId') ?? undefined,
    action: params.get('action') ?? undefined,
    subjectType: params.get('subjectType') ?? undefined,
    subjectId: params.get('subjectId') ?? undefined,
  };
  const from = params.get('from') ?? undefined;
  const to = params.get('to') ?? undefined;
  const cursor = params.get('cursor') ?? undefined;
  const query = {
    ...Object.fromEntries(Object.entries(filters).filter(([, v]) => v)),
    ...(from ? { from: `${from}T00:00:00+08:00` } : {}),
    ...(to ? { to: `${to}T23:59:59.999+08:00` } : {}),
    ...(cursor ? { cursor } : {}),
    limit: 20,
  };
  const entries = useQuery({
    placeholderData: keepPreviousData,
    queryKey: ['audit-entries', query],
    queryFn: () => unwrap(api.GET('/api/v1/audit-entries', { params: { query } })),
  });
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={2} style={{ fontSize: 20, margin: 0 }}>
        审计日志
      </Typography.Title>
      {has('auditor') && <Verification />}
      <Card size="small" title="筛选">
        <Form layout="inline" style={{ rowGap: 8 }}>
          <Form.Item label="操作人">
            <Select
              aria-label="操作人"
              allowClear
              showSearch
              optionFilterProp="label"
              placeholder="全部"
              style={{ width: 200 }}
              value={filters.actorUserId}
              onChange={(value?: string) => update({ actorUserId: value })}
              options={(users.data?.items ?? []).map((u) => ({ value: u.id, label: u.displayName }))}
            />
          </Form.Item>
          <Form.Item label="操作部门">
            <Select
              aria-label="操作部门"
              allowClear
              showSearch
              optionFilterProp="label"
              placeholder="全部"
              style={{ width: 200 }}
              value={filters.actorDepartmentId}
              onChange={(value?: string) => update({ actorDepartmentId: value })}
              options={(departments.data?.items ?? []).map((d) => ({ value: d.id, label: d.name }))}
            />
          </Form.Item>
          <Form.Item label="操作">
            <AutoComplete
              aria-label="操作"
              allowClear
              placeholder="全部"
              style={{ width: 220 }}
              defaultValue={filters.action}
              key={filters.action ?? ''}
              onSelect={(value?: string) => update({ action: value })}
              onChange={(value?: string) => !value && update({ action: undefined })}
              onBlur={(e) => {
                const value = (e.target as HTMLInputElement).value.trim();
                if (value !== (filters.action ?? '')) update({ action: value || undefined });
              }}
              options={Object.entries(ACTION_LABELS).map(([value, label]) => ({ value, label: `${label}（${value}）` }))}
              filterOption={(input, option) => String(option?.label ?? '').includes(input)}
            />
          </Form.Item>
          <Form.Item label="对象类型">
            <Select
              aria-label="对象类型"
              allowClear
              placeholder="全部"
              style={{ width: 160 }}
              value={filters.subjectType}
              onChange={(value?: string) => update({ subjectType: value })}
              options={Object.entries(SUBJECT_LABELS).map(([value, label]) => ({ value, label }))}
            />
          </Form.Item>
          <Form.Item label="对象编号">
            <Input.Search
              aria-label="对象编号"
              allowClear
              key={filters.subjectId ?? ''}
              defaultValue={filters.subjectId}
              maxLength={200}
              style={{ width: 240 }}
              onSearch={(value) => update({ subjectId: value.trim() || undefined })}
            />
          </Form.Item>
          <Form.Item label="时间">
            <DatePicker.RangePicker
              aria-label="时间范围"
              allowEmpty={[true, true]}
              value={[from ? dayjs(from) : null, to ? dayjs(to) : null]}
              onChange={(range) => update({ from: range?.[0]?.format('YYYY-MM-DD'), to: range?.[1]?.format('YYYY-MM-DD') })}
            />
          </Form.Item>
        </Form>
      </Card>
      <ErrorAlert error={entries.error} />
      <Table<Entry>
        rowKey="seq"
        size="small"
        loading={entries.isLoading}
        dataSource={entries.data?.items ?? []}
        pagination={false}
        scroll={{ x: 960 }}
        locale={{ emptyText: <EmptyText>没有符合条件的审计记录</EmptyText> }}
        expandable={{ expandedRowRender: (e) => <EntryDetail entry={e} /> }}
        columns={[
          { title: '序号', dataIndex: 'seq', width: 80 },
          { title: '时间', dataIndex: 'occurredAt', width: 150, render: (at: string) => shanghaiTime(at) },
          {
            title: '操作人',
            dataIndex: 'actorUserId',
            render: (id: string | null) => (id ? (userName.get(id) ?? id.slice(0, 8)) : '系统'),
          },
          {
            title: '身份',
            dataIndex: 'actorRole',
            width: 110,
            render: (role: string) => ROLE_LABELS[role as Schemas['Role']] ?? (role === 'system' ? '系统' : role),
          },
          { title: '部门', dataIndex: 'actorDepartmentId', render: (id: string | null) => departmentName(id) },
          { title: '操作', dataIndex: 'action', render: (a: string) => actionLabel(a) },
          {
            title: '对象',
            key: 'subject',
            render: (_, e) => (
              <span>
                {SUBJECT_LABELS[e.subjectType] ?? e.subjectType} <Typography.Text code>{e.subjectId}</Typography.Text>
              </span>
            ),
          },
        ]}
      />
      <CursorPager cursor={cursor} nextCursor={entries.data?.nextCursor} onChange={(next) => update({ cursor: next })} />
    </Space>
  );
}

function EntryDetail({ entry }: { entry: Entry }) {
  const pre = (value: unknown) => (
    <pre style={{ margin: 0, whiteSpace: 'pre-wrap', wordBreak: 'break-all', fontSize: 12 }}>{json(value)}</pre>
  );
  return (
    <Descriptions
      size="small"
      bordered
      column={1}
      items={[
        { key: 'action', label: '操作代码', children: entry.action },
        { key: 'reason', label: '原因', children: entry.reason ?? '—' },
        { key: 'before', label: '变更前', children: pre(entry.before) },
        { key: 'after', label: '变更后', children: pre(entry.after) },
        { key: 'request', label: '请求编号', children: entry.requestId ?? '—' },
        { key: 'prev', label: '前序哈希', children: <Typography.Text code>{entry.prevHash}</Typography.Text> },
        { key: 'hash', label: '本条哈希', children: <Typography.Text code>{entry.hash}</Typography.Text> },
      ]}
    />
  );
}

type Verification = Schemas['LedgerVerification'];
type Head = NonNullable<Verification['head']>;

/** The head as a file the auditor keeps outside the platform, to post back later. */
function saveHead(head: Head) {
  saveFile(new Blob([JSON.stringify({ head }, null, 2)], { type: 'application/json' }), `审计链头-${head.digest.slice(0, 12)}.json`);
}

/** A head file saved earlier: `{ head: { chains } }` (as saved here) or `{ chains }`. */
async function readHead(file: File): Promise<Head> {
  const parsed = JSON.parse(await file.text()) as { head?: Head; chains?: Head['chains'] };
  const head = parsed.head ?? (parsed.chains ? { digest: '', chains: parsed.chains } : undefined);
  if (!head || !Array.isArray(head.chains)) throw new Error('文件中没有审计链头（chains）');
  return head;
}

function Verification() {
  const verify = useMutation({
    mutationFn: async (file?: File): Promise<Verification> => {
      if (!file) return unwrap(api.GET('/api/v1/audit-entries/verification'));
      const { chains } = await readHead(file);
      return unwrap(api.POST('/api/v1/audit-entries/verification', { body: { head: { chains } } }));
    },
  });
  const result = verify.data;
  const broken = result && !result.valid ? result.firstBreak : null;
  return (
    <Card size="small" title="审计链校验">
      <Space direction="vertical" style={{ width: '100%' }}>
        <Typography.Text>
          审计记录分 16
          条哈希链并行记账。校验逐条重算每条链，确认记录未被改动、删除、插入或调换；与另行保存的链头比对，还能发现末尾记录被截断。
        </Typography.Text>
        <Space wrap>
          <Button type="primary" loading={verify.isPending} onClick={() => verify.mutate(undefined)}>
            校验审计链
          </Button>
          <Upload
            accept="application/json,.json"
            showUploadList={false}
            beforeUpload={(file) => {
              verify.mutate(file);
              return false;
            }}
          >
            <Button>与保存的链头比对</Button>
          </Upload>
        </Space>
        <ErrorAlert error={verify.error} />
        <div aria-live="polite">
          {result?.valid && (
            <Alert
              type="success"
              showIcon
              message={`审计链完整：已校验 ${result.checked} 条记录`}
              description={
                result.head ? (
                  <Space direction="vertical" size={4}>
                    {verify.variables && <span>已与保存的链头比对：各链的末尾记录均完好。</span>}
                    <span>
                      {result.head.chains.length} 条链，链头摘要 <Typography.Text code>{result.head.digest}</Typography.Text>
                    </span>
                    <span>
                      请保存链头并另行保管，日后比对以发现末尾记录被截断。
                      <Button size="small" icon={<DownloadOutlined />} onClick={() => saveHead(result.head!)}>
                        保存链头
                      </Button>
                    </span>
                  </Space>
                ) : (
                  '账本暂无记录'
                )
              }
            />
          )}
          {broken && (
            <Alert
              type="error"
              showIcon
              message={`审计链第 ${broken.chain} 链第 ${broken.seq} 条处断开：${PROBLEM_LABELS[broken.problem] ?? broken.problem}`}
              description={
                <Descriptions
                  size="small"
                  column={1}
                  items={[
                    { key: 'checked', label: '断点前已校验', children: `${result!.checked} 条` },
                    { key: 'expected', label: '应为', children: <Typography.Text code>{broken.expected}</Typography.Text> },
                    { key: 'found', label: '实为', children: <Typography.Text code>{broken.found}</Typography.Text> },
                  ]}
                />
              }
            />
          )}
        </div>
      </Space>
    </Card>
  );
}
