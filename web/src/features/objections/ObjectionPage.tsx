/**
 * One objection: what is disputed and why, the evidence, the mark (异议标注), the trace chain of
 * fused data, each source department's verification task with its deadline, the history — and what
 * the caller may do now. The dossier downloads as a PDF (and the page prints).
 */
import { PaperClipOutlined, PrinterOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Alert, Button, Card, Descriptions, List, Space, Table, Timeline, Typography } from 'antd';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { EmptyText } from '../../components/EmptyText';
import { ErrorAlert } from '../../components/ErrorAlert';
import { StatusTag } from '../../components/StatusTag';
import { Supervisions } from '../../components/Supervisions';
import { api, saveFile, unwrap, unwrapResponse } from '../../lib/api';
import { shanghaiTime } from '../../lib/time';
import { ObjectionActions, TaskActions } from './ObjectionActions';
import { EVENT_LABELS, PARTY_LABELS, RESULT_LABELS, STATE_LABELS, STATE_TONES, STEP_LABELS, type ObjectionDetail } from './terms';

type Task = ObjectionDetail['tasks'][number];
type Hop = NonNullable<ObjectionDetail['trace']>[number];

function Step({ step }: { step: NonNullable<ObjectionDetail['objection']['step']> }) {
  return (
    <Space size={4} wrap>
      <span>{`${STEP_LABELS[step.step] ?? step.step}（${PARTY_LABELS[step.chargedParty] ?? step.chargedParty}）`}</span>
      <span>{`办理期限 ${step.deadlineDate}`}</span>
      {step.overdue ? <StatusTag tone="red">超期</StatusTag> : <span>{`剩 ${step.workingDaysRemaining} 个工作日`}</span>}
      {step.supervisionLevel > 0 && <StatusTag tone="red">{`${step.supervisionLevel} 级督办`}</StatusTag>}
    </Space>
  );
}

function TraceTable({ hops }: { hops: Hop[] }) {
  return (
    <Table<Hop>
      size="small"
      rowKey={(h) => `${h.datasetCode}.${h.field}`}
      pagination={false}
      dataSource={hops}
      columns={[
        { title: '数据资源', key: 'dataset', render: (_, h) => `${h.datasetName}（${h.datasetCode}）` },
        { title: '字段', dataIndex: 'field' },
        { title: '来源于', key: 'feeds', render: (_, h) => (h.feeds ? `供给 ${h.feeds.datasetCode}.${h.feeds.field}` : '异议字段') },
        { title: '核实', key: 'origin', render: (_, h) => (h.origin ? <StatusTag tone="blue">源头</StatusTag> : '—') },
      ]}
    />
  );
}

function Tasks({ detail }: { detail: ObjectionDetail }) {
  return (
    <Table<Task>
      size="small"
      rowKey="id"
      pagination={false}
      dataSource={detail.tasks}
      scroll={{ x: 900 }}
      locale={{ emptyText: <EmptyText>尚未交源头部门核实</EmptyText> }}
      columns={[
        { title: '轮次', dataIndex: 'round', width: 60 },
        { title: '核实部门', key: 'department', render: (_, t) => t.department.name },
        { title: '核实数据', key: 'items', render: (_, t) => t.items.map((i) => `${i.datasetCode}.${i.field}`).join('、') },
        {
          title: '结论',
          key: 'outcome',
          render: (_, t) =>
            t.outcome === 'corrected' ? (
              `已更正：${t.valueBefore ?? '—'} → ${t.valueAfter ?? '—'}（${t.correctionReference ?? ''}）`
            ) : t.outcome === 'confirmed_accurate' ? (
              `经核实无误：${t.explanation ?? ''}`
            ) : (
              <Step step={t.step} />
            ),
        },
        { title: '操作', key: 'actions', width: 200, render: (_, t) => <TaskActions detail={detail} task={t} /> },
      ]}
    />
  );
}

