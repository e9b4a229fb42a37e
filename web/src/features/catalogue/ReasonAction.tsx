/**
 * A button opening a dialog that asks for a reason and runs an action: the API's error is shown
 * inside the dialog and the reason typed stays.
 */
import { useMutation } from '@tanstack/react-query';
import { Button, Form, Input, Modal, Typography, type ButtonProps } from 'antd';
import { useState, type ReactNode } from 'react';
import { ErrorAlert } from '../../components/ErrorAlert';
import { withReadableProblems } from './terms';

interface Props {
  label: string;
  title: string;
  reasonLabel: string;
  required: boolean;
  /** What the action does, read before confirming. */
  explanation?: ReactNode;
  button?: ButtonProps;
  run: (reason: string | undefined) => Promise<unknown>;
  onDone?: () => void;
}

export function ReasonAction({ label, title, reasonLabel, required, explanation, button, run, onDone }: Props) {
  const [open, setOpen] = useState(false);
  const [form] = Form.useForm<{ reason?: string }>();
  const act = useMutation({
    mutationFn: (reason: string | undefined) => run(reason),
    onSuccess: () => {
      setOpen(false);
      form.resetFields();
      onDone?.();
    },
  });
  return (
    <>
      <Button {...button} onClick={() => setOpen(true)}>
        {label}
      </Button>
      <Modal
        title={title}
        open={open}
        okText="确认"
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
        <Form form={form} layout="vertical" onFinish={(v) => act.mutate(v.reason?.trim() || undefined)}>
          <Form.Item
            name="reason"
            label={reasonLabel}
            rules={[
              { required, whitespace: true, message: `请填写${reasonLabel}` },
              { max: 500, message: '不超过 500 字' },
            ]}
          >
            <Input.TextArea rows={3} maxLength={500} showCount />
          </Form.Item>
          <ErrorAlert error={withReadableProblems(act.error)} />
        </Form>
      </Modal>
    </>
  );
}
