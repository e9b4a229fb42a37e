/**
 * Publishing or correcting a year (center administrator): the notice and the year's exceptional
 * dates — holidays and make-up working days (调休上班) — entered row by row or pasted from the
 * notice. The list replaces the year's schedule as a whole (a correction is a full new list, a
 * new calendar version). The API's refusal is shown inside the form; nothing typed is lost.
 */
import { DeleteOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Col, DatePicker, Form, Input, Row, Select, Space, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import limits from 'virtual:contract-limits';
import { ErrorAlert } from '../../components/ErrorAlert';
import { api, ApiError, unwrap } from '../../lib/api';
import { inputLimits, rulesFor } from '../../lib/contract';
import { KIND_LABELS, missingHolidays, parsePasted, problemText, rowProblems, type DayKind, type ScheduleRow } from './schedule';

interface FormRow {
  date?: Dayjs | null;
  kind?: DayKind;
  name?: string;
}
interface FormValues {
  notice: string;
  days: FormRow[];
}

const toRow = (r: ScheduleRow): FormRow => ({ date: dayjs(r.date), kind: r.kind, name: r.name });
const fromRow = (r: FormRow): Partial<ScheduleRow> => ({ date: r.date?.format('YYYY-MM-DD'), kind: r.kind, name: r.name?.trim() });
const byDate = (a: FormRow, b: FormRow) => (a.date?.valueOf() ?? Infinity) - (b.date?.valueOf() ?? Infinity);

const PUBLISH = 'publishCalendarYear';
/**
 * How many dates a year may list, from the contract. A Form.List takes only custom validators, so
 * the count is checked with the other list problems (lib/contract offers no count for a list).
 */
const MAX_DAYS = limits[PUBLISH]?.days?.maxItems ?? Infinity;

export function CalendarEditor(props: {
  year: number;
  correcting: boolean;
  notice: string;
  initialRows: ScheduleRow[];
  onClose: () => void;
}) {
  const { year, correcting } = props;
  const [form] = Form.useForm<FormValues>();
  const rows = Form.useWatch('days', form) ?? [];
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  const [pasted, setPasted] = useState('');
  const [pasteErrors, setPasteErrors] = useState<string[]>([]);
  const [localProblems, setLocalProblems] = useState<string[]>([]);
  const publish = useMutation({
    mutationFn: (body: { notice: string; days: ScheduleRow[] }) =>
      unwrap(api.PUT('/api/v1/calendar/years/{year}', { params: { path: { year } }, body })),
    onSuccess: (result) => {
      void queryClient.invalidateQueries({ queryKey: ['calendar'] });
      void message.success(
        `${year} 年节假日安排已${correcting ? '更正' : '公布'}：日历第 ${result.version} 版，${result.changedDates.length} 个日期的工作日状态改变，${result.movedClocks} 个办理时限随之重算`,
      );
      props.onClose();
    },
  });
  const apiProblems = publish.error instanceof ApiError ? ((publish.error.details as { problems?: unknown[] })?.problems ?? []) : [];
  const missing = missingHolidays(apiProblems);

  const addRows = (added: ScheduleRow[]) => {
    const current = (form.getFieldValue('days') as FormRow[] | undefined) ?? [];
    const taken = new Set(current.map((r) => r.date?.format('YYYY-MM-DD')));
    form.setFieldValue('days', [...current, ...added.filter((r) => !taken.has(r.date)).map(toRow)].sort(byDate));
  };

  const submit = (values: FormValues) => {
    const days = values.days.map(fromRow);
    const problems = rowProblems(year, days, MAX_DAYS);
    setLocalProblems(problems);
    if (problems.length) return;
    publish.mutate({ notice: values.notice.trim(), days: days as ScheduleRow[] });
  };

  return (
    <Card size="small" title={`${correcting ? '更正' : '公布'} ${year} 年节假日安排`}>
      <Typography.Paragraph>
        按国务院办公厅通知逐日列出放假日（含法定节假日及其调休放假日）和调休上班日（须为周六或周日）。提交的清单整体替换本年度安排，
        生成新的日历版本，在办申请的截止日期随之重算。
      </Typography.Paragraph>
      <Form<FormValues>
        form={form}
        layout="vertical"
        initialValues={{ notice: props.notice, days: props.initialRows.map(toRow) }}
        onFinish={submit}
      >
        <Form.Item name="notice" label="通知名称" rules={rulesFor(PUBLISH, 'notice', '通知名称')}>
          <Input {...inputLimits(PUBLISH, 'notice')} showCount />
        </Form.Item>
        <Typography.Title level={3} style={{ fontSize: 16 }}>
          放假与调休日期（{rows.length} 天）
        </Typography.Title>
        <Form.List name="days">
          {(fields, { add, remove }) => (
            <>
              {fields.map((field, index) => {
                const date = rows[field.name]?.date?.format('YYYY-MM-DD');
                return (
                  <Row key={field.key} gutter={8} align="bottom" wrap>
                    <Col xs={24} sm={8} md={6}>
                      <Form.Item
                        name={[field.name, 'date']}
                        label="日期"
                        // Required by the contract; not rulesFor: its rule for a string field checks the type (whitespace),
                        // and the picker holds a day, not the YYYY-MM-DD string sent.
                        rules={[{ required: true, message: '请填写日期' }]}
                        style={{ marginBottom: 8 }}
                      >
                        <DatePicker style={{ width: '100%' }} format="YYYY-MM-DD" />
                      </Form.Item>
                    </Col>
                    <Col xs={12} sm={6} md={5}>
                      <Form.Item
                        name={[field.name, 'kind']}
                        label="类别"
                        rules={rulesFor(PUBLISH, 'days[].kind', '类别')}
                        style={{ marginBottom: 8 }}
                      >
                        <Select options={Object.entries(KIND_LABELS).map(([value, label]) => ({ value, label }))} />
                      </Form.Item>
                    </Col>
                    <Col xs={12} sm={7} md={9}>
                      <Form.Item
                        name={[field.name, 'name']}
                        label="名称"
                        rules={rulesFor(PUBLISH, 'days[].name', '名称')}
                        style={{ marginBottom: 8 }}
                      >
                        <Input {...inputLimits(PUBLISH, 'days[].name')} placeholder="如：春节" />
                      </Form.Item>
                    </Col>
                    <Col xs={24} sm={3} md={4}>
                      <Form.Item style={{ marginBottom: 8 }}>
                        <Button
                          icon={<DeleteOutlined />}
                          aria-label={`删除 ${date ?? `第 ${index + 1} 行`}`}
                          title="删除此行"
                          onClick={() => remove(field.name)}
                        />
                      </Form.Item>
                    </Col>
                  </Row>
                );
              })}
              <Button onClick={() => add({ kind: 'holiday' })} style={{ marginBottom: 16 }}>
                添加一行
              </Button>
            </>
          )}
        </Form.List>
        <Form.Item
          label="粘贴日期清单"
          htmlFor="calendar-paste"
          extra="每行一条：日期（或“起~止”）、名称、放假/上班，如“2027-02-05~2027-02-11 春节 放假”“2027-02-14 春节 上班”"
        >
          <Input.TextArea id="calendar-paste" rows={3} value={pasted} onChange={(e) => setPasted(e.target.value)} />
        </Form.Item>
        <Space style={{ marginBottom: 16 }} wrap>
          <Button
            onClick={() => {
              const parsed = parsePasted(pasted);
              setPasteErrors(parsed.errors);
              addRows(parsed.rows);
              if (parsed.errors.length === 0) setPasted('');
            }}
          >
            解析并加入
          </Button>
        </Space>
        {pasteErrors.length > 0 && (
          <Alert type="warning" showIcon message="以下各行未能识别，未加入清单" description={<ProblemList items={pasteErrors} />} />
        )}
        {localProblems.length > 0 && (
          <Alert type="error" showIcon role="alert" message="请先修改以下问题" description={<ProblemList items={localProblems} />} />
        )}
        <ErrorAlert error={publish.error} />
        {apiProblems.length > 0 && (
          <Alert
            type="error"
            style={{ marginTop: 8 }}
            message="需修改的日期"
            description={
              <>
                <ProblemList items={apiProblems.map(problemText)} />
                {missing.length > 0 && (
                  <Button
                    style={{ marginTop: 8 }}
                    onClick={() => addRows(missing.map((m) => ({ date: m.date, kind: 'holiday', name: m.name })))}
                  >
                    补入缺少的法定节假日
                  </Button>
                )}
              </>
            }
          />
        )}
        <Space style={{ marginTop: 16 }}>
          <Button type="primary" htmlType="submit" loading={publish.isPending}>
            {correcting ? '提交更正' : '公布安排'}
          </Button>
          <Button onClick={props.onClose}>取消</Button>
        </Space>
      </Form>
    </Card>
  );
}

function ProblemList({ items }: { items: string[] }) {
  return (
    <ul style={{ margin: 0, paddingInlineStart: 18 }}>
      {items.map((p, i) => (
        <li key={i}>{p}</li>
      ))}
    </ul>
  );
}
