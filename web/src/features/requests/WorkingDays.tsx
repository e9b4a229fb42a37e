/** Where a step stands, in working days: due today, N left, or overdue by N (provisional marked). */
import { Tag, Tooltip } from 'antd';
import { StatusTag } from '../../components/StatusTag';

interface Timed {
  overdue: boolean;
  dueToday: boolean;
  workingDaysRemaining: number | null;
  overdueWorkingDays: number | null;
  provisional: boolean | null;
}

export function WorkingDays({ timing }: { timing: Timed }) {
  const provisional = timing.provisional ? (
    <Tooltip title="截止日所在年度的节假日安排尚未公布，按法定节假日推算，可能调整">
      <Tag>暂定</Tag>
    </Tooltip>
  ) : null;
  if (timing.overdue)
    return (
      <>
        <StatusTag tone="red">已超期{timing.overdueWorkingDays ? ` ${timing.overdueWorkingDays} 个工作日` : ''}</StatusTag>
        {provisional}
      </>
    );
  if (timing.dueToday)
    return (
      <>
        <StatusTag tone="orange">今日到期</StatusTag>
        {provisional}
      </>
    );
  if (timing.workingDaysRemaining === null) return <>—</>;
  return (
    <>
      <StatusTag tone="blue">剩余 {timing.workingDaysRemaining} 个工作日</StatusTag>
      {provisional}
    </>
  );
}
