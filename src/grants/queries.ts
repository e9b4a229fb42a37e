/**
 * Reading grants: lists with the same visibility rules as single reads (held by the caller's
 * department, on its data, or all for the center, the authority and auditors), the soonest-ending
 * open grants first; and a grant's detail with its history and the catalogue changes it met.
 */
import { subject as asSubject } from '@casl/ability';
import { and, asc, eq, gt, ilike, lte, notInArray, or, sql, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { shanghaiDate } from '../calendar/rules/shanghai-time.js';
import { endOfShanghaiDay } from '../calendar/rules/working-days.js';
import { accessibleWhere, authorize, type RequestContext } from '../identity/index.js';
import { Action, Subject } from '../identity/rules/abilities.js';
import { datasets, departments, grantCatalogueImpacts, grants, requests, scenarios } from '../platform/db/schema.js';
import { NotFoundError } from '../platform/errors.js';
import type { JsonBody, QueryParams } from '../platform/http/contract.js';
import { decodeCursor, isCursorInstant, page } from '../platform/http/cursor.js';
import type { GrantParty } from './rules/lifecycle.js';
import { FINAL_GRANT_STATES, type GrantState } from './rules/lifecycle.js';
import { addDays, lastDayOfValidity } from './rules/validity.js';

export type GrantSummary = JsonBody<'listGrants', 200>['items'][number];
export type GrantFilters = Omit<QueryParams<'listGrants'>, 'cursor' | 'limit'>;

const requester = alias(departments, 'requester');
const owner = alias(departments, 'owner');
const renewed = alias(grants, 'renewed');
const renewingRequest = alias(requests, 'renewing_request');
const renewingGrant = alias(grants, 'renewing_grant');

/** Where each condition field of a grant lives (the owner is the dataset's). */
const grantFields = { requesterDepartmentId: grants.requesterDepartmentId, ownerDepartmentId: datasets.ownerDepartmentId };

const closed = sql<number>`(case when ${grants.state} in ('expired', 'revoked') then 1 else 0 end)`;
const affected = sql`exists (select 1 from ${grantCatalogueImpacts} where ${grantCatalogueImpacts.grantId} = ${grants.id})`;

/** The latest renewal request filed from the grant (drafts included: the holder sees its own). */
const latestRenewal = sql`(select r.id from requests r where r.renews_grant_id = ${grants.id} order by r.created_at desc limit 1)`;

function selection() {
  return {
    grant: grants,
    requestNumber: requests.number,
    requester: { id: requester.id, code: requester.code, name: requester.name },
    owner: { id: owner.id, code: owner.code, name: owner.name },
    dataset: { id: datasets.id, code: datasets.code, name: datasets.name },
    scenario: { id: scenarios.id, name: scenarios.name },
    renews: { id: renewed.id, number: renewed.number },
    renewal: { requestId: renewingRequest.id, requestNumber: renewingRequest.number, state: renewingRequest.state },
    renewalGrant: { id: renewingGrant.id, number: renewingGrant.number },
    affected: sql<boolean>`${affected}`,
  };
}

function base(ctx: RequestContext) {
  return ctx.db
    .select(selection())
    .from(grants)
    .innerJoin(requests, eq(requests.id, grants.requestId))
    .innerJoin(datasets, eq(datasets.id, grants.datasetId))
    .innerJoin(requester, eq(requester.id, grants.requesterDepartmentId))
    .innerJoin(owner, eq(owner.id, datasets.ownerDepartmentId))
    .leftJoin(scenarios, eq(scenarios.id, grants.scenarioId))
    .leftJoin(renewed, eq(renewed.id, requests.renewsGrantId))
    .leftJoin(renewingRequest, eq(renewingRequest.id, latestRenewal))
    .leftJoin(renewingGrant, eq(renewingGrant.requestId, renewingRequest.id));
}

type Row = Awaited<ReturnType<ReturnType<typeof base>['execute']>>[number];

function summary(r: Row): GrantSummary {
  const g = r.grant;
  return {
    id: g.id,
    number: g.number,
    state: g.state as GrantState,
    requestId: g.requestId,
    requestNumber: r.requestNumber ?? '',
    requesterDepartment: r.requester,
    ownerDepartment: r.owner,
    dataset: { ...r.dataset, version: g.datasetVersion },
    fields: g.fields,
    scenario: r.scenario?.id ? { id: r.scenario.id, name: r.scenario.name } : null,
    purpose: g.purpose,
    deliveryMethod: g.deliveryMethod as GrantSummary['deliveryMethod'],
    deliveryReference: g.deliveryReference,
    validFrom: g.validFrom.toISOString(),
    validTo: g.validTo!.toISOString(),
    lastDay: lastDayOfValidity(g.validTo!),
    issuedAt: g.createdAt.toISOString(),
    renewsGrant: r.renews?.id ? { id: r.renews.id, number: r.renews.number } : null,
    renewal: r.renewal?.requestId
      ? {
          requestId: r.renewal.requestId,
          requestNumber: r.renewal.requestNumber,
          state: r.renewal.state as NonNullable<GrantSummary['renewal']>['state'],
          grant: r.renewalGrant?.id ? { id: r.renewalGrant.id, number: r.renewalGrant.number } : null,
        }
      : null,
    affected: r.affected,
  };
}

const isGrantCursor = (v: unknown): v is { closed: number; validTo: string; id: string } => {
  const c = v as Record<string, unknown> | null;
  return (
    typeof c === 'object' &&
    c !== null &&
    (c.closed === 0 || c.closed === 1) &&
    isCursorInstant(c.validTo) &&
    typeof c.id === 'string' &&
    /^[0-9a-f-]{36}$/i.test(c.id)
  );
};

export function grantConditions(ctx: RequestContext, f: GrantFilters): SQL | undefined {
  const scope = f.scope ?? 'all';
  const within = f.endingWithinDays;
  return and(
    accessibleWhere(ctx.actor.ability, Action.read, Subject.Grant, grantFields),
    scope === 'held' ? eq(grants.requesterDepartmentId, ctx.actor.departmentId) : undefined,
    scope === 'owned' ? eq(datasets.ownerDepartmentId, ctx.actor.departmentId) : undefined,
    f.state ? eq(grants.state, f.state) : undefined,
    within !== undefined
      ? and(
          notInArray(grants.state, [...FINAL_GRANT_STATES]),
          lte(grants.validTo, endOfShanghaiDay(addDays(shanghaiDate(ctx.now), within))),
        )
      : undefined,
    f.datasetId ? eq(grants.datasetId, f.datasetId) : undefined,
    f.requesterDepartmentId ? eq(grants.requesterDepartmentId, f.requesterDepartmentId) : undefined,
    f.affected === undefined ? undefined : f.affected ? affected : sql`not ${affected}`,
    f.q ? ilike(grants.number, `%${f.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`) : undefined,
  );
}

const ORDER = [asc(closed), asc(grants.validTo), asc(grants.id)];

export async function listGrants(ctx: RequestContext, query: QueryParams<'listGrants'>): Promise<JsonBody<'listGrants', 200>> {
  const limit = query.limit ?? 50;
  const after = decodeCursor(query.cursor, isGrantCursor);
  const rows = await base(ctx)
    .where(
      and(
        grantConditions(ctx, query),
        after
          ? or(
              gt(closed, after.closed),
              and(eq(closed, after.closed), gt(grants.validTo, new Date(after.validTo))),
              and(eq(closed, after.closed), eq(grants.validTo, new Date(after.validTo)), gt(grants.id, after.id)),
            )
          : undefined,
      ),
    )
    .orderBy(...ORDER)
    .limit(limit + 1);
  const result = page(rows, limit, (r) => ({
    closed: FINAL_GRANT_STATES.includes(r.grant.state as GrantState) ? 1 : 0,
    validTo: r.grant.validTo!.toISOString(),
    id: r.grant.id,
  }));
  return { items: result.items.map(summary), nextCursor: result.nextCursor };
}

/** Every grant the filters select (for an export), at most `max`. */
export async function allGrants(ctx: RequestContext, filters: GrantFilters, max: number): Promise<GrantSummary[]> {
  const rows = await base(ctx)
    .where(grantConditions(ctx, filters))
    .orderBy(...ORDER)
    .limit(max);
  return rows.map(summary);
}

/** The grant as the caller may read it (404 when it may not). */
export async function readGrant(ctx: RequestContext, id: string): Promise<GrantSummary> {
  const [row] = await base(ctx).where(eq(grants.id, id));
  if (!row) throw new NotFoundError('grant_not_found', 'No grant with that id');
  authorize(ctx.actor.ability, Action.read, Subject.Grant, grantSubject(row.grant, row.owner.id));
  return summary(row);
}

export const grantSubject = (grant: { requesterDepartmentId: string }, ownerDepartmentId: string) =>
  asSubject(Subject.Grant, { requesterDepartmentId: grant.requesterDepartmentId, ownerDepartmentId }) as never;

/** The party the caller acts as on the grant: the center before the owner (a center reviewer acts for the center). */
export function grantPartyOf(ctx: RequestContext, grant: GrantSummary): GrantParty | null {
  const subject = grantSubject({ requesterDepartmentId: grant.requesterDepartment.id }, grant.ownerDepartment.id);
  if (ctx.actor.ability.can(Action.coordinate, subject)) return 'center';
  if (ctx.actor.ability.can(Action.decide, subject)) return 'owner';
  return null;
}

export async function grantImpacts(ctx: RequestContext, id: string) {
  return ctx.db.select().from(grantCatalogueImpacts).where(eq(grantCatalogueImpacts.grantId, id)).orderBy(asc(grantCatalogueImpacts.at));
}
