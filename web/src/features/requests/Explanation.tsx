/**
 * The written explanation (书面说明) of a refusal: as filed (immutable, printable alone, and as the
 * API's PDF), and — on track 15, once the coordination decided not to share — the owner's form:
 * a legal basis from the register, or for data catalogued not shareable its catalogued basis,
 * the reasons and the alternatives offered.
 */
import { Alert, Card, Descriptions, Form, Input, Tag } from 'antd';
import { StatusTag } from '../../components/StatusTag';
import { inputLimits, rulesFor } from '../../lib/contract';
import { useDepartmentNames } from '../../lib/directory';
import { CONDITION_LABELS } from '../../lib/labels';
import { shanghaiTime } from '../../lib/time';
import { ActionDialog, ACTIONS, offered, type Detail } from './ActionDialog';
import { DocumentDownload, PrintableSection } from './Documents';
import { LegalBasisSelect } from './LegalBasisSelect';
import { useNoApplication } from './noApplication';

type Citation = NonNullable<Detail['explanation']>['legalBasis'];

export const citationText = (basis: Citation) => `${basis.title}${basis.article ?? ''}`;

/** A cited basis: the instrument and article, and where it comes from. */
export function Basis({ basis }: { basis: Citation }) {
  return (
    <>
      {citationText(basis)}
      {basis.source === 'register' && basis.prohibitsSharing && <StatusTag tone="red">明确禁止共享</StatusTag>}
      {basis.source === 'catalogue' && <Tag>编目登记的依据</Tag>}
    </>
  );
}

function FiledExplanation({ detail, explanation }: { detail: Detail; explanation: NonNullable<Detail['explanation']> }) {
  const departmentName = useDepartmentNames();
  const r = detail.request;
  return (
    <PrintableSection
      actions={
        <DocumentDownload
          requestId={r.id}
          document={{ kind: 'explanation' }}
          label="下载PDF"
          fileName={`书面说明-${r.number ?? r.id}.pdf`}
        />
      }
    >
      {(buttons) => (
        <Card size="small" title="书面说明（不予共享）" extra={buttons}>
          <Descriptions column={1} size="small" bordered>
            <Descriptions.Item label="申请编号">{r.number}</Descriptions.Item>
            <Descriptions.Item label="出具部门">{departmentName(r.ownerDepartmentId)}</Descriptions.Item>
            <Descriptions.Item label="需求部门">{departmentName(r.requesterDepartmentId)}</Descriptions.Item>
            <Descriptions.Item label="法律依据">
              <Basis basis={explanation.legalBasis} />
            </Descriptions.Item>
            {(r.track !== 15 || explanation.citedConditions.length > 0) && (
              <Descriptions.Item label="未满足的共享条件">
                {explanation.citedConditions.map((c) => CONDITION_LABELS[c] ?? c).join('、') || '—'}
              </Descriptions.Item>
            )}
            <Descriptions.Item label="理由">{explanation.reasons}</Descriptions.Item>
            <Descriptions.Item label="替代方案">{explanation.alternatives}</Descriptions.Item>
            <Descriptions.Item label="出具时间">{shanghaiTime(explanation.filedAt)}</Descriptions.Item>
          </Descriptions>
        </Card>
      )}
    </PrintableSection>
  );
}

function ExplanationForm({ detail }: { detail: Detail }) {
  const noApplication = useNoApplication(detail);
  const catalogued = detail.cataloguedLegalBasis;
  const operation = ACTIONS.file_explanation.operationId;
  // The catalogued basis serves unless the request is 免申即享 (only the register's word prohibits then).
  const mustPick = !catalogued || noApplication;
  const text = (name: string, label: string) => (
    <Form.Item name={name} label={label} rules={rulesFor(operation, name, label)}>
      <Input.TextArea rows={4} {...inputLimits(operation, name)} showCount />
    </Form.Item>
  );
  return (
    <ActionDialog detail={detail} action="file_explanation" button={{ type: 'primary' }} title="出具书面说明（不予共享）">
      <Form.Item
        name="legalBasisId"
        label="法律依据"
        rules={rulesFor(operation, 'legalBasisId', '法律依据', mustPick ? { required: true } : {})}
        extra={
          noApplication
            ? '该申请服务于免申即享场景：须选择法律依据库中明确禁止共享的条目'
            : catalogued
              ? `不选则引用编目时登记的依据：${catalogued.title}${catalogued.article ?? ''}`
              : undefined
        }
      >
        <LegalBasisSelect />
      </Form.Item>
      {text('reasons', '不予共享的理由')}
      {text('alternatives', '替代方案（如核验服务、减少数据项；无则填“无”）')}
    </ActionDialog>
  );
}

/** The explanation as filed, or — while it is due — who owes it, and the owner's form. */
export function WrittenExplanation({ detail }: { detail: Detail }) {
  const departmentName = useDepartmentNames();
  if (detail.explanation) return <FiledExplanation detail={detail} explanation={detail.explanation} />;
  if (detail.request.state !== 'explanation_due') return null;
  return (
    <Alert
      type="warning"
      showIcon
      message="经三方协调决定不予共享，待数据责任部门出具书面说明"
      description={`${departmentName(detail.request.ownerDepartmentId)}须在截止日 ${detail.request.deadlineDate ?? '—'} 前出具书面说明（法律依据、理由及替代方案）。`}
      action={offered(detail, 'file_explanation') ? <ExplanationForm detail={detail} /> : undefined}
    />
  );
}
