/**
 * Cataloguing a dataset (/catalogue/new) or revising one (/catalogue/:datasetId/edit), by its owner
 * (a reviewer or department administrator of the owning department): every part of the content the
 * contract takes, checked against the contract's limits and the catalogue's rules before sending.
 * A revision is a new version; if someone else saved a version meanwhile, the page says so and
 * keeps everything typed. The API's objections are shown on the fields they name.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Checkbox, Col, Form, Input, InputNumber, Radio, Row, Select, Space, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { CheckGroup } from '../../components/CheckGroup';
import { ErrorAlert } from '../../components/ErrorAlert';
import { ApiError, api, unwrap, type Schemas } from '../../lib/api';
import { inputLimits, rulesFor } from '../../lib/contract';
import { useDepartments } from '../../lib/directory';
import { SHARING_LABELS } from '../../lib/labels';
import { useSession } from '../../lib/session';
import { FieldsEditor, LineageEditor } from './ContentEditors';
import {
  BASIC_LIBRARY_LABELS,
  withReadableProblems,
  LEVEL_LABELS,
  LIBRARY_KIND_LABELS,
  problemInChinese,
  type BasicLibrary,
} from './terms';

type Content = Schemas['DatasetContent'];
type Conditions = Schemas['SharingConditions'];

export interface EditValues {
  code?: string;
  name: string;
  description?: string;
  libraryKind: Content['libraryKind'];
  basicLibrary?: BasicLibrary | null;
  updateFrequency?: string;
  sourceSystem?: string;
  fields: Schemas['DatasetField'][];
  sharingType: Content['sharingType'];
  conditions?: Conditions;
  conditionNotes?: string;
  legalBasis?: { law?: string; article?: string; prohibitsSharing?: boolean };
  lineage?: { datasetCode: string; pairs: { target: string; from: string }[] }[];
}

const CODE = /^[A-Z0-9][A-Z0-9-]{1,39}$/;
const text = (s: string | undefined) => (s ?? '').trim();

/** The contract's conditions from the form: only those stated. */
function conditionsOf(c: Conditions | undefined): Conditions {
  const out: Conditions = {};
  if (c?.requesterDepartments?.length) out.requesterDepartments = c.requesterDepartments;
  if (c?.requesterLevels?.length) out.requesterLevels = c.requesterLevels;
  if (c?.allowedScenarios?.length) out.allowedScenarios = c.allowedScenarios;
  if (c?.allowedPurposes?.length) out.allowedPurposes = c.allowedPurposes.map((p) => p.trim()).filter(Boolean);
  if (c?.restrictedFields?.length) out.restrictedFields = c.restrictedFields;
  if (c?.legalBasisRequired) out.legalBasisRequired = true;
  if (c?.maxUsageMonths) out.maxUsageMonths = c.maxUsageMonths;
  if (c?.securityCommitmentRequired) out.securityCommitmentRequired = true;
  return out;
}

export function contentOf(v: EditValues): Content {
  const lineage = (v.lineage ?? []).filter((s) => text(s.datasetCode));
  return {
    name: text(v.name),
    description: text(v.description),
    libraryKind: v.libraryKind,
    basicLibrary: v.libraryKind === 'basic' ? (v.basicLibrary ?? null) : null,
    updateFrequency: text(v.updateFrequency),
    sourceSystem: text(v.sourceSystem),
    fields: v.fields.map((f) => ({ name: text(f.name), type: text(f.type), description: text(f.description), sensitivity: f.sensitivity })),
    sharingType: v.sharingType,
    conditions: v.sharingType === 'conditional' ? conditionsOf(v.conditions) : null,
    conditionNotes: v.sharingType === 'conditional' && text(v.conditionNotes) ? text(v.conditionNotes) : null,
    legalBasis:
      v.sharingType === 'not_shareable'
        ? {
            law: text(v.legalBasis?.law),
            ...(text(v.legalBasis?.article) ? { article: text(v.legalBasis?.article) } : {}),
            ...(v.legalBasis?.prohibitsSharing ? { prohibitsSharing: true } : {}),
          }
        : null,
    lineage: lineage.length
      ? {
          sources: lineage.map((s) => ({
            datasetCode: text(s.datasetCode),
            fieldMap: Object.fromEntries((s.pairs ?? []).filter((p) => text(p.target)).map((p) => [text(p.target), text(p.from)])),
          })),
        }
      : null,
  };
}

