/**
 * The legal-basis register (法律依据库, pure rules): the instruments a refusal may rest on —
 * laws, administrative regulations, local regulations, rules and policy documents — each cited
 * at an article, and whether it explicitly prohibits sharing or aggregation. Only the register
 * says an instrument prohibits; nothing a refusing party writes can (DESIGN.md, refusal rules).
 */

/** 法律、行政法规、地方性法规、规章、政策文件 — in the order of their legal force. */
export const INSTRUMENT_KINDS = ['law', 'administrative_regulation', 'local_regulation', 'rule', 'policy_document'] as const;
export type InstrumentKind = (typeof INSTRUMENT_KINDS)[number];

export const INSTRUMENT_KIND_LABELS: Record<InstrumentKind, string> = {
  law: '法律',
  administrative_regulation: '行政法规',
  local_regulation: '地方性法规',
  rule: '规章',
  policy_document: '政策文件',
};

/** One version of a register entry, as its curator wrote it. */
export interface LegalBasisContent {
  kind: InstrumentKind;
  /** The instrument's title as published, in 《》. */
  title: string;
  /** Its document number (文号) where it has one, e.g. 国发〔2016〕51号. */
  documentNumber?: string | null | undefined;
  /** The article cited, e.g. 第二十五条 (a policy document may be cited as a whole). */
  article?: string | null | undefined;
  /** The provision's text, or its gist. */
  excerpt: string;
  /** Whether the provision explicitly prohibits sharing or aggregating the data. */
  prohibitsSharing: boolean;
  /** False once repealed or superseded: no new refusal may cite it. */
  inForce: boolean;
}

/** Every reason the content cannot be an entry; empty when it can. */
export function legalBasisProblems(content: LegalBasisContent): string[] {
  const problems: string[] = [];
  if (!/^《[^《》]+》/.test(content.title.trim())) problems.push('title: cite the instrument by its published title in 《》');
  if (!content.excerpt.trim()) problems.push('excerpt: quote the provision or state its gist');
  const article = content.article?.trim();
  if (content.kind !== 'policy_document' && !article)
    problems.push(`article: a ${INSTRUMENT_KIND_LABELS[content.kind]} is cited at its article (e.g. 第二十五条)`);
  if (content.prohibitsSharing && !article) problems.push('article: an explicit prohibition is cited at the article that states it');
  return problems;
}

/**
 * What a written explanation (书面说明) cites, fixed when it is filed: a register entry at the
 * version read then, or — for data catalogued not shareable — the dataset's catalogued basis.
 */
export type LegalCitation =
  | {
      source: 'register';
      entryId: string;
      version: number;
      kind: InstrumentKind;
      title: string;
      documentNumber: string | null;
      article: string | null;
      prohibitsSharing: boolean;
      inForce: boolean;
      /** The department of whoever wrote the cited version (a refuser's own department cannot make its own prohibition). */
      curatedByDepartmentId?: string | null | undefined;
    }
  | {
      source: 'catalogue';
      datasetId: string;
      datasetVersion: number;
      title: string;
      article: string | null;
    };

/** How a citation reads in a notice or on a printed explanation: 《统计法》第二十五条. */
export function citationText(citation: LegalCitation): string {
  return `${citation.title}${citation.article ?? ''}`;
}
