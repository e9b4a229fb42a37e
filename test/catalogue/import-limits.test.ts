/**
 * Imports are bounded: an oversized or inflating file is refused while it is read, within a
 * memory bound, and the API keeps answering meanwhile. Files are generated as a department's
 * tools would (exceljs's streaming writer), served over a real listening server.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { eq } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import t, { type Test } from 'tap';
import { IMPORT_CONCURRENCY, IMPORT_WAIT_MS } from '../../src/catalogue/import-export.js';
import { readGrid } from '../../src/catalogue/spreadsheet-files.js';
import { datasets } from '../../src/platform/db/schema.js';
import { COLUMNS } from '../../src/catalogue/rules/spreadsheet.js';
import { SHEET_LIMITS } from '../../src/catalogue/rules/spreadsheet-limits.js';
import { startTestApp } from '../helpers/app.js';
import { bearer, createTestWorld } from '../helpers/identity.js';

const harness = await startTestApp();
t.teardown(harness.close);
const { app, config } = harness;
const db = harness.database.db;
const world = await createTestWorld(db);
const origin = await app.listen({ host: '127.0.0.1', port: 0 });
const dir = await mkdtemp(join(tmpdir(), 'import-limits-'));
t.teardown(() => rm(dir, { recursive: true, force: true }));

// A collection before each measurement, so that the baseline is not left-over garbage.
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const MB = 1024 * 1024;
/**
 * What the tests allow oversized imports to add to the process (RSS and heap, at their peak).
 * Before imports were streamed, one 10 MB file took the API from 0.9 to 3.1 GB.
 */
const MEMORY_BOUND_MB = 128;
const tag = randomBytes(3).toString('hex').toUpperCase();
const headers = COLUMNS.map((c) => c.header);
type Key = (typeof COLUMNS)[number]['key'];
const row = (cells: Partial<Record<Key, string>>) => COLUMNS.map((c) => cells[c.key] ?? '');
const field = (code: string, fieldName: string) =>
  row({
    code,
    name: `限额测试${tag}`,
    libraryKind: '主题库',
    sharingType: '无条件共享',
    fieldName,
    sensitivity: '内部',
    ownerDepartment: world.police.code,
  });

/** An XLSX written row by row with exceljs's streaming writer, as large exports are. */
async function xlsxFile(rows: Iterable<unknown[]>, header: unknown[] = headers): Promise<Buffer> {
  const filename = join(dir, `${randomBytes(4).toString('hex')}.xlsx`);
  const writer = new ExcelJS.stream.xlsx.WorkbookWriter({ filename });
  const sheet = writer.addWorksheet('数据资源目录');
  sheet.addRow(header).commit();
  for (const r of rows) sheet.addRow(r).commit();
  await writer.commit();
  return readFile(filename);
}

function* times<T>(n: number, make: (i: number) => T): Generator<T> {
  for (let i = 0; i < n; i++) yield make(i);
}

const csvFile = (rows: Iterable<string[]>) => Buffer.from([headers, ...rows].map((r) => r.join(',')).join('\r\n'), 'utf8');

interface Answer {
  status: number;
  body: { code?: string; message?: string; details?: Record<string, unknown>; rows?: number };
  retryAfter: string | null;
}

async function upload(file: Buffer, type: string, mode: 'dry_run' | 'commit' = 'dry_run'): Promise<Answer> {
  const response = await fetch(`${origin}/api/v1/datasets/import?mode=${mode}`, {
    method: 'POST',
    headers: { ...(await bearer(config, world.policeReviewer)), 'content-type': type },
    body: file,
  });
  return { status: response.status, body: (await response.json()) as Answer['body'], retryAfter: response.headers.get('retry-after') };
}

interface Observed<T> {
  result: T;
  /** Peak growth while it ran, in MB. */
  rssMB: number;
  heapMB: number;
  /** GET /readyz, polled over HTTP while it ran: status (0: no answer within 2 s) and time taken. */
  readiness: { status: number; ms: number }[];
}

