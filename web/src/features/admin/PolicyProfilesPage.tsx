/**
 * 政策配置: every policy profile with its settings (the working-day limits of each step) and
 * every version; the center administrator writes a new version (optionally applied to requests
 * already open). Below, the notification-commitment text (告知承诺) a filing accepts, which the
 * center administrator replaces with a new version.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Checkbox, Descriptions, Form, Input, InputNumber, Modal, Space, Spin, Table, Typography } from 'antd';
import { useState } from 'react';
import { EmptyText } from '../../components/EmptyText';
import { ErrorAlert } from '../../components/ErrorAlert';
import { StatusTag } from '../../components/StatusTag';
import { api, unwrap, type Schemas } from '../../lib/api';
import { inputLimits, rulesFor } from '../../lib/contract';
import { useSession } from '../../lib/session';
import { shanghaiTime } from '../../lib/time';

type Profile = Schemas['PolicyProfile'];
type Settings = Schemas['PolicySettings'];

type ObjectionDays = NonNullable<Settings['objectionDays']>;
/** The objection process's limits (异议核实), with the city's defaults the server takes when a version omits them. */
const OBJECTION_DAY_DEFAULTS: ObjectionDays = { accept: 1, trace: 2, verify: 5, feedback: 1, contest: 5, contestDecision: 5 };
const OBJECTION_DAY_SETTINGS: [keyof ObjectionDays, string][] = [
  ['accept', '异议受理期限'],
  ['trace', '融合数据溯源期限'],
  ['verify', '异议核实期限'],
  ['feedback', '核实结果反馈期限'],
  ['contest', '对核实结果提出复核期限'],
  ['contestDecision', '中心复核决定期限'],
];

/**
 * The day limits, in the order a request meets them, with their Chinese names and their place in
 * the body of createPolicyProfileVersion.
 */
const DAY_SETTINGS: { key: string; path: string; label: string; read: (s: Settings) => number | undefined }[] = [
  { key: 'track1', path: 'settings.trackDays.track1', label: '1个工作日通道办理时限', read: (s) => s.trackDays.track1 },
  { key: 'track5', path: 'settings.trackDays.track5', label: '5个工作日通道办理时限', read: (s) => s.trackDays.track5 },
  { key: 'track15', path: 'settings.trackDays.track15', label: '15个工作日通道办理时限', read: (s) => s.trackDays.track15 },
  { key: 'supplementAnswerDays', path: 'settings.supplementAnswerDays', label: '补正答复期限', read: (s) => s.supplementAnswerDays },
  { key: 'supervisionReplyDays', path: 'settings.supervisionReplyDays', label: '督办答复期限', read: (s) => s.supervisionReplyDays },
  { key: 'levelTwoAfterDays', path: 'settings.levelTwoAfterDays', label: '超期后升级二级督办', read: (s) => s.levelTwoAfterDays },
  { key: 'handoverGraceDays', path: 'settings.handoverGraceDays', label: '超期移交宽限期', read: (s) => s.handoverGraceDays ?? 1 },
  { key: 'disputeWindowDays', path: 'settings.disputeWindowDays', label: '不予共享后提出争议期限', read: (s) => s.disputeWindowDays },
  { key: 'disputeDecisionDays', path: 'settings.disputeDecisionDays', label: '主管部门争议裁决期限', read: (s) => s.disputeDecisionDays },
  {
    key: 'grantExpiryReminderDays',
    path: 'settings.grantExpiryReminderDays',
    label: '授权到期前提醒',
    read: (s) => s.grantExpiryReminderDays,
  },
  ...OBJECTION_DAY_SETTINGS.map(([key, label]) => ({
    key: `objection.${key}`,
    path: `settings.objectionDays.${key}`,
    label,
    read: (s: Settings) => s.objectionDays?.[key] ?? OBJECTION_DAY_DEFAULTS[key],
  })),
];
const POLICY = 'createPolicyProfileVersion';
/** The server's own rule on every day limit (not in the contract): 1 to 250 working days. */
const DAY_RANGE = { type: 'integer', min: 1, max: 250, message: '为 1 至 250 个工作日' } as const;