function valuesOf(content: Schemas['DatasetVersion']['content']): EditValues {
  return {
    name: content.name,
    description: content.description,
    libraryKind: content.libraryKind,
    basicLibrary: content.basicLibrary ?? null,
    updateFrequency: content.updateFrequency,
    sourceSystem: content.sourceSystem,
    fields: content.fields,
    sharingType: content.sharingType,
    conditions: content.conditions ?? {},
    conditionNotes: content.conditionNotes ?? '',
    legalBasis: content.legalBasis ?? {},
    lineage: (content.lineage?.sources ?? []).map((s) => ({
      datasetCode: s.datasetCode,
      pairs: Object.entries(s.fieldMap).map(([target, from]) => ({ target, from })),
    })),
  };
}

const EMPTY: EditValues = {
  name: '',
  libraryKind: 'department',
  sharingType: 'conditional',
  fields: [{ name: '', type: 'string', description: '', sensitivity: 'internal' }],
  conditions: {},
  legalBasis: {},
  lineage: [],
};

/** Where a rule problem's path (`fields/2/name`, `conditions/restrictedFields`…) sits in the form. */
function formPath(path: string): (string | number)[] | null {
  const parts = path.split('/').filter(Boolean);
  switch (parts[0]) {
    case 'fields':
      return parts[1] !== undefined ? ['fields', Number(parts[1]), parts[2] ?? 'name'] : null;
    case 'conditions':
      return parts[1] ? ['conditions', parts[1]] : null;
    case 'legalBasis':
      return ['legalBasis', parts[1] ?? 'law'];
    case 'lineage':
      return parts[2] !== undefined ? ['lineage', Number(parts[2]), 'datasetCode'] : null;
    case 'name':
    case 'description':
    case 'basicLibrary':
    case 'updateFrequency':
    case 'sourceSystem':
    case 'conditionNotes':
      return [parts[0]];
    default:
      return null;
  }
}

function ConditionsEditor({ fieldNames }: { fieldNames: string[] }) {
  const departments = useDepartments();
  const scenarios = useQuery({ queryKey: ['scenarios'], queryFn: () => unwrap(api.GET('/api/v1/scenarios')) });
  return (
    <Card size="small" title="共享条件（至少一项）">
      <Row gutter={16}>
        <Col xs={24} md={12}>
          <Form.Item name={['conditions', 'requesterLevels']} label="申请部门层级">
            <CheckGroup label="申请部门层级" options={Object.entries(LEVEL_LABELS).map(([value, label]) => ({ value, label }))} />
          </Form.Item>
        </Col>
        <Col xs={24} md={12}>
          <Form.Item name={['conditions', 'requesterDepartments']} label="限定申请部门">
            <Select
              mode="multiple"
              allowClear
              optionFilterProp="label"
              placeholder="不限"
              options={(departments.data?.items ?? []).map((d) => ({ value: d.code, label: `${d.name}（${d.code}）` }))}
            />
          </Form.Item>
        </Col>
        <Col xs={24} md={12}>
          <Form.Item name={['conditions', 'allowedScenarios']} label="限定应用场景">
            <Select
              mode="multiple"
              allowClear
              optionFilterProp="label"
              placeholder="不限"
              options={(scenarios.data?.items ?? []).filter((s) => !s.retired).map((s) => ({ value: s.id, label: s.name }))}
            />
          </Form.Item>
        </Col>
        <Col xs={24} md={12}>
          <Form.Item
            name={['conditions', 'allowedPurposes']}
            label="允许用途（输入后回车）"
            rules={[
              {
                validator: (_, v: string[] | undefined) =>
                  (v ?? []).some((p) => p.length > 200) ? Promise.reject(new Error('每项用途不超过 200 字')) : Promise.resolve(),
              },
            ]}
          >
            <Select mode="tags" allowClear placeholder="不限" open={false} suffixIcon={null} />
          </Form.Item>
        </Col>
        <Col xs={24} md={12}>
          <Form.Item
            name={['conditions', 'restrictedFields']}
            label="不予共享的数据项"
            rules={[
              {
                validator: (_, v: string[] | undefined) => {
                  const unknown = (v ?? []).filter((f) => !fieldNames.includes(f));
                  return unknown.length ? Promise.reject(new Error(`不是本资源的数据项：${unknown.join('、')}`)) : Promise.resolve();
                },
              },
            ]}
          >
            <Select mode="multiple" allowClear placeholder="无" options={fieldNames.map((f) => ({ value: f, label: f }))} />
          </Form.Item>
        </Col>
        <Col xs={24} md={12}>
          <Form.Item name={['conditions', 'maxUsageMonths']} label="最长使用期限（月）">
            <InputNumber min={1} max={120} precision={0} placeholder="不限" style={{ width: 160 }} />
          </Form.Item>
        </Col>
        <Col xs={24} md={12}>
          <Form.Item name={['conditions', 'legalBasisRequired']} valuePropName="checked">
            <Checkbox>申请须提供法律依据</Checkbox>
          </Form.Item>
        </Col>
        <Col xs={24} md={12}>
          <Form.Item name={['conditions', 'securityCommitmentRequired']} valuePropName="checked">
            <Checkbox>申请须签署数据安全承诺</Checkbox>
          </Form.Item>
        </Col>
      </Row>
      <Form.Item name="conditionNotes" label="共享条件说明" rules={[{ max: 2000, message: '不超过 2000 字' }]}>
        <Input.TextArea rows={2} maxLength={2000} showCount />
      </Form.Item>
    </Card>
  );
}

