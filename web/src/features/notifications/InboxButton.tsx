/** The department's inbox in the header: the unread count, and the messages in a drawer. */
import { BellOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Badge, Button, Drawer, List, Typography } from 'antd';
import { shanghaiTime } from '../../lib/time';
import { useState } from 'react';
import { Link } from 'react-router';
import { EmptyText } from '../../components/EmptyText';
import { api, unwrap } from '../../lib/api';

export function InboxButton() {
  const [open, setOpen] = useState(false);
  const queryClient = useQueryClient();
  const unread = useQuery({
    queryKey: ['notifications', 'unread'],
    queryFn: () => unwrap(api.GET('/api/v1/notifications/unread-count')),
    refetchInterval: 30_000,
  });
  const messages = useQuery({
    queryKey: ['notifications', 'list'],
    queryFn: () => unwrap(api.GET('/api/v1/notifications', { params: { query: { limit: 50 } } })),
    enabled: open,
  });
  const markRead = useMutation({
    mutationFn: (id: string) =>
      unwrap(api.POST('/api/v1/notifications/{notificationId}/read', { params: { path: { notificationId: id } } })),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['notifications'] }),
  });
  const count = unread.data?.count ?? 0;
  return (
    <>
      <Badge count={count} size="small">
        <Button icon={<BellOutlined />} aria-label={`通知，${count} 条未读`} onClick={() => setOpen(true)}>
          通知
        </Button>
      </Badge>
      <Drawer title="部门通知" open={open} onClose={() => setOpen(false)} width={420}>
        <List
          loading={messages.isLoading}
          locale={{ emptyText: <EmptyText>暂无通知</EmptyText> }}
          dataSource={messages.data?.items ?? []}
          renderItem={(n) => (
            <List.Item
              actions={
                n.readAt
                  ? []
                  : [
                      <Button key="read" size="small" onClick={() => markRead.mutate(n.id)}>
                        标为已读
                      </Button>,
                    ]
              }
            >
              <List.Item.Meta
                title={
                  n.subjectType === 'Request' ? (
                    <Link to={`/requests/${n.subjectId}`} onClick={() => setOpen(false)}>
                      {n.readAt ? n.title : <strong>{n.title}</strong>}
                    </Link>
                  ) : (
                    n.title
                  )
                }
                description={
                  <>
                    <Typography.Paragraph style={{ marginBottom: 4 }}>{n.body}</Typography.Paragraph>
                    <Typography.Text type="secondary">{shanghaiTime(n.createdAt)}</Typography.Text>
                  </>
                }
              />
            </List.Item>
          )}
        />
      </Drawer>
    </>
  );
}
