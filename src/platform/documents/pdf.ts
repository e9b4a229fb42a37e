import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import path from 'node:path';
import PDFDocument from 'pdfkit';
import { ServiceUnavailableError } from '../errors.js';

/**
 * Printable records as A4 PDF documents: a title, the request number, a table of facts, sections
 * of Chinese text and the closing lines (落款), set in Noto Sans CJK SC and embedded as subsets.
 * It knows nothing of requests: a capability builds the `PrintableDocument` and files the bytes.
 */
export interface PrintableDocument {
  /** e.g. 数据共享书面说明 */
  title: string;
  /** The request number, e.g. GX-2026-000045, printed under the title and in every page's header. */
  number: string;
  /** Label/value pairs shown as a table under the title: 申请部门, 数据责任部门, 数据资源, 日期 … */
  facts: { label: string; value: string }[];
  /** Body sections: a heading and paragraphs (long Chinese text, may contain latin words, numbers, URLs), and optionally a table. */
  sections: { heading: string; paragraphs: string[]; table?: PrintableTable | undefined }[];
  /** Closing lines at the bottom right, e.g. the issuing department and the date (落款). */
  signature?: { lines: string[] } | undefined;
  /** Footer note, e.g. 本文件由公共数据共享平台生成 · 生成时间 … */
  footer?: string | undefined;
}

/** A ruled table under a section's paragraphs: a shaded header row, then one row per entry. */
export interface PrintableTable {
  header: string[];
  rows: string[][];
  /** Relative column widths (default: equal). */
  widths?: number[] | undefined;
}

export interface RenderOptions {
  /** The folder holding Debian's fonts-noto-cjk collections (config `documents.fontDir`). */
  fontDir: string;
  /** The creation date in the metadata (default: now). The same document and date give the same bytes. */
  createdAt?: Date | undefined;
}

/** The Simplified Chinese faces of the Noto Sans CJK collections, by PostScript name. */
export const DOCUMENT_FONTS = {
  regular: { file: 'NotoSansCJK-Regular.ttc', face: 'NotoSansCJKsc-Regular' },
  bold: { file: 'NotoSansCJK-Bold.ttc', face: 'NotoSansCJKsc-Bold' },
} as const;

const CM = 72 / 2.54;
/** 公文-like margins; the header and the footer sit inside the top and bottom ones. */
const MARGINS = { top: 2.7 * CM, bottom: 2.5 * CM, left: 2.5 * CM, right: 2.5 * CM };
const SIZE = { title: 20, number: 12, heading: 14, body: 12, fact: 11, margin: 9 };
/** Body lines at about 1.5 times the font size; paragraphs open with a two-character indent. */
const BODY = { lineGap: 6, paragraphGap: 6, indent: 2 * SIZE.body };
const COLOR = { text: '#000000', muted: '#555555', rule: '#999999', labelFill: '#f2f2f2' };

type Pdf = PDFKit.PDFDocument;

/** Renders the document as an A4 PDF; throws a 503 `document_fonts_missing` when the fonts are absent. */
export async function renderPdf(doc: PrintableDocument, options: RenderOptions): Promise<Buffer> {
  const fonts = await locateFonts(options.fontDir);
  const pdf = new PDFDocument({
    size: 'A4',
    margins: MARGINS,
    bufferPages: true,
    lang: 'zh-CN',
    displayTitle: true,
    pdfVersion: '1.7',
    info: {
      Title: doc.title,
      Subject: `${doc.title} ${doc.number}`,
      Keywords: doc.number,
      Creator: 'gongxiang',
      Producer: 'gongxiang (PDFKit)',
      CreationDate: options.createdAt ?? new Date(),
    },
  });
  const bytes = collect(pdf);
  try {
    registerFonts(pdf, fonts);
    writeTitle(pdf, doc);
    writeFacts(pdf, doc.facts);
    for (const section of doc.sections) writeSection(pdf, section);
    if (doc.signature && doc.signature.lines.length > 0) writeSignature(pdf, doc.signature.lines);
    writePageFrames(pdf, doc);
  } catch (error) {
    bytes.catch(() => undefined); // the half-written file is dropped; the cause is what counts
    pdf.end();
    throw error;
  }
  pdf.end();
  return bytes;
}

