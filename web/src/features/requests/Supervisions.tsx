/**
 * Supervision notices (督办) on a request: level, the department answerable, the reply due, and the
 * reply — given here by the responsible department (its reviewer, center operator or administrator).
 */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Button, Card, Form, Input, List, Modal, Space, Typography } from 'antd';
import { useState } from 'react';
import { ErrorAlert } from '../../components/ErrorAlert';
import { StatusTag } from '../../components/StatusTag';
import { api, unwrap, type Schemas } from '../../lib/api';
import { inputLimits, rulesFor } from '../../lib/contract';
import { useDepartmentNames } from '../../lib/directory';
import { useSession } from '../../lib/session';
import { shanghaiTime } from '../../lib/time';

type Supervision = Schemas['Supervision'];

function ReplyButton({ supervision, requestId }: { supervision: Supervision; requestId: string }) {
  const [open, setOpen] = useState(false);
  const [form] = Form.useForm<{ reply: string }>();
  const queryClient = useQueryClient();
  const reply = useMutation({
    mutationFn: (values: { reply: string }) =>
      unwrap(api.POST('/api/v1/supervisions/{supervisionId}/reply', { params: { path: { supervisionId: supervision.id } }, body: values })),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ['request', requestId] });
      void queryClient.invalidateQueries({ queryKey: ['requests'] });
      setOpen(false);
    },
  });
  return (
    <>
      <Button onClick={() => setOpen(true)}>答复督办</Button>
      <Modal
        title="答复督办通知"
        open={open}
        okText="提交"
        cancelText="取消"
        confirmLoading={reply.isPending}
        onOk={() => form.submit()}
        onCancel={() => setOpen(false)}
      >
        <Form form={form} layout="vertical" onFinish={(values) => reply.mutate(values)}>
          <Form.Item name="reply" label="答复内容" rules={rulesFor('replyToSupervision', 'reply', '答复内容')}>
            <Input.TextArea rows={4} {...inputLimits('replyToSupervision', 'reply')} showCount />
          </Form.Item>
          <ErrorAlert error={reply.error} />
        </Form>
      </Modal>
    </>
  );
}

export function Supervisions({ supervisions, requestId }: { supervisions: Supervision[]; requestId: string }) {
  const { me, has } = useSession();
  const departmentName = useDepartmentNames();
  // The API decides; the button is offered to whom it would accept.
  const mayReply = (s: Supervision) =>
    s.reply === null && me?.department.id === s.responsibleDepartmentId && (has('reviewer') || has('center_operator') || has('dept_admin'));
  if (supervisions.length === 0) return null;
  return (
    <Card size="small" title="督办">
      <List
        dataSource={supervisions}
        renderItem={(s) => (
          <List.Item extra={mayReply(s) ? <ReplyButton supervision={s} requestId={requestId} /> : undefined}>
            <Space direction="vertical" size={2}>
              <Space wrap>
                <StatusTag tone="red">{s.level === 1 ? '一级督办' : '二级督办'}</StatusTag>
                <span>责任部门 {departmentName(s.responsibleDepartmentId)}</span>
                <span>发出 {shanghaiTime(s.issuedAt)}</span>
                <span>答复期限 {shanghaiTime(s.replyDueAt)}</span>
              </Space>
              {s.reply ? (
                <Typography.Text>
                  已答复（{shanghaiTime(s.repliedAt)}）：{s.reply}
                </Typography.Text>
              ) : (
                <Typography.Text type="secondary">待答复</Typography.Text>
              )}
            </Space>
          </List.Item>
        )}
      />
    </Card>
  );
}
