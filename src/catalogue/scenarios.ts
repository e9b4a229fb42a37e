import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import { appendAudit } from '../audit/index.js';
import { Action, Subject } from '../identity/rules/abilities.js';
import { allows, authorize, authorizeCreate } from '../identity/index.js';
import { PublishedVersions } from '../platform/db/published-versions.js';
import type { Db, Tx } from '../platform/db/client.js';
import { datasets, datasetVersions, departments, scenarioListVersions, scenarios } from '../platform/db/schema.js';
import type { DatasetField } from './rules/dataset.js';
import { routingChanged, type Coverage } from './rules/scenario.js';
import { ForbiddenError, NotFoundError, RuleViolationError } from '../platform/errors.js';
import { auditActor } from '../identity/index.js';
import type { RequestContext } from '../identity/index.js';
import type { JsonBody, JsonRequest } from '../platform/http/contract.js';
import { scenarioView, type ScenarioView } from './presenters.js';

export const SCENARIO_KINDS = ['one_network_service', 'one_network_governance', 'no_application', 'other'] as const; // 一网通办 一网统管 免申即享 其他

export type ScenarioRow = typeof scenarios.$inferSelect;

export type { Coverage };

export interface ScenarioInput {
  name: string;
  kind: (typeof SCENARIO_KINDS)[number];
  leadDepartmentId: string;
  description: string;
  validFrom: string;
  validTo?: string | null;
  coverage: Coverage[];
}

/** The key-work list as routing reads it: a version and its scenarios with their coverage. */
export interface KeyListSnapshot {
  version: number;
  scenarios: { id: string; name: string; kind: ScenarioRow['kind']; validFrom: string; validTo: string | null; coverage: Coverage[] }[];
}

/** Arbitrary constant naming the lock that serializes key-work list versions. */
const KEY_LIST_LOCK = 1_515_002;

async function checkCoverage(tx: Tx, ctx: RequestContext, input: ScenarioInput): Promise<void> {
  const problems: string[] = [];
  if (input.validTo && input.validTo < input.validFrom) problems.push('validTo: the validity ends before it starts');
  if (input.coverage.length === 0) problems.push('coverage: a scenario names the datasets and fields it needs');
  const codes = input.coverage.map((c) => c.datasetCode);
  const found = codes.length
    ? await tx
        .select({
          code: datasets.code,
          lifecycle: datasets.lifecycle,
          ownerDepartmentId: datasets.ownerDepartmentId,
          fields: datasetVersions.fields,
        })
        .from(datasets)
        .innerJoin(datasetVersions, and(eq(datasetVersions.datasetId, datasets.id), eq(datasetVersions.version, datasets.currentVersion)))
        .where(inArray(datasets.code, codes))
    : [];
  // A draft the caller may not read does not exist for it (nor do its field names).
  const byCode = new Map(
    found.filter((f) => f.lifecycle !== 'draft' || allows(ctx.actor.ability, Action.read, Subject.Dataset, f)).map((f) => [f.code, f]),
  );
  for (const [i, c] of input.coverage.entries()) {
    const dataset = byCode.get(c.datasetCode);
    if (!dataset) {
      problems.push(`coverage/${i}: unknown dataset "${c.datasetCode}"`);
      continue;
    }
    if (dataset.lifecycle === 'retired') problems.push(`coverage/${i}: ${c.datasetCode} is retired`);
    const names = (dataset.fields as DatasetField[]).map((f) => f.name);
    for (const field of c.fields) if (!names.includes(field)) problems.push(`coverage/${i}: "${field}" is not a field of ${c.datasetCode}`);
    if (c.fields.length === 0) problems.push(`coverage/${i}: name the fields the scenario needs`);
  }
  if (problems.length) throw new RuleViolationError('invalid_scenario', problems.join('; '), { problems });
}

async function checkLeadDepartment(tx: Tx, id: string): Promise<void> {
  const [found] = await tx.select({ id: departments.id }).from(departments).where(eq(departments.id, id));
  if (!found) throw new RuleViolationError('unknown_department', 'leadDepartmentId: no department with that id');
}

