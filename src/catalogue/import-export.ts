/**
 * Catalogue import and export (目录导入导出). An import is checked in full first — every
 * problem reported with its row and column — and then committed all or nothing: new codes become
 * drafts, known codes of the importer's department get a new version when their content changed.
 */
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { and, eq, inArray } from 'drizzle-orm';
import { Subject } from '../identity/rules/abilities.js';
import { authorizeCreate } from '../identity/index.js';
import type { Tx } from '../platform/db/client.js';
import { datasets, datasetVersions, departments } from '../platform/db/schema.js';
import { datasetProblems, type DatasetContent, type DatasetField } from './rules/dataset.js';
import { sameContent } from './rules/canonical-content.js';
import { placeDatasetProblem, placeProblem, type SheetDataset, type SheetProblem } from './rules/spreadsheet.js';
import { SHEET_LIMITS } from './rules/spreadsheet-limits.js';
import { readCatalogueSheet, type ReadResult } from './rules/spreadsheet-read.js';
import { writeCatalogueSheet, type CatalogueEntry } from './rules/spreadsheet-write.js';
import { ConflictError, RuleViolationError, ServiceUnavailableError } from '../platform/errors.js';
import { loadSpecification } from '../platform/http/openapi.js';
import type { RequestContext } from '../identity/index.js';
import {
  checkDroppedFields,
  datasetCursor,
  insertDataset,
  insertVersion,
  scenarioIds,
  searchDatasets,
  type DatasetRow,
  type DatasetSearch,
} from './service.js';
import { readGrid, writeGrid, type SpreadsheetFormat } from './spreadsheet-files.js';

export type ImportOutcome = 'new' | 'revised' | 'unchanged';

export interface ImportReport {
  format: SpreadsheetFormat;
  mode: 'dry_run' | 'commit';
  committed: boolean;
  /** Data rows read (the header not counted, empty rows not counted). */
  rows: number;
  datasets: { code: string; row: number; outcome: ImportOutcome; datasetId: string | null; version: number | null }[];
  problems: SheetProblem[];
}

const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;
let contentSchema: ValidateFunction | undefined;

/** The contract's own DatasetContent schema: a file is held to what the API accepts. */
function contentValidator(): ValidateFunction {
  if (!contentSchema) {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    ajv.addSchema({ ...loadSpecification(), $id: 'contract' });
    contentSchema = ajv.compile({ $ref: 'contract#/components/schemas/DatasetContent' });
  }
  return contentSchema;
}

/**
 * Imports running at once in this process. Each holds its file, its rows and a database
 * connection until it ends; a further import waits a moment for a place, then is turned away
 * (503 `import_busy`, Retry-After) rather than queue up memory.
 */
export const IMPORT_CONCURRENCY = 2;
export const IMPORT_WAIT_MS = 2_000;

/** At most `size` holders at once; a place freed goes straight to the longest waiter. */
class Slots {
  private free: number;
  private readonly waiting: (() => void)[] = [];

  constructor(size: number) {
    this.free = size;
  }

  /** A release function, or null when no place freed up within `waitMs`. */
  async acquire(waitMs: number): Promise<(() => void) | null> {
    if (this.free > 0) {
      this.free--;
      return this.releaser();
    }
    return new Promise((resolve) => {
      const grant = () => {
        clearTimeout(timer);
        resolve(this.releaser());
      };
      const timer = setTimeout(() => {
        const at = this.waiting.indexOf(grant);
        if (at >= 0) this.waiting.splice(at, 1);
        resolve(null);
      }, waitMs);
      this.waiting.push(grant);
    });
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next) next();
      else this.free++;
    };
  }
}

const importSlots = new Slots(IMPORT_CONCURRENCY);

export async function importCatalogue(
  ctx: RequestContext,
  file: Buffer,
  format: SpreadsheetFormat,
  commit: boolean,
): Promise<ImportReport> {
  authorizeCreate(ctx.actor.ability, Subject.Dataset, { ownerDepartmentId: ctx.actor.departmentId });
  const release = await importSlots.acquire(IMPORT_WAIT_MS);
  if (!release) throw new ServiceUnavailableError('import_busy', `${IMPORT_CONCURRENCY} imports are running; try again in a few seconds`);
  try {
    return await checkAndImport(ctx, file, format, commit);
  } finally {
    release();
  }
}

/** What an import does with one dataset of the file, and the catalogue row it revises, if any. */
interface PlannedDataset {
  dataset: SheetDataset;
  outcome: ImportOutcome;
  row: DatasetRow | undefined;
}

/** A dataset's id and current version as the report gives them (null for one not catalogued yet). */
interface ReportedVersion {
  datasetId: string | null;
  version: number | null;
}

