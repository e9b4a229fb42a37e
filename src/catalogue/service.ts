import { and, asc, desc, eq, inArray, isNull, or, sql, type AnyColumn, type SQL, type SQLWrapper } from 'drizzle-orm';
import { appendAudit, type AuditActor } from '../audit/index.js';
import { Action, Subject } from '../identity/rules/abilities.js';
import { authorize, authorizeCreate } from '../identity/index.js';
import { accessibleWhere } from '../identity/index.js';
import type { Db, Tx } from '../platform/db/client.js';
import { datasetAggregation, datasets, datasetVersions, departments, scenarios } from '../platform/db/schema.js';
import {
  canMoveTo,
  datasetProblems,
  droppedFieldsInUse,
  type DatasetContent,
  type DatasetField,
  type FieldDependent,
  type Lifecycle,
  type Lineage,
  type SharingType,
} from './rules/dataset.js';
import { codePrefix, documentLexemes, queryLexemes, toTsqueryLiteral } from './rules/search-terms.js';
import { ConflictError, RuleViolationError } from '../platform/errors.js';
import { auditActor } from '../identity/index.js';
import type { RequestContext } from '../identity/index.js';
import { tellGrantsOfRetirement, tellGrantsOfRevision } from './grant-impacts.js';

export type DatasetRow = typeof datasets.$inferSelect;
export type DatasetVersionRow = typeof datasetVersions.$inferSelect;

/** Columns the authorization rules on datasets may name. */
export const datasetFields = { lifecycle: datasets.lifecycle, ownerDepartmentId: datasets.ownerDepartmentId };

/** What the dataset rules look up: known departments and the fields of lineage sources. */
export async function catalogueContext(tx: Tx, content: DatasetContent, selfCode: string) {
  const codes = (await tx.select({ code: departments.code }).from(departments)).map((d) => d.code);
  const sourceCodes = (content.lineage?.sources ?? []).map((s) => s.datasetCode);
  const sources = sourceCodes.length
    ? await tx
        .select({ code: datasets.code, fields: datasetVersions.fields })
        .from(datasets)
        .innerJoin(datasetVersions, and(eq(datasetVersions.datasetId, datasets.id), eq(datasetVersions.version, datasets.currentVersion)))
        .where(inArray(datasets.code, sourceCodes))
    : [];
  const fieldsByCode = new Map(sources.map((s) => [s.code, (s.fields as DatasetField[]).map((f) => f.name)]));
  return {
    departmentCodes: new Set(codes),
    fieldsOf: (code: string) => fieldsByCode.get(code),
    scenarioIds: await scenarioIds(tx),
    selfCode,
  };
}

/** Scenarios a sharing condition may name: existing and not retired. */
export async function scenarioIds(tx: Tx): Promise<Set<string>> {
  return new Set((await tx.select({ id: scenarios.id }).from(scenarios).where(eq(scenarios.retired, false))).map((s) => s.id));
}

/** Fused datasets (by their current lineage) and live scenarios that name fields of this dataset. */
export async function fieldDependents(tx: Tx, code: string): Promise<FieldDependent[]> {
  const fused = await tx
    .select({ name: datasets.name, code: datasets.code, lineage: datasetVersions.lineage })
    .from(datasets)
    .innerJoin(datasetVersions, and(eq(datasetVersions.datasetId, datasets.id), eq(datasetVersions.version, datasets.currentVersion)))
    .where(
      and(
        sql`${datasets.lifecycle} <> 'retired'`,
        sql`${datasetVersions.lineage} -> 'sources' @> ${JSON.stringify([{ datasetCode: code }])}::jsonb`,
      ),
    );
  const covering = await tx
    .select({ name: scenarios.name, coverage: scenarios.coverage })
    .from(scenarios)
    .where(and(eq(scenarios.retired, false), sql`${scenarios.coverage} @> ${JSON.stringify([{ datasetCode: code }])}::jsonb`));
  return [
    ...fused.map((f) => ({
      kind: 'fused_dataset' as const,
      name: `${f.name} (${f.code})`,
      fields: ((f.lineage as Lineage).sources ?? []).filter((s) => s.datasetCode === code).flatMap((s) => Object.values(s.fieldMap)),
    })),
    ...covering.map((c) => ({
      kind: 'scenario' as const,
      name: c.name,
      fields: (c.coverage as { datasetCode: string; fields: string[] }[]).filter((x) => x.datasetCode === code).flatMap((x) => x.fields),
    })),
  ];
}