function SettingsView({ settings }: { settings: Settings }) {
  return (
    <Descriptions
      size="small"
      bordered
      column={{ xs: 1, md: 2 }}
      items={[
        ...DAY_SETTINGS.map((d) => ({ key: d.key, label: d.label, children: `${d.read(settings)} 个工作日` })),
        {
          key: 'extensionCapDays',
          label: '延期上限',
          children: settings.extensionCapDays === null ? '不超过该环节本身的时限' : `${settings.extensionCapDays} 个工作日`,
        },
        {
          key: 'autoApproveOnTimeout',
          label: '超时自动同意',
          children: settings.autoApproveOnTimeout ? '是' : '否（每件申请均由人工决定）',
        },
      ]}
    />
  );
}

export function PolicyProfilesPage() {
  const { has } = useSession();
  const [editing, setEditing] = useState<Profile | null>(null);
  const profiles = useQuery({ queryKey: ['policy-profiles'], queryFn: () => unwrap(api.GET('/api/v1/policy-profiles')) });
  // Newest version first per profile (the API's order): the first of each name is current.
  const byName = new Map<string, Profile[]>();
  for (const p of profiles.data?.items ?? []) byName.set(p.name, [...(byName.get(p.name) ?? []), p]);
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={2} style={{ fontSize: 20, margin: 0 }}>
        政策配置
      </Typography.Title>
      <Typography.Paragraph style={{ margin: 0 }}>
        政策配置规定各办理环节的工作日时限。修改即新建一个版本：在办申请默认沿用提交时的版本，也可选择让在办申请改用新版本（截止日期随之重算）。
      </Typography.Paragraph>
      <ErrorAlert error={profiles.error} />
      {profiles.isLoading && <Spin tip="加载中" />}
      {[...byName.entries()].map(([name, versions]) => (
        <Card
          key={name}
          size="small"
          title={`${name}（现行第 ${versions[0]!.version} 版）`}
          extra={
            has('center_admin') && (
              <Button aria-label={`为 ${name} 新建版本`} onClick={() => setEditing(versions[0]!)}>
                新建版本
              </Button>
            )
          }
        >
          <SettingsView settings={versions[0]!.settings} />
          {versions.length > 1 && (
            <Table<Profile>
              style={{ marginTop: 12 }}
              rowKey="version"
              size="small"
              pagination={false}
              dataSource={versions.slice(1)}
              expandable={{ expandedRowRender: (p) => <SettingsView settings={p.settings} /> }}
              columns={[
                { title: '历史版本', dataIndex: 'version', render: (v: number) => `第 ${v} 版` },
                {
                  title: '通道时限（1 / 5 / 15）',
                  key: 'tracks',
                  render: (_, p) =>
                    `${p.settings.trackDays.track1} / ${p.settings.trackDays.track5} / ${p.settings.trackDays.track15} 个工作日`,
                },
              ]}
            />
          )}
        </Card>
      ))}
      {profiles.data && byName.size === 0 && <EmptyText>暂无政策配置</EmptyText>}
      <CommitmentCard />
      {editing && <VersionDialog base={editing} onClose={() => setEditing(null)} />}
    </Space>
  );
}

interface VersionValues {
  name: string;
  track1: number;
  track5: number;
  track15: number;
  supplementAnswerDays: number;
  supervisionReplyDays: number;
  levelTwoAfterDays: number;
  handoverGraceDays?: number | null;
  disputeWindowDays: number;
  disputeDecisionDays: number;
  grantExpiryReminderDays: number;
  objection: ObjectionDays;
  capExtension: boolean;
  extensionCapDays?: number | null;
  note: string;
  applyToOpen: boolean;
}

