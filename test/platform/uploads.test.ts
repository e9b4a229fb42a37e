/**
 * Uploaded files are checked by their bytes against the declared media type
 * (src/platform/uploads.ts): each type the contract takes, with a real file of it, a web page
 * disguised as it, and the near misses (one Office package for another, a ZIP without OFD.xml,
 * text that is not UTF-8 or holds NUL).
 */
import t from 'tap';
import { checkUploadContent, isCheckedUploadType } from '../../src/platform/uploads.js';
import {
  DOCX,
  docxFile,
  htmlPage,
  JPEG,
  jpegFile,
  OFD,
  ofdFile,
  PDF,
  pdfFile,
  PNG,
  pngFile,
  XLSX,
  xlsxFile,
  zipFile,
} from '../helpers/files.js';

const CSV = 'text/csv';
const real: Array<[string, Buffer]> = [
  [PDF, pdfFile()],
  [JPEG, jpegFile()],
  [PNG, pngFile()],
  [DOCX, docxFile()],
  [XLSX, await xlsxFile()],
  [OFD, ofdFile()],
  [CSV, Buffer.from('\ufeff资源代码,资源名称\r\nA-1,户籍人口\r\n', 'utf8')],
];

const refusal = async (type: string, content: Buffer) => {
  try {
    await checkUploadContent(type, content);
    return null;
  } catch (error) {
    return error as { status: number; code: string; message: string; details: { declared: string; detected: string | null } };
  }
};

t.test('a real file of each declared type passes', async (t) => {
  for (const [type, content] of real) t.equal(await refusal(type, content), null, type);
});

t.test('a web page declared as any file type but CSV is 415 content_mismatch, naming both types', async (t) => {
  for (const [type] of real.filter(([type]) => type !== CSV)) {
    t.match(await refusal(type, htmlPage()), {
      status: 415,
      code: 'content_mismatch',
      message: new RegExp(`declared as ${type.replace(/[./+]/g, '\\$&')} .*detected: text/plain`),
      details: { declared: type, detected: 'text/plain' },
    });
  }
  // CSV has no signature: any UTF-8 text without NUL passes; the importer judges its rows.
  t.equal(await refusal(CSV, htmlPage()), null);
});

t.test('an Office package whose content types file-type cannot read is judged by its central directory', async (t) => {
  // No Override naming the main part: file-type calls it a plain zip.
  const plain = (mainPart: string) =>
    zipFile([
      ['[Content_Types].xml', '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'],
      [mainPart, '<?xml version="1.0"?><x/>'],
    ]);
  t.equal(await refusal(DOCX, plain('word/document.xml')), null);
  t.equal(await refusal(XLSX, plain('xl/workbook.xml')), null);
  t.match(
    await refusal(XLSX, plain('word/document.xml')),
    { details: { declared: XLSX, detected: 'application/zip' } },
    'the main part of its kind',
  );
  t.match(await refusal(DOCX, zipFile([['word/document.xml', '<x/>']])), { code: 'content_mismatch' }, 'and the content types');
});

t.test('near misses: another file type, another Office package, a ZIP without OFD.xml, text that is not UTF-8', async (t) => {
  t.match(await refusal(PDF, pngFile()), { details: { declared: PDF, detected: 'image/png' } });
  t.match(await refusal(PNG, jpegFile()), { details: { declared: PNG, detected: 'image/jpeg' } });
  t.match(await refusal(XLSX, docxFile()), { details: { declared: XLSX, detected: DOCX } });
  t.match(await refusal(DOCX, await xlsxFile()), { details: { declared: DOCX, detected: XLSX } });
  t.match(await refusal(OFD, docxFile()), { details: { declared: OFD, detected: DOCX } });
  t.match(
    await refusal(OFD, zipFile([['Doc_0/OFD.xml', '<x/>']])),
    { details: { declared: OFD, detected: 'application/zip' } },
    'OFD.xml at the root',
  );
  t.match(await refusal(CSV, pngFile()), { details: { declared: CSV, detected: 'image/png' } });
  t.match(await refusal(CSV, Buffer.from([0x61, 0x2c, 0xff, 0xfe])), { code: 'content_mismatch', details: { detected: null } });
  t.match(await refusal(CSV, Buffer.from('a,b\u0000\r\n', 'utf8')), { code: 'content_mismatch' }, 'NUL is not text');
  t.match(await refusal(PDF, Buffer.from([0, 1, 2, 3, 0xff])), { details: { detected: null } }, 'bytes of no known type');
});

t.test('an empty body is left to the service; a type without a check is a programming error', async (t) => {
  t.equal(await refusal(PNG, Buffer.alloc(0)), null);
  t.ok(isCheckedUploadType(OFD));
  t.notOk(isCheckedUploadType('text/html'));
  await t.rejects(checkUploadContent('text/html', htmlPage()), /no content check/);
});
