/**
 * Track 15's coordination workspace (三方协调): the three parties' positions with their files, the
 * center's meetings and their minutes (printable alone and as the API's PDF), and the outcome.
 * Each party is offered exactly what the API's `availableActions` lists.
 */
import { Card, DatePicker, Descriptions, Empty, Form, Input, List, Select, Space, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import type { ReactNode } from 'react';
import { EmptyText } from '../../components/EmptyText';
import { inputLimits, rulesFor } from '../../lib/contract';
import { useDepartmentNames, useDepartments } from '../../lib/directory';
import { shanghaiTime } from '../../lib/time';
import { ActionDialog, ACTIONS, compact, offered, type Detail } from './ActionDialog';
import { AttachmentList, AttachmentUpload } from './Attachments';
import { CoordinationOutcome } from './CoordinationOutcome';
import { DocumentDownload, PrintableSection } from './Documents';
import { partyLabel } from './terms';

type Coordination = NonNullable<Detail['coordination']>;
type Meeting = Coordination['meetings'][number];

/** A long text field of an action's form, with the contract's limits. */
function TextField({ operation, name, label, rows = 4 }: { operation: string; name: string; label: string; rows?: number }) {
  return (
    <Form.Item name={name} label={label} rules={rulesFor(operation, name, label)}>
      <Input.TextArea rows={rows} {...inputLimits(operation, name)} showCount />
    </Form.Item>
  );
}

/** The files a position cites: uploaded from the dialog, kept in the form (and kept when the API refuses the position). */
function PositionFiles({ detail, value = [], onChange }: { detail: Detail; value?: string[]; onChange?: (ids: string[]) => void }) {
  return (
    <AttachmentUpload
      requestId={detail.request.id}
      attachments={detail.attachments.filter((a) => value.includes(a.id))}
      total={detail.attachments.length}
      label="上传本方材料"
      onUploaded={(a) => onChange?.([...value, a.id])}
    />
  );
}

function PositionForm({ detail }: { detail: Detail }) {
  const operation = ACTIONS.record_position.operationId;
  return (
    <ActionDialog
      detail={detail}
      action="record_position"
      button={{ type: 'primary' }}
      intro="本方意见记入申请的办理过程，另两方可见。可附上说明材料。"
    >
      <TextField operation={operation} name="position" label="本方意见" rows={5} />
      <Form.Item name="attachmentIds" label="附件材料" initialValue={[]}>
        <PositionFiles detail={detail} />
      </Form.Item>
    </ActionDialog>
  );
}

/** The three parties' department names, as a meeting's participants are first proposed. */
function useParties(detail: Detail): string[] {
  const departments = useDepartments();
  const departmentName = useDepartmentNames();
  const center = departments.data?.items.find((d) => d.isDataCenter)?.name;
  return [departmentName(detail.request.requesterDepartmentId), departmentName(detail.request.ownerDepartmentId), center ?? '—'];
}

/** A meeting time picked as Beijing time, whatever the browser's time zone. */
const beijing = (at: Dayjs) => `${at.format('YYYY-MM-DDTHH:mm')}:00+08:00`;

function MeetingForm({ detail }: { detail: Detail }) {
  const operation = ACTIONS.schedule_meeting.operationId;
  const parties = useParties(detail);
  return (
    <ActionDialog
      detail={detail}
      action="schedule_meeting"
      initialValues={{ participants: parties }}
      toBody={(values) => compact({ ...values, startsAt: values.startsAt ? beijing(values.startsAt as Dayjs) : undefined })}
    >
      <Form.Item name="startsAt" label="会议时间（北京时间）" rules={rulesFor(operation, 'startsAt', '会议时间')}>
        <DatePicker showTime={{ format: 'HH:mm' }} format="YYYY-MM-DD HH:mm" needConfirm={false} style={{ width: 220 }} />
      </Form.Item>
      <Form.Item name="place" label="会议地点" rules={rulesFor(operation, 'place', '会议地点')} extra="会议地点和线上会议链接至少填写一项">
        <Input {...inputLimits(operation, 'place')} />
      </Form.Item>
      <Form.Item
        name="link"
        label="线上会议链接"
        rules={rulesFor(operation, 'link', '线上会议链接', { format: '以 http:// 或 https:// 开头的网址' })}
      >
        <Input {...inputLimits(operation, 'link')} placeholder="https://" />
      </Form.Item>
      <Form.Item name="participants" label="参会单位" rules={rulesFor(operation, 'participants', '参会单位')} extra="输入后按回车添加">
        <Select mode="tags" aria-label="参会单位" tokenSeparators={['、', '，', ',']} />
      </Form.Item>
      <TextField operation={operation} name="agenda" label="会议议题" rows={3} />
    </ActionDialog>
  );
}

function MinutesForm({ detail, meeting }: { detail: Detail; meeting: Meeting }) {
  const operation = ACTIONS.record_minutes.operationId;
  return (
    <ActionDialog
      detail={detail}
      action="record_minutes"
      title={`记录会议纪要（${shanghaiTime(meeting.startsAt)} 的会议）`}
      initialValues={{ attendees: meeting.participants }}
      toBody={(values) => compact({ ...values, meetingId: meeting.id })}
      intro="会议纪要记录后不可修改，可打印或下载为PDF存档。"
      width={720}
    >
      <TextField operation={operation} name="minutes" label="纪要内容" rows={8} />
      <Form.Item name="attendees" label="实际参会单位" rules={rulesFor(operation, 'attendees', '实际参会单位')} extra="输入后按回车添加">
        <Select mode="tags" aria-label="实际参会单位" tokenSeparators={['、', '，', ',']} />
      </Form.Item>
    </ActionDialog>
  );
}

function Positions({ detail, coordination }: { detail: Detail; coordination: Coordination }) {
  const departmentName = useDepartmentNames();
  return (
    <List
      size="small"
      dataSource={coordination.positions}
      locale={{ emptyText: <EmptyText>尚无一方表明意见</EmptyText> }}
      renderItem={(p) => (
        <List.Item>
          <Space direction="vertical" size={2} style={{ width: '100%' }}>
            <Typography.Text strong>
              {partyLabel(p.party)} · {departmentName(p.departmentId)} · {shanghaiTime(p.recordedAt)}
            </Typography.Text>
            <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', marginBottom: 0 }}>{p.position}</Typography.Paragraph>
            <AttachmentList requestId={detail.request.id} attachments={detail.attachments.filter((a) => p.attachmentIds.includes(a.id))} />
          </Space>
        </List.Item>
      )}
    />
  );
}

function MeetingRecord({ detail, meeting }: { detail: Detail; meeting: Meeting }) {
  const r = detail.request;
  const minutes = meeting.minutes;
  return (
    <PrintableSection
      actions={
        minutes && (
          <DocumentDownload
            requestId={r.id}
            document={{ kind: 'minutes', meetingId: meeting.id }}
            label="下载纪要PDF"
            fileName={`会议纪要-${r.number ?? r.id}.pdf`}
          />
        )
      }
    >
      {(buttons) => (
        <Card
          size="small"
          type="inner"
          title={`协调会议 · ${shanghaiTime(meeting.startsAt)}`}
          extra={minutes ? buttons : offered(detail, 'record_minutes') ? <MinutesForm detail={detail} meeting={meeting} /> : null}
        >
          <Descriptions column={1} size="small">
            <Descriptions.Item label="申请编号">{r.number}</Descriptions.Item>
            {meeting.place && <Descriptions.Item label="地点">{meeting.place}</Descriptions.Item>}
            {meeting.link && (
              <Descriptions.Item label="线上会议">
                <Typography.Link href={meeting.link} target="_blank" rel="noreferrer">
                  {meeting.link}
                </Typography.Link>
              </Descriptions.Item>
            )}
            <Descriptions.Item label="参会单位">{meeting.participants.join('、')}</Descriptions.Item>
            {meeting.agenda && <Descriptions.Item label="议题">{meeting.agenda}</Descriptions.Item>}
            {minutes ? (
              <>
                <Descriptions.Item label="会议纪要">
                  <span style={{ whiteSpace: 'pre-wrap' }}>{minutes.text}</span>
                </Descriptions.Item>
                {minutes.attendees.length > 0 && <Descriptions.Item label="实际参会单位">{minutes.attendees.join('、')}</Descriptions.Item>}
                <Descriptions.Item label="纪要记录时间">{shanghaiTime(minutes.recordedAt)}</Descriptions.Item>
              </>
            ) : (
              <Descriptions.Item label="会议纪要">尚未记录</Descriptions.Item>
            )}
          </Descriptions>
        </Card>
      )}
    </PrintableSection>
  );
}

/** A part of the workspace: its title, and the action it offers beside it. */
function SectionHeading({ title, action }: { title: string; action: ReactNode }) {
  return (
    <Space style={{ justifyContent: 'space-between', width: '100%' }} wrap>
      <Typography.Title level={3} style={{ fontSize: 16, margin: 0 }}>
        {title}
      </Typography.Title>
      {action}
    </Space>
  );
}

export function CoordinationWorkspace({ detail }: { detail: Detail }) {
  const coordination = detail.coordination;
  if (!coordination) return null;
  // Once the coordination is over, what it did not hold is left out.
  const open = detail.request.state === 'coordination';
  return (
    <Card size="small" title="三方协调">
      <Space direction="vertical" size="middle" style={{ width: '100%' }}>
        {(open || coordination.positions.length > 0) && (
          <section aria-label="各方意见">
            <SectionHeading title="各方意见" action={offered(detail, 'record_position') && <PositionForm detail={detail} />} />
            <Positions detail={detail} coordination={coordination} />
          </section>
        )}
        {(open || coordination.meetings.length > 0) && (
          <section aria-label="协调会议">
            <SectionHeading title="协调会议" action={offered(detail, 'schedule_meeting') && <MeetingForm detail={detail} />} />
            {coordination.meetings.length === 0 ? (
              <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={<EmptyText>尚未安排协调会议</EmptyText>} />
            ) : (
              <Space direction="vertical" style={{ width: '100%' }}>
                {coordination.meetings.map((m) => (
                  <MeetingRecord key={m.id} detail={detail} meeting={m} />
                ))}
              </Space>
            )}
          </section>
        )}
        <CoordinationOutcome detail={detail} outcome={coordination.outcome} />
      </Space>
    </Card>
  );
}