export function ObjectionPage() {
  const { objectionId = '' } = useParams();
  const [downloadError, setDownloadError] = useState<unknown>(null);
  const query = useQuery({
    queryKey: ['objection', objectionId],
    queryFn: () => unwrap(api.GET('/api/v1/objections/{objectionId}', { params: { path: { objectionId } } })),
  });
  if (!query.data) return <ErrorAlert error={query.error} />;
  const detail = query.data;
  const o = detail.objection;
  const dossier = async () => {
    setDownloadError(null);
    try {
      const { data } = await unwrapResponse(
        api.GET('/api/v1/objections/{objectionId}/dossier', { params: { path: { objectionId } }, parseAs: 'blob' }),
      );
      saveFile(data, `异议核实档案-${o.number}.pdf`);
    } catch (error) {
      setDownloadError(error);
    }
  };
  const evidence = async (evidenceId: string, fileName: string) => {
    setDownloadError(null);
    try {
      const { data } = await unwrapResponse(
        api.GET('/api/v1/objections/{objectionId}/evidence/{evidenceId}', {
          params: { path: { objectionId, evidenceId } },
          parseAs: 'blob',
        }),
      );
      saveFile(data, fileName);
    } catch (error) {
      setDownloadError(error);
    }
  };
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Space style={{ justifyContent: 'space-between', width: '100%' }} wrap>
        <Typography.Title level={2} style={{ fontSize: 20, margin: 0 }}>
          异议 {o.number} <StatusTag tone={STATE_TONES[o.state]}>{STATE_LABELS[o.state]}</StatusTag>
          {o.marked && <StatusTag tone="orange">数据已标注</StatusTag>}
        </Typography.Title>
        <Space wrap>
          <ObjectionActions detail={detail} />
          <Button icon={<PrinterOutlined />} onClick={() => void dossier()}>
            下载档案
          </Button>
        </Space>
      </Space>
      <ErrorAlert error={downloadError} />
      {o.step && <Alert type={o.step.overdue ? 'error' : 'info'} showIcon message={<Step step={o.step} />} />}
      {o.result && <Alert type="success" showIcon message={`核实结果：${RESULT_LABELS[o.result]}`} />}
      <Card size="small" title="异议内容">
        <Descriptions size="small" bordered column={{ xs: 1, md: 2 }}>
          <Descriptions.Item label="提出部门">{o.objectorDepartment.name}</Descriptions.Item>
          <Descriptions.Item label="数据责任部门">{o.ownerDepartment.name}</Descriptions.Item>
          <Descriptions.Item label="数据资源">{`${o.dataset.name}（${o.dataset.code}，第 ${o.dataset.version} 版）`}</Descriptions.Item>
          <Descriptions.Item label="授权">
            <Link to={`/grants/${o.grant.id}`}>{o.grant.number}</Link>
          </Descriptions.Item>
          <Descriptions.Item label="记录">{o.recordKey}</Descriptions.Item>
          <Descriptions.Item label="字段">{o.field}</Descriptions.Item>
          <Descriptions.Item label="收到的值">{detail.valueReceived || '（空）'}</Descriptions.Item>
          <Descriptions.Item label="认为正确的值">{detail.valueClaimed || '（空）'}</Descriptions.Item>
          <Descriptions.Item label="理由" span={2}>
            {detail.reason}
          </Descriptions.Item>
          <Descriptions.Item label="提出时间">{shanghaiTime(o.raisedAt)}</Descriptions.Item>
          <Descriptions.Item label="数据标注">
            {detail.mark
              ? detail.mark.revokedAt
                ? `${shanghaiTime(detail.mark.setAt)} 标注，${shanghaiTime(detail.mark.revokedAt)} 撤销`
                : `${shanghaiTime(detail.mark.setAt)} 起标注`
              : '未标注'}
          </Descriptions.Item>
        </Descriptions>
      </Card>
      <Card size="small" title="证明材料">
        <List
          size="small"
          dataSource={detail.evidence}
          locale={{ emptyText: <EmptyText>未提供证明材料</EmptyText> }}
          renderItem={(e) => (
            <List.Item>
              <Button
                type="link"
                icon={<PaperClipOutlined />}
                onClick={() => void evidence(e.id, e.fileName)}
                aria-label={`下载证明材料 ${e.fileName}`}
              >
                {e.fileName}
              </Button>
              <Typography.Text type="secondary">{`${(e.sizeBytes / 1024).toFixed(1)} KB · SHA-256 ${e.sha256.slice(0, 12)}…`}</Typography.Text>
            </List.Item>
          )}
        />
      </Card>
      {(detail.trace ?? detail.traceProposal) && (
        <Card size="small" title={detail.trace ? '溯源链' : '溯源链（按数据资源目录血缘关系，待中心确认）'}>
          <TraceTable hops={(detail.trace ?? detail.traceProposal)!} />
        </Card>
      )}
      <Card size="small" title="核实任务">
        <Tasks detail={detail} />
      </Card>
      <Supervisions supervisions={detail.supervisions} queryKeys={[['objection', detail.objection.id], ['objections']]} />
      <Card size="small" title="办理过程">
        <Timeline
          items={detail.events.map((e) => ({
            children: (
              <Space direction="vertical" size={0}>
                <Typography.Text strong>{`${shanghaiTime(e.at)} ${EVENT_LABELS[e.kind] ?? e.kind}`}</Typography.Text>
                <Typography.Text type="secondary">
                  {e.actorDepartment?.name ?? PARTY_LABELS[e.party] ?? e.party}
                  {e.toState && e.fromState !== e.toState ? ` · ${STATE_LABELS[e.toState as keyof typeof STATE_LABELS] ?? e.toState}` : ''}
                </Typography.Text>
                {e.reason && <Typography.Text>{e.reason}</Typography.Text>}
              </Space>
            ),
          }))}
        />
      </Card>
    </Space>
  );
}
