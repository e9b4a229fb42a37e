/**
 * Drafts and filing (申请). A draft is a request in state `draft`, seen only by its requester
 * department. Filing checks it, takes the routing snapshot, routes it, numbers it and records it
 * in one transaction; the caller then starts its workflow.
 */
import { and, asc, count, eq, isNull, lt, sql } from 'drizzle-orm';
import { appendAudit, appendAuditEntries } from '../audit/index.js';
import { Action, Subject } from '../identity/rules/abilities.js';
import { authorize, authorizeCreate } from '../identity/index.js';
import { keyList, type Coverage } from '../catalogue/index.js';
import { getDataset } from '../catalogue/index.js';
import type { Db, Tx } from '../platform/db/client.js';
import {
  datasets,
  datasetVersions,
  requestAttachments,
  requestEvents,
  requestNumberCounters,
  requests,
  scenarios,
} from '../platform/db/schema.js';
import type { ConditionCheck, SharingConditions } from '../catalogue/rules/conditions.js';
import { fieldsOutside, type DatasetField } from '../catalogue/rules/dataset.js';
import { shanghaiDate } from '../calendar/rules/shanghai-time.js';
import { DEFAULT_POLICY_NAME, type PolicyProfile } from './rules/policy.js';
import { routeRequest, type RoutingDecision } from './rules/routing.js';
import { requestNumber } from './rules/refusal.js';
import { ConflictError, NotFoundError, RuleViolationError } from '../platform/errors.js';
import { auditActor } from '../identity/index.js';
import type { RequestContext } from '../identity/index.js';
import { enqueueNotifications } from '../notifications/index.js';
import { currentCommitment, currentPolicy } from './policy.js';
import { conditionChecks } from './pre-check.js';
import { openFirstStep } from './open-step.js';

export type RequestRow = typeof requests.$inferSelect;

/** Columns the authorization rules on requests may name. */
export const requestFields = {
  requesterDepartmentId: requests.requesterDepartmentId,
  ownerDepartmentId: requests.ownerDepartmentId,
  state: requests.state,
};

export interface DraftInput {
  datasetId: string;
  fields: string[];
  scenarioId?: string | null;
  purpose: string;
  legalBasis?: string | null;
  usageMonths?: number | null;
  deliveryMethod: 'interface' | 'batch';
  securityCommitmentAccepted?: boolean;
  /** A renewal (续期): the grant it renews. */
  renewsGrantId?: string | null;
}

export interface RoutingSnapshot {
  datasetVersion: number;
  sharingType: string;
  aggregated: boolean;
  keyListVersion: number;
  scenario: { id: string; kind: string; onKeyList: boolean; coveredFields: string[] } | null;
  policy: { name: string; version: number };
}

export interface FilingProblem {
  code: string;
  message: string;
}

const draftColumns = (input: DraftInput) => ({
  fields: input.fields,
  scenarioId: input.scenarioId ?? null,
  purpose: input.purpose,
  legalBasis: input.legalBasis ?? null,
  usageMonths: input.usageMonths ?? null,
  deliveryMethod: input.deliveryMethod,
  securityCommitmentAccepted: input.securityCommitmentAccepted ?? false,
});

/** Saves a draft for a dataset the caller can see; the dataset's owner is the other party. */
/** Open drafts one user may keep: drafts are cheap to make, and a runaway client must not fill the table. */
export const MAX_OPEN_DRAFTS_PER_USER = 50;

