/**
 * One grant: what it allows, for whom and until when; its history; the catalogue changes it met;
 * how it was used (安全监管); the open objection marks on its fields (异议标注); and what the caller may do — the owner's reviewer or the center
 * suspends, resumes or revokes it with a reason, the holder's requester renews it.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Descriptions, Space, Table, Timeline, Typography } from 'antd';
import { Link, useNavigate, useParams } from 'react-router';
import { EmptyText } from '../../components/EmptyText';
import { ErrorAlert } from '../../components/ErrorAlert';
import { ReasonAction } from '../../components/ReasonAction';
import { StatusTag } from '../../components/StatusTag';
import { api, unwrap, type Schemas } from '../../lib/api';
import { shanghaiTime } from '../../lib/time';
import { DataMarks, RaiseObjection } from '../objections';
import { daysLeft, EVENT_LABELS, IMPACT_LABELS, PARTY_LABELS, REASON_LABELS, STATE_LABELS, STATE_TONES } from './terms';

type Detail = Schemas['GrantDetail'];
const ACTIONS = {
  suspend: { label: '暂停授权', path: '/api/v1/grants/{grantId}/suspension', operationId: 'suspendGrant', danger: false },
  resume: { label: '恢复授权', path: '/api/v1/grants/{grantId}/resumption', operationId: 'resumeGrant', danger: false },
  revoke: { label: '撤销授权', path: '/api/v1/grants/{grantId}/revocation', operationId: 'revokeGrant', danger: true },
} as const;
const METHOD = { interface: '接口', batch: '批量交换' } as const;

export function GrantPage() {
  const { grantId = '' } = useParams();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const detail = useQuery({
    queryKey: ['grant', grantId],
    queryFn: () => unwrap(api.GET('/api/v1/grants/{grantId}', { params: { path: { grantId } } })),
  });
  const usage = useQuery({
    queryKey: ['grant', grantId, 'usage'],
    queryFn: () => unwrap(api.GET('/api/v1/grants/{grantId}/usage', { params: { path: { grantId } } })),
  });
  const renew = useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/grants/{grantId}/renewal', { params: { path: { grantId } } })),
    onSuccess: ({ requestId }) => void navigate(`/requests/${requestId}`),
  });
  if (!detail.data) return <ErrorAlert error={detail.error} />;
  const { grant, events, impacts, availableActions, mayRenew, reminderAt } = detail.data;
  const open = grant.state !== 'expired' && grant.state !== 'revoked';
  const act = (name: keyof typeof ACTIONS) => async (reason: string | undefined) => {
    const next = await unwrap(api.POST(ACTIONS[name].path, { params: { path: { grantId } }, body: { reason: reason ?? '' } }));
    queryClient.setQueryData<Detail>(['grant', grantId], next);
    void queryClient.invalidateQueries({ queryKey: ['grants'] });
  };
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Space style={{ justifyContent: 'space-between', width: '100%' }} wrap>
        <Typography.Title level={2} style={{ fontSize: 20, margin: 0 }}>
          授权 {grant.number} <StatusTag tone={STATE_TONES[grant.state]}>{STATE_LABELS[grant.state]}</StatusTag>
        </Typography.Title>
        <Space wrap>
          {availableActions.map((name) => (
            <ReasonAction
              key={name}
              label={ACTIONS[name].label}
              title={`${ACTIONS[name].label} ${grant.number}`}
              operationId={ACTIONS[name].operationId}
              reasonLabel="理由"
              required
              button={{ danger: ACTIONS[name].danger }}
              explanation="理由将告知需求部门、数据责任部门和市大数据中心，并记入授权历史。"
              run={act(name)}
            />
          ))}
          {detail.data.mayRaiseObjection && <RaiseObjection grantId={grant.id} fields={grant.fields} />}
          {mayRenew && (
            <Button type="primary" loading={renew.isPending} onClick={() => renew.mutate()}>
              申请续期
            </Button>
          )}
        </Space>
      </Space>
      <ErrorAlert error={renew.error} />
      {open && grant.state === 'expiring' && (
        <Alert
          type="warning"
          showIcon
          message={`授权将于 ${grant.lastDay} 到期（剩 ${daysLeft(grant.lastDay)} 天）`}
          description="如需继续使用，请申请续期：续期申请按当日目录和政策办理，原授权在到期前仍然有效。"
        />
      )}
      {impacts.length > 0 && (
        <Alert
          type="warning"
          showIcon
          message="数据目录变更影响本授权（授权未被撤销）"
          description={impacts
            .map(
              (i) => `${shanghaiTime(i.at)} ${IMPACT_LABELS[i.kind]}${i.fieldsRemoved.length ? `（${i.fieldsRemoved.join('、')}）` : ''}`,
            )
            .join('；')}
        />
      )}
      <Card size="small" title="授权内容">
        <Descriptions size="small" column={{ xs: 1, md: 2 }} bordered>
          <Descriptions.Item label="需求部门">{grant.requesterDepartment.name}</Descriptions.Item>
          <Descriptions.Item label="数据责任部门">{grant.ownerDepartment.name}</Descriptions.Item>
          <Descriptions.Item label="数据资源">{`${grant.dataset.name}（${grant.dataset.code}，第 ${grant.dataset.version} 版）`}</Descriptions.Item>
          <Descriptions.Item label="授权字段">{grant.fields.join('、')}</Descriptions.Item>
          <Descriptions.Item label="应用场景">{grant.scenario?.name ?? '—'}</Descriptions.Item>
          <Descriptions.Item label="用途">{grant.purpose}</Descriptions.Item>
          <Descriptions.Item label="交付方式">{`${METHOD[grant.deliveryMethod]}（${grant.deliveryReference}）`}</Descriptions.Item>
          <Descriptions.Item label="有效期">{`${shanghaiTime(grant.validFrom)} 至 ${grant.lastDay}`}</Descriptions.Item>
          <Descriptions.Item label="到期提醒">{shanghaiTime(reminderAt)}</Descriptions.Item>
          <Descriptions.Item label="来源申请">
            <Link to={`/requests/${grant.requestId}`}>{grant.requestNumber}</Link>
          </Descriptions.Item>
          <Descriptions.Item label="续期关系">
            {grant.renewsGrant ? (
              <span>
                续期自 <Link to={`/grants/${grant.renewsGrant.id}`}>{grant.renewsGrant.number}</Link>
              </span>
            ) : null}
            {grant.renewal?.grant ? (
              <span>
                已续期为 <Link to={`/grants/${grant.renewal.grant.id}`}>{grant.renewal.grant.number}</Link>
              </span>
            ) : grant.renewal ? (
              <Link to={`/requests/${grant.renewal.requestId}`}>续期申请办理中</Link>
            ) : null}
            {!grant.renewsGrant && !grant.renewal && '—'}
          </Descriptions.Item>
        </Descriptions>
      </Card>
      {open && <DataMarks datasetId={grant.dataset.id} fields={grant.fields} />}
      <Card size="small" title="使用情况（本月）">
        <ErrorAlert error={usage.error} />
        {usage.data && (
          <Space direction="vertical" style={{ width: '100%' }}>
            <Typography.Text>
              校验 {usage.data.totals.checks} 次：通过 {usage.data.totals.allowed} 次，拒绝 {usage.data.totals.denied} 次
              {usage.data.byReason.length > 0 &&
                `（${usage.data.byReason.map((r) => `${REASON_LABELS[r.reason]} ${r.checks} 次`).join('，')}）`}
            </Typography.Text>
            <Table
              size="small"
              rowKey="field"
              pagination={false}
              dataSource={usage.data.byField}
              locale={{ emptyText: <EmptyText>本期没有使用记录</EmptyText> }}
              columns={[
                {
                  title: '字段',
                  dataIndex: 'field',
                  render: (f: string, r) =>
                    r.inGrant ? (
                      f
                    ) : (
                      <span>
                        {f} <StatusTag tone="red">授权外</StatusTag>
                      </span>
                    ),
                },
                { title: '通过次数', dataIndex: 'allowed', width: 110 },
                { title: '拒绝次数', dataIndex: 'denied', width: 110 },
              ]}
            />
          </Space>
        )}
      </Card>
      <Card size="small" title="授权历史">
        <Timeline
          items={events.map((e) => ({
            children: (
              <Space direction="vertical" size={0}>
                <Typography.Text strong>{`${shanghaiTime(e.at)} ${EVENT_LABELS[e.kind]}`}</Typography.Text>
                <Typography.Text type="secondary">
                  {e.actor ? `${e.actor.displayName}（${e.actor.department.name}）` : PARTY_LABELS[e.party]}
                  {e.toState && e.fromState !== e.toState
                    ? ` · ${e.fromState ? `${STATE_LABELS[e.fromState]} → ` : ''}${STATE_LABELS[e.toState]}`
                    : ''}
                </Typography.Text>
                {e.reason && <Typography.Text>理由：{e.reason}</Typography.Text>}
              </Space>
            ),
          }))}
        />
      </Card>
    </Space>
  );
}
