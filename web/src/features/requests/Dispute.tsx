/**
 * Disputes (争议) over a refusal: while the window is open, the requester's or the center's
 * "提出争议" (until when, shown); the dispute and the competent authority's decision — immutable,
 * printable alone and as the API's PDF — and, while it is undecided, the supervisor's decision.
 */
import { Alert, Card, Descriptions, Space, Typography } from 'antd';
import { ReasonAction } from '../../components/ReasonAction';
import { StatusTag } from '../../components/StatusTag';
import { useDepartmentNames } from '../../lib/directory';
import { shanghaiTime } from '../../lib/time';
import { ACTIONS, offered, useActionRunner, type ActionName, type Detail } from './ActionDialog';
import { DocumentDownload, PrintableSection } from './Documents';
import { DISPUTE_DECISION_LABELS, partyLabel } from './terms';

/** A dispute action that takes only its reasons (raise, uphold, order). */
function ReasonsAction(props: {
  detail: Detail;
  action: ActionName;
  title: string;
  reasonLabel: string;
  primary?: boolean;
  explanation?: string;
}) {
  const run = useActionRunner(props.detail);
  return (
    <ReasonAction
      label={ACTIONS[props.action].label}
      title={props.title}
      operationId={ACTIONS[props.action].operationId}
      field="reasons"
      reasonLabel={props.reasonLabel}
      required
      okText="提交"
      explanation={props.explanation}
      button={props.primary ? { type: 'primary' } : {}}
      run={(reasons) => run(props.action, { reasons: reasons ?? '' })}
    />
  );
}

function Decision({ detail, dispute }: { detail: Detail; dispute: NonNullable<Detail['dispute']> }) {
  const departmentName = useDepartmentNames();
  const decision = dispute.decision;
  const r = detail.request;
  return (
    <PrintableSection
      actions={
        decision && (
          <DocumentDownload
            requestId={r.id}
            document={{ kind: 'dispute_decision' }}
            label="下载裁决书PDF"
            fileName={`争议裁决-${r.number ?? r.id}.pdf`}
          />
        )
      }
    >
      {(buttons) => (
        <Card size="small" title="争议" extra={buttons}>
          <Descriptions column={1} size="small" bordered>
            <Descriptions.Item label="申请编号">{r.number}</Descriptions.Item>
            <Descriptions.Item label="提出方">
              {partyLabel(dispute.party)}（{departmentName(dispute.departmentId)}）
            </Descriptions.Item>
            <Descriptions.Item label="提出时间">{shanghaiTime(dispute.raisedAt)}</Descriptions.Item>
            <Descriptions.Item label="争议理由">{dispute.reasons}</Descriptions.Item>
            {decision ? (
              <>
                <Descriptions.Item label="裁决结果">
                  <StatusTag tone={decision.decision === 'ordered' ? 'green' : 'red'}>
                    {DISPUTE_DECISION_LABELS[decision.decision]}
                  </StatusTag>
                </Descriptions.Item>
                <Descriptions.Item label="裁决理由">{decision.reasons}</Descriptions.Item>
                <Descriptions.Item label="裁决部门">{departmentName(decision.departmentId)}</Descriptions.Item>
                <Descriptions.Item label="裁决时间">{shanghaiTime(decision.decidedAt)}</Descriptions.Item>
              </>
            ) : (
              <Descriptions.Item label="裁决结果">待主管部门裁决{r.deadlineDate ? `（截止日 ${r.deadlineDate}）` : ''}</Descriptions.Item>
            )}
          </Descriptions>
          {decision && (
            <Typography.Paragraph type="secondary" style={{ marginTop: 8, marginBottom: 0 }}>
              裁决一经作出即记录在案，不可更改。
            </Typography.Paragraph>
          )}
          {(offered(detail, 'uphold_refusal') || offered(detail, 'order_sharing')) && (
            <Space wrap className="no-print" style={{ marginTop: 12 }}>
              {offered(detail, 'order_sharing') && (
                <ReasonsAction
                  detail={detail}
                  action="order_sharing"
                  title="裁决：责令共享"
                  reasonLabel="裁决理由"
                  primary
                  explanation="责令共享后，申请转为同意共享，由市大数据中心（或经数据责任部门交付后）供数。"
                />
              )}
              {offered(detail, 'uphold_refusal') && (
                <ReasonsAction
                  detail={detail}
                  action="uphold_refusal"
                  title="裁决：维持不予共享"
                  reasonLabel="裁决理由"
                  explanation="维持不予共享后，该申请办结，不予共享的决定为最终决定。"
                />
              )}
            </Space>
          )}
        </Card>
      )}
    </PrintableSection>
  );
}

export function Dispute({ detail }: { detail: Detail }) {
  const disputeWindow = detail.disputeWindow;
  return (
    <>
      {disputeWindow && (
        <Alert
          type="info"
          showIcon
          message={`对不予共享的决定有异议的，需求方或市大数据中心可在 ${disputeWindow.deadlineDate} 前（含当日）提出争议，由公共数据主管部门裁决`}
          action={
            offered(detail, 'dispute') ? (
              <ReasonsAction
                detail={detail}
                action="dispute"
                title="对不予共享的决定提出争议"
                reasonLabel="争议理由"
                primary
                explanation={`提出争议的期限：${shanghaiTime(disputeWindow.deadline)} 前。每项不予共享的决定只能提出一次争议。`}
              />
            ) : undefined
          }
        />
      )}
      {detail.dispute && <Decision detail={detail} dispute={detail.dispute} />}
    </>
  );
}
