/** A request's detail: what was asked, routing and pre-check, the timeline, clocks, explanation, actions. */
import { PrinterOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Alert, Button, Card, Descriptions, List, Space, Table, Tag, Timeline, Typography } from 'antd';
import { shanghaiTime } from '../../lib/time';
import { Link, useParams } from 'react-router';
import { CheckResultTag } from '../../components/CheckResultTag';
import { StatusTag } from '../../components/StatusTag';
import { EmptyText } from '../../components/EmptyText';
import { ErrorAlert } from '../../components/ErrorAlert';
import { api, unwrap, type Schemas } from '../../lib/api';
import { useDepartmentNames } from '../../lib/directory';
import { CONDITION_LABELS, DELIVERY_LABELS, PARTY_LABELS, ROUTING_RULE_LABELS, STATE_LABELS, TRACK_LABELS } from '../../lib/labels';
import { ActionBar } from './ActionBar';
import { AttachmentList } from './Attachments';
import { Supervisions } from './Supervisions';
import { WorkingDays } from './WorkingDays';

const EVENT_LABELS: Record<string, string> = {
  filed: '提交申请',
  routed: '分流',
  opened: '开始办理',
  approved: '同意共享',
  refused: '不予共享',
  provisioning_started: '开始供数',
  delivered: '完成供数',
  withdrawn: '撤回',
  supplement_requested: '要求补正',
  supplement_answered: '答复补正',
  lapsed: '补正逾期失效',
  extension_requested: '申请延期',
  extension_approved: '同意延期',
  extension_rejected: '不同意延期',
  reminded: '到期提醒',
  deadline_breached: '超期，启动一级督办',
  escalated_level_two: '二级督办',
  supervision_replied: '答复督办',
};

const CLOCK_EVENT_LABELS: Record<string, string> = {
  started: '开始计时',
  paused: '暂停计时',
  resumed: '恢复计时',
  extension_requested: '申请延期',
  extension_approved: '延期获批',
  extension_rejected: '延期未获批',
  handed_over: '移交',
  grace_expired: '移交宽限期届满',
  breached: '超期',
  stopped: '停止计时',
  recomputed: '日历更正后重算',
  recomputed_breached: '日历更正后超期',
  policy_changed: '政策调整后重算',
  provisional_changed: '节假日安排公布',
};

/** The clocked steps of a request, by the name the clock records (`track<N>`, `supplement`). */
const stepLabel = (step: string): string =>
  step === 'supplement' ? '补正答复' : (TRACK_LABELS[Number(step.replace('track', '')) as keyof typeof TRACK_LABELS] ?? step);

function Explanation({ explanation }: { explanation: NonNullable<Schemas['RequestDetail']['explanation']> }) {
  const basis = explanation.legalBasis;
  return (
    <Card
      size="small"
      title="书面说明（不予共享）"
      extra={
        <Button icon={<PrinterOutlined />} onClick={() => window.print()}>
          打印
        </Button>
      }
    >
      <Descriptions column={1} size="small" bordered>
        <Descriptions.Item label="法律依据">
          {basis.title}
          {basis.article ?? ''}
          {basis.source === 'register' && basis.prohibitsSharing && <StatusTag tone="red">明确禁止共享</StatusTag>}
          {basis.source === 'catalogue' && <Tag>编目登记的依据</Tag>}
        </Descriptions.Item>
        <Descriptions.Item label="未满足的共享条件">
          {explanation.citedConditions.map((c) => CONDITION_LABELS[c] ?? c).join('、') || '—'}
        </Descriptions.Item>
        <Descriptions.Item label="理由">{explanation.reasons}</Descriptions.Item>
        <Descriptions.Item label="替代方案">{explanation.alternatives}</Descriptions.Item>
        <Descriptions.Item label="出具时间">{shanghaiTime(explanation.filedAt)}</Descriptions.Item>
      </Descriptions>
    </Card>
  );
}

