/**
 * Creating or revising a scenario (应用场景) in a dialog: name, kind, lead department, description,
 * validity and the datasets and fields it covers, checked with the contract's limits; the API's
 * objection is shown in the dialog and nothing typed is lost.
 */
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Col, Form, Input, Modal, Row, Select, Space } from 'antd';
import { useState } from 'react';
import { ErrorAlert } from '../../components/ErrorAlert';
import { useDepartments } from '../../lib/directory';
import { shanghaiToday } from '../../lib/time';
import { inputLimits, rulesFor } from '../../lib/contract';
import { api, unwrap, type Schemas } from '../../lib/api';
import { useSession } from '../../lib/session';
import { KIND_LABELS } from './terms';

type Input = Schemas['ScenarioInput'];
interface Values extends Omit<Input, 'validTo'> {
  validTo?: string | null;
}

function useDatasets() {
  return useQuery({
    queryKey: ['datasets', 'scenario-picker'],
    queryFn: () => unwrap(api.GET('/api/v1/datasets', { params: { query: { limit: 200, sort: 'code' } } })),
  });
}

/** The fields of the dataset a coverage row names, to pick from. */
function CoverageFields({ code, index, ...props }: { code?: string; index: number; value?: string[]; onChange?: (v: string[]) => void }) {
  const datasets = useDatasets();
  const id = datasets.data?.items.find((d) => d.code === code)?.id;
  const detail = useQuery({
    queryKey: ['dataset', id],
    queryFn: () => unwrap(api.GET('/api/v1/datasets/{datasetId}', { params: { path: { datasetId: id! } } })),
    enabled: Boolean(id),
  });
  return (
    <Select
      {...props}
      mode="multiple"
      aria-label={`涵盖的数据资源 ${index + 1} 的数据项`}
      placeholder="选择数据项"
      loading={detail.isLoading && Boolean(id)}
      options={(detail.data?.current.content.fields ?? []).map((f) => ({ value: f.name, label: f.name }))}
    />
  );
}

