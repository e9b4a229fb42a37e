import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { loadConfig } from '../../../src/platform/config.js';
import { renderPdf, type PrintableDocument } from '../../../src/platform/documents/pdf.js';
import { closeRenderPool, renderPdfOffThread } from '../../../src/platform/documents/render-pool.js';
import { ServiceUnavailableError } from '../../../src/platform/errors.js';
import { signingKey } from '../../helpers/env.js';
import { pdfText, readPdf } from '../../helpers/pdf-text.js';

// The folder the platform reads (DOCUMENT_FONT_DIR or its default): ./scripts/test installs the fonts there.
const fontDir = loadConfig({
  TEMPORAL_ADDRESS: '127.0.0.1:7233',
  TOKEN_SIGNING_KEYS: signingKey(),
  DOCUMENT_FONT_DIR: process.env.DOCUMENT_FONT_DIR,
}).documents.fontDir;
const createdAt = new Date('2026-03-05T02:00:00Z');

const paragraph =
  '根据《上海市数据条例》第三十九条和《上海市公共数据共享管理办法》的规定，数据责任部门应当在收到共享申请之日起' +
  '十五个工作日内作出答复；不予共享的，应当书面说明理由并列明法律依据。经审查，本申请所涉数据资源“企业登记基本信息' +
  '（含统一社会信用代码、法定代表人、注册资本等字段）”属于有条件共享类，申请部门已说明使用场景、依据与安全保障措施，' +
  '接口说明见 https://data.sh.gov.cn/view/detail/index.html?type=cp&id=AB1234567890 与 API v2.3 文档。';

const document: PrintableDocument = {
  title: '数据共享书面说明',
  number: 'GX-2026-000045',
  facts: [
    { label: '申请部门', value: '上海市公安局' },
    { label: '数据责任部门', value: '上海市市场监督管理局' },
    { label: '数据资源', value: '企业登记基本信息（含统一社会信用代码、法定代表人、注册资本、经营范围、登记机关等字段）' },
    { label: '日期', value: '2026年3月5日' },
  ],
  sections: ['一、申请事项', '二、审查意见', '三、法律依据', '四、救济途径'].map((heading, i) => ({
    heading,
    paragraphs: [`${i + 1}号段落。${paragraph}`, paragraph.repeat(2), paragraph],
  })),
  signature: { lines: ['上海市市场监督管理局', '2026年3月5日'] },
  footer: '本文件由公共数据共享平台生成 · 生成时间 2026-03-05 10:00',
};

/** Line breaks and the spaces pdf.js puts between runs removed: what a reader sees, run together. */
const squeeze = (text: string) => text.replace(/\s+/g, '');

