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

/** Whether the caller may read a subject (e.g. a request) of the given type. */
export type SubjectReaders = Record<string, (ctx: RequestContext, subjectId: string) => Promise<boolean>>;

export interface ClockQueriesDeps {
  db: Db;
  subjectReaders: SubjectReaders;
}

/** The SLA capability's reads, one call per HTTP operation. */
export class ClockQueries {
  constructor(private readonly deps: ClockQueriesDeps) {}

  async clock(ctx: RequestContext, clockId: string): Promise<JsonBody<'getSlaClock', 200>> {
    const found = await getClock(this.deps.db, clockId);
    // The parties of a request read its clocks; the center, supervisors and auditors read all.
    const reader = found ? this.deps.subjectReaders[found.subjectType] : undefined;
    const partyReads = found !== undefined && reader !== undefined && (await reader(ctx, found.subjectId));
    const row = partyReads && found ? found : authorize(ctx.actor.ability, Action.read, Subject.SlaClock, found);
    return {
      clock: clockView(row, await loadCalendar(this.deps.db), ctx.now),
      events: (await clockEvents(this.deps.db, clockId)).map(clockEventView),
    };
  }
}