/** 422 when a revision drops fields that fused datasets or scenarios still name. */
export async function checkDroppedFields(tx: Tx, row: DatasetRow, content: DatasetContent): Promise<FieldDependent[]> {
  const current = await getVersion(tx, row.id, row.currentVersion);
  const before = ((current?.fields ?? []) as DatasetField[]).map((f) => f.name);
  return droppedFieldsInUse(
    before,
    content.fields.map((f) => f.name),
    await fieldDependents(tx, row.code),
  );
}

const describeInUse = (inUse: FieldDependent[]) =>
  inUse.map((d) => `${d.kind === 'scenario' ? 'scenario' : 'fused dataset'} ${d.name} uses ${d.fields.join(', ')}`).join('; ');

async function validate(tx: Tx, content: DatasetContent, code: string): Promise<void> {
  const problems = datasetProblems(content, await catalogueContext(tx, content, code));
  if (problems.length)
    throw new RuleViolationError('invalid_dataset', problems.map((p) => `${p.path}: ${p.problem}`).join('; '), { problems });
}

function denormalized(content: DatasetContent) {
  return {
    name: content.name,
    sharingType: content.sharingType,
    libraryKind: content.libraryKind,
    searchLexemes: documentLexemes(content.name, content.description, ...content.fields.map((f) => f.name)),
  };
}

function versionValues(datasetId: string, version: number, content: DatasetContent, ctx: RequestContext) {
  return {
    datasetId,
    version,
    name: content.name,
    description: content.description,
    libraryKind: content.libraryKind,
    basicLibrary: content.basicLibrary ?? null,
    updateFrequency: content.updateFrequency,
    sourceSystem: content.sourceSystem,
    fields: content.fields,
    sharingType: content.sharingType,
    conditions: content.conditions ?? null,
    conditionNotes: content.conditionNotes ?? null,
    legalBasis: content.legalBasis ?? null,
    lineage: content.lineage ?? null,
    createdAt: ctx.now,
    createdBy: ctx.actor.userId,
  };
}

/** Catalogues a new dataset as a draft (version 1) for the caller's department. */
export async function createDataset(ctx: RequestContext, input: DatasetContent & { code: string }): Promise<DatasetRow> {
  const { code, ...content } = input;
  authorizeCreate(ctx.actor.ability, Subject.Dataset, { ownerDepartmentId: ctx.actor.departmentId });
  return ctx.db.transaction(async (tx) => {
    const [taken] = await tx.select({ id: datasets.id }).from(datasets).where(eq(datasets.code, code));
    if (taken) throw new ConflictError('dataset_code_taken', `A dataset with code ${code} already exists`);
    await validate(tx, content, code);
    return insertDataset(tx, ctx, code, content);
  });
}

/** Inserts a checked new dataset with its first version and audit entry, in the caller's transaction. */
export async function insertDataset(tx: Tx, ctx: RequestContext, code: string, content: DatasetContent): Promise<DatasetRow> {
  const [row] = await tx
    .insert(datasets)
    .values({
      code,
      ownerDepartmentId: ctx.actor.departmentId,
      lifecycle: 'draft',
      currentVersion: 1,
      ...denormalized(content),
      createdAt: ctx.now,
      updatedAt: ctx.now,
    })
    .onConflictDoNothing({ target: datasets.code })
    .returning();
  // Another create or import took the code after the caller looked.
  if (!row) throw new ConflictError('dataset_code_taken', `A dataset with code ${code} was catalogued meanwhile`);
  await tx.insert(datasetVersions).values(versionValues(row.id, 1, content, ctx));
  await appendAudit(tx, {
    actor: auditActor(ctx.actor, 'reviewer', 'dept_admin'),
    action: 'dataset.created',
    subjectType: Subject.Dataset,
    subjectId: row.id,
    after: { code, version: 1, sharingType: content.sharingType },
    requestId: ctx.requestId,
    at: ctx.now,
  });
  return row;
}