/** Runs the work while sampling the process's memory and polling /readyz as a load balancer would. */
async function observe<T>(work: () => Promise<T>): Promise<Observed<T>> {
  collectGarbage();
  const before = process.memoryUsage();
  let rss = before.rss;
  let heap = before.heapUsed;
  const sampler = setInterval(() => {
    const now = process.memoryUsage();
    rss = Math.max(rss, now.rss);
    heap = Math.max(heap, now.heapUsed);
  }, 10);
  let done = false;
  const readiness: Observed<T>['readiness'] = [];
  const polling = (async () => {
    while (!done) {
      const started = performance.now();
      const status = await fetch(`${origin}/readyz`, { signal: AbortSignal.timeout(2_000) }).then(
        async (r) => (await r.arrayBuffer(), r.status),
        () => 0,
      );
      readiness.push({ status, ms: Math.round(performance.now() - started) });
      await sleep(50);
    }
  })();
  try {
    const result = await work();
    return { result, rssMB: Math.round((rss - before.rss) / MB), heapMB: Math.round((heap - before.heapUsed) / MB), readiness };
  } finally {
    done = true;
    clearInterval(sampler);
    await polling;
  }
}

function checkReadiness(t: Test, readiness: Observed<unknown>['readiness']) {
  t.ok(readiness.length >= 1, `/readyz was polled while the import ran (${readiness.length} times)`);
  t.same([...new Set(readiness.map((r) => r.status))], [200], '/readyz answered 200 every time, within 2 s');
  t.comment(`/readyz: ${readiness.length} answers, slowest ${Math.max(...readiness.map((r) => r.ms))} ms`);
}

/**
 * The file with the central directory claiming `size` bytes for one entry: a ZIP made to slip
 * past a check of declared sizes. (The streaming writer's local headers declare no size at all.)
 */
function understated(file: Buffer, name: string, size: number): Buffer {
  const copy = Buffer.from(file);
  const end = copy.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  for (let at = copy.readUInt32LE(end + 16), i = 0; i < copy.readUInt16LE(end + 10); i++) {
    const nameLength = copy.readUInt16LE(at + 28);
    if (copy.toString('utf8', at + 46, at + 46 + nameLength) === name) {
      copy.writeUInt32LE(size, at + 24);
      return copy;
    }
    at += 46 + nameLength + copy.readUInt16LE(at + 30) + copy.readUInt16LE(at + 32);
  }
  throw new Error(`no ${name} in the file`);
}

t.test(
  'oversized XLSX imports, two at once, are refused at the row limit within a memory bound while /readyz keeps answering',
  async (t) => {
    // Ten times the limit; read in full, it is what took the API down.
    const file = await xlsxFile(times(10 * SHEET_LIMITS.rows, (i) => [`OV-${tag}-${i}`, `超大目录${i}`, '', '主题库']));
    t.comment(`file: ${(file.length / MB).toFixed(1)} MB, ${10 * SHEET_LIMITS.rows} rows`);
    const seen = await observe(() => Promise.all([upload(file, XLSX), upload(file, XLSX)]));
    for (const answer of seen.result) {
      t.equal(answer.status, 422);
      t.equal(answer.body.code, 'spreadsheet_too_large');
      t.same(
        answer.body.details,
        { limit: 'rows', max: SHEET_LIMITS.rows, row: SHEET_LIMITS.rows + 2 },
        'reading stopped at the first row past the limit',
      );
    }
    t.comment(`memory: RSS +${seen.rssMB} MB, heap +${seen.heapMB} MB at the peak (bound ${MEMORY_BOUND_MB} MB)`);
    t.ok(seen.rssMB < MEMORY_BOUND_MB, `RSS grew by ${seen.rssMB} MB`);
    t.ok(seen.heapMB < MEMORY_BOUND_MB, `the heap grew by ${seen.heapMB} MB`);
    checkReadiness(t, seen.readiness);
  },
);