export async function createDraft(ctx: RequestContext, input: DraftInput): Promise<RequestRow> {
  authorizeCreate(ctx.actor.ability, Subject.Request, { requesterDepartmentId: ctx.actor.departmentId });
  const { dataset } = await getDataset(ctx, input.datasetId);
  return ctx.db.transaction(async (tx) => {
    // One creation at a time per user, so parallel creations cannot all pass the count.
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`drafts:${ctx.actor.userId}`}))`);
    const [open] = await tx
      .select({ n: count() })
      .from(requests)
      .where(and(eq(requests.requesterUserId, ctx.actor.userId), eq(requests.state, 'draft')));
    if (open!.n >= MAX_OPEN_DRAFTS_PER_USER) {
      throw new ConflictError(
        'too_many_drafts',
        `You have ${open!.n} open drafts, the most one user may keep; file or discard some first`,
        { limit: MAX_OPEN_DRAFTS_PER_USER },
      );
    }
    const [row] = await tx
      .insert(requests)
      .values({
        ...draftColumns(input),
        renewsGrantId: input.renewsGrantId ?? null,
        state: 'draft',
        requesterDepartmentId: ctx.actor.departmentId,
        requesterUserId: ctx.actor.userId,
        ownerDepartmentId: dataset.ownerDepartmentId,
        datasetId: dataset.id,
        createdAt: ctx.now,
        updatedAt: ctx.now,
      })
      .returning();
    await appendAudit(tx, {
      actor: auditActor(ctx.actor, 'requester'),
      action: 'request.draft_saved',
      subjectType: Subject.Request,
      subjectId: row!.id,
      after: { datasetId: dataset.id, fields: input.fields, ...(input.renewsGrantId ? { renewsGrantId: input.renewsGrantId } : {}) },
      requestId: ctx.requestId,
      at: ctx.now,
    });
    return row!;
  });
}

async function lockDraft(tx: Tx, ctx: RequestContext, id: string): Promise<RequestRow> {
  const [current] = await tx.select().from(requests).where(eq(requests.id, id)).for('update');
  const row = authorize(ctx.actor.ability, Action.update, Subject.Request, current);
  if (row.state !== 'draft')
    throw new ConflictError('not_a_draft', `Request ${row.number} is filed; drafts only are edited, filed or discarded`);
  return row;
}

export async function updateDraft(ctx: RequestContext, id: string, input: DraftInput): Promise<RequestRow> {
  const { dataset } = await getDataset(ctx, input.datasetId);
  return ctx.db.transaction(async (tx) => {
    await lockDraft(tx, ctx, id);
    const [row] = await tx
      .update(requests)
      .set({ ...draftColumns(input), datasetId: dataset.id, ownerDepartmentId: dataset.ownerDepartmentId, updatedAt: ctx.now })
      .where(eq(requests.id, id))
      .returning();
    await appendAudit(tx, {
      actor: auditActor(ctx.actor, 'requester'),
      action: 'request.draft_saved',
      subjectType: Subject.Request,
      subjectId: id,
      after: { datasetId: dataset.id, fields: input.fields, ...(input.renewsGrantId ? { renewsGrantId: input.renewsGrantId } : {}) },
      requestId: ctx.requestId,
      at: ctx.now,
    });
    return row!;
  });
}

export async function discardDraft(ctx: RequestContext, id: string): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    await lockDraft(tx, ctx, id);
    await tx.delete(requestAttachments).where(eq(requestAttachments.requestId, id));
    await tx.delete(requests).where(eq(requests.id, id));
    await appendAudit(tx, {
      actor: auditActor(ctx.actor, 'requester'),
      action: 'request.draft_discarded',
      subjectType: Subject.Request,
      subjectId: id,
      requestId: ctx.requestId,
      at: ctx.now,
    });
  });
}

// ── Pre-check and filing ─────────────────────────────────────────────────────────────────────

interface Evaluation {
  problems: FilingProblem[];
  snapshot: RoutingSnapshot | null;
  routing: RoutingDecision | null;
  checks: ConditionCheck[];
  policy: PolicyProfile;
}

/** Everything filing would decide, without deciding it: problems, snapshot, routing, pre-check. */
async function evaluate(
  tx: Db | Tx,
  ctx: RequestContext,
  row: RequestRow,
  policyName: string,
  commitment?: { version: number; accepted: boolean },
): Promise<Evaluation> {
  const problems: FilingProblem[] = [];
  const problem = (code: string, message: string) => problems.push({ code, message });
  const [dataset] = await tx
    .select({ dataset: datasets, version: datasetVersions })
    .from(datasets)
    .innerJoin(datasetVersions, and(eq(datasetVersions.datasetId, datasets.id), eq(datasetVersions.version, datasets.currentVersion)))
    .where(eq(datasets.id, row.datasetId));
  if (!dataset) throw new NotFoundError('dataset_not_found', 'The dataset no longer exists');
  const { dataset: d, version: v } = dataset;
  if (d.lifecycle !== 'published')
    problem('dataset_not_requestable', `Dataset ${d.code} is ${d.lifecycle}; only published datasets can be requested`);
  // A department uses its own data directly; the sharing mechanism is for other departments' data.
  if (d.ownerDepartmentId === row.requesterDepartmentId)
    problem('own_dataset', `Dataset ${d.code} is your own department's; it is used directly, not requested`);
  if (row.fields.length === 0) problem('no_fields', 'A request names at least one field');
  const outside = fieldsOutside(v.fields as DatasetField[], row.fields);
  if (outside.length) problem('unknown_fields', `Not fields of ${d.code} version ${v.version}: ${outside.join(', ')}`);

  const list = (await keyList(tx))!;
  let scenario: RoutingSnapshot['scenario'] = null;
  if (row.scenarioId) {
    const [s] = await tx.select().from(scenarios).where(eq(scenarios.id, row.scenarioId));
    const today = shanghaiDate(ctx.now);
    if (!s) problem('unknown_scenario', 'The scenario does not exist');
    else if (s.retired) problem('scenario_retired', `Scenario ${s.name} is retired`);
    else if (s.validFrom > today || (s.validTo !== null && s.validTo < today))
      problem('scenario_not_valid', `Scenario ${s.name} is valid ${s.validFrom} to ${s.validTo ?? '—'}, not on ${today}`);
    if (s) {
      const listed = list.scenarios.find((x) => x.id === s.id);
      const coverage = (listed?.coverage ?? (s.coverage as Coverage[])).find((c) => c.datasetCode === d.code);
      scenario = { id: s.id, kind: s.kind, onKeyList: Boolean(listed), coveredFields: coverage?.fields ?? [] };
    }
  } else if (!row.purpose.trim()) {
    problem('purpose_required', 'A request without a scenario describes its purpose');
  }

  const conditions = d.sharingType === 'conditional' ? (v.conditions as SharingConditions | null) : null;
  // A grant runs for the usage period; without one it would never expire.
  if (row.usageMonths === null) problem('usage_period_required', 'A request states how many months the data will be used');
  else if (conditions?.maxUsageMonths !== undefined && row.usageMonths > conditions.maxUsageMonths) {
    problem('usage_period_too_long', `The conditions allow at most ${conditions.maxUsageMonths} months of use; ${row.usageMonths} asked`);
  }
  if (conditions?.legalBasisRequired && !row.legalBasis?.trim())
    problem('legal_basis_required', `The conditions of ${d.code} require the legal basis of the request`);
  const current = await currentCommitment(tx);
  if (commitment) {
    if (!commitment.accepted) problem('commitment_required', 'Filing requires accepting the notification-commitment (告知承诺)');
    else if (commitment.version !== current.version)
      problem('commitment_outdated', `The notification-commitment is now version ${current.version}; read and accept it again`);
  }

  const policy = await currentPolicy(tx, policyName);
  const snapshot: RoutingSnapshot = {
    datasetVersion: v.version,
    sharingType: d.sharingType,
    aggregated: d.aggregated,
    keyListVersion: list.version,
    scenario,
    policy: { name: policy.name, version: policy.version },
  };
  const routing = routeRequest({
    dataset: { sharingType: d.sharingType, aggregated: d.aggregated },
    requestedFields: row.fields,
    scenario,
  });
  // Filing accepts the current commitment (a dry run assumes it will): its security commitment counts.
  const checks = conditionChecks(conditions, row, {
    requester: ctx.actor.departmentRow,
    commitmentCoversSecurity: current.includesSecurityCommitment && (!commitment || commitment.version === current.version),
  });
  return { problems, snapshot, routing, checks, policy };
}