export function ScenarioForm({
  scenario,
  open,
  onClose,
  onSaved,
}: {
  scenario?: Schemas['Scenario'];
  open: boolean;
  onClose: () => void;
  onSaved: (saved: Schemas['Scenario']) => void;
}) {
  const { me, has } = useSession();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<Values>();
  const coverage = Form.useWatch('coverage', form);
  const datasets = useDatasets();
  const departments = useDepartments();
  const [initial] = useState<Values>(() =>
    scenario
      ? {
          name: scenario.name,
          kind: scenario.kind,
          leadDepartmentId: scenario.leadDepartmentId,
          description: scenario.description,
          validFrom: scenario.validFrom,
          validTo: scenario.validTo,
          coverage: scenario.coverage,
        }
      : {
          name: '',
          kind: 'one_network_service',
          leadDepartmentId: me?.department.id ?? '',
          description: '',
          validFrom: shanghaiToday(),
          validTo: null,
          coverage: [{ datasetCode: '', fields: [] }],
        },
  );
  const save = useMutation({
    mutationFn: (v: Values) => {
      const body: Input = {
        name: v.name.trim(),
        kind: v.kind,
        leadDepartmentId: v.leadDepartmentId,
        description: (v.description ?? '').trim(),
        validFrom: v.validFrom,
        validTo: v.validTo || null,
        coverage: v.coverage.map((c) => ({ datasetCode: c.datasetCode, fields: c.fields })),
      };
      return scenario
        ? unwrap(api.PUT('/api/v1/scenarios/{scenarioId}', { params: { path: { scenarioId: scenario.id } }, body }))
        : unwrap(api.POST('/api/v1/scenarios', { body }));
    },
    onSuccess: (saved) => {
      queryClient.setQueryData(['scenario', saved.id], saved);
      void queryClient.invalidateQueries({ queryKey: ['scenarios'] });
      void queryClient.invalidateQueries({ queryKey: ['key-work-list'] });
      onSaved(saved);
    },
  });
  const codes = new Set((datasets.data?.items ?? []).map((d) => d.code));
  return (
    <Modal
      title={scenario ? `编辑应用场景：${scenario.name}` : '新建应用场景'}
      open={open}
      okText="保存"
      cancelText="取消"
      confirmLoading={save.isPending}
      onOk={() => form.submit()}
      onCancel={onClose}
      width={760}
      destroyOnHidden={false}
    >
      <Form<Values> form={form} layout="vertical" initialValues={initial} onFinish={(v) => save.mutate(v)}>
        {scenario?.onKeyList && !has('center_admin') && (
          <Alert
            type="info"
            showIcon
            style={{ marginBottom: 12 }}
            message="该场景已列入重点工作应用场景清单：涵盖的数据、类型和有效期由市大数据中心调整，您可修改名称和说明。"
          />
        )}
        <Row gutter={16}>
          <Col xs={24} md={14}>
            <Form.Item name="name" label="场景名称" rules={rulesFor('createScenario', 'name', '场景名称')}>
              <Input {...inputLimits('createScenario', 'name')} />
            </Form.Item>
          </Col>
          <Col xs={24} md={10}>
            <Form.Item name="kind" label="场景类型" rules={[{ required: true }]}>
              <Select options={Object.entries(KIND_LABELS).map(([value, label]) => ({ value, label }))} />
            </Form.Item>
          </Col>
          <Col xs={24} md={10}>
            <Form.Item name="leadDepartmentId" label="牵头部门" rules={[{ required: true, message: '请选择牵头部门' }]}>
              <Select
                showSearch
                optionFilterProp="label"
                disabled={!has('center_admin')}
                options={(departments.data?.items ?? []).map((d) => ({ value: d.id, label: d.name }))}
              />
            </Form.Item>
          </Col>
          <Col xs={12} md={7}>
            <Form.Item name="validFrom" label="生效日期" rules={[{ required: true, message: '请填写生效日期' }]}>
              <Input type="date" />
            </Form.Item>
          </Col>
          <Col xs={12} md={7}>
            <Form.Item
              name="validTo"
              label="失效日期（选填）"
              dependencies={['validFrom']}
              rules={[
                ({ getFieldValue }) => ({
                  validator: async (_, v: string | null | undefined) => {
                    if (v && v < (getFieldValue('validFrom') as string)) throw new Error('失效日期不能早于生效日期');
                  },
                }),
              ]}
            >
              <Input type="date" />
            </Form.Item>
          </Col>
        </Row>
        <Form.Item name="description" label="场景说明" rules={[{ max: 4000, message: '不超过 4000 字' }]}>
          <Input.TextArea rows={2} maxLength={4000} showCount />
        </Form.Item>
        <Form.List
          name="coverage"
          rules={[
            {
              validator: async (_, rows: unknown[] | undefined) => {
                if (!rows?.length) throw new Error('至少涵盖一个数据资源');
              },
            },
          ]}
        >
          {(rows, { add, remove }, { errors }) => (
            <Space direction="vertical" style={{ width: '100%' }}>
              <strong>涵盖的数据资源和数据项</strong>
              {rows.map(({ key, name }, i) => (
                <Row gutter={8} key={key}>
                  <Col xs={24} md={9}>
                    <Form.Item name={[name, 'datasetCode']} rules={[{ required: true, message: '请选择数据资源' }]}>
                      <Select
                        showSearch
                        aria-label={`涵盖的数据资源 ${i + 1}`}
                        // Another dataset has other fields: the ones picked for the previous one go.
                        onChange={() => form.setFieldValue(['coverage', name, 'fields'], [])}
                        placeholder="数据资源"
                        optionFilterProp="label"
                        loading={datasets.isLoading}
                        options={[
                          ...(datasets.data?.items ?? []).map((d) => ({ value: d.code, label: `${d.name}（${d.code}）` })),
                          // A code the caller cannot list (e.g. another department's retired entry) stays shown as is.
                          ...(initial.coverage ?? [])
                            .filter((c) => c.datasetCode && !codes.has(c.datasetCode))
                            .map((c) => ({ value: c.datasetCode, label: c.datasetCode })),
                        ]}
                      />
                    </Form.Item>
                  </Col>
                  <Col xs={20} md={13}>
                    <Form.Item name={[name, 'fields']} rules={[{ required: true, type: 'array', min: 1, message: '请至少选择一个数据项' }]}>
                      <CoverageFields code={coverage?.[i]?.datasetCode} index={i} />
                    </Form.Item>
                  </Col>
                  <Col xs={4} md={2}>
                    <Button
                      aria-label={`删除涵盖的数据资源 ${i + 1}`}
                      icon={<DeleteOutlined />}
                      disabled={rows.length <= 1}
                      onClick={() => remove(name)}
                    />
                  </Col>
                </Row>
              ))}
              <Form.ErrorList errors={errors} />
              <Button icon={<PlusOutlined />} onClick={() => add({ datasetCode: undefined, fields: [] })}>
                添加数据资源
              </Button>
            </Space>
          )}
        </Form.List>
        <div style={{ marginTop: 12 }}>
          <ErrorAlert error={save.error} />
        </div>
      </Form>
    </Modal>
  );
}