function VersionDialog({ base, onClose }: { base: Profile; onClose: () => void }) {
  const [form] = Form.useForm<VersionValues>();
  const capExtension = Form.useWatch('capExtension', form);
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  const create = useMutation({
    mutationFn: (v: VersionValues) =>
      unwrap(
        api.POST('/api/v1/policy-profiles', {
          body: {
            name: v.name,
            note: v.note.trim(),
            applyToOpen: v.applyToOpen,
            settings: {
              trackDays: { track1: v.track1, track5: v.track5, track15: v.track15 },
              supplementAnswerDays: v.supplementAnswerDays,
              supervisionReplyDays: v.supervisionReplyDays,
              levelTwoAfterDays: v.levelTwoAfterDays,
              // Optional in the contract: left empty, the server takes 1.
              handoverGraceDays: v.handoverGraceDays ?? undefined,
              extensionCapDays: v.capExtension ? (v.extensionCapDays ?? null) : null,
              disputeWindowDays: v.disputeWindowDays,
              disputeDecisionDays: v.disputeDecisionDays,
              grantExpiryReminderDays: v.grantExpiryReminderDays,
              objectionDays: v.objection,
              autoApproveOnTimeout: false,
            },
          },
        }),
      ),
    onSuccess: (result) => {
      void queryClient.invalidateQueries({ queryKey: ['policy-profiles'] });
      void message.success(
        `已新建 ${result.profile.name} 第 ${result.profile.version} 版，${result.openDeadlinesMoved} 个在办时限随之调整`,
      );
      onClose();
    },
  });
  const s = base.settings;
  return (
    <Modal
      open
      title={`新建政策配置版本（以 ${base.name} 第 ${base.version} 版为基础）`}
      okText="保存"
      cancelText="取消"
      confirmLoading={create.isPending}
      onOk={() => form.submit()}
      onCancel={onClose}
      width={720}
    >
      <Form<VersionValues>
        form={form}
        layout="vertical"
        initialValues={{
          name: base.name,
          ...s.trackDays,
          supplementAnswerDays: s.supplementAnswerDays,
          supervisionReplyDays: s.supervisionReplyDays,
          levelTwoAfterDays: s.levelTwoAfterDays,
          handoverGraceDays: s.handoverGraceDays ?? 1,
          disputeWindowDays: s.disputeWindowDays,
          disputeDecisionDays: s.disputeDecisionDays,
          grantExpiryReminderDays: s.grantExpiryReminderDays,
          objection: s.objectionDays ?? OBJECTION_DAY_DEFAULTS,
          capExtension: s.extensionCapDays !== null,
          extensionCapDays: s.extensionCapDays,
          note: '',
          applyToOpen: false,
        }}
        onFinish={(v) => create.mutate(v)}
      >
        <Form.Item
          name="name"
          label="配置名称"
          extra="沿用原名称即新建其下一版本；新名称从第 1 版开始"
          rules={rulesFor(POLICY, 'name', '配置名称', { format: ' 2 至 40 位小写字母、数字或连字符' })}
        >
          {/* The contract's pattern allows 40 characters. */}
          <Input maxLength={40} />
        </Form.Item>
        <Space wrap size="middle" align="start">
          {DAY_SETTINGS.map((d) => (
            <Form.Item
              key={d.key}
              name={d.key.split('.')}
              label={`${d.label}（工作日）`}
              dependencies={d.key.startsWith('track') ? ['track1', 'track5', 'track15'] : []}
              rules={[
                ...rulesFor(POLICY, d.path, d.label),
                DAY_RANGE,
                ({ getFieldValue }) => ({
                  validator: () => {
                    if (!d.key.startsWith('track')) return Promise.resolve();
                    const [t1, t5, t15] = ['track1', 'track5', 'track15'].map((k) => Number(getFieldValue(k)));
                    return t1! <= t5! && t5! <= t15! ? Promise.resolve() : Promise.reject(new Error('须满足 1 通道 ≤ 5 通道 ≤ 15 通道'));
                  },
                }),
              ]}
              style={{ width: 200 }}
            >
              <InputNumber min={DAY_RANGE.min} max={DAY_RANGE.max} precision={0} style={{ width: '100%' }} />
            </Form.Item>
          ))}
        </Space>
        <Form.Item name="capExtension" valuePropName="checked" style={{ marginBottom: 8 }}>
          <Checkbox>另设延期上限（不勾选则延期不超过该环节本身的时限）</Checkbox>
        </Form.Item>
        {capExtension && (
          <Form.Item
            name="extensionCapDays"
            label="延期上限（工作日）"
            rules={[...rulesFor(POLICY, 'settings.extensionCapDays', '延期上限'), DAY_RANGE]}
          >
            <InputNumber min={DAY_RANGE.min} max={DAY_RANGE.max} precision={0} />
          </Form.Item>
        )}
        <Alert type="info" showIcon style={{ marginBottom: 12 }} message="超时自动同意不可开启：每件申请均由人工决定。" />
        <Form.Item name="note" label="修订说明" rules={rulesFor(POLICY, 'note', '修订说明')}>
          <Input.TextArea rows={2} {...inputLimits(POLICY, 'note')} showCount />
        </Form.Item>
        <Form.Item name="applyToOpen" valuePropName="checked">
          <Checkbox>在办申请改用新版本（其在办环节按新时限重算截止日期）</Checkbox>
        </Form.Item>
        <ErrorAlert error={create.error} />
      </Form>
    </Modal>
  );
}

