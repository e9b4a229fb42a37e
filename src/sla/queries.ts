/**
 * Reading an SLA clock with its events. The parties of a clock's subject read it (who they are is
 * the subject's capability's business, handed in as a reader); the center, supervisors and
 * auditors read all.
 */
import { authorize, type RequestContext } from '../identity/index.js';
import { Action, Subject } from '../identity/rules/abilities.js';
import type { Db } from '../platform/db/client.js';
import type { JsonBody } from '../platform/http/contract.js';
import { clockEventView, clockView } from './presenters.js';
import { clockEvents, getClock } from './service.js';
import { loadCalendar } from '../calendar/index.js';
import type { SupervisedCases } from './supervisions.js';

export interface ClockQueriesDeps {
  db: Db;
  /** The cases whose clocks these are; each says who reads one of its cases. */
  cases: SupervisedCases;
}

/** The SLA capability's reads, one call per HTTP operation. */
export class ClockQueries {
  constructor(private readonly deps: ClockQueriesDeps) {}

  async clock(ctx: RequestContext, clockId: string): Promise<JsonBody<'getSlaClock', 200>> {
    const found = await getClock(this.deps.db, clockId);
    // The parties of a case read its clocks; the center, supervisors and auditors read all.
    const supervised = found ? this.deps.cases[found.subjectType] : undefined;
    const partyReads = found !== undefined && supervised !== undefined && (await supervised.canRead(ctx, found.subjectId));
    const row = partyReads && found ? found : authorize(ctx.actor.ability, Action.read, Subject.SlaClock, found);
    return {
      clock: clockView(row, await loadCalendar(this.deps.db), ctx.now),
      events: (await clockEvents(this.deps.db, clockId)).map(clockEventView),
    };
  }
}
