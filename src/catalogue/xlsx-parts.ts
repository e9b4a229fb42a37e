/**
 * The parts of an XLSX package (a ZIP file) that an import reads, unpacked within a bound.
 *
 * exceljs's streaming WorkbookReader pipes the file through unzipper's `Parse`, which walks the
 * local file headers in file order and inflates every entry without a limit: entries it does not
 * use are inflated and discarded, a worksheet that comes before `xl/sharedStrings.xml` (Excel's
 * own order, and exceljs's) is first inflated in full into a temporary file, and a declared size
 * is never checked against what comes out. Given an upload as it is, a small file that inflates
 * to gigabytes would be unpacked all the same.
 *
 * So the reader is never given the upload. yauzl reads the central directory (the ZIP's
 * authoritative list) for what each part declares to unpack to; the sum of the parts to read is
 * checked before anything is inflated, and yauzl inflates each part as the reader asks for more,
 * failing the moment it passes its declared size. The reader gets a ZIP of just those parts,
 * stored (uncompressed) under their declared sizes, in an order it streams without temporary
 * files: relationships, workbook, shared strings, then the one sheet that is imported.
 */
import { posix } from 'node:path';
import { buffer } from 'node:stream/consumers';
import { SaxesParser } from 'saxes';
import { fromBufferPromise, type Entry, type ZipFile } from 'yauzl';

/** The ZIP or its workbook is malformed, or not what an XLSX is. */
class XlsxPackageError extends Error {}

export interface XlsxPart {
  /** The name the reader sees (exceljs recognises parts by fixed names). */
  name: string;
  /** Bytes once inflated, as declared; the part yields exactly this many or fails. */
  size: number;
  bytes: Buffer | (() => AsyncIterable<Buffer>);
}

export interface XlsxSheetParts {
  /** The parts for exceljs, in the order it streams them. */
  parts: XlsxPart[];
  /** What they declare to unpack to, together. */
  unpackedBytes: number;
}

/** A workbook's relationships and sheet list are small; anything larger is not an ordinary workbook. */
const MAX_METADATA_BYTES = 1024 * 1024;
/** An XLSX has a few dozen entries; the bound keeps a hostile central directory cheap to read. */
const MAX_ENTRIES = 10_000;
const SHARED_STRINGS_TYPE = /\/sharedStrings$/;
const EMPTY_SHARED_STRINGS = Buffer.from(
  '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="0" uniqueCount="0"/>',
);

/**
 * The parts to read for the sheet named `sheetName`, or else the workbook's first sheet: only
 * the central directory and the (small) workbook and relationships parts are read here.
 */
export async function xlsxSheetParts(file: Buffer, sheetName: string): Promise<XlsxSheetParts> {
  // validateEntrySizes: an inflated part that differs from its declared size fails its stream.
  const zip = await fromBufferPromise(file, { lazyEntries: true, validateEntrySizes: true });
  if (zip.entryCount > MAX_ENTRIES) throw new XlsxPackageError(`it has ${zip.entryCount} entries`);
  const entries = new Map<string, Entry>();
  for await (const entry of zip.eachEntry()) entries.set(entry.fileName, entry);

  const metadata = async (name: string) => {
    const entry = entries.get(name);
    if (!entry) throw new XlsxPackageError(`it has no ${name}`);
    if (entry.uncompressedSize > MAX_METADATA_BYTES)
      throw new XlsxPackageError(`${name} declares ${entry.uncompressedSize} bytes, more than a workbook's list of sheets takes`);
    return buffer(entryBytes(zip, entry));
  };
  const relsXml = await metadata('xl/_rels/workbook.xml.rels');
  const workbookXml = await metadata('xl/workbook.xml');

  const relationships = elements(relsXml, 'Relationship').filter((r) => r.TargetMode !== 'External');
  const targetOf = (rel: Record<string, string> | undefined) => (rel?.Target ? partName(rel.Target) : undefined);
  const sheets = elements(workbookXml, 'sheet');
  const sheet = sheets.find((s) => s.name === sheetName) ?? sheets[0];
  if (!sheet) throw new XlsxPackageError('the workbook lists no sheet');
  const relId = Object.entries(sheet).find(([attribute]) => attribute === 'id' || attribute.endsWith(':id'))?.[1];
  const sheetEntry = lookUp(entries, targetOf(relationships.find((r) => r.Id === relId)));
  if (!sheetEntry) throw new XlsxPackageError(`the sheet ${sheet.name ?? ''} has no part`);
  const sharedEntry =
    lookUp(entries, targetOf(relationships.find((r) => SHARED_STRINGS_TYPE.test(r.Type ?? '')))) ?? entries.get('xl/sharedStrings.xml');

  const stream = (entry: Entry) => () => entryBytes(zip, entry);
  const parts: XlsxPart[] = [
    { name: 'xl/_rels/workbook.xml.rels', size: relsXml.length, bytes: relsXml },
    { name: 'xl/workbook.xml', size: workbookXml.length, bytes: workbookXml },
    // Without shared strings exceljs spools the sheet to a temporary file; an empty table avoids that.
    sharedEntry
      ? { name: 'xl/sharedStrings.xml', size: sharedEntry.uncompressedSize, bytes: stream(sharedEntry) }
      : { name: 'xl/sharedStrings.xml', size: EMPTY_SHARED_STRINGS.length, bytes: EMPTY_SHARED_STRINGS },
    { name: 'xl/worksheets/sheet1.xml', size: sheetEntry.uncompressedSize, bytes: stream(sheetEntry) },
  ];
  return { parts, unpackedBytes: parts.reduce((sum, p) => sum + p.size, 0) };
}