t.test('a zip bomb is refused by its declared size, before anything is inflated', async (t) => {
  // 10 000 rows of one 30 000-character cell: 300 MB of sheet XML in a file of about 1.5 MB.
  const file = await xlsxFile(
    times(10_000, () => ['x'.repeat(30_000)]),
    ['资源代码'],
  );
  t.ok(file.length < 2 * MB, `the file is ${(file.length / MB).toFixed(1)} MB`);
  const seen = await observe(() => upload(file, XLSX));
  t.equal(seen.result.status, 422);
  t.match(seen.result.body, { code: 'spreadsheet_too_large', details: { limit: 'unpackedBytes', max: SHEET_LIMITS.unpackedBytes } });
  t.ok((seen.result.body.details!.found as number) > 300_000_000, `it declares ${String(seen.result.body.details!.found)} bytes`);
  t.comment(`memory: RSS +${seen.rssMB} MB, heap +${seen.heapMB} MB`);
  t.ok(seen.rssMB < 64 && seen.heapMB < 64, 'nothing was inflated');

  // The same bomb with its directory lying: cut off as soon as it inflates past what it declares.
  const lying = understated(file, 'xl/worksheets/sheet1.xml', 4 * MB);
  const cut = await observe(() => upload(lying, XLSX));
  t.equal(cut.result.status, 422);
  t.equal(cut.result.body.code, 'unreadable_spreadsheet');
  t.match(cut.result.body.message, /xl\/worksheets\/sheet1\.xml inflates to more than the 4194304 bytes it declares/);
  t.comment(`lying bomb: RSS +${cut.rssMB} MB, heap +${cut.heapMB} MB`);
  t.ok(cut.rssMB < 64 && cut.heapMB < 64, `RSS grew by ${cut.rssMB} MB, the heap by ${cut.heapMB} MB`);
  checkReadiness(t, cut.readiness);
});

t.test('a sheet of exactly 20 000 data rows is read whole; one row more is refused', async (t) => {
  const rows = (n: number) => times(n, (i) => [`LIM-${i}`, `统一社会信用代码${i}号`]);
  const full = await readGrid(await xlsxFile(rows(SHEET_LIMITS.rows), ['资源代码', '数据项名称']), 'xlsx');
  t.equal(full.rows.length, SHEET_LIMITS.rows);
  t.same(full.rows.at(-1), [`LIM-${SHEET_LIMITS.rows - 1}`, `统一社会信用代码${SHEET_LIMITS.rows - 1}号`]);
  const garbled = full.rows.findIndex((r, i) => r[1] !== `统一社会信用代码${i}号`);
  t.equal(garbled, -1, 'Chinese text split between inflated chunks reads back whole');
  await t.rejects(readGrid(await xlsxFile(rows(SHEET_LIMITS.rows + 1), ['资源代码', '数据项名称']), 'xlsx'), {
    code: 'spreadsheet_too_large',
    details: { limit: 'rows', row: SHEET_LIMITS.rows + 2 },
  });
  // Formatted empty rows far below the data are not rows to import.
  const formatted = await xlsxFile([['A-1', '姓名'], ...times(3, () => [])], ['资源代码', '数据项名称']);
  t.same((await readGrid(formatted, 'xlsx')).rows, [['A-1', '姓名']]);
});

t.test('the sheet named 数据资源目录 is read wherever it is, else the first; other sheets are not unpacked', async (t) => {
  const workbook = new ExcelJS.Workbook();
  workbook.addWorksheet('说明 <填表须知>').addRow(['这不是目录']);
  workbook.addWorksheet('数据资源目录').addRow(['资源代码', '数据项名称']);
  workbook.getWorksheet('数据资源目录')!.addRow(['SEL-1', '姓名']);
  const named = await readGrid(Buffer.from(await workbook.xlsx.writeBuffer()), 'xlsx');
  t.same(named, { header: ['资源代码', '数据项名称'], rows: [['SEL-1', '姓名']] });

  const other = new ExcelJS.Workbook();
  other.addWorksheet('第一页').addRow(['资源代码']);
  other.addWorksheet('第二页').addRow(['x'.repeat(SHEET_LIMITS.cellChars + 1)]);
  t.same(await readGrid(Buffer.from(await other.xlsx.writeBuffer()), 'xlsx'), { header: ['资源代码'], rows: [] });
});