function CommitmentCard() {
  const { has } = useSession();
  const [publishing, setPublishing] = useState(false);
  const commitment = useQuery({ queryKey: ['commitment'], queryFn: () => unwrap(api.GET('/api/v1/commitment')) });
  const c = commitment.data;
  return (
    <Card
      size="small"
      title={c ? `告知承诺（现行第 ${c.version} 版）` : '告知承诺'}
      extra={has('center_admin') && c && <Button onClick={() => setPublishing(true)}>发布新版本</Button>}
    >
      <ErrorAlert error={commitment.error} />
      {c && (
        <Space direction="vertical" style={{ width: '100%' }}>
          <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', margin: 0 }}>{c.text}</Typography.Paragraph>
          <Space wrap>
            {c.includesSecurityCommitment ? <StatusTag tone="green">含数据安全承诺</StatusTag> : <StatusTag>不含数据安全承诺</StatusTag>}
            <Typography.Text>{Date.parse(c.publishedAt) === 0 ? '平台初始文本' : `${shanghaiTime(c.publishedAt)} 发布`}</Typography.Text>
          </Space>
        </Space>
      )}
      {publishing && c && <CommitmentDialog current={c} onClose={() => setPublishing(false)} />}
    </Card>
  );
}

function CommitmentDialog({ current, onClose }: { current: Schemas['Commitment']; onClose: () => void }) {
  const [form] = Form.useForm<{ text: string; includesSecurityCommitment: boolean }>();
  const queryClient = useQueryClient();
  const publish = useMutation({
    mutationFn: (v: { text: string; includesSecurityCommitment: boolean }) =>
      unwrap(api.POST('/api/v1/commitment', { body: { text: v.text.trim(), includesSecurityCommitment: v.includesSecurityCommitment } })),
    onSuccess: (next) => {
      queryClient.setQueryData(['commitment'], next);
      onClose();
    },
  });
  return (
    <Modal
      open
      title="发布新版告知承诺"
      okText="发布"
      cancelText="取消"
      confirmLoading={publish.isPending}
      onOk={() => form.submit()}
      onCancel={onClose}
      width={720}
    >
      <Alert
        type="warning"
        showIcon
        style={{ marginBottom: 12 }}
        message="发布后，提交申请须接受新版本；已保存但未提交的申请须重新阅读并接受。"
      />
      <Form
        form={form}
        layout="vertical"
        initialValues={{ text: current.text, includesSecurityCommitment: current.includesSecurityCommitment }}
        onFinish={(v) => publish.mutate(v)}
      >
        <Form.Item name="text" label="承诺文本" rules={rulesFor('publishCommitment', 'text', '承诺文本')}>
          <Input.TextArea rows={8} {...inputLimits('publishCommitment', 'text')} showCount />
        </Form.Item>
        <Form.Item name="includesSecurityCommitment" valuePropName="checked">
          <Checkbox>本文本包含数据安全承诺（接受即满足“须签署安全承诺”的共享条件）</Checkbox>
        </Form.Item>
        <ErrorAlert error={publish.error} />
      </Form>
    </Modal>
  );
}
