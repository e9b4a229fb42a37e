/**
 * The actions the caller may take on a request — exactly the API's `availableActions` — each
 * in a form that keeps what was typed when the API refuses it, and shows the API's reason.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Button, Checkbox, Form, Input, InputNumber, Modal, Radio, Select, Space } from 'antd';
import { useState } from 'react';
import { CheckGroup } from '../../components/CheckGroup';
import { ErrorAlert } from '../../components/ErrorAlert';
import { api, unwrap, type Schemas } from '../../lib/api';
import { inputLimits, rulesFor } from '../../lib/contract';
import { CONDITION_LABELS } from '../../lib/labels';
import { AttachmentUpload } from './Attachments';

type Detail = Schemas['RequestDetail'];
type Action =
  | 'approve'
  | 'refuse'
  | 'ask_supplement'
  | 'answer_supplement'
  | 'withdraw'
  | 'confirm_delivery'
  | 'request_extension'
  | 'decide_extension';

/** Each action once: its button, the contract's path under the request and its operation (whose limits the form checks). */
const ACTIONS = {
  approve: { label: '同意共享', path: '/api/v1/requests/{requestId}/approval', operationId: 'approveRequest' },
  refuse: { label: '不予共享', path: '/api/v1/requests/{requestId}/refusal', operationId: 'refuseRequest' },
  ask_supplement: { label: '要求补正', path: '/api/v1/requests/{requestId}/supplement-request', operationId: 'askRequestSupplement' },
  answer_supplement: { label: '答复补正', path: '/api/v1/requests/{requestId}/supplement-answer', operationId: 'answerRequestSupplement' },
  withdraw: { label: '撤回申请', path: '/api/v1/requests/{requestId}/withdrawal', operationId: 'withdrawRequest' },
  confirm_delivery: { label: '确认供数', path: '/api/v1/requests/{requestId}/delivery', operationId: 'confirmRequestDelivery' },
  request_extension: { label: '申请延期', path: '/api/v1/requests/{requestId}/extension-request', operationId: 'requestRequestExtension' },
  decide_extension: { label: '审批延期', path: '/api/v1/requests/{requestId}/extension-decision', operationId: 'decideRequestExtension' },
} as const satisfies Record<Action, { label: string; path: string; operationId: string }>;

function send(action: Action, requestId: string, values: Record<string, unknown>): Promise<Detail> {
  // The form's values are the action's body (the API validates them against the contract).
  const path = ACTIONS[action].path as (typeof ACTIONS)['approve']['path'];
  return unwrap(api.POST(path, { params: { path: { requestId } }, body: values as never }));
}

function LegalBasisSelect(props: { value?: string; onChange?: (value: string) => void }) {
  const register = useQuery({
    queryKey: ['legal-bases', 'in-force'],
    queryFn: () => unwrap(api.GET('/api/v1/legal-bases', { params: { query: { inForce: true, limit: 200 } } })),
  });
  return (
    <Select
      {...props}
      showSearch
      optionFilterProp="label"
      loading={register.isLoading}
      placeholder="从法律依据库中选择"
      options={(register.data?.items ?? []).map((e) => ({
        value: e.id,
        label: `${e.title}${e.article ?? ''}${e.prohibitsSharing ? '（明确禁止共享）' : ''}`,
      }))}
    />
  );
}

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

/** Drops blank optional answers (and an approval's empty field list), so blanks never break the contract's minimums. */
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
  const [open, setOpen] = useState<Action | null>(null);
  const [form] = Form.useForm();
  const queryClient = useQueryClient();
  const act = useMutation({
    // The citedConditions list is required even when empty (a coordination refusal cites none).
    mutationFn: (values: Record<string, unknown>) => send(open!, detail.request.id, compact(open!, values)),
    onSuccess: (next) => {
      queryClient.setQueryData(['request', detail.request.id], next);
      void queryClient.invalidateQueries({ queryKey: ['requests'] });
      setOpen(null);
      form.resetFields();
    },
  });
  const actions = detail.availableActions.filter((a): a is Action => a in ACTIONS);
  if (actions.length === 0) return null;
  return (
    <>
      <Space wrap>
        {actions.map((a) => (
          <Button
            key={a}
            type={a === 'approve' || a === 'confirm_delivery' ? 'primary' : 'default'}
            danger={a === 'refuse'}
            onClick={() => setOpen(a)}
          >
            {ACTIONS[a].label}
          </Button>
        ))}
      </Space>
      <Modal
        title={open ? ACTIONS[open].label : ''}
        open={open !== null}
        okText="提交"
        cancelText="取消"
        confirmLoading={act.isPending}
        onOk={() => form.submit()}
        onCancel={() => {
          setOpen(null);
          act.reset();
        }}
        destroyOnHidden={false}
        width={640}
      >
        {open && (
          <Form form={form} layout="vertical" onFinish={(values: Record<string, unknown>) => act.mutate(values)}>
            <ActionFields action={open} detail={detail} />
            <ErrorAlert error={act.error} />
          </Form>
        )}
      </Modal>
    </>
  );
}