export function RequestPage() {
  const { requestId } = useParams();
  const departmentName = useDepartmentNames();
  const detail = useQuery({
    queryKey: ['request', requestId],
    queryFn: () => unwrap(api.GET('/api/v1/requests/{requestId}', { params: { path: { requestId: requestId! } } })),
  });
  if (detail.error) return <ErrorAlert error={detail.error} />;
  if (!detail.data) return <Card loading />;
  const d = detail.data;
  const r = d.request;
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Space wrap>
        <Typography.Title level={2} style={{ fontSize: 20, margin: 0 }}>
          共享申请 {r.number ?? '（草稿）'}
        </Typography.Title>
        <StatusTag tone="blue">{STATE_LABELS[r.state]}</StatusTag>
        {r.track && <Tag>{TRACK_LABELS[r.track]}</Tag>}
        {r.deadlineDate && <span>截止日 {r.deadlineDate}</span>}
        <WorkingDays timing={r} />
        <Button icon={<PrinterOutlined />} onClick={() => window.print()} className="no-print">
          打印
        </Button>
      </Space>
      {d.availableActions.includes('edit') && (
        <Alert
          type="info"
          showIcon
          message="这是一份尚未提交的草稿"
          action={
            <Link to={`/requests/new?draft=${r.id}`}>
              <Button type="primary">继续编辑</Button>
            </Link>
          }
        />
      )}
      <ActionBar detail={d} />
      <Descriptions bordered size="small" column={{ xs: 1, md: 2 }}>
        <Descriptions.Item label="需求方">{departmentName(r.requesterDepartmentId)}</Descriptions.Item>
        <Descriptions.Item label="数据责任部门">{departmentName(r.ownerDepartmentId)}</Descriptions.Item>
        <Descriptions.Item label="数据资源">
          <Link to={`/catalogue/${r.datasetId}`}>查看目录（第 {r.datasetVersion ?? '—'} 版）</Link>
        </Descriptions.Item>
        <Descriptions.Item label="数据项">{r.fields.join('、')}</Descriptions.Item>
        <Descriptions.Item label="用途">{r.purpose || '—'}</Descriptions.Item>
        <Descriptions.Item label="申请依据">{r.legalBasis ?? '—'}</Descriptions.Item>
        <Descriptions.Item label="使用期限">{r.usageMonths ? `${r.usageMonths} 个月` : '—'}</Descriptions.Item>
        <Descriptions.Item label="交付方式">{DELIVERY_LABELS[r.deliveryMethod]}</Descriptions.Item>
        {r.approvedFields && <Descriptions.Item label="同意共享的数据项">{r.approvedFields.join('、')}</Descriptions.Item>}
      </Descriptions>
      {d.routing && (
        <Alert
          type="info"
          showIcon
          message={`分流：${r.track ? TRACK_LABELS[r.track] : ''}`}
          description={ROUTING_RULE_LABELS[d.routing.rule] ?? d.routing.reasons.join('；')}
        />
      )}
      {d.cataloguedLegalBasis && (
        <Alert
          type="warning"
          showIcon
          message="该数据资源编目为不予共享"
          description={`编目登记的法律依据：${d.cataloguedLegalBasis.title}${d.cataloguedLegalBasis.article ?? ''}`}
        />
      )}
      {d.explanation && <Explanation explanation={d.explanation} />}
      {d.grant && (
        <Card size="small" title="授权">
          <Descriptions column={{ xs: 1, md: 2 }} size="small" bordered>
            <Descriptions.Item label="授权状态">
              <StatusTag tone={d.grant.state === 'active' ? 'green' : 'grey'}>
                {d.grant.state === 'active' ? '有效' : d.grant.state}
              </StatusTag>
            </Descriptions.Item>
            <Descriptions.Item label="授权数据项">{d.grant.fields.join('、')}</Descriptions.Item>
            <Descriptions.Item label="交付方式">
              {DELIVERY_LABELS[d.grant.deliveryMethod as keyof typeof DELIVERY_LABELS] ?? d.grant.deliveryMethod}
            </Descriptions.Item>
            <Descriptions.Item label="接口地址或批次号">{d.grant.deliveryReference}</Descriptions.Item>
            <Descriptions.Item label="有效期">
              {shanghaiTime(d.grant.validFrom)} 至 {d.grant.validTo ? shanghaiTime(d.grant.validTo) : '长期'}
            </Descriptions.Item>
          </Descriptions>
        </Card>
      )}
      <Card size="small" title="共享条件预审">
        <Table
          rowKey="condition"
          size="small"
          pagination={false}
          dataSource={d.preCheck.checks}
          locale={{ emptyText: <EmptyText>无编目的共享条件</EmptyText> }}
          columns={[
            { title: '条件', dataIndex: 'condition', render: (condition: string) => CONDITION_LABELS[condition] ?? condition },
            {
              title: '结果',
              dataIndex: 'result',
              render: (result: string) => <CheckResultTag result={result} />,
            },
          ]}
        />
      </Card>
      <Card size="small" title="办理过程">
        <Timeline
          items={d.timeline.map((e) => ({
            children: (
              <>
                <strong>{EVENT_LABELS[e.kind] ?? e.kind}</strong> · {PARTY_LABELS[e.party]}
                {e.actorDepartmentId ? `（${departmentName(e.actorDepartmentId)}）` : ''} · {shanghaiTime(e.at)}
                {e.toState && e.toState !== e.fromState ? ` → ${STATE_LABELS[e.toState as Schemas['RequestState']] ?? e.toState}` : ''}
              </>
            ),
          }))}
        />
      </Card>
      {d.clocks.map(({ clock, events }) => (
        <Card
          key={clock.id}
          size="small"
          title={`办理时限：${clock.workingDays} 个工作日（${stepLabel(clock.step)}，${PARTY_LABELS[clock.chargedParty] ?? clock.chargedParty}）`}
        >
          <Typography.Paragraph>
            截止 {clock.deadlineDate} · <WorkingDays timing={clock} />
          </Typography.Paragraph>
          <List
            size="small"
            dataSource={events}
            renderItem={(e) => (
              <List.Item>
                {shanghaiTime(e.at)} {CLOCK_EVENT_LABELS[e.kind] ?? e.kind}
                {e.deadlineBefore && e.deadlineAfter && e.deadlineBefore !== e.deadlineAfter
                  ? `：截止 ${shanghaiTime(e.deadlineBefore)} → ${shanghaiTime(e.deadlineAfter)}`
                  : ''}
              </List.Item>
            )}
          />
        </Card>
      ))}
      {d.supplements.length > 0 && (
        <Card size="small" title="补正">
          <List
            dataSource={d.supplements}
            renderItem={(s) => (
              <List.Item>
                <List.Item.Meta
                  title={`问：${s.question}（${shanghaiTime(s.askedAt)}，限 ${shanghaiTime(s.dueAt)} 前答复）`}
                  description={
                    s.answer ? `答：${s.answer}（${shanghaiTime(s.answeredAt)}）` : s.lapsedAt ? '逾期未答复，申请失效' : '待答复'
                  }
                />
              </List.Item>
            )}
          />
        </Card>
      )}
      <Supervisions supervisions={d.supervisions} requestId={r.id} />
      {d.attachments.length > 0 && (
        <Card size="small" title="附件">
          <AttachmentList requestId={r.id} attachments={d.attachments} />
        </Card>
      )}
    </Space>
  );
}