async function locateFonts(fontDir: string): Promise<{ regular: string; bold: string }> {
  const regular = path.join(fontDir, DOCUMENT_FONTS.regular.file);
  const bold = path.join(fontDir, DOCUMENT_FONTS.bold.file);
  const missing: string[] = [];
  for (const file of [regular, bold]) {
    await access(file, constants.R_OK).catch(() => missing.push(path.basename(file)));
  }
  if (missing.length > 0) throw fontsMissing(missing);
  return { regular, bold };
}

/** Names the missing files, not the server's folders: the answer goes to the caller. */
function fontsMissing(missing: string[]): ServiceUnavailableError {
  return new ServiceUnavailableError(
    'document_fonts_missing',
    'PDF documents cannot be made on this server: the Noto Sans CJK fonts are not installed ' +
      '(Debian package fonts-noto-cjk, or set DOCUMENT_FONT_DIR)',
    { missing },
  );
}

function registerFonts(pdf: Pdf, files: { regular: string; bold: string }): void {
  try {
    pdf.registerFont('body', files.regular, DOCUMENT_FONTS.regular.face);
    pdf.registerFont('bold', files.bold, DOCUMENT_FONTS.bold.face);
    // Loads the faces now, so that a file without them is told here, not as a broken page.
    pdf.font('bold').font('body');
  } catch (error) {
    // Files of that name that are not the collections (or lack the Simplified Chinese faces).
    const missing = [
      `${DOCUMENT_FONTS.regular.file} (${DOCUMENT_FONTS.regular.face})`,
      `${DOCUMENT_FONTS.bold.file} (${DOCUMENT_FONTS.bold.face})`,
    ];
    throw Object.assign(fontsMissing(missing), { cause: error });
  }
}

/** The whole file once PDFKit has written it. */
function collect(pdf: Pdf): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    pdf.on('data', (chunk: Buffer) => chunks.push(chunk));
    pdf.on('end', () => resolve(Buffer.concat(chunks)));
    pdf.on('error', reject);
  });
}

function contentWidth(pdf: Pdf): number {
  return pdf.page.width - pdf.page.margins.left - pdf.page.margins.right;
}

/** Starts a new page unless `height` points still fit above the bottom margin. */
function keepTogether(pdf: Pdf, height: number): void {
  if (pdf.y + height > pdf.page.maxY() && pdf.y > pdf.page.margins.top) pdf.addPage();
}

function writeTitle(pdf: Pdf, doc: PrintableDocument): void {
  const left = pdf.page.margins.left;
  const width = contentWidth(pdf);
  pdf.font('bold').fontSize(SIZE.title).fillColor(COLOR.text);
  pdf.text(doc.title, left, pdf.page.margins.top, { width, align: 'center' });
  pdf.moveDown(0.4);
  pdf.font('body').fontSize(SIZE.number).fillColor(COLOR.muted);
  pdf.text(`编号：${doc.number}`, left, pdf.y, { width, align: 'center' });
  pdf.fillColor(COLOR.text).moveDown(1.2);
}

/** Two columns, the labels shaded; a row never splits across pages. */
function writeFacts(pdf: Pdf, facts: PrintableDocument['facts']): void {
  if (facts.length === 0) return;
  const left = pdf.page.margins.left;
  const width = contentWidth(pdf);
  const labelWidth = Math.round(width * 0.26);
  const valueWidth = width - labelWidth;
  const pad = 6;
  pdf.font('body').fontSize(SIZE.fact).lineWidth(0.6);
  for (const { label, value } of facts) {
    const textOptions = { lineGap: 2 };
    const height =
      Math.max(
        pdf.heightOfString(label, { ...textOptions, width: labelWidth - 2 * pad }),
        pdf.heightOfString(value || ' ', { ...textOptions, width: valueWidth - 2 * pad }),
      ) +
      2 * pad;
    keepTogether(pdf, height);
    const top = pdf.y;
    pdf.rect(left, top, labelWidth, height).fillAndStroke(COLOR.labelFill, COLOR.rule);
    pdf.rect(left + labelWidth, top, valueWidth, height).stroke(COLOR.rule);
    pdf.fillColor(COLOR.text);
    pdf.text(label, left + pad, top + pad, { ...textOptions, width: labelWidth - 2 * pad });
    pdf.text(value, left + labelWidth + pad, top + pad, { ...textOptions, width: valueWidth - 2 * pad });
    pdf.x = left;
    pdf.y = top + height;
  }
  pdf.moveDown(1);
}