async function checkAndImport(ctx: RequestContext, file: Buffer, format: SpreadsheetFormat, commit: boolean): Promise<ImportReport> {
  const grid = await readGrid(file, format);
  const read = readCatalogueSheet(grid.header, grid.rows);
  const rowCount = grid.rows.filter((r) => r.some((c) => c.trim())).length;

  return ctx.db.transaction(async (tx) => {
    const { planned, problems } = await planImport(tx, ctx, read, commit);
    const report = (committed: boolean, rows: ReportedVersion[]): ImportReport => ({
      format,
      mode: commit ? 'commit' : 'dry_run',
      committed,
      rows: rowCount,
      datasets: planned.map((p, i) => ({ code: p.dataset.code, row: p.dataset.firstRow, outcome: p.outcome, ...rows[i]! })),
      problems,
    });
    const before = planned.map((p) => ({ datasetId: p.row?.id ?? null, version: p.row?.currentVersion ?? null }));
    if (problems.length && commit) {
      throw new RuleViolationError(
        'import_invalid',
        `The spreadsheet has ${problems.length} problem(s); nothing was imported`,
        report(false, before),
      );
    }
    if (!commit) return report(false, before);
    return report(true, await savePlanned(tx, ctx, planned));
  });
}

/**
 * Checks every dataset read against the catalogue and plans its outcome; the problems, the
 * sheet's own included, come back in row and column order. The existing rows are locked for
 * update when committing, and shared otherwise.
 */
async function planImport(
  tx: Tx,
  ctx: RequestContext,
  read: ReadResult,
  commit: boolean,
): Promise<{ planned: PlannedDataset[]; problems: SheetProblem[] }> {
  const problems = [...read.problems];
  const codes = read.datasets.map((d) => d.code);
  const existing = codes.length
    ? await tx
        .select()
        .from(datasets)
        .where(inArray(datasets.code, codes))
        .for(commit ? 'update' : 'share')
    : [];
  const existingByCode = new Map(existing.map((row) => [row.code, row]));
  const currentContent = await currentContents(tx, existing);
  const context = await importContext(tx, read.datasets);

  const planned: PlannedDataset[] = [];
  for (const dataset of read.datasets) {
    const place = (path: string, problem: string) => problems.push(placeDatasetProblem(read.layout, dataset, path, problem));
    if (dataset.ownerDepartment && dataset.ownerDepartment.code !== ctx.actor.departmentRow.code) {
      problems.push(
        placeProblem(
          read.layout,
          dataset.ownerDepartment.row,
          'ownerDepartment',
          `this row belongs to ${dataset.ownerDepartment.code}; you catalogue for ${ctx.actor.departmentRow.code}`,
        ),
      );
    }
    const found = existingByCode.get(dataset.code);
    // Another department's entry: the code is taken, and nothing more about it is told (not its
    // id, version or whether the row matches it — it may be a draft the caller cannot read).
    const row = found && found.ownerDepartmentId === ctx.actor.departmentId ? found : undefined;
    if (found && !row) place('code', `the code ${dataset.code} is already in use; choose another`);
    else if (row?.lifecycle === 'retired') place('code', `dataset ${dataset.code} is retired and no longer edited`);

    const validate = contentValidator();
    if (!validate(dataset.content)) {
      for (const error of validate.errors ?? [])
        place(error.instancePath.slice(1), `does not fit the catalogue: ${error.message ?? error.keyword}`);
    }
    for (const p of datasetProblems(dataset.content, { ...context, selfCode: dataset.code })) place(p.path, p.problem);

    const outcome: ImportOutcome = !row ? 'new' : sameContent(currentContent.get(row.id)!, dataset.content) ? 'unchanged' : 'revised';
    if (outcome === 'revised') {
      for (const d of await checkDroppedFields(tx, row!, dataset.content))
        place(
          'fields',
          `${d.fields.join(', ')} cannot be dropped: ${d.kind === 'scenario' ? 'scenario' : 'fused dataset'} ${d.name} uses them`,
        );
    }
    planned.push({ dataset, outcome, row });
  }
  problems.sort(
    (a, b) => a.row - b.row || (a.column ?? '').length - (b.column ?? '').length || (a.column ?? '').localeCompare(b.column ?? ''),
  );
  return { planned, problems };
}

/** Commits the plan: new codes become drafts, revised ones get a new version, the rest stay as they are. */
async function savePlanned(tx: Tx, ctx: RequestContext, planned: readonly PlannedDataset[]): Promise<ReportedVersion[]> {
  const after: ReportedVersion[] = [];
  for (const { dataset, outcome, row } of planned) {
    const saved =
      outcome === 'new'
        ? await insertNew(tx, ctx, dataset)
        : outcome === 'revised'
          ? await insertVersion(tx, ctx, row!, dataset.content)
          : row!;
    after.push({ datasetId: saved.id, version: saved.currentVersion });
  }
  return after;
}

