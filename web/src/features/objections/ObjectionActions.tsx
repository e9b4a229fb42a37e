/**
 * What the caller may do on an objection, as the detail's `availableActions` says: the center's
 * steps (accept, reject, trace, feedback, the contest's decision), the objector's (contest, accept
 * the result, evidence) and a source department's on its task (verify, ask for an extension);
 * the center decides extensions. Every dialog keeps what was typed when the API refuses.
 */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Button, Checkbox, Form, Input, InputNumber, Modal, Radio, Space, Upload } from 'antd';
import { useState } from 'react';
import { ErrorAlert } from '../../components/ErrorAlert';
import { ReasonAction } from '../../components/ReasonAction';
import { api, rawBody, unwrap } from '../../lib/api';
import { mediaTypeOf, UPLOAD_ACCEPT, uploadProblem } from '../../lib/uploads';
import { inputLimits, rulesFor } from '../../lib/contract';
import type { ObjectionDetail } from './terms';

type Path = { params: { path: { objectionId: string } } };

function useKeep(objectionId: string) {
  const queryClient = useQueryClient();
  return (next: ObjectionDetail) => {
    queryClient.setQueryData<ObjectionDetail>(['objection', objectionId], next);
    void queryClient.invalidateQueries({ queryKey: ['objections'] });
  };
}

/** A dialog with a form, its submit through a mutation, the error inside. */
function FormDialog<T extends object>(props: {
  label: string;
  title: string;
  primary?: boolean;
  initial?: Partial<T>;
  run: (values: T) => Promise<unknown>;
  children: React.ReactNode;
}) {
  const [open, setOpen] = useState(false);
  const [form] = Form.useForm<T>();
  const act = useMutation({ mutationFn: props.run, onSuccess: () => setOpen(false) });
  return (
    <>
      <Button type={props.primary ? 'primary' : 'default'} onClick={() => setOpen(true)}>
        {props.label}
      </Button>
      <Modal
        title={props.title}
        open={open}
        okText="确认"
        cancelText="取消"
        confirmLoading={act.isPending}
        onOk={() => form.submit()}
        onCancel={() => setOpen(false)}
      >
        <Form<T> form={form} layout="vertical" initialValues={props.initial} onFinish={(v) => act.mutate(v)}>
          {props.children}
          <ErrorAlert error={act.error} />
        </Form>
      </Modal>
    </>
  );
}