/** Every edit makes a new version; earlier versions stay readable and unchanged. */
export async function updateDataset(
  ctx: RequestContext,
  id: string,
  content: DatasetContent,
  expectedVersion?: number,
): Promise<DatasetRow> {
  return ctx.db.transaction(async (tx) => {
    const [current] = await tx.select().from(datasets).where(eq(datasets.id, id)).for('update');
    const row = authorize(ctx.actor.ability, Action.update, Subject.Dataset, current);
    if (row.lifecycle === 'retired') throw new ConflictError('dataset_retired', 'A retired dataset is no longer edited');
    // An edit written against an older version would silently undo what was saved since.
    if (expectedVersion !== undefined && expectedVersion !== row.currentVersion)
      throw new ConflictError(
        'stale_version',
        `The entry is at version ${row.currentVersion}; this edit was written against ${expectedVersion}`,
        {
          currentVersion: row.currentVersion,
        },
      );
    await validate(tx, content, row.code);
    const inUse = await checkDroppedFields(tx, row, content);
    if (inUse.length)
      throw new RuleViolationError('fields_in_use', `Fields still in use cannot be dropped: ${describeInUse(inUse)}`, {
        dependents: inUse,
      });
    return insertVersion(tx, ctx, row, content);
  });
}

/** Adds a checked version to a locked, editable dataset, in the caller's transaction. */
export async function insertVersion(tx: Tx, ctx: RequestContext, row: DatasetRow, content: DatasetContent): Promise<DatasetRow> {
  const version = row.currentVersion + 1;
  const [previous] = await tx
    .select({ fields: datasetVersions.fields })
    .from(datasetVersions)
    .where(and(eq(datasetVersions.datasetId, row.id), eq(datasetVersions.version, row.currentVersion)));
  await tx.insert(datasetVersions).values(versionValues(row.id, version, content, ctx));
  const [updated] = await tx
    .update(datasets)
    .set({ currentVersion: version, ...denormalized(content), updatedAt: ctx.now })
    .where(eq(datasets.id, row.id))
    .returning();
  await appendAudit(tx, {
    actor: auditActor(ctx.actor, 'reviewer', 'dept_admin'),
    action: 'dataset.revised',
    subjectType: Subject.Dataset,
    subjectId: row.id,
    before: { version: row.currentVersion, sharingType: row.sharingType },
    after: { version, sharingType: content.sharingType },
    requestId: ctx.requestId,
    at: ctx.now,
  });
  await tellGrantsOfRevision(tx, ctx, row, previous?.fields, content, version);
  return updated!;
}

/** draft → published → retired. */
export async function moveDataset(ctx: RequestContext, id: string, to: Lifecycle, reason?: string): Promise<DatasetRow> {
  return ctx.db.transaction(async (tx) => {
    const [current] = await tx.select().from(datasets).where(eq(datasets.id, id)).for('update');
    const row = authorize(ctx.actor.ability, Action.update, Subject.Dataset, current);
    if (!canMoveTo(row.lifecycle, to))
      throw new ConflictError('invalid_lifecycle_transition', `A ${row.lifecycle} dataset cannot become ${to}`);
    const [updated] = await tx.update(datasets).set({ lifecycle: to, updatedAt: ctx.now }).where(eq(datasets.id, id)).returning();
    await appendAudit(tx, {
      actor: auditActor(ctx.actor, 'reviewer', 'dept_admin'),
      action: `dataset.${to}`,
      subjectType: Subject.Dataset,
      subjectId: id,
      before: { lifecycle: row.lifecycle },
      after: { lifecycle: to },
      reason: reason ?? null,
      requestId: ctx.requestId,
      at: ctx.now,
    });
    if (to === 'retired') await tellGrantsOfRetirement(tx, ctx, row);
    return updated!;
  });
}

/** The center records whether it holds the data (归集), keeping the periods it did. */
export async function setAggregation(ctx: RequestContext, id: string, aggregated: boolean, reason: string): Promise<DatasetRow> {
  return ctx.db.transaction(async (tx) => {
    const [current] = await tx.select().from(datasets).where(eq(datasets.id, id)).for('update');
    const row = authorize(ctx.actor.ability, Action.aggregate, Subject.Dataset, current);
    const change = {
      at: ctx.now,
      userId: ctx.actor.userId,
      reason,
      audit: auditActor(ctx.actor, 'center_admin'),
      requestId: ctx.requestId,
    };
    return (await recordAggregation(tx, row, aggregated, change)) ?? row;
  });
}

/**
 * A period of aggregation begins or ends, in the caller's transaction (the settings page, or a
 * track-15 request whose data the center confirms it now holds); null when nothing changes.
 */