function writeSection(pdf: Pdf, section: PrintableDocument['sections'][number]): void {
  const left = pdf.page.margins.left;
  const width = contentWidth(pdf);
  pdf.font('bold').fontSize(SIZE.heading);
  const headingHeight = pdf.heightOfString(section.heading, { width });
  pdf.font('body').fontSize(SIZE.body);
  // A heading never ends a page: it keeps at least two lines of its text with it.
  keepTogether(pdf, SIZE.heading * 0.6 + headingHeight + 2 * (pdf.currentLineHeight() + BODY.lineGap));
  pdf.moveDown(0.5);
  pdf.font('bold').fontSize(SIZE.heading).fillColor(COLOR.text);
  pdf.text(section.heading, left, pdf.y, { width });
  pdf.moveDown(0.3);
  pdf.font('body').fontSize(SIZE.body);
  for (const paragraph of section.paragraphs) {
    pdf.text(paragraph, left, pdf.y, { width, indent: BODY.indent, lineGap: BODY.lineGap, paragraphGap: BODY.paragraphGap });
  }
  if (section.table) writeTable(pdf, section.table);
}

/** PDFKit's table, set smaller than the body; the header row shaded and marked as header cells. */
function writeTable(pdf: Pdf, table: PrintableTable): void {
  const left = pdf.page.margins.left;
  const width = contentWidth(pdf);
  const weights = table.widths ?? table.header.map(() => 1);
  const total = weights.reduce((a, b) => a + b, 0);
  pdf.moveDown(0.3);
  pdf.font('body').fontSize(SIZE.margin).fillColor(COLOR.text).lineWidth(0.5);
  pdf.table({
    position: { x: left, y: pdf.y },
    maxWidth: width,
    columnStyles: weights.map((w) => ({ width: (width * w) / total })),
    defaultStyle: { border: 0.5, borderColor: COLOR.rule, padding: 3 },
    data: [
      table.header.map((text) => ({ text, type: 'TH' as const, backgroundColor: COLOR.labelFill, font: { src: 'bold' } })),
      ...table.rows,
    ],
  });
  pdf.x = left;
  pdf.moveDown(0.5);
}

/** The closing lines (落款), right-aligned two characters in from the margin, kept on one page. */
function writeSignature(pdf: Pdf, lines: string[]): void {
  const left = pdf.page.margins.left;
  const width = contentWidth(pdf) - 2 * SIZE.body;
  pdf.font('body').fontSize(SIZE.body);
  const lineHeight = pdf.currentLineHeight() + BODY.lineGap;
  keepTogether(pdf, (lines.length + 2) * lineHeight);
  pdf.moveDown(2);
  for (const line of lines) pdf.text(line, left, pdf.y, { width, align: 'right', lineGap: BODY.lineGap });
}

/** The number in every page's header; the footer note and 第 N 页 共 M 页 in every footer. */
function writePageFrames(pdf: Pdf, doc: PrintableDocument): void {
  const { start, count } = pdf.bufferedPageRange();
  for (let index = start; index < start + count; index++) {
    pdf.switchToPage(index);
    const left = pdf.page.margins.left;
    const width = contentWidth(pdf);
    pdf.font('body').fontSize(SIZE.margin).fillColor(COLOR.muted).lineWidth(0.5);
    const lineHeight = pdf.currentLineHeight(true);
    // One line each, kept inside the margins (a given height stops PDFKit from adding pages).
    const oneLine = { height: lineHeight, lineBreak: true, ellipsis: true } as const;
    const headerY = pdf.page.margins.top - 1.2 * CM;
    pdf.text(doc.title, left, headerY, { ...oneLine, width: width * 0.6, align: 'left' });
    pdf.text(doc.number, left + width * 0.6, headerY, { ...oneLine, width: width * 0.4, align: 'right' });
    pdf
      .moveTo(left, headerY + lineHeight + 3)
      .lineTo(left + width, headerY + lineHeight + 3)
      .stroke(COLOR.rule);
    const footerY = pdf.page.height - pdf.page.margins.bottom + 0.9 * CM;
    pdf
      .moveTo(left, footerY - 5)
      .lineTo(left + width, footerY - 5)
      .stroke(COLOR.rule);
    const pageNumber = `第 ${index - start + 1} 页 共 ${count} 页`;
    const numberWidth = pdf.widthOfString(pageNumber) + 2;
    if (doc.footer) pdf.text(doc.footer, left, footerY, { ...oneLine, width: width - numberWidth - SIZE.margin * 2, align: 'left' });
    pdf.text(pageNumber, left + width - numberWidth, footerY, { ...oneLine, width: numberWidth, align: 'right' });
  }
  pdf.fillColor(COLOR.text);
}