export function ObjectionActions({ detail }: { detail: ObjectionDetail }) {
  const id = detail.objection.id;
  const keep = useKeep(id);
  const path: Path = { params: { path: { objectionId: id } } };
  const has = (name: ObjectionDetail['availableActions'][number]) => detail.availableActions.includes(name);
  const origins = (detail.traceProposal ?? []).filter((h) => h.origin);
  const [uploadError, setUploadError] = useState<unknown>(null);
  const upload = async (file: File) => {
    setUploadError(null);
    const problem = uploadProblem(file, detail.evidence.length, '异议');
    if (problem) return setUploadError(problem);
    try {
      await unwrap(
        api.POST('/api/v1/objections/{objectionId}/evidence', {
          params: { path: { objectionId: id }, query: { fileName: file.name } },
          body: file as never,
          ...rawBody,
          headers: { 'Content-Type': mediaTypeOf(file)! },
        }),
      );
      keep(await unwrap(api.GET('/api/v1/objections/{objectionId}', path)));
    } catch (error) {
      setUploadError(error);
    }
  };
  return (
    <Space wrap>
      {has('accept') && (
        <ReasonAction
          label="受理"
          title={`受理异议 ${detail.objection.number}`}
          operationId="acceptObjection"
          field="note"
          reasonLabel="受理意见"
          required={false}
          button={{ type: 'primary' }}
          explanation="受理后该记录的字段即被标注为“有异议”，持有该数据有效授权的部门将收到提示。"
          run={async (note) =>
            keep(await unwrap(api.POST('/api/v1/objections/{objectionId}/acceptance', { ...path, body: note ? { note } : {} })))
          }
        />
      )}
      {has('reject') && (
        <ReasonAction
          label="不予受理"
          title={`不予受理 ${detail.objection.number}`}
          operationId="rejectObjection"
          reasonLabel="理由"
          required
          button={{ danger: true }}
          explanation="例如：争议涉及具体行政行为，应依其他规定处理。理由将告知提出部门。"
          run={async (reason) =>
            keep(await unwrap(api.POST('/api/v1/objections/{objectionId}/rejection', { ...path, body: { reason: reason ?? '' } })))
          }
        />
      )}
      {has('trace') && (
        <FormDialog<{ origins: string[] }>
          label="确认溯源"
          title="确认溯源：交源头部门核实"
          primary
          initial={{ origins: origins.map((o) => o.datasetCode) }}
          run={async (v) =>
            keep(await unwrap(api.POST('/api/v1/objections/{objectionId}/trace', { ...path, body: { origins: v.origins } })))
          }
        >
          <Form.Item name="origins" label="核实的源头数据" rules={[{ required: true, message: '请至少选择一个源头' }]}>
            <Checkbox.Group
              options={origins.map((o) => ({ value: o.datasetCode, label: `${o.datasetName}（${o.datasetCode}）.${o.field}` }))}
            />
          </Form.Item>
        </FormDialog>
      )}
      {has('give_feedback') && (
        <ReasonAction
          label="反馈结果"
          title="向提出部门反馈核实结果"
          operationId="giveObjectionFeedback"
          field="feedback"
          reasonLabel="反馈内容"
          required
          button={{ type: 'primary' }}
          run={async (feedback) =>
            keep(await unwrap(api.POST('/api/v1/objections/{objectionId}/feedback', { ...path, body: { feedback: feedback ?? '' } })))
          }
        />
      )}
      {has('accept_result') && (
        <ReasonAction
          label="认可核实结果"
          title="认可核实结果并办结"
          operationId="acceptObjectionResult"
          field="note"
          reasonLabel="意见"
          required={false}
          button={{ type: 'primary' }}
          explanation="认可后异议办结归档，数据标注随即撤销，不能再申请复核。"
          run={async (note) =>
            keep(await unwrap(api.POST('/api/v1/objections/{objectionId}/result-acceptance', { ...path, body: note ? { note } : {} })))
          }
        />
      )}
      {has('contest') && (
        <ReasonAction
          label="申请复核"
          title="对核实结果申请复核（仅一次）"
          operationId="contestObjection"
          field="reasons"
          reasonLabel="复核理由"
          required
          run={async (reasons) =>
            keep(await unwrap(api.POST('/api/v1/objections/{objectionId}/contest', { ...path, body: { reasons: reasons ?? '' } })))
          }
        />
      )}
      {has('decide_contest') && (
        <FormDialog<{ sustained: boolean; reasons: string }>
          label="复核决定"
          title="复核决定"
          primary
          run={async (v) => keep(await unwrap(api.POST('/api/v1/objections/{objectionId}/contest-decision', { ...path, body: v })))}
        >
          <Form.Item name="sustained" label="决定" rules={[{ required: true, message: '请选择决定' }]}>
            <Radio.Group
              options={[
                { value: true, label: '复核理由成立，重新核实' },
                { value: false, label: '维持核实结果' },
              ]}
            />
          </Form.Item>
          <Form.Item name="reasons" label="理由" rules={rulesFor('decideObjectionContest', 'reasons', '理由')}>
            <Input.TextArea rows={3} {...inputLimits('decideObjectionContest', 'reasons')} />
          </Form.Item>
        </FormDialog>
      )}
      {has('add_evidence') && (
        <Upload showUploadList={false} accept={UPLOAD_ACCEPT} customRequest={({ file }) => void upload(file as File)}>
          <Button>上传证明材料</Button>
        </Upload>
      )}
      <ErrorAlert error={uploadError} />
    </Space>
  );
}

