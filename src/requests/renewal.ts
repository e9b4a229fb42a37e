/**
 * Renewal (续期) of a grant: a draft request prefilled from the grant and the request it came
 * from, for the holder's requester to review and file. It is routed like any request, under the
 * catalogue and policy of the day it is filed; the old grant stays valid until its end, and the
 * grant the renewal produces links back to it through the request.
 */
import { subject as asSubject } from '@casl/ability';
import { and, eq, notInArray } from 'drizzle-orm';
import { authorize, type RequestContext } from '../identity/index.js';
import { Action, Subject } from '../identity/rules/abilities.js';
import { datasets, grants, requests } from '../platform/db/schema.js';
import { ConflictError, NotFoundError } from '../platform/errors.js';
import { createDraft } from './filing.js';
import { TERMINAL_STATES } from './rules/lifecycle.js';

export async function renewGrant(ctx: RequestContext, grantId: string): Promise<{ requestId: string }> {
  const [row] = await ctx.db
    .select({ grant: grants, request: requests, owner: datasets.ownerDepartmentId })
    .from(grants)
    .innerJoin(requests, eq(requests.id, grants.requestId))
    .innerJoin(datasets, eq(datasets.id, grants.datasetId))
    .where(eq(grants.id, grantId));
  const subject = (g: typeof grants.$inferSelect, owner: string) =>
    asSubject(Subject.Grant, { requesterDepartmentId: g.requesterDepartmentId, ownerDepartmentId: owner }) as never;
  if (!row || !ctx.actor.ability.can(Action.read, subject(row.grant, row.owner)))
    throw new NotFoundError('grant_not_found', 'No grant with that id');
  authorize(ctx.actor.ability, Action.renew, Subject.Grant, subject(row.grant, row.owner));
  if (row.grant.state === 'revoked')
    throw new ConflictError('grant_not_renewable', 'A revoked grant is not renewed; file a new request instead');
  const [open] = await ctx.db
    .select({ id: requests.id, number: requests.number })
    .from(requests)
    .where(and(eq(requests.renewsGrantId, grantId), notInArray(requests.state, [...TERMINAL_STATES])))
    .limit(1);
  if (open)
    throw new ConflictError('renewal_open', 'A renewal of this grant is already drafted or under way', {
      requestId: open.id,
      requestNumber: open.number,
    });
  const { grant, request } = row;
  const draft = await createDraft(ctx, {
    datasetId: grant.datasetId,
    fields: grant.fields,
    scenarioId: grant.scenarioId,
    purpose: grant.purpose,
    legalBasis: request.legalBasis,
    usageMonths: request.approvedUsageMonths ?? request.usageMonths,
    deliveryMethod: grant.deliveryMethod as 'interface' | 'batch',
    renewsGrantId: grant.id,
  });
  return { requestId: draft.id };
}
