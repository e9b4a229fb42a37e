/**
 * A request's detail: what was asked, routing and pre-check, track 15's coordination, the written
 * explanation, a dispute, the timeline, clocks, supervision and the caller's actions.
 */
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
import {
  CONDITION_LABELS,
  DELIVERY_LABELS,
  GRANT_STATE_LABELS,
  GRANT_STATE_TONES,
  PARTY_LABELS,
  ROUTING_RULE_LABELS,
  STATE_LABELS,
  TRACK_LABELS,
} from '../../lib/labels';
import { ActionBar } from './ActionBar';
import { AttachmentList } from './Attachments';
import { CoordinationWorkspace } from './Coordination';
import { Dispute } from './Dispute';
import { WrittenExplanation } from './Explanation';
import { Supervisions } from '../../components/Supervisions';
import { CLOCK_EVENT_LABELS, EVENT_LABELS, stepLabel } from './terms';
import { WorkingDays } from './WorkingDays';

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
      <CoordinationWorkspace detail={d} />
      <WrittenExplanation detail={d} />
      <Dispute detail={d} />
      {d.grant && (
        <Card size="small" title="授权">
          <Descriptions column={{ xs: 1, md: 2 }} size="small" bordered>
            <Descriptions.Item label="授权编号">
              <Link to={`/grants/${d.grant.id}`}>{d.grant.number}</Link>
            </Descriptions.Item>
            <Descriptions.Item label="授权状态">
              <StatusTag tone={GRANT_STATE_TONES[d.grant.state]}>{GRANT_STATE_LABELS[d.grant.state]}</StatusTag>
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
      <Supervisions supervisions={d.supervisions} queryKeys={[['request', r.id], ['requests']]} />
      {d.attachments.length > 0 && (
        <Card size="small" title="附件">
          <AttachmentList requestId={r.id} attachments={d.attachments} />
        </Card>
      )}
    </Space>
  );
}
