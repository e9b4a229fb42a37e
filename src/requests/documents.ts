/**
 * The records a civil servant files on paper, as printable documents: the written explanation
 * (书面说明), the minutes of a coordination meeting (会议纪要) and the competent authority's decision
 * on a dispute (争议裁决) — each with the request number, the parties, the dates, the legal basis
 * and the reasons. The platform's renderer makes the A4 PDF.
 */
import { and, eq, inArray } from 'drizzle-orm';
import { shanghaiDate } from '../calendar/rules/shanghai-time.js';
import { citationText, type LegalCitation } from '../legal-basis/rules/register.js';
import type { Db } from '../platform/db/client.js';
import { datasetVersions, departments, writtenExplanations } from '../platform/db/schema.js';
import type { PrintableDocument } from '../platform/documents/pdf.js';
import { NotFoundError } from '../platform/errors.js';
import { disputeOf, meetingOf } from './coordination.js';
import type { RequestRow, RoutingSnapshot } from './filing.js';

export type DocumentKind = 'explanation' | 'minutes' | 'dispute_decision';

/** 2026年12月2日, in Asia/Shanghai. */
export function chineseDate(at: Date): string {
  const [year, month, day] = shanghaiDate(at).split('-').map(Number);
  return `${year}年${month}月${day}日`;
}

/** 2026年12月2日 14:30, in Asia/Shanghai. */
export const chineseTime = (at: Date) => `${chineseDate(at)} ${new Date(at.getTime() + 8 * 3600_000).toISOString().slice(11, 16)}`;

const KIND_LABELS: Record<string, string> = {
  law: '法律',
  administrative_regulation: '行政法规',
  local_regulation: '地方性法规',
  rule: '规章',
  policy_document: '政策文件',
};

/** The basis as a line of a document: the instrument, its article, its kind or the catalogue it came from. */
export function basisLine(basis: LegalCitation): string {
  if (basis.source === 'register')
    return `${citationText(basis)}（${KIND_LABELS[basis.kind] ?? basis.kind}${basis.documentNumber ? `，${basis.documentNumber}` : ''}${
      basis.prohibitsSharing ? '，明确禁止共享' : ''
    }；法律依据库第 ${basis.version} 版）`;
  return `${citationText(basis)}（数据资源目录编目依据，目录第 ${basis.datasetVersion} 版）`;
}

async function parties(db: Db, row: RequestRow) {
  const snapshot = row.snapshot as RoutingSnapshot;
  const [names, [version]] = await Promise.all([
    db
      .select({ id: departments.id, name: departments.name })
      .from(departments)
      .where(inArray(departments.id, [row.requesterDepartmentId, row.ownerDepartmentId])),
    db
      .select({ name: datasetVersions.name })
      .from(datasetVersions)
      .where(and(eq(datasetVersions.datasetId, row.datasetId), eq(datasetVersions.version, snapshot.datasetVersion))),
  ]);
  const name = (id: string) => names.find((d) => d.id === id)?.name ?? id;
  return {
    requester: name(row.requesterDepartmentId),
    owner: name(row.ownerDepartmentId),
    facts: [
      { label: '申请编号', value: row.number! },
      { label: '需求部门', value: name(row.requesterDepartmentId) },
      { label: '数据责任部门', value: name(row.ownerDepartmentId) },
      { label: '数据资源', value: `${version?.name ?? row.datasetId}（目录第 ${snapshot.datasetVersion} 版）` },
      { label: '申请字段', value: row.fields.join('、') },
      { label: '申请用途', value: row.purpose },
      { label: '提交日期', value: row.filedAt ? chineseDate(row.filedAt) : '' },
    ],
  };
}

const NUMERALS = ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];

/** Sections numbered 一、二、… in the order they appear (some appear only when they have content). */
const numbered = (sections: PrintableDocument['sections']): PrintableDocument['sections'] =>
  sections.map((section, i) => ({ ...section, heading: `${NUMERALS[i] ?? i + 1}、${section.heading}` }));

/** A stored text as paragraphs, one per line the author wrote. */
const paragraphs = (text: string) => text.split(/\n+/);

const FOOTER = (now: Date) => `本文件由公共数据共享平台生成 · 生成时间 ${chineseTime(now)}`;

