import { Button, Result } from 'antd';
import { Link } from 'react-router';

export function NotFound() {
  return (
    <Result
      status="404"
      title="页面不存在"
      extra={
        <Link to="/catalogue">
          <Button type="primary">返回目录</Button>
        </Link>
      }
    />
  );
}