/** Writes a new key-work list version holding the list as it now stands. */
async function newListVersion(tx: Tx, summary: string, at: Date): Promise<number> {
  await tx.execute(sql`select pg_advisory_xact_lock(${KEY_LIST_LOCK})`);
  const [last] = await tx
    .select({ version: scenarioListVersions.version })
    .from(scenarioListVersions)
    .orderBy(desc(scenarioListVersions.version))
    .limit(1);
  const version = (last?.version ?? 0) + 1;
  const onList = await tx
    .select()
    .from(scenarios)
    .where(and(eq(scenarios.onKeyList, true), eq(scenarios.retired, false)))
    .orderBy(asc(scenarios.name));
  const snapshot: KeyListSnapshot['scenarios'] = onList.map((s) => ({
    id: s.id,
    name: s.name,
    kind: s.kind,
    validFrom: s.validFrom,
    validTo: s.validTo,
    coverage: s.coverage as Coverage[],
  }));
  await tx.insert(scenarioListVersions).values({ version, createdAt: at, summary, snapshot });
  return version;
}

export async function createScenario(ctx: RequestContext, input: ScenarioInput): Promise<ScenarioRow> {
  authorizeCreate(ctx.actor.ability, Subject.Scenario, { leadDepartmentId: input.leadDepartmentId });
  return ctx.db.transaction(async (tx) => {
    await checkLeadDepartment(tx, input.leadDepartmentId);
    await checkCoverage(tx, ctx, input);
    const [row] = await tx
      .insert(scenarios)
      .values({ ...input, validTo: input.validTo ?? null, coverage: input.coverage, createdAt: ctx.now, updatedAt: ctx.now })
      .returning();
    await appendAudit(tx, {
      actor: auditActor(ctx.actor, 'center_admin', 'dept_admin'),
      action: 'scenario.created',
      subjectType: Subject.Scenario,
      subjectId: row!.id,
      after: input,
      requestId: ctx.requestId,
      at: ctx.now,
    });
    return row!;
  });
}

/** An edit of a scenario on the key-work list makes a new list version; what routing reads is the center's (`routingChanged`). */
export async function updateScenario(ctx: RequestContext, id: string, input: ScenarioInput): Promise<ScenarioRow> {
  return ctx.db.transaction(async (tx) => {
    const [current] = await tx.select().from(scenarios).where(eq(scenarios.id, id)).for('update');
    const row = authorize(ctx.actor.ability, Action.update, Subject.Scenario, current);
    // The scenario as it would be must be the caller's to edit too (no handing it to another department).
    authorize(ctx.actor.ability, Action.update, Subject.Scenario, { ...row, leadDepartmentId: input.leadDepartmentId });
    if (
      row.onKeyList &&
      routingChanged({ ...row, coverage: row.coverage as Coverage[] }, input) &&
      !allows(ctx.actor.ability, Action.curate, Subject.Scenario, row)
    ) {
      throw new ForbiddenError(
        'key_list_scenario_locked',
        'This scenario is on the key-work list: its coverage, kind and validity are changed by the center (name and description stay yours)',
      );
    }
    await checkLeadDepartment(tx, input.leadDepartmentId);
    await checkCoverage(tx, ctx, input);
    const [updated] = await tx
      .update(scenarios)
      .set({ ...input, validTo: input.validTo ?? null, updatedAt: ctx.now })
      .where(eq(scenarios.id, id))
      .returning();
    const listVersion = row.onKeyList ? await newListVersion(tx, `revised ${row.name}`, ctx.now) : null;
    await appendAudit(tx, {
      actor: auditActor(ctx.actor, 'center_admin', 'dept_admin'),
      action: 'scenario.revised',
      subjectType: Subject.Scenario,
      subjectId: id,
      before: { name: row.name, coverage: row.coverage, validTo: row.validTo },
      after: { ...input, listVersion },
      requestId: ctx.requestId,
      at: ctx.now,
    });
    return updated!;
  });
}

