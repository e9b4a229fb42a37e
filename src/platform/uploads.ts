/**
 * Uploaded files checked by what they are, not only by what the caller says they are: a body
 * declared as `image/png` must be a PNG. The HTTP edge (http/plugins/contract-edge.ts) checks
 * every binary body of the contract here before any handler runs, so a file whose bytes do not
 * match its declared type is refused with 415 `content_mismatch` and nothing is stored.
 *
 * Signatures are read by `file-type` (magic bytes; inside ZIP packages, the Office Open XML
 * content types). Where file-type can only say `zip`, the package's central directory (read by
 * yauzl, nothing inflated) must list the kind's main parts: an OFD document (GB/T 33190), which
 * file-type does not know, has its entry point `OFD.xml` at its root; a DOCX or XLSX written as
 * a stream may hide its content types from file-type. A type without a signature is checked for
 * what it can be: CSV is UTF-8 text without NUL bytes.
 */
import { isUtf8 } from 'node:buffer';
import { fileTypeFromBuffer } from 'file-type';
import { fromBufferPromise } from 'yauzl';
import { AppError } from './errors.js';

type Check = (content: Buffer, detected: string | undefined) => Promise<boolean> | boolean;

/** A signature file-type must report (its `ext`); any of them. */
const detectedAs =
  (...extensions: string[]): Check =>
  (_content, detected) =>
    detected !== undefined && extensions.includes(detected);

/** Entries of a ZIP package looked through for its main parts (a package has a few dozen). */
const PACKAGE_ENTRIES_READ = 1_000;

/**
 * Whether a ZIP package lists every one of `names` in its central directory (read by yauzl;
 * nothing is inflated). False for anything that is not a readable ZIP.
 */
async function packageHas(content: Buffer, names: readonly string[]): Promise<boolean> {
  const missing = new Set(names);
  try {
    const zip = await fromBufferPromise(content, { lazyEntries: true });
    try {
      let read = 0;
      for await (const entry of zip.eachEntry()) {
        missing.delete(entry.fileName);
        if (!missing.size || ++read >= PACKAGE_ENTRIES_READ) break;
      }
    } finally {
      zip.close();
    }
  } catch {
    return false;
  }
  return missing.size === 0;
}

/**
 * An Office Open XML package of one kind: file-type reads its content types. A package it can
 * only call a `zip` — a streaming writer (exceljs's, say) puts sizes after each part and the
 * content types after a part too large for file-type to step over — is one when its central
 * directory lists the content types and the kind's main part.
 */
const officePackage =
  (extension: string, mainPart: string): Check =>
  async (content, detected) =>
    detected === extension || (detected === 'zip' && (await packageHas(content, ['[Content_Types].xml', mainPart])));

/**
 * How much of a ZIP file-type reads. It walks a package's entries from the start; an entry
 * written as a stream has no size up front, so file-type scans its bytes for the end — hundreds
 * of milliseconds of the event loop for a large sheet. Office writes its content types first,
 * so they fall within this; what does not is judged by the central directory (officePackage).
 */
const ZIP_SAMPLE_BYTES = 64 * 1024;
const ZIP_SIGNATURE = Buffer.from([0x50, 0x4b, 0x03, 0x04]);

/** UTF-8 text without NUL bytes: all that can be said of a CSV file before it is read. */
const isText = (content: Buffer): boolean => isUtf8(content) && !content.includes(0);

/** What each binary media type of the contract must look like. */
const UPLOAD_CHECKS: Record<string, { what: string; check: Check }> = {
  'application/pdf': { what: 'a PDF document', check: detectedAs('pdf') },
  'image/jpeg': { what: 'a JPEG image', check: detectedAs('jpg') },
  'image/png': { what: 'a PNG image', check: detectedAs('png', 'apng') },
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': {
    what: 'a DOCX document',
    check: officePackage('docx', 'word/document.xml'),
  },
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': {
    what: 'an XLSX workbook',
    check: officePackage('xlsx', 'xl/workbook.xml'),
  },
  // file-type knows no OFD: it reports a plain zip.
  'application/ofd': {
    what: 'an OFD package holding OFD.xml',
    check: async (content, detected) => detected === 'zip' && packageHas(content, ['OFD.xml']),
  },
  // Not "no signature detected": file-type reads two letters (BM, MZ) as a signature, which a CSV may start with.
  'text/csv': { what: 'UTF-8 text without NUL bytes', check: (content) => isText(content) },
};

/** Whether uploads of this media type (lower case, no parameters) can be checked by their content. */
export function isCheckedUploadType(mediaType: string): boolean {
  return mediaType in UPLOAD_CHECKS;
}

/** The body is not what its Content-Type declares. */
export class ContentMismatchError extends AppError {
  constructor(declared: string, detected: string | null, what: string) {
    super(415, 'content_mismatch', `The body is declared as ${declared} but is not ${what} (detected: ${detected ?? 'no known type'})`, {
      declared,
      detected,
    });
  }
}

/**
 * Throws ContentMismatchError unless `content` is a file of `mediaType` (lower case, without
 * parameters). An empty body is left to the service (it has its own answer for an empty file).
 */
export async function checkUploadContent(mediaType: string, content: Buffer): Promise<void> {
  const expected = UPLOAD_CHECKS[mediaType];
  if (!expected) throw new Error(`no content check for uploads of ${mediaType}`);
  if (content.length === 0) return;
  const detected = await fileTypeFromBuffer(
    content.subarray(0, ZIP_SIGNATURE.equals(content.subarray(0, 4)) ? ZIP_SAMPLE_BYTES : content.length),
  );
  if (!(await expected.check(content, detected?.ext))) {
    // What the bytes are instead: a signature's media type, or plain text (an HTML page, say), or unknown.
    throw new ContentMismatchError(mediaType, detected?.mime ?? (isText(content) ? 'text/plain' : null), expected.what);
  }
}
