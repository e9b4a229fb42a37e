/** The editable tables of a catalogue entry: its fields (数据项) and, for fused data, its lineage. */
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { Button, Card, Col, Form, Input, Row, Select, Space, Typography } from 'antd';
import { SENSITIVITY_LABELS } from './terms';

const SENSITIVITY_OPTIONS = Object.entries(SENSITIVITY_LABELS).map(([value, label]) => ({ value, label }));

export function FieldsEditor() {
  return (
    <Card size="small" title="数据项" style={{ marginTop: 16 }}>
      <Form.List
        name="fields"
        rules={[
          {
            validator: async (_, fields: unknown[] | undefined) => {
              if (!fields?.length) throw new Error('至少填写一个数据项');
              if (fields.length > 500) throw new Error('数据项不超过 500 个');
            },
          },
        ]}
      >
        {(rows, { add, remove }, { errors }) => (
          <>
            <Row gutter={8} style={{ fontWeight: 600, marginBottom: 4 }} aria-hidden>
              <Col xs={0} md={6}>
                名称
              </Col>
              <Col xs={0} md={4}>
                类型
              </Col>
              <Col xs={0} md={4}>
                敏感程度
              </Col>
              <Col xs={0} md={8}>
                说明
              </Col>
            </Row>
            {rows.map(({ key, name }, i) => (
              <Row gutter={8} key={key} align="top">
                <Col xs={24} md={6}>
                  <Form.Item
                    name={[name, 'name']}
                    dependencies={rows.map((r) => ['fields', r.name, 'name'])}
                    rules={[
                      { required: true, whitespace: true, message: '请填写数据项名称' },
                      { max: 100, message: '不超过 100 字' },
                      ({ getFieldValue }) => ({
                        validator: async (_, value: string | undefined) => {
                          const all = ((getFieldValue('fields') ?? []) as { name?: string }[]).map((f) => (f?.name ?? '').trim());
                          if (value?.trim() && all.filter((n) => n === value.trim()).length > 1) throw new Error('数据项名称重复');
                        },
                      }),
                    ]}
                  >
                    <Input aria-label={`第 ${i + 1} 个数据项的名称`} placeholder="名称" maxLength={100} />
                  </Form.Item>
                </Col>
                <Col xs={12} md={4}>
                  <Form.Item name={[name, 'type']} rules={[{ max: 40, message: '不超过 40 字' }]}>
                    <Input aria-label={`第 ${i + 1} 个数据项的类型`} placeholder="类型，如 string" maxLength={40} />
                  </Form.Item>
                </Col>
                <Col xs={12} md={4}>
                  <Form.Item name={[name, 'sensitivity']} rules={[{ required: true, message: '请选择敏感程度' }]}>
                    <Select aria-label={`第 ${i + 1} 个数据项的敏感程度`} options={SENSITIVITY_OPTIONS} />
                  </Form.Item>
                </Col>
                <Col xs={20} md={8}>
                  <Form.Item name={[name, 'description']} rules={[{ max: 500, message: '不超过 500 字' }]}>
                    <Input aria-label={`第 ${i + 1} 个数据项的说明`} placeholder="说明" maxLength={500} />
                  </Form.Item>
                </Col>
                <Col xs={4} md={2}>
                  <Button
                    aria-label={`删除第 ${i + 1} 个数据项`}
                    icon={<DeleteOutlined />}
                    disabled={rows.length <= 1}
                    onClick={() => remove(name)}
                  />
                </Col>
              </Row>
            ))}
            <Form.ErrorList errors={errors} />
            <Button
              icon={<PlusOutlined />}
              disabled={rows.length >= 500}
              onClick={() => add({ name: '', type: 'string', description: '', sensitivity: 'internal' })}
            >
              添加数据项
            </Button>
          </>
        )}
      </Form.List>
    </Card>
  );
}

/** A fused dataset names its sources: for each source dataset, this dataset's field ← the source's field. */
export function LineageEditor({ fieldNames, selfCode }: { fieldNames: string[]; selfCode: string }) {
  return (
    <Card size="small" title="融合来源（融合数据填写，选填）" style={{ marginTop: 16 }}>
      <Form.List name="lineage">
        {(sources, { add, remove }) => (
          <Space direction="vertical" style={{ width: '100%' }}>
            {sources.length === 0 && <Typography.Text>非融合数据无需填写。</Typography.Text>}
            {sources.map(({ key, name }, i) => (
              <Card
                key={key}
                size="small"
                type="inner"
                title={`来源 ${i + 1}`}
                extra={<Button size="small" aria-label={`删除来源 ${i + 1}`} icon={<DeleteOutlined />} onClick={() => remove(name)} />}
              >
                <Form.Item
                  name={[name, 'datasetCode']}
                  label="来源资源代码"
                  rules={[
                    { required: true, whitespace: true, message: '请填写来源资源代码' },
                    {
                      validator: async (_, v: string | undefined) => {
                        if (v && v.trim() === selfCode) throw new Error('资源不能以自身为来源');
                      },
                    },
                  ]}
                >
                  <Input style={{ maxWidth: 320 }} placeholder="如：PSB-RK-001" />
                </Form.Item>
                <Form.List
                  name={[name, 'pairs']}
                  rules={[
                    {
                      validator: async (_, pairs: unknown[] | undefined) => {
                        if (!pairs?.length) throw new Error('每个来源至少对应一个数据项');
                      },
                    },
                  ]}
                >
                  {(pairs, pairOps, { errors }) => (
                    <>
                      {pairs.map((pair, j) => (
                        <Row gutter={8} key={pair.key}>
                          <Col xs={11} md={8}>
                            <Form.Item name={[pair.name, 'target']} rules={[{ required: true, message: '请选择本资源的数据项' }]}>
                              <Select
                                aria-label={`来源 ${i + 1} 第 ${j + 1} 项：本资源的数据项`}
                                placeholder="本资源的数据项"
                                options={fieldNames.map((f) => ({ value: f, label: f }))}
                              />
                            </Form.Item>
                          </Col>
                          <Col xs={11} md={8}>
                            <Form.Item
                              name={[pair.name, 'from']}
                              rules={[{ required: true, whitespace: true, message: '请填写来源数据项' }]}
                            >
                              <Input aria-label={`来源 ${i + 1} 第 ${j + 1} 项：来源的数据项`} placeholder="来源的数据项" />
                            </Form.Item>
                          </Col>
                          <Col xs={2}>
                            <Button
                              aria-label={`删除来源 ${i + 1} 第 ${j + 1} 项`}
                              icon={<DeleteOutlined />}
                              onClick={() => pairOps.remove(pair.name)}
                            />
                          </Col>
                        </Row>
                      ))}
                      <Form.ErrorList errors={errors} />
                      <Button size="small" icon={<PlusOutlined />} onClick={() => pairOps.add({ target: undefined, from: '' })}>
                        添加对应数据项
                      </Button>
                    </>
                  )}
                </Form.List>
              </Card>
            ))}
            <Button icon={<PlusOutlined />} onClick={() => add({ datasetCode: '', pairs: [] })}>
              添加来源
            </Button>
          </Space>
        )}
      </Form.List>
    </Card>
  );
}