/** The dry run a requester asks for before filing: would it file, where would it go, how do the conditions look. */
export async function preCheckDraft(ctx: RequestContext, id: string, policyName = DEFAULT_POLICY_NAME): Promise<Evaluation> {
  const [current] = await ctx.db.select().from(requests).where(eq(requests.id, id));
  const row = authorize(ctx.actor.ability, Action.update, Subject.Request, current);
  if (row.state !== 'draft') throw new ConflictError('not_a_draft', 'Only drafts are pre-checked');
  return evaluate(ctx.db, ctx, row, policyName);
}

/**
 * Files a draft: checks it, routes it on a snapshot, numbers it, records the timeline, audit and
 * notices — all or nothing. A not-shareable dataset is routed (to coordination), never refused here.
 */
export async function fileRequest(
  ctx: RequestContext,
  id: string,
  commitment: { version: number; accepted: boolean },
  policyName = DEFAULT_POLICY_NAME,
): Promise<RequestRow> {
  return ctx.db.transaction(async (tx) => {
    const row = await lockDraft(tx, ctx, id);
    const { problems, snapshot, routing, checks, policy } = await evaluate(tx, ctx, row, policyName, commitment);
    if (problems.length) throw new RuleViolationError(problems[0]!.code, problems.map((p) => p.message).join('; '), { problems });
    const number = await nextRequestNumber(tx, Number(shanghaiDate(ctx.now).slice(0, 4)));
    const filing = {
      number,
      state: 'routed',
      track: routing!.track,
      snapshot,
      routing,
      preCheck: checks,
      policyName: policy.name,
      policyVersion: policy.version,
      commitmentVersion: commitment.version,
      commitmentAcceptedAt: ctx.now,
      commitmentAcceptedBy: ctx.actor.userId,
      filedAt: ctx.now,
      updatedAt: ctx.now,
    };
    // The track's step opens now, counting from filing: the answer carries its deadline and clock.
    const actor = {
      userId: ctx.actor.userId,
      departmentId: ctx.actor.departmentId,
      party: 'requester' as const,
      role: 'requester',
      httpRequestId: ctx.requestId,
    };
    const clock = await openFirstStep(tx, { ...row, ...filing }, actor, policy);
    const [opened] = await tx
      .update(requests)
      .set({ ...filing, clockId: clock.id })
      .where(eq(requests.id, id))
      .returning();
    await recordFiling(tx, ctx, opened!, commitment.version);
    return opened!;
  });
}

