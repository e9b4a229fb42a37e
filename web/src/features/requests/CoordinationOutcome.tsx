/**
 * The coordination's outcome (三方协调的结果): the center's "同意共享" — the fields agreed (a subset
 * of those requested), the usage period, the conditions agreed — or "不予共享" with its reasons;
 * then, for data the center does not hold, its "确认已归集" once the owner has delivered.
 */
import { Alert, Descriptions, Form, Input, InputNumber, Space, Typography } from 'antd';
import { CheckGroup } from '../../components/CheckGroup';
import { StatusTag } from '../../components/StatusTag';
import { inputLimits, rulesFor } from '../../lib/contract';
import { shanghaiTime } from '../../lib/time';
import { ActionDialog, ACTIONS, offered, type Detail } from './ActionDialog';
import { Basis } from './Explanation';
import { LegalBasisSelect } from './LegalBasisSelect';
import { useNoApplication } from './noApplication';

type Outcome = NonNullable<Detail['coordination']>['outcome'];

function text(operation: string, name: string, label: string, rows = 3) {
  return (
    <Form.Item name={name} label={label} rules={rulesFor(operation, name, label)}>
      <Input.TextArea rows={rows} {...inputLimits(operation, name)} showCount />
    </Form.Item>
  );
}

function AgreeForm({ detail }: { detail: Detail }) {
  const operation = ACTIONS.agree_to_share.operationId;
  const noApplication = useNoApplication(detail);
  const r = detail.request;
  return (
    <ActionDialog
      detail={detail}
      action="agree_to_share"
      title="记录协调结果：同意共享"
      button={{ type: 'primary' }}
      initialValues={{ fields: r.fields, ...(r.usageMonths ? { usageMonths: r.usageMonths } : {}) }}
      intro="同意共享的数据项和使用期限可在申请范围内缩减；中心尚未归集的数据，由数据责任部门交付后供数。"
    >
      <Form.Item name="fields" label="同意共享的数据项（可缩减）" rules={rulesFor(operation, 'fields', '同意共享的数据项')}>
        <CheckGroup label="同意共享的数据项" options={r.fields} />
      </Form.Item>
      <Form.Item name="usageMonths" label="使用期限（月，可缩短）" rules={rulesFor(operation, 'usageMonths', '使用期限')}>
        <InputNumber {...inputLimits(operation, 'usageMonths')} max={r.usageMonths ?? inputLimits(operation, 'usageMonths').max} />
      </Form.Item>
      {text(operation, 'conditions', '约定的共享条件（如用途限定、不得留存）')}
      {text(operation, 'note', '协调意见')}
      {noApplication && (
        <Form.Item
          name="legalBasisId"
          label="法律依据"
          extra="该申请服务于免申即享场景：缩减范围相当于部分不予共享，须选择法律依据库中明确禁止共享的条目"
        >
          <LegalBasisSelect />
        </Form.Item>
      )}
    </ActionDialog>
  );
}

function NotToShareForm({ detail }: { detail: Detail }) {
  const operation = ACTIONS.decide_not_to_share.operationId;
  const noApplication = useNoApplication(detail);
  return (
    <ActionDialog
      detail={detail}
      action="decide_not_to_share"
      title="记录协调结果：不予共享"
      button={{ danger: true }}
      intro="记录后，由数据责任部门在剩余时限内出具书面说明；需求方或市大数据中心可对不予共享的决定提出争议。"
    >
      {text(operation, 'reasons', '不予共享的理由', 4)}
      <Form.Item
        name="legalBasisId"
        label="法律依据"
        rules={rulesFor(operation, 'legalBasisId', '法律依据', noApplication ? { required: true } : {})}
        extra={noApplication ? '该申请服务于免申即享场景：须选择法律依据库中明确禁止共享（或归集）的条目' : '可选：引用法律依据库中的条目'}
      >
        <LegalBasisSelect />
      </Form.Item>
    </ActionDialog>
  );
}

function AggregationForm({ detail }: { detail: Detail }) {
  const operation = ACTIONS.confirm_aggregation.operationId;
  return (
    <ActionDialog
      detail={detail}
      action="confirm_aggregation"
      button={{ type: 'primary' }}
      intro="确认数据责任部门已将约定的数据交付市大数据中心或完成归集：目录中该数据资源的归集记录随之更新，申请进入供数。"
    >
      <Form.Item name="reference" label="交付或归集批次号" rules={rulesFor(operation, 'reference', '交付或归集批次号')}>
        <Input {...inputLimits(operation, 'reference')} />
      </Form.Item>
      {text(operation, 'note', '备注')}
    </ActionDialog>
  );
}

function Decided({ outcome }: { outcome: NonNullable<Outcome> }) {
  const share = outcome.outcome === 'share';
  return (
    <Descriptions column={1} size="small" bordered>
      <Descriptions.Item label="协调结果">
        <StatusTag tone={share ? 'green' : 'red'}>{share ? '同意共享' : '不予共享'}</StatusTag>
      </Descriptions.Item>
      {share && outcome.fields && <Descriptions.Item label="同意共享的数据项">{outcome.fields.join('、')}</Descriptions.Item>}
      {share && outcome.usageMonths !== null && <Descriptions.Item label="使用期限">{outcome.usageMonths} 个月</Descriptions.Item>}
      {outcome.conditions && <Descriptions.Item label="约定的共享条件">{outcome.conditions}</Descriptions.Item>}
      {outcome.reasons && <Descriptions.Item label={share ? '协调意见' : '不予共享的理由'}>{outcome.reasons}</Descriptions.Item>}
      {outcome.legalBasis && (
        <Descriptions.Item label="法律依据">
          <Basis basis={outcome.legalBasis} />
        </Descriptions.Item>
      )}
      <Descriptions.Item label="记录时间">{shanghaiTime(outcome.decidedAt)}</Descriptions.Item>
    </Descriptions>
  );
}

export function CoordinationOutcome({ detail, outcome }: { detail: Detail; outcome: Outcome }) {
  const deciding = offered(detail, 'agree_to_share') || offered(detail, 'decide_not_to_share');
  const mayNotRefuse = detail.routing?.ownerMayRefuse === false;
  return (
    <section aria-label="协调结果">
      <Space style={{ justifyContent: 'space-between', width: '100%', marginBottom: 8 }} wrap>
        <Typography.Title level={3} style={{ fontSize: 16, margin: 0 }}>
          协调结果
        </Typography.Title>
        <Space wrap>
          {offered(detail, 'agree_to_share') && <AgreeForm detail={detail} />}
          {offered(detail, 'decide_not_to_share') && <NotToShareForm detail={detail} />}
          {offered(detail, 'confirm_aggregation') && <AggregationForm detail={detail} />}
        </Space>
      </Space>
      {outcome ? (
        <Decided outcome={outcome} />
      ) : (
        <Typography.Paragraph>尚未形成协调结果，由市大数据中心在办理时限内记录。</Typography.Paragraph>
      )}
      {!outcome && deciding && mayNotRefuse && (
        <Alert type="info" showIcon message="该数据为无条件共享，仅尚未归集：协调只能安排交付，不能决定不予共享" />
      )}
      {detail.request.state === 'awaiting_owner_delivery' && (
        <Alert
          style={{ marginTop: 8 }}
          type="info"
          showIcon
          message="待数据责任部门交付数据：交付市大数据中心或完成归集后，由中心确认并供数"
        />
      )}
    </section>
  );
}
