/**
 * A request's actions, each declared once for the console: its button, the contract's path under
 * the request and its operation (whose limits the forms check). Each opens in the one dialog
 * below, which keeps what was typed when the API refuses it, shows the API's reason, and puts the
 * request as the API answers it in the cache.
 */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Button, Form, Modal, Typography, type ButtonProps } from 'antd';
import { useState, type ReactNode } from 'react';
import { ErrorAlert } from '../../components/ErrorAlert';
import { api, unwrap, type Schemas } from '../../lib/api';

export type Detail = Schemas['RequestDetail'];

export const ACTIONS = {
  approve: { label: '同意共享', path: '/api/v1/requests/{requestId}/approval', operationId: 'approveRequest' },
  refuse: { label: '不予共享', path: '/api/v1/requests/{requestId}/refusal', operationId: 'refuseRequest' },
  ask_supplement: { label: '要求补正', path: '/api/v1/requests/{requestId}/supplement-request', operationId: 'askRequestSupplement' },
  answer_supplement: { label: '答复补正', path: '/api/v1/requests/{requestId}/supplement-answer', operationId: 'answerRequestSupplement' },
  withdraw: { label: '撤回申请', path: '/api/v1/requests/{requestId}/withdrawal', operationId: 'withdrawRequest' },
  confirm_delivery: { label: '确认供数', path: '/api/v1/requests/{requestId}/delivery', operationId: 'confirmRequestDelivery' },
  request_extension: { label: '申请延期', path: '/api/v1/requests/{requestId}/extension-request', operationId: 'requestRequestExtension' },
  decide_extension: { label: '审批延期', path: '/api/v1/requests/{requestId}/extension-decision', operationId: 'decideRequestExtension' },
  record_position: {
    label: '记录本方意见',
    path: '/api/v1/requests/{requestId}/coordination/positions',
    operationId: 'recordCoordinationPosition',
  },
  schedule_meeting: {
    label: '安排协调会议',
    path: '/api/v1/requests/{requestId}/coordination/meetings',
    operationId: 'scheduleCoordinationMeeting',
  },
  record_minutes: {
    label: '记录会议纪要',
    path: '/api/v1/requests/{requestId}/coordination/minutes',
    operationId: 'recordCoordinationMinutes',
  },
  agree_to_share: { label: '同意共享', path: '/api/v1/requests/{requestId}/coordination/agreement', operationId: 'agreeToShareRequest' },
  decide_not_to_share: {
    label: '不予共享',
    path: '/api/v1/requests/{requestId}/coordination/refusal',
    operationId: 'decideNotToShareRequest',
  },
  confirm_aggregation: {
    label: '确认已归集',
    path: '/api/v1/requests/{requestId}/aggregation-confirmation',
    operationId: 'confirmRequestAggregation',
  },
  file_explanation: { label: '提交书面说明', path: '/api/v1/requests/{requestId}/explanation', operationId: 'fileRequestExplanation' },
  dispute: { label: '提出争议', path: '/api/v1/requests/{requestId}/dispute', operationId: 'disputeRequestRefusal' },
  uphold_refusal: { label: '维持不予共享', path: '/api/v1/requests/{requestId}/dispute/upholding', operationId: 'upholdRequestRefusal' },
  order_sharing: { label: '责令共享', path: '/api/v1/requests/{requestId}/dispute/sharing-order', operationId: 'orderRequestSharing' },
} as const satisfies Record<string, { label: string; path: string; operationId: string }>;

export type ActionName = keyof typeof ACTIONS;

/** Whether the API offers the action to the caller now (`availableActions`). */
export const offered = (detail: Detail, action: ActionName): boolean => detail.availableActions.includes(action);

/** Drops blank answers (empty texts, unset choices), so that blanks never break the contract's minimums. */
export function compact(values: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(values).filter(([, v]) => v !== undefined && v !== null && !(typeof v === 'string' && v.trim() === '')),
  );
}

/** The request after the action, as the API answers it (the body is checked by the API against the contract). */
function send(action: ActionName, requestId: string, body: Record<string, unknown>): Promise<Detail> {
  const path = ACTIONS[action].path as (typeof ACTIONS)['approve']['path'];
  return unwrap(api.POST(path, { params: { path: { requestId } }, body: body as never }));
}

/** Runs an action outside a dialog of its own (a reason dialog): the request as answered goes to the cache. */
export function useActionRunner(detail: Detail) {
  const queryClient = useQueryClient();
  return async (action: ActionName, body: Record<string, unknown>): Promise<Detail> => {
    const next = await send(action, detail.request.id, body);
    queryClient.setQueryData(['request', detail.request.id], next);
    void queryClient.invalidateQueries({ queryKey: ['requests'] });
    return next;
  };
}

interface Props {
  detail: Detail;
  action: ActionName;
  /** The button's text (the action's label unless said) and the dialog's title (the button's text unless said). */
  label?: string;
  title?: string;
  button?: ButtonProps;
  /** What the action does, read before filling in. */
  intro?: ReactNode;
  /** The form's fields. */
  children: ReactNode;
  initialValues?: Record<string, unknown>;
  /** The body from the form's values (blank answers dropped unless said). */
  toBody?: (values: Record<string, unknown>) => Record<string, unknown>;
  width?: number;
}

export function ActionDialog({ detail, action, label, title, button, intro, children, initialValues, toBody, width }: Props) {
  const [open, setOpen] = useState(false);
  const [form] = Form.useForm();
  const queryClient = useQueryClient();
  const act = useMutation({
    mutationFn: (values: Record<string, unknown>) => send(action, detail.request.id, (toBody ?? compact)(values)),
    onSuccess: (next) => {
      queryClient.setQueryData(['request', detail.request.id], next);
      void queryClient.invalidateQueries({ queryKey: ['requests'] });
      setOpen(false);
      form.resetFields();
    },
  });
  const text = label ?? ACTIONS[action].label;
  return (
    <>
      <Button {...button} onClick={() => setOpen(true)}>
        {text}
      </Button>
      <Modal
        title={title ?? text}
        open={open}
        okText="提交"
        cancelText="取消"
        confirmLoading={act.isPending}
        onOk={() => form.submit()}
        onCancel={() => {
          setOpen(false);
          act.reset();
        }}
        destroyOnHidden={false}
        width={width ?? 640}
      >
        {open && (
          <Form
            form={form}
            layout="vertical"
            initialValues={initialValues}
            onFinish={(values: Record<string, unknown>) => act.mutate(values)}
          >
            {intro && <Typography.Paragraph>{intro}</Typography.Paragraph>}
            {children}
            <ErrorAlert error={act.error} />
          </Form>
        )}
      </Modal>
    </>
  );
}