/** A task's steps for its department (verify, extension) and the center's extension decision. */
export function TaskActions({ detail, task }: { detail: ObjectionDetail; task: ObjectionDetail['tasks'][number] }) {
  const id = detail.objection.id;
  const keep = useKeep(id);
  const path = { params: { path: { objectionId: id, taskId: task.id } } };
  const mine = task.outcome === null && task.round === detail.round;
  const has = (name: ObjectionDetail['availableActions'][number]) => detail.availableActions.includes(name);
  return (
    <Space wrap>
      {mine && has('verify') && (
        <FormDialog<{
          outcome: 'corrected' | 'confirmed_accurate';
          valueBefore?: string;
          valueAfter?: string;
          correctionReference?: string;
          explanation?: string;
        }>
          label="核实"
          title={`核实：${task.items.map((i) => `${i.datasetCode}.${i.field}`).join('、')}`}
          primary
          initial={{ valueBefore: detail.valueReceived }}
          run={async (v) =>
            keep(await unwrap(api.POST('/api/v1/objections/{objectionId}/tasks/{taskId}/verification', { ...path, body: v })))
          }
        >
          <Form.Item name="outcome" label="核实结论" rules={[{ required: true, message: '请选择核实结论' }]}>
            <Radio.Group
              options={[
                { value: 'corrected', label: '数据有误，已更正' },
                { value: 'confirmed_accurate', label: '经核实数据无误' },
              ]}
            />
          </Form.Item>
          <Form.Item noStyle shouldUpdate>
            {({ getFieldValue }) =>
              getFieldValue('outcome') === 'corrected' ? (
                <>
                  <Form.Item name="valueBefore" label="更正前的值">
                    <Input {...inputLimits('verifyObjectionTask', 'valueBefore')} />
                  </Form.Item>
                  <Form.Item
                    name="valueAfter"
                    label="更正后的值"
                    rules={rulesFor('verifyObjectionTask', 'valueAfter', '更正后的值', { required: true })}
                  >
                    <Input {...inputLimits('verifyObjectionTask', 'valueAfter')} />
                  </Form.Item>
                  <Form.Item
                    name="correctionReference"
                    label="更正依据（如源系统变更单号）"
                    rules={rulesFor('verifyObjectionTask', 'correctionReference', '更正依据', { required: true })}
                  >
                    <Input {...inputLimits('verifyObjectionTask', 'correctionReference')} />
                  </Form.Item>
                </>
              ) : getFieldValue('outcome') === 'confirmed_accurate' ? (
                <Form.Item
                  name="explanation"
                  label="说明"
                  rules={rulesFor('verifyObjectionTask', 'explanation', '说明', { required: true })}
                >
                  <Input.TextArea rows={3} {...inputLimits('verifyObjectionTask', 'explanation')} />
                </Form.Item>
              ) : null
            }
          </Form.Item>
        </FormDialog>
      )}
      {mine && has('request_extension') && task.step.extension === null && (
        <FormDialog<{ days: number; reason: string }>
          label="申请延期"
          title="申请延期（每个任务一次，由中心决定）"
          run={async (v) => keep(await unwrap(api.POST('/api/v1/objections/{objectionId}/tasks/{taskId}/extension', { ...path, body: v })))}
        >
          <Form.Item name="days" label="延期（工作日）" rules={rulesFor('requestObjectionTaskExtension', 'days', '延期天数')}>
            <InputNumber min={1} max={250} precision={0} />
          </Form.Item>
          <Form.Item name="reason" label="理由" rules={rulesFor('requestObjectionTaskExtension', 'reason', '理由')}>
            <Input.TextArea rows={2} {...inputLimits('requestObjectionTaskExtension', 'reason')} />
          </Form.Item>
        </FormDialog>
      )}
      {has('decide_extension') && task.step.extension?.decision === 'pending' && (
        <FormDialog<{ approved: boolean; reason: string }>
          label="延期决定"
          title={`延期 ${task.step.extension.days} 个工作日：${task.step.extension.reason}`}
          run={async (v) =>
            keep(await unwrap(api.POST('/api/v1/objections/{objectionId}/tasks/{taskId}/extension-decision', { ...path, body: v })))
          }
        >
          <Form.Item name="approved" label="决定" rules={[{ required: true, message: '请选择决定' }]}>
            <Radio.Group
              options={[
                { value: true, label: '批准' },
                { value: false, label: '不批准' },
              ]}
            />
          </Form.Item>
          <Form.Item name="reason" label="理由" rules={rulesFor('decideObjectionTaskExtension', 'reason', '理由')}>
            <Input.TextArea rows={2} {...inputLimits('decideObjectionTaskExtension', 'reason')} />
          </Form.Item>
        </FormDialog>
      )}
    </Space>
  );
}
