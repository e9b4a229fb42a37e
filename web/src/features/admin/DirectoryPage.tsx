/** 部门与用户: the department directory and the users, each a tab (in the URL). */
import { Tabs, Typography, Space } from 'antd';
import { useSearchParams } from 'react-router';
import { DepartmentsTab } from './DepartmentsTab';
import { UsersTab } from './UsersTab';

export function DirectoryPage() {
  const [params, setParams] = useSearchParams();
  const tab = params.get('tab') === 'departments' ? 'departments' : 'users';
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={2} style={{ fontSize: 20, margin: 0 }}>
        部门与用户
      </Typography.Title>
      <Tabs
        activeKey={tab}
        // Each tab has its own filters: switching starts from none.
        onChange={(key) => setParams({ tab: key })}
        items={[
          { key: 'users', label: '用户', children: tab === 'users' && <UsersTab /> },
          { key: 'departments', label: '部门', children: tab === 'departments' && <DepartmentsTab /> },
        ]}
      />
    </Space>
  );
}