/** The center puts a scenario on the key-work list or takes it off; each change is a list version. */
export async function setKeyListMembership(
  ctx: RequestContext,
  id: string,
  onKeyList: boolean,
  reason: string,
): Promise<{ scenario: ScenarioRow; listVersion: number | null }> {
  return ctx.db.transaction(async (tx) => {
    const [current] = await tx.select().from(scenarios).where(eq(scenarios.id, id)).for('update');
    const row = authorize(ctx.actor.ability, Action.curate, Subject.Scenario, current);
    if (row.onKeyList === onKeyList) return { scenario: row, listVersion: null };
    if (onKeyList && row.retired) throw new RuleViolationError('scenario_retired', 'A retired scenario cannot join the key-work list');
    const [updated] = await tx.update(scenarios).set({ onKeyList, updatedAt: ctx.now }).where(eq(scenarios.id, id)).returning();
    const listVersion = await newListVersion(tx, `${onKeyList ? 'added' : 'removed'} ${row.name}`, ctx.now);
    await appendAudit(tx, {
      actor: auditActor(ctx.actor, 'center_admin'),
      action: onKeyList ? 'key_list.added' : 'key_list.removed',
      subjectType: Subject.Scenario,
      subjectId: id,
      before: { onKeyList: row.onKeyList },
      after: { onKeyList, listVersion },
      reason,
      requestId: ctx.requestId,
      at: ctx.now,
    });
    return { scenario: updated!, listVersion };
  });
}

export async function listScenarios(db: Db): Promise<ScenarioRow[]> {
  return db.select().from(scenarios).orderBy(asc(scenarios.name));
}

export async function getScenario(ctx: RequestContext, id: string): Promise<ScenarioRow> {
  const [row] = await ctx.db.select().from(scenarios).where(eq(scenarios.id, id));
  return authorize(ctx.actor.ability, Action.read, Subject.Scenario, row);
}

/** The key-work list at a version (the current one when omitted); version 0 is the empty list. */
export async function keyList(db: Db | Tx, version?: number): Promise<KeyListSnapshot | undefined> {
  const stamp = { version: scenarioListVersions.version, createdAt: scenarioListVersions.createdAt };
  const [found] =
    version === undefined
      ? await db.select(stamp).from(scenarioListVersions).orderBy(desc(scenarioListVersions.version)).limit(1)
      : await db.select(stamp).from(scenarioListVersions).where(eq(scenarioListVersions.version, version));
  if (!found) return version === undefined || version === 0 ? { version: 0, scenarios: [] } : undefined;
  const key = PublishedVersions.key(found.version, found.createdAt);
  const cached = publishedKeyLists.get(key);
  if (cached) return cached;
  const [row] = await db
    .select({ snapshot: scenarioListVersions.snapshot })
    .from(scenarioListVersions)
    .where(eq(scenarioListVersions.version, found.version));
  return publishedKeyLists.set(key, { version: found.version, scenarios: row!.snapshot as KeyListSnapshot['scenarios'] });
}

/**
 * Published versions never change, and every filing routes on the current one: its snapshot (a
 * city's list runs to hundreds of scenarios with their fields) is read once per version, keyed
 * like the calendar's, and only the stamp is read per filing.
 */
const publishedKeyLists = new PublishedVersions<KeyListSnapshot>();

/** The key-work scenarios' use cases, one call per HTTP operation. */
export class ScenarioService {
  constructor(private readonly deps: { db: Db }) {}

  async list(): Promise<JsonBody<'listScenarios', 200>> {
    return { items: (await listScenarios(this.deps.db)).map(scenarioView) };
  }

  async create(ctx: RequestContext, input: ScenarioInput): Promise<ScenarioView> {
    return scenarioView(await createScenario(ctx, input));
  }

  async detail(ctx: RequestContext, id: string): Promise<ScenarioView> {
    return scenarioView(await getScenario(ctx, id));
  }

  async revise(ctx: RequestContext, id: string, input: ScenarioInput): Promise<ScenarioView> {
    return scenarioView(await updateScenario(ctx, id, input));
  }

  async setKeyListMembership(
    ctx: RequestContext,
    id: string,
    { onKeyList, reason }: JsonRequest<'setKeyListMembership'>,
  ): Promise<JsonBody<'setKeyListMembership', 200>> {
    const result = await setKeyListMembership(ctx, id, onKeyList, reason);
    return { scenario: scenarioView(result.scenario), listVersion: result.listVersion };
  }

  async keyWorkList(version: number | undefined): Promise<JsonBody<'getKeyWorkList', 200>> {
    const list = await keyList(this.deps.db, version);
    if (!list) throw new NotFoundError('key_list_version_not_found', `The key-work list has no version ${version}`);
    return list;
  }
}