/** The entry's bytes as yauzl inflates them: exactly its declared size, or an error as soon as it is not. */
async function* entryBytes(zip: ZipFile, entry: Entry): AsyncGenerator<Buffer> {
  const { fileName, uncompressedSize } = entry;
  try {
    // Leaving the loop early (the reader stopping) destroys the stream.
    for await (const chunk of await zip.openReadStreamPromise(entry)) yield chunk as Buffer;
  } catch (error) {
    // yauzl's size checks, reworded for the API's answer; other failures (bad data) as they are.
    const message = (error as Error).message;
    if (message.startsWith('too many bytes'))
      throw new XlsxPackageError(`${fileName} inflates to more than the ${uncompressedSize} bytes it declares`);
    if (message.startsWith('not enough bytes'))
      throw new XlsxPackageError(`${fileName} inflates to fewer than the ${uncompressedSize} bytes it declares`);
    throw new XlsxPackageError(`${fileName}: ${message}`);
  }
}

/**
 * A ZIP of the parts, each stored under its declared size, ending with an end-of-directory
 * record (unzipper reads local headers only, so no central directory is needed).
 *
 * Written here rather than with a ZIP writer (zip-stream, archiver, yazl): a writer streaming an
 * entry cannot know its CRC up front, so it puts CRC and sizes in a data descriptor after the
 * data and zeros in the local header. unzipper then finds the entry's end by scanning for the
 * descriptor's signature, which a part's bytes could fake, and passes on chunks cut four bytes
 * short of what arrived, through characters, undoing `wholeCharacters`. With the size in the
 * local header it reads an entry by count. The CRC is left 0: unzipper does not check it.
 */
export async function* storedZip(parts: readonly XlsxPart[]): AsyncGenerator<Buffer> {
  for (const part of parts) {
    yield localHeader(part.name, part.size);
    if (Buffer.isBuffer(part.bytes)) {
      yield part.bytes;
      continue;
    }
    yield* wholeCharacters(part.bytes());
  }
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  yield end;
}

function localHeader(name: string, size: number): Buffer {
  const nameBytes = Buffer.from(name, 'utf8');
  const header = Buffer.alloc(30);
  header.writeUInt32LE(0x04034b50, 0);
  header.writeUInt16LE(20, 4); // version needed to extract
  header.writeUInt16LE(0x0800, 6); // UTF-8 name; sizes known, so no data descriptor
  header.writeUInt16LE(0, 8); // stored
  header.writeUInt32LE(size, 18);
  header.writeUInt32LE(size, 22);
  header.writeUInt16LE(nameBytes.length, 26);
  return Buffer.concat([header, nameBytes]);
}

/**
 * The chunks cut only between UTF-8 characters: exceljs decodes each chunk on its own, so a
 * character split across two chunks (a Chinese one, most often) would come out garbled. The
 * streams between here and exceljs join chunks but split them only at a part's end.
 */
async function* wholeCharacters(chunks: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  let carry: Buffer | undefined;
  for await (const next of chunks) {
    const chunk = carry ? Buffer.concat([carry, next]) : next;
    const cut = characterBoundary(chunk);
    carry = cut < chunk.length ? chunk.subarray(cut) : undefined;
    if (cut > 0) yield chunk.subarray(0, cut);
  }
  if (carry) yield carry;
}

/** Where the chunk's last character starts when it is incomplete, else the chunk's length. */
function characterBoundary(chunk: Buffer): number {
  for (let back = 1; back <= Math.min(4, chunk.length); back++) {
    const byte = chunk[chunk.length - back]!;
    if ((byte & 0xc0) === 0x80) continue; // a continuation byte: its lead byte is further back
    const length = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return length > back ? chunk.length - back : chunk.length;
  }
  return chunk.length; // not UTF-8 here: left for the decoder to report
}

/** A part's name from a relationship target of the workbook (relative to xl/, or absolute). */
function partName(target: string): string {
  return target.startsWith('/') ? posix.normalize(target.slice(1)) : posix.join('xl', target);
}

function lookUp(entries: Map<string, Entry>, name: string | undefined): Entry | undefined {
  if (!name) return undefined;
  const lower = name.toLowerCase();
  return entries.get(name) ?? [...entries.values()].find((e) => e.fileName.toLowerCase() === lower);
}

/** The attributes of each element with this local name (any prefix); enough for the workbook's lists. */
function elements(xml: Buffer, localName: string): Record<string, string>[] {
  const found: Record<string, string>[] = [];
  const parser = new SaxesParser();
  parser.on('opentag', ({ name, attributes }) => {
    if (name === localName || name.endsWith(`:${localName}`)) found.push(attributes);
  });
  parser.write(xml.toString('utf8')).close();
  return found;
}
