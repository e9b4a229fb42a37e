/**
 * Uploaded files checked by what they are, not only by what the caller says they are: a body
 * declared as `image/png` must be a PNG. The HTTP edge (http/plugins/contract-edge.ts) checks
 * every binary body of the contract here before any handler runs, so a file whose bytes do not
 * match its declared type is refused with 415 `content_mismatch` and nothing is stored.
 *
 * Signatures are read by `file-type` (magic bytes; inside ZIP packages, the Office Open XML
 * content types). A type without a signature is checked for what it can be checked for: CSV is
 * UTF-8 text without NUL bytes. An OFD document (GB/T 33190) is a ZIP package whose entry point
 * is `OFD.xml` at its root: file-type reports it as a plain `zip`, so the package's central
 * directory (read by yauzl, nothing inflated) must list that entry.
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

/** Entries of an OFD package looked through for its entry point (it is usually the first). */
const OFD_ENTRIES_READ = 1_000;

async function isOfdPackage(content: Buffer, detected: string | undefined): Promise<boolean> {
  if (detected !== 'zip') return false;
  try {
    const zip = await fromBufferPromise(content, { lazyEntries: true });
    try {
      let read = 0;
      for await (const entry of zip.eachEntry()) {
        if (entry.fileName === 'OFD.xml') return true;
        if (++read >= OFD_ENTRIES_READ) break;
      }
      return false;
    } finally {
      zip.close();
    }
  } catch {
    return false; // not a readable ZIP directory
  }
}

/** UTF-8 text without NUL bytes: all that can be said of a CSV file before it is read. */
const isText = (content: Buffer): boolean => isUtf8(content) && !content.includes(0);

/** What each binary media type of the contract must look like. */
const UPLOAD_CHECKS: Record<string, { what: string; check: Check }> = {
  'application/pdf': { what: 'a PDF document', check: detectedAs('pdf') },
  'image/jpeg': { what: 'a JPEG image', check: detectedAs('jpg') },
  'image/png': { what: 'a PNG image', check: detectedAs('png', 'apng') },
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': { what: 'a DOCX document', check: detectedAs('docx') },
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': { what: 'an XLSX workbook', check: detectedAs('xlsx') },
  'application/ofd': { what: 'an OFD package holding OFD.xml', check: isOfdPackage },
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
  const detected = await fileTypeFromBuffer(content);
  if (!(await expected.check(content, detected?.ext))) {
    // What the bytes are instead: a signature's media type, or plain text (an HTML page, say), or unknown.
    throw new ContentMismatchError(mediaType, detected?.mime ?? (isText(content) ? 'text/plain' : null), expected.what);
  }
}