t.test('wide rows, long cells and large files are refused in XLSX and CSV alike', async (t) => {
  const wide = [...Array(SHEET_LIMITS.columns).fill(''), 'past the last column'];
  const long = 'x'.repeat(SHEET_LIMITS.cellChars + 1);
  const cases: [string, Buffer, string, Record<string, unknown>][] = [
    ['XLSX, a cell past column 64', await xlsxFile([wide]), XLSX, { limit: 'columns', max: SHEET_LIMITS.columns, row: 2, column: 'BM' }],
    ['CSV, a field past column 64', csvFile([wide]), 'text/csv', { limit: 'columns', max: SHEET_LIMITS.columns, row: 2, column: 'BM' }],
    ['XLSX, a cell too long', await xlsxFile([field(`LONG-${tag}`, long)]), XLSX, { limit: 'cellChars', row: 2, found: long.length }],
    ['CSV, a cell too long', csvFile([field(`LONG-${tag}`, long)]), 'text/csv', { limit: 'cellChars', row: 2, found: long.length }],
    [
      'CSV, too many rows',
      csvFile(times(SHEET_LIMITS.rows + 5_000, (i) => field(`CSV-${tag}`, `项${i}`))),
      'text/csv',
      { limit: 'rows', row: SHEET_LIMITS.rows + 2 },
    ],
    [
      'CSV, a file too large',
      Buffer.alloc(SHEET_LIMITS.fileBytes + 1, 'a,b\n'),
      'text/csv',
      { limit: 'fileBytes', max: SHEET_LIMITS.fileBytes, found: SHEET_LIMITS.fileBytes + 1 },
    ],
  ];
  for (const [name, file, type, details] of cases) {
    const answer = await upload(file, type);
    t.equal(answer.status, 422, name);
    t.match(answer.body, { code: 'spreadsheet_too_large', details }, name);
  }
});

t.test(
  `at most ${IMPORT_CONCURRENCY} imports run at once: a further one waits briefly, then is turned away with 503 and Retry-After`,
  async (t) => {
    const code = `BUSY-${tag}`;
    const file = csvFile([field(code, '姓名')]);
    t.equal((await upload(file, 'text/csv', 'commit')).status, 200);

    // Imports of the entry wait for its row while another transaction holds it: they keep their place.
    const holdRow = async (until: Promise<void>) => {
      let locked!: () => void;
      const isLocked = new Promise<void>((resolve) => (locked = resolve));
      const holding = db.transaction(async (tx) => {
        await tx.select().from(datasets).where(eq(datasets.code, code)).for('update');
        locked();
        await until;
      });
      await isLocked;
      return { holding };
    };

    let release!: () => void;
    const { holding } = await holdRow(new Promise((resolve) => (release = resolve)));
    const started = performance.now();
    const seen = await observe(async () => {
      const uploads = [upload(file, 'text/csv'), upload(file, 'text/csv'), upload(file, 'text/csv')];
      const first = await Promise.race(uploads);
      const waited = performance.now() - started;
      release();
      return { first, waited, all: await Promise.all(uploads) };
    });
    await holding;
    const { first, waited, all } = seen.result;
    t.equal(first.status, 503, 'the import without a place is answered first, while the others wait for the row');
    t.equal(first.body.code, 'import_busy');
    t.equal(first.retryAfter, '5');
    t.ok(waited >= IMPORT_WAIT_MS - 50, `it waited ${Math.round(waited)} ms for a place first`);
    t.same(all.map((a) => a.status).sort(), [200, 200, 503], 'the two running imports complete');
    checkReadiness(t, seen.readiness);

    // A place that frees up while an import waits goes to it.
    let releaseAgain!: () => void;
    const { holding: holdingAgain } = await holdRow(new Promise((resolve) => (releaseAgain = resolve)));
    const uploads = [upload(file, 'text/csv'), upload(file, 'text/csv'), upload(file, 'text/csv')];
    await sleep(300);
    releaseAgain();
    await holdingAgain;
    t.same(
      (await Promise.all(uploads)).map((a) => a.status),
      [200, 200, 200],
      'the third took the place of one that ended',
    );
  },
);
