/**
 * Grants' use cases: the detail (history, catalogue changes, what the caller may do) and the
 * owner's or the center's suspension, resumption and revocation, handed to the grant's workflow.
 */
import type { Client } from '@temporalio/client';
import { and, asc, eq, isNull, notInArray } from 'drizzle-orm';
import { GRANT_WORKFLOW, grantUpdates, grantWorkflowId } from '../../workflows/grant-api.js';
import type { grantWorkflow } from '../../workflows/grant.js';
import type { RequestContext } from '../identity/index.js';
import { subject as asSubject } from '@casl/ability';
import { Action, Subject } from '../identity/rules/abilities.js';
import type { Config } from '../platform/config.js';
import type { Db } from '../platform/db/client.js';
import { departments, grantEvents, grants, requests, users } from '../platform/db/schema.js';
import { ConflictError, ForbiddenError } from '../platform/errors.js';
import type { JsonBody } from '../platform/http/contract.js';
import { sendCaseUpdate } from '../platform/temporal/case-update.js';
import { viewGrant } from './case.js';
import { grantImpacts, grantPartyOf, grantSubject, readGrant } from './queries.js';
import { availableGrantActions, type GrantActionInput, type GrantPersonAction } from './rules/actions.js';
import { TERMINAL_STATES } from '../requests/rules/lifecycle.js';
import { START_DEADLINE_MS } from '../platform/temporal/case-update.js';
import type { GrantState } from './rules/lifecycle.js';

type Detail = JsonBody<'getGrant', 200>;
export type GrantTemporal = { client: Client; settings: Config['temporal'] };
type GrantEvent = Detail['events'][number];

export async function grantDetail(ctx: RequestContext, id: string): Promise<Detail> {
  const grant = await readGrant(ctx, id);
  const view = await viewGrant(ctx.db, id);
  const events = await ctx.db
    .select({ event: grantEvents, user: { id: users.id, displayName: users.displayName }, department: departments })
    .from(grantEvents)
    .leftJoin(users, eq(users.id, grantEvents.actorUserId))
    .leftJoin(departments, eq(departments.id, grantEvents.actorDepartmentId))
    .where(eq(grantEvents.grantId, id))
    .orderBy(asc(grantEvents.seq));
  const party = grantPartyOf(ctx, grant);
  const subject = grantSubject({ requesterDepartmentId: grant.requesterDepartment.id }, grant.ownerDepartment.id);
  const openRenewal = await ctx.db
    .select({ id: requests.id })
    .from(requests)
    .where(and(eq(requests.renewsGrantId, id), notInArray(requests.state, [...TERMINAL_STATES])))
    .limit(1);
  return {
    grant,
    reminderAt: view.reminderAt,
    events: events.map(({ event, user, department }): GrantEvent => ({
      kind: event.kind as GrantEvent['kind'],
      at: event.at.toISOString(),
      fromState: event.fromState as GrantState | null,
      toState: event.toState as GrantState | null,
      party: event.party as GrantEvent['party'],
      actor:
        user && department
          ? {
              userId: user.id,
              displayName: user.displayName,
              department: { id: department.id, code: department.code, name: department.name },
            }
          : null,
      reason: event.reason,
      details: event.details as Record<string, unknown>,
    })),
    impacts: (await grantImpacts(ctx, id)).map((i) => ({
      kind: i.kind as Detail['impacts'][number]['kind'],
      datasetVersion: i.datasetVersion,
      fieldsRemoved: i.fieldsRemoved,
      at: i.at.toISOString(),
    })),
    availableActions: availableGrantActions(view, party),
    mayRenew: grant.state !== 'revoked' && openRenewal.length === 0 && ctx.actor.ability.can(Action.renew, subject),
    mayRaiseObjection:
      (grant.state === 'active' || grant.state === 'expiring') &&
      grant.validTo !== null &&
      Date.parse(grant.validTo) > ctx.now.getTime() &&
      grant.requesterDepartment.id === ctx.actor.departmentId &&
      ctx.actor.ability.can(Action.create, asSubject(Subject.Objection, { objectorDepartmentId: ctx.actor.departmentId }) as never),
  };
}

/** Hands a person's action to the grant's workflow (its validator refuses what the rules do not allow). */
export async function actOnGrant(
  ctx: RequestContext,
  temporal: GrantTemporal,
  id: string,
  name: GrantPersonAction,
  reason: string,
): Promise<Detail> {
  const grant = await readGrant(ctx, id);
  const party = grantPartyOf(ctx, grant);
  if (!party)
    throw new ForbiddenError('grant_action_forbidden', 'Only the data’s owner department (its reviewer) or the center may do this');
  const input: GrantActionInput = {
    actor: {
      userId: ctx.actor.userId,
      departmentId: ctx.actor.departmentId,
      role: party === 'center' ? 'center_operator' : 'reviewer',
      party,
      httpRequestId: ctx.requestId,
    },
    reason: reason.trim(),
  };
  await ensureGrantWorkflow(ctx, temporal, id);
  const update = grantUpdates[name];
  await sendCaseUpdate(temporal.client, grantWorkflowId(id), update, input, {
    step: `grant step ${name}`,
    closed: () => new ConflictError('grant_closed', 'The grant has ended; nothing changes it any more'),
  });
  return grantDetail(ctx, id);
}

/**
 * Starts a grant's workflow (or finds it running) and records that it runs. The delivery's API
 * call starts it; a grant whose start failed (Temporal unreachable) is started by the reconciler,
 * and an action on a grant issued moments ago starts it rather than wait.
 */
export async function startGrantWorkflow(db: Db, temporal: GrantTemporal, id: string, at: Date): Promise<void> {
  await temporal.client.connection.withDeadline(Date.now() + START_DEADLINE_MS, () =>
    temporal.client.workflow.start<typeof grantWorkflow>(GRANT_WORKFLOW, {
      taskQueue: temporal.settings.taskQueue,
      workflowId: grantWorkflowId(id),
      args: [{ grantId: id }],
      workflowIdConflictPolicy: 'USE_EXISTING',
    }),
  );
  await markGrantWorkflowStarted(db, id, at);
}

/** Records that the grant's workflow runs (the reconciler starts those that do not). */
export async function markGrantWorkflowStarted(db: Db, id: string, at: Date): Promise<void> {
  await db
    .update(grants)
    .set({ workflowStartedAt: at })
    .where(and(eq(grants.id, id), isNull(grants.workflowStartedAt)));
}

/** After a delivery: the grant's workflow, if the delivery issued one (a failure is left to the reconciler). */
export async function startWorkflowOfGrantFrom(db: Db, temporal: GrantTemporal, requestId: string, at: Date): Promise<string | null> {
  const [grant] = await db.select({ id: grants.id, started: grants.workflowStartedAt }).from(grants).where(eq(grants.requestId, requestId));
  if (!grant || grant.started) return grant?.id ?? null;
  await startGrantWorkflow(db, temporal, grant.id, at);
  return grant.id;
}

async function ensureGrantWorkflow(ctx: RequestContext, temporal: GrantTemporal, id: string): Promise<void> {
  const [row] = await ctx.db.select({ started: grants.workflowStartedAt }).from(grants).where(eq(grants.id, id));
  if (!row?.started) await startGrantWorkflow(ctx.db, temporal, id, ctx.now);
}