export async function recordAggregation(
  tx: Tx,
  row: DatasetRow,
  aggregated: boolean,
  change: { at: Date; userId: string; reason: string; audit: AuditActor; requestId: string | null },
): Promise<DatasetRow | null> {
  if (row.aggregated === aggregated) return null;
  if (aggregated) {
    await tx.insert(datasetAggregation).values({ datasetId: row.id, fromAt: change.at, setBy: change.userId, reason: change.reason });
  } else {
    await tx
      .update(datasetAggregation)
      .set({ toAt: change.at })
      .where(and(eq(datasetAggregation.datasetId, row.id), isNull(datasetAggregation.toAt)));
  }
  const [updated] = await tx.update(datasets).set({ aggregated, updatedAt: change.at }).where(eq(datasets.id, row.id)).returning();
  await appendAudit(tx, {
    actor: change.audit,
    action: aggregated ? 'dataset.aggregated' : 'dataset.aggregation_ended',
    subjectType: Subject.Dataset,
    subjectId: row.id,
    before: { aggregated: row.aggregated },
    after: { aggregated },
    reason: change.reason,
    requestId: change.requestId,
    at: change.at,
  });
  return updated!;
}

/** The center now holds a dataset's data (a track-15 delivery confirmed): locks the entry and records the period. */
export async function confirmAggregated(
  tx: Tx,
  datasetId: string,
  change: { at: Date; userId: string; reason: string; audit: AuditActor; requestId: string | null },
): Promise<void> {
  const [row] = await tx.select().from(datasets).where(eq(datasets.id, datasetId)).for('update');
  if (row) await recordAggregation(tx, row, true, change);
}

/** Whether the center holds the dataset's data now. */
export async function isAggregated(tx: Tx | Db, datasetId: string): Promise<boolean> {
  const [row] = await tx.select({ aggregated: datasets.aggregated }).from(datasets).where(eq(datasets.id, datasetId));
  return row?.aggregated ?? false;
}

export async function getDataset(ctx: RequestContext, id: string): Promise<{ dataset: DatasetRow; version: DatasetVersionRow }> {
  const [row] = await ctx.db.select().from(datasets).where(eq(datasets.id, id));
  const dataset = authorize(ctx.actor.ability, Action.read, Subject.Dataset, row);
  return { dataset, version: (await getVersion(ctx.db, id, dataset.currentVersion))! };
}

/**
 * A specific version, as a routing snapshot saw it. A retired entry was published once: its
 * versions stay readable to everyone who could read them then, since requests, refusals and
 * grants cite them.
 */
export async function getDatasetVersion(ctx: RequestContext, id: string, version: number): Promise<DatasetVersionRow | undefined> {
  const [row] = await ctx.db.select().from(datasets).where(eq(datasets.id, id));
  if (row?.lifecycle !== 'retired') authorize(ctx.actor.ability, Action.read, Subject.Dataset, row);
  return getVersion(ctx.db, id, version);
}

async function getVersion(db: Db, id: string, version: number): Promise<DatasetVersionRow | undefined> {
  const [row] = await db
    .select()
    .from(datasetVersions)
    .where(and(eq(datasetVersions.datasetId, id), eq(datasetVersions.version, version)));
  return row;
}

/** The dataset version a request was routed on, for the request's parties (the request's visibility is what counts). */
export const routedDatasetVersion = (db: Db, id: string, version: number) => getVersion(db, id, version);

export async function aggregationHistory(db: Db, id: string) {
  return db.select().from(datasetAggregation).where(eq(datasetAggregation.datasetId, id)).orderBy(asc(datasetAggregation.fromAt));
}

export interface DatasetSearch {
  q?: string | undefined;
  ownerDepartmentId?: string | undefined;
  sharingType?: SharingType | undefined;
  libraryKind?: string | undefined;
  aggregated?: boolean | undefined;
  lifecycle?: Lifecycle | undefined;
  /** Datasets the scenario covers. */
  scenarioId?: string | undefined;
  /** name (default), code, or updated (most recently changed first); ties broken by id. */
  sort?: DatasetSort | undefined;
  /** Keyset cursor: the sort key and id of the last row of the previous page. */
  after?: DatasetCursor | undefined;
  limit: number;
}

export const DATASET_SORTS = ['name', 'code', 'updated'] as const;
export type DatasetSort = (typeof DATASET_SORTS)[number];
export interface DatasetCursor {
  sort: DatasetSort;
  key: string;
  id: string;
}

