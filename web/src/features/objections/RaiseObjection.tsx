/**
 * Raising an objection (提出异议) from a grant's page: the holder's requester names the record, one
 * of the grant's fields, the value received and the value believed right, and why; the objection
 * opens at once (the center accepts it within a working day) and its page follows.
 */
import { useMutation } from '@tanstack/react-query';
import { Button, Form, Input, Modal, Select, Typography } from 'antd';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { ErrorAlert } from '../../components/ErrorAlert';
import { api, unwrap } from '../../lib/api';
import { inputLimits, rulesFor } from '../../lib/contract';

interface Values {
  field: string;
  recordKey: string;
  valueReceived: string;
  valueClaimed: string;
  reason: string;
}

export function RaiseObjection({ grantId, fields }: { grantId: string; fields: string[] }) {
  const [open, setOpen] = useState(false);
  const [form] = Form.useForm<Values>();
  const navigate = useNavigate();
  const raise = useMutation({
    mutationFn: (v: Values) =>
      unwrap(
        api.POST('/api/v1/objections', {
          body: { grantId, ...v, valueReceived: v.valueReceived ?? '', valueClaimed: v.valueClaimed ?? '' },
        }),
      ),
    onSuccess: (detail) => void navigate(`/objections/${detail.objection.id}`),
  });
  const limits = (path: keyof Values) => inputLimits('raiseObjection', path);
  return (
    <>
      <Button onClick={() => setOpen(true)}>提出异议</Button>
      <Modal
        title="对共享数据提出异议"
        open={open}
        okText="提交异议"
        cancelText="取消"
        confirmLoading={raise.isPending}
        onOk={() => form.submit()}
        onCancel={() => setOpen(false)}
        width={640}
      >
        <Typography.Paragraph type="secondary">
          市大数据中心在 1
          个工作日内受理；受理后该记录的字段标注为“有异议”，由数据责任部门（融合数据溯源至源头部门）核实更正或说明，结果反馈给本部门。
        </Typography.Paragraph>
        <Form<Values> form={form} layout="vertical" onFinish={(v) => raise.mutate(v)}>
          <Form.Item name="field" label="字段" rules={rulesFor('raiseObjection', 'field', '字段')}>
            <Select options={fields.map((f) => ({ value: f, label: f }))} />
          </Form.Item>
          <Form.Item
            name="recordKey"
            label="记录标识（如公民身份号码、统一社会信用代码）"
            rules={rulesFor('raiseObjection', 'recordKey', '记录标识')}
          >
            <Input {...limits('recordKey')} />
          </Form.Item>
          <Form.Item
            name="valueReceived"
            label="收到的值"
            rules={rulesFor('raiseObjection', 'valueReceived', '收到的值', { optional: true })}
          >
            <Input {...limits('valueReceived')} />
          </Form.Item>
          <Form.Item
            name="valueClaimed"
            label="认为正确的值"
            rules={rulesFor('raiseObjection', 'valueClaimed', '认为正确的值', { optional: true })}
          >
            <Input {...limits('valueClaimed')} />
          </Form.Item>
          <Form.Item name="reason" label="理由" rules={rulesFor('raiseObjection', 'reason', '理由')}>
            <Input.TextArea rows={3} {...limits('reason')} showCount />
          </Form.Item>
          <ErrorAlert error={raise.error} />
        </Form>
      </Modal>
    </>
  );
}