t.test('a long document is an A4 PDF over several pages, set in the embedded Noto Sans CJK SC', async (t) => {
  const pdf = await renderPdf(document, { fontDir, createdAt });
  if (process.env.PDF_TEST_OUT) writeFileSync(process.env.PDF_TEST_OUT, pdf);
  t.equal(pdf.subarray(0, 5).toString('latin1'), '%PDF-');
  const { pages, info } = await readPdf(pdf);
  t.ok(pages.length >= 3, `several pages (${pages.length})`);
  for (const page of pages) t.same([page.width, page.height], [595.28, 841.89], 'A4');
  const bytes = pdf.toString('latin1');
  t.match(bytes, /\/FontName \/[A-Z]{6}\+NotoSansCJKsc-Regular/, 'the regular face is embedded as a subset');
  t.match(bytes, /\/FontName \/[A-Z]{6}\+NotoSansCJKsc-Bold/, 'the bold face is embedded as a subset');
  t.match(bytes, /\/FontFile3/, 'the font program itself is in the file');
  t.match(info, { Title: '数据共享书面说明', Creator: 'gongxiang', Language: 'zh-CN' });
  t.match(info.Subject, /GX-2026-000045/);

  const text = await pdfText(pdf);
  const squeezed = squeeze(text);
  t.ok(squeezed.includes('数据共享书面说明'), 'the title');
  t.ok(squeezed.includes('编号：GX-2026-000045'), 'the number under the title');
  t.ok(squeezed.includes('上海市市场监督管理局') && squeezed.includes('企业登记基本信息（含统一社会信用代码'), 'the facts');
  t.ok(squeezed.includes('四、救济途径'), 'the last heading');
  t.ok(squeezed.includes(squeeze(`4号段落。${paragraph}`)), 'a whole paragraph, Chinese, latin and the URL, in order');
  t.ok(squeezed.includes('2026年3月5日'), 'the signature');
  pages.forEach((page, i) => {
    t.ok(page.text.includes(`第 ${i + 1} 页 共 ${pages.length} 页`), `page ${i + 1} is numbered`);
    t.ok(page.text.includes('GX-2026-000045'), `page ${i + 1} carries the number in its header`);
    t.ok(page.text.includes('本文件由公共数据共享平台生成'), `page ${i + 1} carries the footer note`);
  });
  const lineStarts = text.split('\n').map((line) => line.trim().charAt(0));
  t.same(
    lineStarts.filter((c) => c !== '' && '，。、；：！？）》”'.includes(c)),
    [],
    'no line starts with closing Chinese punctuation',
  );
});

t.test('the fonts are subset: a one-page document stays small', async (t) => {
  const pdf = await renderPdf({ title: '协调会议纪要', number: 'GX-2026-000046', facts: [], sections: [] }, { fontDir });
  const { pages } = await readPdf(pdf);
  t.equal(pages.length, 1);
  // Each face keeps the glyphs used and the CFF's shared subroutines (about 55 kB compressed);
  // the two collections weigh 40 MB.
  t.ok(pdf.length < 150_000, `${pdf.length} bytes`);
  t.match(squeeze(pages[0]!.text), /协调会议纪要.*第1页共1页/);
});

t.test('the same document and creation date give the same bytes', async (t) => {
  const [first, second] = [await renderPdf(document, { fontDir, createdAt }), await renderPdf(document, { fontDir, createdAt })];
  t.ok(first.equals(second));
});

t.test('without the fonts the answer is a 503 document_fonts_missing, not a PDF of boxes', async (t) => {
  const missing = { status: 503, code: 'document_fonts_missing' };
  const nowhere = t.testdir({});
  await t.rejects(renderPdf(document, { fontDir: join(nowhere, 'noto') }), ServiceUnavailableError);
  await t.rejects(renderPdf(document, { fontDir: nowhere }), {
    ...missing,
    details: { missing: ['NotoSansCJK-Regular.ttc', 'NotoSansCJK-Bold.ttc'] },
  });
  const notFonts = t.testdir({ 'NotoSansCJK-Regular.ttc': 'not a font', 'NotoSansCJK-Bold.ttc': 'not a font' });
  await t.rejects(renderPdf(document, { fontDir: notFonts }), missing, 'files of that name that are no font collections');
});

t.test('off the event loop: a worker thread renders the same document, and its refusal arrives typed', async (t) => {
  t.teardown(closeRenderPool);
  const createdAt = new Date('2026-03-05T02:00:00Z');
  const [inline, offThread] = await Promise.all([
    renderPdf(document, { fontDir, createdAt }),
    renderPdfOffThread(document, { fontDir, createdAt }),
  ]);
  t.ok(Buffer.isBuffer(offThread), 'a Buffer, as the inline renderer answers');
  t.ok(offThread.equals(inline), 'byte for byte the same document');
  const nowhere = t.testdir({});
  await t.rejects(renderPdfOffThread(document, { fontDir: nowhere }), {
    status: 503,
    code: 'document_fonts_missing',
    details: { missing: ['NotoSansCJK-Regular.ttc', 'NotoSansCJK-Bold.ttc'] },
  });
});