/** The cursor continuing after this row in that order. */
export function datasetCursor(row: DatasetRow, sort: DatasetSort = 'name'): DatasetCursor {
  return { sort, key: sort === 'name' ? row.name : sort === 'code' ? row.code : row.updatedAt.toISOString(), id: row.id };
}

/** Order and keyset condition of a sort, over the table or the hits subquery. */
function ordering(
  t: { name: AnyColumn; code: AnyColumn; updatedAt: AnyColumn; id: AnyColumn },
  sort: DatasetSort,
  after: DatasetCursor | undefined,
) {
  if (sort === 'updated') {
    // The key is re-serialized: PostgreSQL reads only some of the forms Date.parse accepts.
    return {
      orderBy: [desc(t.updatedAt), desc(t.id)],
      after: after ? sql`(${t.updatedAt}, ${t.id}) < (${new Date(after.key).toISOString()}::timestamptz, ${after.id}::uuid)` : undefined,
    };
  }
  const column = sort === 'code' ? t.code : t.name;
  return { orderBy: [asc(column), asc(t.id)], after: after ? sql`(${column}, ${t.id}) > (${after.key}, ${after.id}::uuid)` : undefined };
}

/**
 * A query matches the names, description and field names (all its lexemes, through the GIN
 * index) or, when it could begin a dataset code, the code: `amr-fr` finds `AMR-FR-001`, `AMR`
 * every code starting with AMR, in any case. Only Latin queries shaped like a code add the code
 * test, so Chinese searches keep their index-only plan.
 */
function textMatch(q: string | undefined): SQL | undefined {
  const lexemes = q ? queryLexemes(q) : [];
  if (!q || !lexemes.length) return undefined;
  const byText = sql`${datasets.searchVector} @@ ${toTsqueryLiteral(lexemes)}::tsquery`;
  const prefix = codePrefix(q);
  return prefix ? or(byText, sql`starts_with(${datasets.code}, ${prefix})`) : byText;
}

/**
 * Search and browse in a stable order (by name, code or last change, then id): keyset pages
 * neither skip nor repeat rows while others are inserted; sorting by code is stable even while
 * entries are renamed. Chinese queries match through the GIN index on the lexemes, a query shaped
 * like a code also the codes it begins (`textMatch`); visibility is the read rule translated to SQL.
 */
export async function searchDatasets(ctx: RequestContext, search: DatasetSearch): Promise<DatasetRow[]> {
  return datasetSearchQuery(ctx, search);
}

/** The query itself, for EXPLAIN in the benchmark. */
export function datasetSearchQuery(ctx: RequestContext, search: DatasetSearch): SQLWrapper & PromiseLike<DatasetRow[]> {
  const visible = accessibleWhere(ctx.actor.ability, Action.read, Subject.Dataset, datasetFields);
  const match = textMatch(search.q);
  const where = and(
    visible,
    match,
    search.ownerDepartmentId ? eq(datasets.ownerDepartmentId, search.ownerDepartmentId) : undefined,
    search.sharingType ? eq(datasets.sharingType, search.sharingType) : undefined,
    search.libraryKind ? eq(datasets.libraryKind, search.libraryKind) : undefined,
    search.aggregated === undefined ? undefined : eq(datasets.aggregated, search.aggregated),
    search.lifecycle ? eq(datasets.lifecycle, search.lifecycle) : undefined,
    search.scenarioId
      ? sql`${datasets.code} in (select jsonb_array_elements(${scenarios.coverage}) ->> 'datasetCode' from ${scenarios} where ${scenarios.id} = ${search.scenarioId})`
      : undefined,
  );
  const sort = search.sort ?? 'name';
  if (!match) {
    const order = ordering(datasets, sort, search.after);
    return ctx.db
      .select()
      .from(datasets)
      .where(and(where, order.after))
      .orderBy(...order.orderBy)
      .limit(search.limit);
  }
  // Matches first, then sorted. Left to itself the planner walks the name index and filters,
  // betting that matches are spread evenly; for a term whose matches sort late (社保 in 5 % of
  // rows) it reads 75 000 rows for a page. The LIMIT keeps the subquery from being flattened.
  const hits = ctx.db
    .select()
    .from(datasets)
    .where(and(where, ordering(datasets, sort, search.after).after))
    .limit(Number.MAX_SAFE_INTEGER)
    .as('hits');
  return ctx.db
    .select()
    .from(hits)
    .orderBy(...ordering(hits, sort, undefined).orderBy)
    .limit(search.limit);
}
