/**
 * A button opening a dialog that asks for a reason (or a reply) and runs an action: the field
 * carries the contract's limits for the operation, the API's error is shown inside the dialog
 * and what was typed stays.
 */
import { useMutation } from '@tanstack/react-query';
import { Button, Form, Input, Modal, Typography, type ButtonProps } from 'antd';
import { useState, type ReactNode } from 'react';
import { inputLimits, rulesFor } from '../lib/contract';
import { ErrorAlert } from './ErrorAlert';

interface Props {
  label: string;
  title: string;
  /** The operation the text is sent to, and its field (`reason` unless said), for the contract's limits. */
  operationId: string;
  field?: string;
  reasonLabel: string;
  /** Asked for even where the contract lets it be left out. */
  required: boolean;
  /** What the action does, read before confirming. */
  explanation?: ReactNode;
  button?: ButtonProps;
  okText?: string;
  /** The error as the dialog shows it (a feature may make its problems readable). */
  shownError?: (error: unknown) => unknown;
  run: (text: string | undefined) => Promise<unknown>;
  onDone?: () => void;
}

export function ReasonAction(props: Props) {
  const { label, title, operationId, field = 'reason', reasonLabel, required, explanation, button, run, onDone } = props;
  const [open, setOpen] = useState(false);
  const [form] = Form.useForm<Record<string, string | undefined>>();
  const act = useMutation({
    mutationFn: (text: string | undefined) => run(text),
    onSuccess: () => {
      setOpen(false);
      form.resetFields();
      onDone?.();
    },
  });
  const rules = rulesFor(operationId, field, reasonLabel, required ? { required: true } : { optional: true });
  return (
    <>
      <Button {...button} onClick={() => setOpen(true)}>
        {label}
      </Button>
      <Modal
        title={title}
        open={open}
        okText={props.okText ?? '确认'}
        cancelText="取消"
        confirmLoading={act.isPending}
        onOk={() => form.submit()}
        onCancel={() => {
          setOpen(false);
          act.reset();
        }}
        destroyOnHidden={false}
      >
        {explanation && <Typography.Paragraph>{explanation}</Typography.Paragraph>}
        <Form form={form} layout="vertical" onFinish={(v) => act.mutate(v[field]?.trim() || undefined)}>
          <Form.Item name={field} label={reasonLabel} rules={rules}>
            <Input.TextArea rows={3} {...inputLimits(operationId, field)} showCount />
          </Form.Item>
          <ErrorAlert error={props.shownError ? props.shownError(act.error) : act.error} />
        </Form>
      </Modal>
    </>
  );
}