/** Records that the request's workflow runs (the reconciler starts those that do not). */
export async function markWorkflowStarted(db: Db, id: string, at: Date): Promise<void> {
  await db
    .update(requests)
    .set({ workflowStartedAt: at })
    .where(and(eq(requests.id, id), sql`${requests.workflowStartedAt} is null`));
}

/** Filed requests whose workflow was never started (Temporal was unreachable at filing). */
export async function unstartedRequests(db: Db, filedBefore: Date, limit: number): Promise<string[]> {
  const rows = await db
    .select({ id: requests.id })
    .from(requests)
    .where(and(isNull(requests.workflowStartedAt), lt(requests.filedAt, filedBefore)))
    .orderBy(asc(requests.filedAt))
    .limit(limit);
  return rows.map((r) => r.id);
}

/** The next number of the year, gapless (the counter row is locked until the filing commits). */
async function nextRequestNumber(tx: Tx, year: number): Promise<string> {
  const [counter] = await tx
    .insert(requestNumberCounters)
    .values({ year, last: 1 })
    .onConflictDoUpdate({ target: requestNumberCounters.year, set: { last: sql`${requestNumberCounters.last} + 1` } })
    .returning();
  return requestNumber(year, counter!.last);
}

/** The filing's timeline (filed, routed), its notices to both departments and its audit entries. */
async function recordFiling(tx: Tx, ctx: RequestContext, filed: RequestRow, commitmentVersion: number): Promise<void> {
  const { id, number } = filed;
  const routing = filed.routing as RoutingDecision;
  const snapshot = filed.snapshot as RoutingSnapshot;
  const actor = auditActor(ctx.actor, 'requester');
  const by = { party: 'requester', actorUserId: ctx.actor.userId, actorDepartmentId: ctx.actor.departmentId };
  const system = { party: 'system', actorUserId: null, actorDepartmentId: null };
  await tx.insert(requestEvents).values([
    {
      requestId: id,
      stepKey: 'filed',
      kind: 'filed',
      at: ctx.now,
      fromState: 'draft',
      toState: 'submitted',
      ...by,
      details: { number, commitmentVersion: commitmentVersion },
    },
    {
      requestId: id,
      stepKey: 'routed',
      kind: 'routed',
      at: ctx.now,
      fromState: 'submitted',
      toState: 'routed',
      ...system,
      details: { track: routing.track, rule: routing.rule, reasons: routing.reasons, missingFields: routing.missingFields, snapshot },
    },
  ]);
  const notice = {
    kind: 'request.filed',
    subjectType: Subject.Request,
    subjectId: id,
    at: ctx.now,
    payload: { number, track: routing.track },
  };
  await enqueueNotifications(tx, [
    {
      ...notice,
      departmentId: filed.requesterDepartmentId,
      title: `申请 ${number} 已提交`,
      body: `已按第 ${routing.track} 类通道办理：${routing.reasons.join('；')}`,
    },
    {
      ...notice,
      departmentId: filed.ownerDepartmentId,
      title: `收到数据共享申请 ${number}`,
      body:
        routing.track === 5
          ? '请在时限内审核（可查看共享条件预检结果）'
          : routing.track === 15
            ? '该申请进入三方协调'
            : '该申请无需审核，由市大数据中心直接供数',
    },
  ]);
  // The ledger's lock serializes every writer until commit: take it last.
  await appendAuditEntries(tx, [
    {
      actor,
      action: 'request.filed',
      subjectType: Subject.Request,
      subjectId: id,
      before: { state: 'draft' },
      after: { state: 'submitted', number, commitmentVersion: commitmentVersion },
      requestId: ctx.requestId,
      at: ctx.now,
    },
    {
      actor: { kind: 'system', role: 'workflow' },
      action: 'request.routed',
      subjectType: Subject.Request,
      subjectId: id,
      before: { state: 'submitted' },
      after: { state: 'routed', track: routing.track, rule: routing.rule, snapshot },
      requestId: ctx.requestId,
      at: ctx.now,
    },
  ]);
}