async function explanationDocument(db: Db, row: RequestRow, now: Date): Promise<PrintableDocument> {
  const [explanation] = await db.select().from(writtenExplanations).where(eq(writtenExplanations.requestId, row.id));
  if (!explanation) throw new NotFoundError('explanation_not_found', 'No written explanation has been filed on this request');
  const who = await parties(db, row);
  const basis = explanation.legalBasis as LegalCitation;
  return {
    title: '数据共享书面说明',
    number: row.number!,
    facts: [...who.facts, { label: '说明日期', value: chineseDate(explanation.filedAt) }],
    sections: numbered([
      { heading: '法律依据', paragraphs: [basisLine(basis)] },
      ...(explanation.citedConditions.length
        ? [{ heading: '不满足的共享条件', paragraphs: [explanation.citedConditions.join('、')] }]
        : []),
      { heading: '理由', paragraphs: paragraphs(explanation.reasons) },
      { heading: '替代方案', paragraphs: paragraphs(explanation.alternatives) },
    ]),
    signature: { lines: [who.owner, chineseDate(explanation.filedAt)] },
    footer: FOOTER(now),
  };
}

async function minutesDocument(db: Db, row: RequestRow, meetingId: string, now: Date): Promise<PrintableDocument> {
  const { meeting, minutes } = await meetingOf(db, row.id, meetingId);
  if (!minutes) throw new NotFoundError('minutes_not_found', 'The minutes of this meeting have not been recorded');
  const who = await parties(db, row);
  return {
    title: '数据共享三方协调会议纪要',
    number: row.number!,
    facts: [
      ...who.facts,
      { label: '会议时间', value: chineseTime(meeting.startsAt) },
      { label: '会议地点', value: [meeting.place, meeting.link].filter(Boolean).join('；') },
      { label: '参会单位', value: meeting.participants.join('、') },
      ...(minutes.attendees.length ? [{ label: '出席人员', value: minutes.attendees.join('、') }] : []),
    ],
    sections: [
      ...(meeting.agenda ? [{ heading: '会议议题', paragraphs: paragraphs(meeting.agenda) }] : []),
      { heading: '会议纪要', paragraphs: paragraphs(minutes.minutes) },
    ],
    signature: { lines: ['市大数据中心', chineseDate(minutes.recordedAt)] },
    footer: FOOTER(now),
  };
}

async function disputeDecisionDocument(db: Db, row: RequestRow, now: Date): Promise<PrintableDocument> {
  const dispute = await disputeOf(db, row.id);
  if (!dispute?.decision) throw new NotFoundError('dispute_decision_not_found', 'No dispute on this request has been decided');
  const who = await parties(db, row);
  const [authority] = await db
    .select({ name: departments.name })
    .from(departments)
    .where(eq(departments.id, dispute.decision.departmentId));
  const [explanation] = await db.select().from(writtenExplanations).where(eq(writtenExplanations.requestId, row.id));
  const decided = new Date(dispute.decision.decidedAt);
  return {
    title: '数据共享争议裁决书',
    number: row.number!,
    facts: [
      ...who.facts,
      { label: '争议提出方', value: dispute.party === 'requester' ? who.requester : '市大数据中心' },
      { label: '提出日期', value: chineseDate(new Date(dispute.raisedAt)) },
      { label: '裁决日期', value: chineseDate(decided) },
    ],
    sections: numbered([
      ...(explanation
        ? [{ heading: '原不予共享的依据', paragraphs: [basisLine(explanation.legalBasis as LegalCitation), explanation.reasons] }]
        : []),
      { heading: '争议理由', paragraphs: paragraphs(dispute.reasons) },
      {
        heading: '裁决结果',
        paragraphs: [
          dispute.decision.decision === 'upheld'
            ? '维持不予共享的决定。'
            : '责令共享：数据责任部门应按申请予以共享，市大数据中心按时限供数。',
        ],
      },
      { heading: '裁决理由', paragraphs: paragraphs(dispute.decision.reasons) },
    ]),
    signature: { lines: [authority?.name ?? '公共数据主管部门', chineseDate(decided)] },
    footer: FOOTER(now),
  };
}

/** The document of that kind for the request (404 when it does not exist yet), and the file name to save it as. */
export async function requestDocument(
  db: Db,
  row: RequestRow,
  kind: DocumentKind,
  now: Date,
  meetingId?: string,
): Promise<{ fileName: string; document: PrintableDocument }> {
  if (kind === 'explanation') return { fileName: `${row.number}-书面说明.pdf`, document: await explanationDocument(db, row, now) };
  if (kind === 'minutes') return { fileName: `${row.number}-会议纪要.pdf`, document: await minutesDocument(db, row, meetingId!, now) };
  return { fileName: `${row.number}-争议裁决书.pdf`, document: await disputeDecisionDocument(db, row, now) };
}