export function DatasetEditPage() {
  const { datasetId } = useParams();
  const editing = Boolean(datasetId);
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const { me, has } = useSession();
  const [form] = Form.useForm<EditValues>();
  const [baseVersion, setBaseVersion] = useState<number | null>(null);
  const [conflict, setConflict] = useState<Schemas['DatasetDetail'] | null>(null);
  const detail = useQuery({
    queryKey: ['dataset', datasetId],
    queryFn: () => unwrap(api.GET('/api/v1/datasets/{datasetId}', { params: { path: { datasetId: datasetId! } } })),
    enabled: editing,
  });
  // The form is filled once, from the version the owner starts from; later refetches never overwrite what is typed.
  useEffect(() => {
    if (detail.data && baseVersion === null) {
      form.setFieldsValue(valuesOf(detail.data.current.content));
      setBaseVersion(detail.data.current.version);
    }
  }, [detail.data, baseVersion, form]);
  const values = Form.useWatch([], form);
  const sharingType = Form.useWatch('sharingType', form);
  const libraryKind = Form.useWatch('libraryKind', form);
  const fieldNames = (values?.fields ?? []).map((f) => text(f?.name)).filter(Boolean);

  const save = useMutation({
    mutationFn: async ({ v, expectedVersion }: { v: EditValues; expectedVersion: number | null }) => {
      const content = contentOf(v);
      if (!editing) return unwrap(api.POST('/api/v1/datasets', { body: { code: text(v.code), content } }));
      // The API refuses an edit written against an older version (409 stale_version); saving over
      // it on purpose sends the version the owner has now been shown.
      const path = { datasetId: datasetId! };
      try {
        return await unwrap(
          api.PUT('/api/v1/datasets/{datasetId}', {
            params: { path, query: expectedVersion !== null ? { expectedVersion } : {} },
            body: content,
          }),
        );
      } catch (error) {
        if (!(error instanceof ApiError && error.code === 'stale_version')) throw error;
        return { conflict: await unwrap(api.GET('/api/v1/datasets/{datasetId}', { params: { path } })) };
      }
    },
    onSuccess: (result) => {
      if ('conflict' in result) {
        setConflict(result.conflict);
        return;
      }
      queryClient.setQueryData(['dataset', result.dataset.id], result);
      void queryClient.invalidateQueries({ queryKey: ['datasets'] });
      void navigate(`/catalogue/${result.dataset.id}`);
    },
    onError: (error) => {
      // The rule problems the API names go onto their fields too.
      const problems =
        error instanceof ApiError ? (error.details as { problems?: { path?: string; problem?: string }[] })?.problems : undefined;
      const byField = new Map<string, { name: (string | number)[]; errors: string[] }>();
      for (const p of problems ?? []) {
        const name = p.path ? formPath(p.path) : null;
        if (!name || !p.problem) continue;
        const entry = byField.get(JSON.stringify(name)) ?? { name, errors: [] };
        entry.errors.push(problemInChinese(p.problem) ?? p.problem);
        byField.set(JSON.stringify(name), entry);
      }
      if (byField.size) form.setFields([...byField.values()] as Parameters<typeof form.setFields>[0]);
    },
  });
  const [formProblem, setFormProblem] = useState<string | null>(null);
  const submit = (expectedVersion: number | null) => {
    setConflict(null);
    setFormProblem(null);
    form
      .validateFields()
      .then(() => {
        const v = form.getFieldsValue(true) as EditValues;
        const content = contentOf(v);
        if (content.sharingType === 'conditional' && Object.keys(content.conditions ?? {}).length === 0)
          setFormProblem('有条件共享的资源须至少填写一项共享条件');
        else save.mutate({ v, expectedVersion });
      })
      .catch(() => undefined);
  };

  if (editing && detail.error) return <ErrorAlert error={detail.error} />;
  if (editing && !detail.data) return <Card loading />;
  const dataset = detail.data?.dataset;
  const mayEdit = (has('reviewer') || has('dept_admin')) && (!dataset || dataset.ownerDepartmentId === me?.department.id);
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={2} style={{ fontSize: 20, margin: 0 }}>
        {editing ? `编辑数据资源：${dataset!.name}` : '新建数据资源'}
      </Typography.Title>
      {!mayEdit && (
        <Alert type="warning" showIcon message="只有数据责任部门的审核人或部门管理员可以编目和修改本部门的数据资源，提交可能被拒绝。" />
      )}
      {editing && (
        <Typography.Text>
          资源代码 {dataset!.code} · 基于第 {baseVersion} 版修改，保存后成为第 {(baseVersion ?? 0) + 1} 版
          {dataset!.lifecycle === 'published' ? '，立即在目录中生效' : '（草稿，发布后生效）'}
        </Typography.Text>
      )}
      {!editing && <Typography.Text>数据责任部门：{me?.department.name}。新建的资源为草稿，发布后在目录中可见。</Typography.Text>}
      <Form<EditValues>
        form={form}
        layout="vertical"
        initialValues={editing ? undefined : EMPTY}
        onFinish={() => submit(baseVersion)}
        onValuesChange={() => setFormProblem(null)}
        scrollToFirstError
      >
        <Card size="small" title="基本信息">
          <Row gutter={16}>
            {!editing && (
              <Col xs={24} md={8}>
                <Form.Item
                  name="code"
                  label="资源代码"
                  extra="2 至 40 位大写字母、数字或连字符，创建后不可更改"
                  normalize={(v: string) => v?.toUpperCase()}
                  rules={[
                    { required: true, message: '请填写资源代码' },
                    { pattern: CODE, message: '资源代码为 2 至 40 位大写字母、数字或连字符，以字母或数字开头' },
                  ]}
                >
                  <Input maxLength={40} placeholder="如：AMR-DJ-010" />
                </Form.Item>
              </Col>
            )}
            <Col xs={24} md={editing ? 12 : 8}>
              <Form.Item name="name" label="资源名称" rules={rulesFor('reviseDataset', 'name', '资源名称')}>
                <Input {...inputLimits('reviseDataset', 'name')} />
              </Form.Item>
            </Col>
            <Col xs={24} md={editing ? 12 : 8}>
              <Form.Item name="libraryKind" label="资源分类" rules={[{ required: true, message: '请选择资源分类' }]}>
                <Select options={Object.entries(LIBRARY_KIND_LABELS).map(([value, label]) => ({ value, label }))} />
              </Form.Item>
            </Col>
            {libraryKind === 'basic' && (
              <Col xs={24} md={8}>
                <Form.Item name="basicLibrary" label="基础库类别" rules={[{ required: true, message: '基础库资源须选择基础库类别' }]}>
                  <Select options={Object.entries(BASIC_LIBRARY_LABELS).map(([value, label]) => ({ value, label }))} />
                </Form.Item>
              </Col>
            )}
            <Col xs={24} md={8}>
              <Form.Item name="updateFrequency" label="更新频率" rules={[{ max: 40, message: '不超过 40 字' }]}>
                <Input maxLength={40} placeholder="如：每日" />
              </Form.Item>
            </Col>
            <Col xs={24} md={8}>
              <Form.Item name="sourceSystem" label="来源系统" rules={[{ max: 200, message: '不超过 200 字' }]}>
                <Input maxLength={200} />
              </Form.Item>
            </Col>
          </Row>
          <Form.Item name="description" label="资源摘要" rules={[{ max: 4000, message: '不超过 4000 字' }]}>
            <Input.TextArea rows={2} maxLength={4000} showCount />
          </Form.Item>
        </Card>
        <FieldsEditor />
        <Card size="small" title="共享属性" style={{ marginTop: 16 }}>
          <Form.Item name="sharingType" label="共享类型" rules={[{ required: true }]}>
            <Radio.Group options={Object.entries(SHARING_LABELS).map(([value, label]) => ({ value, label }))} />
          </Form.Item>
          {sharingType === 'conditional' && <ConditionsEditor fieldNames={fieldNames} />}
          {sharingType === 'not_shareable' && (
            <Card size="small" title="不予共享的法律依据">
              <Row gutter={16}>
                <Col xs={24} md={12}>
                  <Form.Item
                    name={['legalBasis', 'law']}
                    label="法律法规名称"
                    rules={[{ required: true, whitespace: true, message: '不予共享须填写禁止共享的法律法规' }, { max: 200 }]}
                  >
                    <Input maxLength={200} placeholder="如：《中华人民共和国人民警察法》" />
                  </Form.Item>
                </Col>
                <Col xs={24} md={6}>
                  <Form.Item name={['legalBasis', 'article']} label="条款" rules={[{ max: 100 }]}>
                    <Input maxLength={100} placeholder="如：第二十二条" />
                  </Form.Item>
                </Col>
                <Col xs={24} md={6}>
                  <Form.Item name={['legalBasis', 'prohibitsSharing']} label="明确禁止共享" valuePropName="checked">
                    <Checkbox>该条款明确禁止共享</Checkbox>
                  </Form.Item>
                </Col>
              </Row>
            </Card>
          )}
        </Card>
        <LineageEditor fieldNames={fieldNames} selfCode={dataset?.code ?? text(values?.code)} />
        <Space direction="vertical" style={{ width: '100%', marginTop: 16 }}>
          {conflict && (
            <Alert
              type="warning"
              showIcon
              role="alert"
              message={`该条目已被他人修改：当前为第 ${conflict.current.version} 版，您是基于第 ${baseVersion} 版修改的。`}
              description="您填写的内容都保留在上方，尚未保存。可先在新窗口查看最新版本，再决定是否以您的内容保存为新版本。"
              action={
                <Space direction="vertical">
                  <Link to={`/catalogue/${datasetId}`} target="_blank">
                    查看第 {conflict.current.version} 版
                  </Link>
                  <Button
                    size="small"
                    danger
                    onClick={() => {
                      setBaseVersion(conflict.current.version);
                      submit(conflict.current.version);
                    }}
                  >
                    仍以我的内容保存
                  </Button>
                </Space>
              }
            />
          )}
          {formProblem && <Alert type="error" showIcon role="alert" message={formProblem} />}
          <ErrorAlert error={withReadableProblems(save.error)} />
          <Space>
            <Button type="primary" htmlType="submit" loading={save.isPending}>
              {editing ? '保存为新版本' : '保存草稿'}
            </Button>
            <Link to={editing ? `/catalogue/${datasetId}` : '/catalogue'}>
              <Button>取消</Button>
            </Link>
          </Space>
        </Space>
      </Form>
    </Space>
  );
}
