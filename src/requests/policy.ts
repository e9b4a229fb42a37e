/**
 * Policy profiles and the notification-commitment text (告知承诺), both versioned data. The
 * default profile and the first commitment text are created on first use, so a new installation
 * routes without a manual step.
 */
import { and, desc, eq, lt, notInArray, sql } from 'drizzle-orm';
import { appendAudit } from '../audit/index.js';
import { Subject } from '../identity/rules/abilities.js';
import { authorizeCreate } from '../identity/index.js';
import type { Db, Tx } from '../platform/db/client.js';
import { commitmentTexts, policyProfiles, requests } from '../platform/db/schema.js';
import { TERMINAL_STATES } from './rules/lifecycle.js';
import * as sla from '../sla/index.js';
import {
  DEFAULT_POLICY_NAME,
  policyProblems,
  SHANGHAI_1515,
  withSettingDefaults,
  type PolicyProfile,
  type PolicySettings,
} from './rules/policy.js';
import { ConflictError, NotFoundError, RuleViolationError } from '../platform/errors.js';
import { auditActor } from '../identity/index.js';
import type { RequestContext } from '../identity/index.js';

/** Arbitrary constant naming the lock that serializes new versions of profiles and texts. */
const POLICY_LOCK = 1_515_003;

export const DEFAULT_COMMITMENT_TEXT =
  '本部门承诺：所申请的公共数据仅用于本申请所述的用途和应用场景，不超范围使用，不向第三方提供；' +
  '严格落实数据安全管理责任，采取必要的安全保护措施，防止数据泄露、篡改和毁损；' +
  '使用期限届满或用途完成后按规定删除或归还数据；如违反上述承诺，依法承担相应责任。';

const toProfile = (row: typeof policyProfiles.$inferSelect): PolicyProfile => ({
  name: row.name,
  version: row.version,
  settings: withSettingDefaults(row.settings as PolicySettings),
});

/** The newest version of a profile (the default profile is created as version 1 on first use). */
export async function currentPolicy(db: Db | Tx, name = DEFAULT_POLICY_NAME): Promise<PolicyProfile> {
  const [row] = await db.select().from(policyProfiles).where(eq(policyProfiles.name, name)).orderBy(desc(policyProfiles.version)).limit(1);
  if (row) return toProfile(row);
  if (name !== DEFAULT_POLICY_NAME)
    throw new ConflictError(
      'policy_profile_missing',
      `The platform routes under policy profile ${name}, which has no version yet; a center admin creates it`,
    );
  await db
    .insert(policyProfiles)
    .values({ name, version: 1, settings: SHANGHAI_1515, note: 'default: the city’s 1515 mechanism', createdAt: new Date(0) })
    .onConflictDoNothing();
  return currentPolicy(db, name);
}

export async function policyAt(db: Db | Tx, name: string, version: number): Promise<PolicyProfile> {
  const [row] = await db
    .select()
    .from(policyProfiles)
    .where(and(eq(policyProfiles.name, name), eq(policyProfiles.version, version)));
  if (!row) throw new NotFoundError('policy_profile_not_found', `No version ${version} of policy profile ${name}`);
  return toProfile(row);
}

export async function listPolicies(db: Db): Promise<PolicyProfile[]> {
  await currentPolicy(db);
  return (await db.select().from(policyProfiles).orderBy(policyProfiles.name, desc(policyProfiles.version))).map(toProfile);
}

/** A new version of a profile (a new name starts at 1). Open clocks keep the version they started with. */
export async function createPolicyVersion(
  ctx: RequestContext,
  name: string,
  given: Parameters<typeof withSettingDefaults>[0],
  note: string,
): Promise<PolicyProfile> {
  authorizeCreate(ctx.actor.ability, Subject.PolicyProfile, {});
  const settings = withSettingDefaults(given);
  const problems = policyProblems(settings);
  if (problems.length) throw new RuleViolationError('invalid_policy', problems.join('; '), { problems });
  return ctx.db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${POLICY_LOCK})`);
    if (name === DEFAULT_POLICY_NAME) await currentPolicy(tx, name);
    const [last] = await tx
      .select({ version: policyProfiles.version })
      .from(policyProfiles)
      .where(eq(policyProfiles.name, name))
      .orderBy(desc(policyProfiles.version))
      .limit(1);
    const version = (last?.version ?? 0) + 1;
    const [row] = await tx
      .insert(policyProfiles)
      .values({ name, version, settings, note, createdAt: ctx.now, createdBy: ctx.actor.userId })
      .returning();
    await appendAudit(tx, {
      actor: auditActor(ctx.actor, 'center_admin'),
      action: 'policy_profile.version_created',
      subjectType: Subject.PolicyProfile,
      subjectId: `${name}@${version}`,
      after: { name, version, settings },
      reason: note,
      requestId: ctx.requestId,
      at: ctx.now,
    });
    return toProfile(row!);
  });
}

/**
 * Applies a profile version to requests already open under older versions of it (the center's
 * explicit choice; by default open requests keep their version): their steps take the new
 * lengths, the requests the new version. Returns the clocks whose deadline moved, for their
 * workflows to be told.
 */
export async function applyPolicyToOpenRequests(ctx: RequestContext, profile: PolicyProfile): Promise<sla.MovedClock[]> {
  const { trackDays, supplementAnswerDays } = profile.settings;
  const lengths = { track1: trackDays.track1, track5: trackDays.track5, track15: trackDays.track15, supplement: supplementAnswerDays };
  const moved = await sla.applyStepLengths(
    ctx.db,
    { subjectType: Subject.Request, policyProfile: profile.name, policyVersion: profile.version, lengths },
    ctx.now,
    { actor: auditActor(ctx.actor, 'center_admin'), requestId: ctx.requestId },
  );
  await ctx.db
    .update(requests)
    .set({ policyVersion: profile.version, updatedAt: ctx.now })
    .where(
      and(
        eq(requests.policyName, profile.name),
        lt(requests.policyVersion, profile.version),
        notInArray(requests.state, ['draft', ...TERMINAL_STATES]),
      ),
    );
  return moved;
}

export type CommitmentRow = typeof commitmentTexts.$inferSelect;

export async function currentCommitment(db: Db | Tx): Promise<CommitmentRow> {
  const [row] = await db.select().from(commitmentTexts).orderBy(desc(commitmentTexts.version)).limit(1);
  if (row) return row;
  await db
    .insert(commitmentTexts)
    .values({ version: 1, text: DEFAULT_COMMITMENT_TEXT, includesSecurityCommitment: true, publishedAt: new Date(0) })
    .onConflictDoNothing();
  return currentCommitment(db);
}

/** A new commitment text; filings must accept the current version. */
export async function publishCommitment(ctx: RequestContext, text: string, includesSecurityCommitment: boolean): Promise<CommitmentRow> {
  authorizeCreate(ctx.actor.ability, Subject.Commitment, {});
  return ctx.db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${POLICY_LOCK})`);
    const current = await currentCommitment(tx);
    const [row] = await tx
      .insert(commitmentTexts)
      .values({ version: current.version + 1, text, includesSecurityCommitment, publishedAt: ctx.now, publishedBy: ctx.actor.userId })
      .returning();
    await appendAudit(tx, {
      actor: auditActor(ctx.actor, 'center_admin'),
      action: 'commitment.published',
      subjectType: Subject.Commitment,
      subjectId: String(row!.version),
      before: { version: current.version },
      after: { version: row!.version, includesSecurityCommitment },
      requestId: ctx.requestId,
      at: ctx.now,
    });
    return row!;
  });
}
