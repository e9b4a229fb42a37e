/** Paging a list the API pages by cursor: back to the first page, or on to the next (the cursor kept in the URL). */
import { Button, Space } from 'antd';

export function CursorPager(props: {
  cursor: string | undefined;
  nextCursor: string | null | undefined;
  onChange: (cursor: string | undefined) => void;
}) {
  const { cursor, nextCursor, onChange } = props;
  return (
    <Space>
      {cursor && <Button onClick={() => onChange(undefined)}>回到第一页</Button>}
      {nextCursor && <Button onClick={() => onChange(nextCursor)}>下一页</Button>}
    </Space>
  );
}