async function insertNew(tx: Tx, ctx: RequestContext, dataset: SheetDataset): Promise<DatasetRow> {
  try {
    return await insertDataset(tx, ctx, dataset.code, dataset.content);
  } catch (error) {
    // Another import or create took the code after this one looked: the whole import rolls back.
    if (error instanceof ConflictError && error.code === 'dataset_code_taken')
      throw new ConflictError('dataset_code_taken', `A dataset with code ${dataset.code} was catalogued meanwhile; nothing was imported`);
    throw error;
  }
}

async function currentContents(tx: Tx, rows: DatasetRow[]): Promise<Map<string, DatasetContent>> {
  if (!rows.length) return new Map();
  const versions = await tx
    .select()
    .from(datasetVersions)
    .innerJoin(datasets, and(eq(datasets.id, datasetVersions.datasetId), eq(datasets.currentVersion, datasetVersions.version)))
    .where(
      inArray(
        datasetVersions.datasetId,
        rows.map((r) => r.id),
      ),
    );
  return new Map(versions.map(({ dataset_versions: v }) => [v.datasetId, versionContent(v)]));
}

export function versionContent(v: typeof datasetVersions.$inferSelect): DatasetContent {
  return {
    name: v.name,
    description: v.description,
    libraryKind: v.libraryKind as DatasetContent['libraryKind'],
    basicLibrary: (v.basicLibrary as DatasetContent['basicLibrary']) ?? null,
    updateFrequency: v.updateFrequency,
    sourceSystem: v.sourceSystem,
    fields: v.fields as DatasetField[],
    sharingType: v.sharingType,
    conditions: (v.conditions as DatasetContent['conditions']) ?? null,
    conditionNotes: v.conditionNotes,
    legalBasis: (v.legalBasis as DatasetContent['legalBasis']) ?? null,
    lineage: (v.lineage as DatasetContent['lineage']) ?? null,
  };
}

/** Departments and lineage-source fields, the file's own datasets counting as they will be. */
async function importContext(tx: Tx, inFile: SheetDataset[]) {
  const departmentCodes = new Set((await tx.select({ code: departments.code }).from(departments)).map((d) => d.code));
  const fieldsByCode = new Map(inFile.map((d) => [d.code, d.content.fields.map((f) => f.name)]));
  const outside = [...new Set(inFile.flatMap((d) => (d.content.lineage?.sources ?? []).map((s) => s.datasetCode)))].filter(
    (c) => !fieldsByCode.has(c),
  );
  if (outside.length) {
    const sources = await tx
      .select({ code: datasets.code, fields: datasetVersions.fields })
      .from(datasets)
      .innerJoin(datasetVersions, and(eq(datasetVersions.datasetId, datasets.id), eq(datasetVersions.version, datasets.currentVersion)))
      .where(inArray(datasets.code, outside));
    for (const s of sources)
      fieldsByCode.set(
        s.code,
        (s.fields as DatasetField[]).map((f) => f.name),
      );
  }
  return { departmentCodes, fieldsOf: (code: string) => fieldsByCode.get(code), scenarioIds: await scenarioIds(tx) };
}

/** The datasets the caller may read that match the filters, as a file that imports back. */
export async function exportCatalogue(
  ctx: RequestContext,
  filters: Omit<DatasetSearch, 'after' | 'limit'>,
  format: SpreadsheetFormat,
): Promise<{ file: Buffer; datasets: number }> {
  const entries: CatalogueEntry[] = [];
  let rows = 0;
  let after: DatasetSearch['after'];
  for (;;) {
    const batch = await searchDatasets(ctx, { ...filters, after, limit: 500 });
    if (!batch.length) break;
    const versions = await ctx.db
      .select({ dataset: datasets, version: datasetVersions, owner: departments.code })
      .from(datasets)
      .innerJoin(datasetVersions, and(eq(datasetVersions.datasetId, datasets.id), eq(datasetVersions.version, datasets.currentVersion)))
      .innerJoin(departments, eq(departments.id, datasets.ownerDepartmentId))
      .where(
        inArray(
          datasets.id,
          batch.map((d) => d.id),
        ),
      );
    const byId = new Map(versions.map((v) => [v.dataset.id, v]));
    for (const d of batch) {
      const v = byId.get(d.id)!;
      const content = versionContent(v.version);
      rows += content.fields.length;
      entries.push({
        code: d.code,
        ownerDepartmentCode: v.owner,
        lifecycle: v.dataset.lifecycle,
        aggregated: v.dataset.aggregated,
        version: v.dataset.currentVersion,
        content,
      });
    }
    if (rows > SHEET_LIMITS.rows)
      throw new RuleViolationError(
        'export_too_large',
        `The export would exceed ${SHEET_LIMITS.rows} rows (one per field); narrow the filters`,
      );
    const last = batch[batch.length - 1]!;
    after = datasetCursor(last, filters.sort);
  }
  return { file: await writeGrid(writeCatalogueSheet(entries), format), datasets: entries.length };
}
