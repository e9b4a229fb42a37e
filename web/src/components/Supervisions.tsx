/**
 * Supervision notices (督办) on a case (a request, an objection): level, the department answerable,
 * the reply due, and the reply — given here by whom the API says it awaits (`mayReply`: the
 * responsible department). `queryKeys` are the case's queries to refresh after a reply.
 */
import { useQueryClient } from '@tanstack/react-query';
import { Card, List, Space, Typography } from 'antd';
import { ReasonAction } from './ReasonAction';
import { StatusTag } from './StatusTag';
import { api, unwrap, type Schemas } from '../lib/api';
import { useDepartmentNames } from '../lib/directory';
import { SUPERVISION_LEVEL_LABELS } from '../lib/labels';
import { shanghaiTime } from '../lib/time';

type Supervision = Schemas['Supervision'];

function ReplyButton({ supervision, queryKeys }: { supervision: Supervision; queryKeys: readonly (readonly unknown[])[] }) {
  const queryClient = useQueryClient();
  return (
    <ReasonAction
      label="答复督办"
      title="答复督办通知"
      operationId="replyToSupervision"
      field="reply"
      reasonLabel="答复内容"
      required
      okText="提交"
      run={(reply) =>
        unwrap(
          api.POST('/api/v1/supervisions/{supervisionId}/reply', {
            params: { path: { supervisionId: supervision.id } },
            body: { reply: reply ?? '' },
          }),
        )
      }
      onDone={() => {
        for (const queryKey of queryKeys) void queryClient.invalidateQueries({ queryKey });
      }}
    />
  );
}

export function Supervisions({ supervisions, queryKeys }: { supervisions: Supervision[]; queryKeys: readonly (readonly unknown[])[] }) {
  const departmentName = useDepartmentNames();
  if (supervisions.length === 0) return null;
  return (
    <Card size="small" title="督办">
      <List
        dataSource={supervisions}
        renderItem={(s) => (
          <List.Item extra={s.mayReply ? <ReplyButton supervision={s} queryKeys={queryKeys} /> : undefined}>
            <Space direction="vertical" size={2}>
              <Space wrap>
                <StatusTag tone="red">{SUPERVISION_LEVEL_LABELS[s.level]}</StatusTag>
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
