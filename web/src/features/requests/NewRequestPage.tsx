/**
 * Filing a request: pick the dataset, fields, scenario, purpose, period and delivery; the draft is
 * saved as you go and pre-checked live (the track it would take and why, the conditions); filing
 * accepts the notification-commitment (告知承诺) text shown.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Checkbox, Col, Form, Input, InputNumber, Popconfirm, Radio, Row, Select, Space, Typography } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { CheckResultTag } from '../../components/CheckResultTag';
import { CheckGroup } from '../../components/CheckGroup';
import { ErrorAlert } from '../../components/ErrorAlert';
import { AttachmentUpload } from './Attachments';
import { inputLimits, rulesFor } from '../../lib/contract';
import { codeMessage } from '../../lib/errors';
import { api, unwrap, type Schemas } from '../../lib/api';
import { CONDITION_LABELS, ROUTING_RULE_LABELS, TRACK_LABELS } from '../../lib/labels';

type Draft = Schemas['DraftInput'];
const DRAFT = 'createRequestDraft';

function DatasetPicker(props: { value?: string; onChange?: (value: string) => void }) {
  const [q, setQ] = useState('');
  const found = useQuery({
    queryKey: ['datasets', 'picker', q],
    queryFn: () => unwrap(api.GET('/api/v1/datasets', { params: { query: { ...(q ? { q } : {}), lifecycle: 'published', limit: 30 } } })),
  });
  return (
    <Select
      {...props}
      showSearch
      filterOption={false}
      onSearch={setQ}
      loading={found.isLoading}
      placeholder="输入名称或编码搜索"
      options={(found.data?.items ?? []).map((d) => ({ value: d.id, label: `${d.name}（${d.code}）` }))}
    />
  );
}

export function NewRequestPage() {
  const [params, setParams] = useSearchParams();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<Draft & { acceptCommitment?: boolean }>();
  const datasetId = Form.useWatch('datasetId', form);
  const values = Form.useWatch([], form);
  // Opened on a kept draft (the drafts tab links here with ?draft=), not one this visit saved:
  // the form is filled from it once.
  const [resuming] = useState(() => params.get('draft') !== null);
  const [draftId, setDraftId] = useState<string | null>(params.get('draft'));
  const draft = useQuery({
    queryKey: ['request', draftId],
    queryFn: () => unwrap(api.GET('/api/v1/requests/{requestId}', { params: { path: { requestId: draftId! } } })),
    enabled: draftId !== null,
  });
  // A new form is never overwritten by its own autosaved draft.
  const filledFromDraft = useRef(!resuming);
  useEffect(() => {
    const kept = draft.data?.request;
    if (!kept || filledFromDraft.current) return;
    filledFromDraft.current = true;
    form.setFieldsValue({
      datasetId: kept.datasetId,
      fields: kept.fields,
      scenarioId: kept.scenarioId,
      purpose: kept.purpose,
      legalBasis: kept.legalBasis,
      usageMonths: kept.usageMonths,
      deliveryMethod: kept.deliveryMethod,
      securityCommitmentAccepted: kept.securityCommitmentAccepted,
    });
  }, [draft.data, form]);
  const discard = useMutation({
    mutationFn: () => unwrap(api.DELETE('/api/v1/requests/{requestId}', { params: { path: { requestId: draftId! } } })),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ['requests'] });
      void navigate('/requests?tab=drafts');
    },
  });
  const dataset = useQuery({
    queryKey: ['dataset', datasetId],
    queryFn: () => unwrap(api.GET('/api/v1/datasets/{datasetId}', { params: { path: { datasetId: datasetId } } })),
    enabled: Boolean(datasetId),
  });
  const scenarios = useQuery({ queryKey: ['scenarios'], queryFn: () => unwrap(api.GET('/api/v1/scenarios')) });
  const commitment = useQuery({ queryKey: ['commitment'], queryFn: () => unwrap(api.GET('/api/v1/commitment')) });

  const draftBody = (v: Partial<Draft>): Draft => ({
    datasetId: v.datasetId!,
    fields: v.fields ?? [],
    scenarioId: v.scenarioId ?? null,
    purpose: v.purpose ?? '',
    legalBasis: v.legalBasis?.trim() ? v.legalBasis : null,
    usageMonths: v.usageMonths ?? null,
    deliveryMethod: v.deliveryMethod ?? 'interface',
    securityCommitmentAccepted: v.securityCommitmentAccepted ?? false,
  });
  const save = useMutation({
    mutationFn: async (v: Partial<Draft>) => {
      const body = draftBody(v);
      const saved = draftId
        ? await unwrap(api.PUT('/api/v1/requests/{requestId}', { params: { path: { requestId: draftId } }, body }))
        : await unwrap(api.POST('/api/v1/requests', { body }));
      if (!draftId) {
        setDraftId(saved.request.id);
        // A reload keeps working on this draft instead of starting another.
        setParams((current) => ({ ...Object.fromEntries(current), draft: saved.request.id }), { replace: true });
      }
      const check = await unwrap(api.POST('/api/v1/requests/{requestId}/pre-check', { params: { path: { requestId: saved.request.id } } }));
      return { ...check, draftId: saved.request.id };
    },
  });
  const file = useMutation({
    mutationFn: async () => {
      const v = await form.validateFields();
      const check = await save.mutateAsync(v);
      if (!check.fileable) throw new Error(check.problems.map((p) => p.message).join('；'));
      return unwrap(
        api.POST('/api/v1/requests/{requestId}/filing', {
          // The draft just saved (the state may not hold it yet when filing is the first save).
          params: { path: { requestId: check.draftId } },
          body: { commitmentVersion: commitment.data!.version, acceptCommitment: v.acceptCommitment === true },
        }),
      );
    },
    onSuccess: (filed) => {
      // The detail page reads the filed request, not the draft this form kept under the same key.
      queryClient.setQueryData(['request', filed.request.id], filed);
      void queryClient.invalidateQueries({ queryKey: ['requests'] });
      void navigate(`/requests/${filed.request.id}`);
    },
  });

  // The draft is saved and pre-checked a moment after the user stops typing.
  const timer = useRef<number | undefined>(undefined);
  useEffect(() => {
    if (!values?.datasetId || !values.fields?.length) return;
    window.clearTimeout(timer.current);
    timer.current = window.setTimeout(() => save.mutate(values), 700);
    return () => window.clearTimeout(timer.current);
    // Saving follows the form's values only (compared by content).
  }, [JSON.stringify(values)]);

  const check = save.data;
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={2} style={{ fontSize: 20, margin: 0 }}>
        {resuming ? '继续填写草稿' : '新建共享申请'}
      </Typography.Title>
      {draft.error && <ErrorAlert error={draft.error} />}
      <Row gutter={16}>
        <Col xs={24} lg={14}>
          <Card size="small">
            <Form
              form={form}
              layout="vertical"
              initialValues={{ datasetId: params.get('datasetId') ?? undefined, deliveryMethod: 'interface', usageMonths: 12 }}
              onFinish={() => file.mutate()}
            >
              <Form.Item name="datasetId" label="数据资源" rules={rulesFor(DRAFT, 'datasetId', '数据资源')}>
                <DatasetPicker />
              </Form.Item>
              <Form.Item name="fields" label="申请的数据项" rules={rulesFor(DRAFT, 'fields', '申请的数据项')}>
                <CheckGroup label="申请的数据项" options={(dataset.data?.current.content.fields ?? []).map((f) => f.name)} />
              </Form.Item>
              <Form.Item name="scenarioId" label="应用场景">
                <Select
                  allowClear
                  placeholder="不选择则须填写用途"
                  options={(scenarios.data?.items ?? [])
                    .filter((s) => !s.retired)
                    .map((s) => ({ value: s.id, label: `${s.name}${s.onKeyList ? '（重点工作清单）' : ''}` }))}
                />
              </Form.Item>
              {/* Required by the contract, but may be empty when a scenario is chosen (the pre-check says when not). */}
              <Form.Item name="purpose" label="用途" rules={rulesFor(DRAFT, 'purpose', '用途', { optional: true })}>
                <Input.TextArea rows={2} {...inputLimits(DRAFT, 'purpose')} showCount />
              </Form.Item>
              <Form.Item name="legalBasis" label="申请依据（法律法规或政策文件）" rules={rulesFor(DRAFT, 'legalBasis', '申请依据')}>
                <Input {...inputLimits(DRAFT, 'legalBasis')} />
              </Form.Item>
              <Form.Item
                name="usageMonths"
                label="使用期限（月）"
                // Optional in the contract; the conditions of most datasets ask for it, so the form does.
                rules={[{ required: true, message: '请填写使用期限' }, ...rulesFor(DRAFT, 'usageMonths', '使用期限')]}
              >
                <InputNumber {...inputLimits(DRAFT, 'usageMonths')} />
              </Form.Item>
              <Form.Item name="deliveryMethod" label="交付方式">
                <Radio.Group
                  options={[
                    { value: 'interface', label: '接口' },
                    { value: 'batch', label: '批量交换' },
                  ]}
                />
              </Form.Item>
              <Form.Item name="securityCommitmentAccepted" valuePropName="checked">
                <Checkbox>签署数据安全承诺</Checkbox>
              </Form.Item>
              {commitment.data && (
                <Alert
                  type="info"
                  message={`告知承诺（第 ${commitment.data.version} 版）`}
                  description={commitment.data.text}
                  style={{ marginBottom: 12 }}
                />
              )}
              <Form.Item
                name="acceptCommitment"
                valuePropName="checked"
                rules={[{ validator: (_, v) => (v ? Promise.resolve() : Promise.reject(new Error('提交前须接受告知承诺'))) }]}
              >
                <Checkbox>我已阅读并接受上述告知承诺</Checkbox>
              </Form.Item>
              <Form.Item label="附件（申请函、依据文件等）">
                {draftId ? (
                  <AttachmentUpload requestId={draftId} attachments={draft.data?.attachments ?? []} label="上传附件" />
                ) : (
                  <Typography.Text type="secondary">选择数据资源和数据项、草稿保存后可上传附件</Typography.Text>
                )}
              </Form.Item>
              <ErrorAlert error={file.error ?? save.error ?? discard.error} />
              <Space style={{ marginTop: 12 }}>
                <Button type="primary" htmlType="submit" loading={file.isPending}>
                  提交申请
                </Button>
                {draftId && (
                  <Popconfirm title="删除这份草稿？" okText="删除" cancelText="取消" onConfirm={() => discard.mutate()}>
                    <Button danger loading={discard.isPending}>
                      删除草稿
                    </Button>
                  </Popconfirm>
                )}
                {draftId && <Typography.Text type="secondary">草稿已保存</Typography.Text>}
              </Space>
            </Form>
          </Card>
        </Col>
        <Col xs={24} lg={10}>
          <Card size="small" title="实时预审" aria-live="polite">
            {!check && <Typography.Text type="secondary">选择数据资源和数据项后显示预审结果</Typography.Text>}
            {check && (
              <Space direction="vertical" style={{ width: '100%' }}>
                {check.routing && (
                  <Alert
                    type="info"
                    showIcon
                    message={`将进入${TRACK_LABELS[check.routing.track]}`}
                    description={ROUTING_RULE_LABELS[check.routing.rule] ?? check.routing.reasons.join('；')}
                  />
                )}
                {check.problems.map((p) => (
                  <Alert key={p.code} type="error" showIcon message={codeMessage(p.code) ?? p.message} />
                ))}
                {check.preCheck.checks.map((c) => (
                  <div key={c.condition}>
                    <CheckResultTag result={c.result} /> {CONDITION_LABELS[c.condition] ?? c.condition}
                  </div>
                ))}
              </Space>
            )}
          </Card>
        </Col>
      </Row>
    </Space>
  );
}
