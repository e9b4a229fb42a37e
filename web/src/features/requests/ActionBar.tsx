/**
 * The request's general actions the caller may take — exactly the API's `availableActions` — each
 * in its dialog (ActionDialog). Track 15's coordination, the written explanation and disputes
 * offer theirs in their own sections of the page.
 */
import { Checkbox, Form, Input, InputNumber, Radio, Space } from 'antd';
import { CheckGroup } from '../../components/CheckGroup';
import { inputLimits, rulesFor } from '../../lib/contract';
import { CONDITION_LABELS } from '../../lib/labels';
import { ActionDialog, ACTIONS, type Detail } from './ActionDialog';
import { AttachmentUpload } from './Attachments';
import { LegalBasisSelect } from './LegalBasisSelect';

/** The actions this bar offers (the others have their sections). */
const GENERAL = [
  'approve',
  'refuse',
  'ask_supplement',
  'answer_supplement',
  'withdraw',
  'confirm_delivery',
  'request_extension',
  'decide_extension',
] as const;
type Action = (typeof GENERAL)[number];

function ActionFields({ action, detail }: { action: Action; detail: Detail }) {
  const operation = ACTIONS[action].operationId;
  const text = (name: string, label: string) => (
    <Form.Item name={name} label={label} rules={rulesFor(operation, name, label)}>
      <Input.TextArea rows={3} {...inputLimits(operation, name)} showCount />
    </Form.Item>
  );
  switch (action) {
    case 'approve':
      return (
        <>
          <Form.Item name="fields" label="同意共享的数据项（可缩减）">
            <CheckGroup label="同意共享的数据项" options={detail.request.fields} />
          </Form.Item>
          <Form.Item name="usageMonths" label="使用期限（月，可缩短）" rules={rulesFor(operation, 'usageMonths', '使用期限')}>
            <InputNumber
              {...inputLimits(operation, 'usageMonths')}
              max={detail.request.usageMonths ?? inputLimits(operation, 'usageMonths').max}
            />
          </Form.Item>
          <Form.Item name="legalBasisId" label="法律依据" extra="缩减免申即享申请的范围时必选，须为明确禁止共享的条目">
            <LegalBasisSelect />
          </Form.Item>
          {text('note', '审核意见')}
        </>
      );
    case 'refuse':
      return (
        <>
          <Form.Item name="legalBasisId" label="法律依据" extra={detail.cataloguedLegalBasis ? '不选则引用编目时登记的依据' : undefined}>
            <LegalBasisSelect />
          </Form.Item>
          <Form.Item name="citedConditions" label="未满足的共享条件" initialValue={[]}>
            <CheckGroup
              label="未满足的共享条件"
              options={detail.preCheck.checks.map((c) => ({
                value: c.condition,
                label: `${CONDITION_LABELS[c.condition] ?? c.condition}（${c.result === 'pass' ? '已满足' : c.result === 'fail' ? '未满足' : '需审核判断'}）`,
              }))}
            />
          </Form.Item>
          {text('reasons', '不予共享的理由')}
          {text('alternatives', '替代方案（无则填“无”）')}
        </>
      );
    case 'ask_supplement':
      return text('question', '需补正的内容');
    case 'answer_supplement':
      return (
        <>
          {text('answer', '补正答复')}
          {text('purpose', '用途（如需更正）')}
          {text('legalBasis', '申请依据（如需补充）')}
          {!detail.request.securityCommitmentAccepted && (
            <Form.Item name="securityCommitmentAccepted" valuePropName="checked">
              <Checkbox>现签署数据安全承诺</Checkbox>
            </Form.Item>
          )}
          <Form.Item label="补正材料">
            <AttachmentUpload
              requestId={detail.request.id}
              attachments={detail.attachments.filter((a) => a.supplementId !== null)}
              label="上传补正材料"
            />
          </Form.Item>
        </>
      );
    case 'withdraw':
      return text('reason', '撤回原因');
    case 'confirm_delivery':
      return (
        <>
          <Form.Item
            name="method"
            label="交付方式"
            initialValue={detail.request.deliveryMethod}
            rules={rulesFor(operation, 'method', '交付方式')}
          >
            <Radio.Group
              options={[
                { value: 'interface', label: '接口' },
                { value: 'batch', label: '批量交换' },
              ]}
            />
          </Form.Item>
          <Form.Item name="reference" label="接口地址或批次号" rules={rulesFor(operation, 'reference', '交付凭证')}>
            <Input {...inputLimits(operation, 'reference')} />
          </Form.Item>
          {text('methodChangeReason', '交付方式变更原因（与申请不一致时必填）')}
        </>
      );
    case 'request_extension':
      return (
        <>
          <Form.Item name="days" label="延期工作日数" rules={rulesFor(operation, 'days', '延期工作日数')}>
            <InputNumber {...inputLimits(operation, 'days')} />
          </Form.Item>
          {text('reason', '延期理由')}
        </>
      );
    case 'decide_extension':
      return (
        <>
          <Form.Item name="approved" label="审批结果" rules={rulesFor(operation, 'approved', '审批结果')}>
            <Radio.Group
              options={[
                { value: true, label: '同意延期' },
                { value: false, label: '不同意' },
              ]}
            />
          </Form.Item>
          {text('reason', '审批意见')}
        </>
      );
  }
}

/**
 * Drops blank optional answers (and an approval's empty field list), so blanks never break the
 * contract's minimums; a refusal's citedConditions list is sent even when empty.
 */
function compact(action: Action, values: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(values).filter(
      ([key, v]) =>
        v !== undefined &&
        v !== null &&
        !(typeof v === 'string' && v.trim() === '') &&
        // Accepting the security commitment is a yes or nothing.
        !(key === 'securityCommitmentAccepted' && v === false) &&
        !(action === 'approve' && key === 'fields' && Array.isArray(v) && v.length === 0),
    ),
  );
}

export function ActionBar({ detail }: { detail: Detail }) {
  const actions = GENERAL.filter((a) => detail.availableActions.includes(a));
  if (actions.length === 0) return null;
  return (
    <Space wrap>
      {actions.map((a) => (
        <ActionDialog
          key={a}
          detail={detail}
          action={a}
          button={{ type: a === 'approve' || a === 'confirm_delivery' ? 'primary' : 'default', danger: a === 'refuse' }}
          toBody={(values) => compact(a, values)}
        >
          <ActionFields action={a} detail={detail} />
        </ActionDialog>
      ))}
    </Space>
  );
}
