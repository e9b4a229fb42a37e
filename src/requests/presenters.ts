/** Requests as the contract shows them (lists, the detail with its timeline and clocks, supervision notices). */
import { preCheckResult, type ConditionCheck } from '../catalogue/rules/conditions.js';
import type { SharingType } from '../catalogue/rules/dataset.js';
import { cataloguedBasis } from './citations.js';
import type { Db } from '../platform/db/client.js';
import type { JsonBody } from '../platform/http/contract.js';
import { clockEventsOf, clockEventView, clockView, supervisionView, toDomain } from '../sla/index.js';
import { isOverdue } from '../sla/rules/clock.js';
import { stepTiming } from '../sla/rules/timing.js';
import { loadCalendar } from '../calendar/index.js';
import type { WorkingDayCalendar } from '../calendar/rules/working-days.js';
import type { RoutingSnapshot } from './filing.js';
import type { CommitmentRow } from './policy.js';
import type { RequestDetailRows, RequestListRow } from './queries.js';
import type { Track } from './rules/policy.js';
import type { RoutingDecision } from './rules/routing.js';

export type Detail = JsonBody<'getRequest', 200>;
type Explanation = NonNullable<Detail['explanation']>;
type Summary = JsonBody<'listRequests', 200>['items'][number];

const iso = (d: Date | null) => d?.toISOString() ?? null;

/** Lists and details show where the request's step stands at `now`, in working days. */
export interface Timing {
  calendar: WorkingDayCalendar;
  now: Date;
}

const NO_CLOCK = { workingDaysRemaining: null, dueToday: false, overdueWorkingDays: null };

export const summaryView = ({ row: r, clock }: RequestListRow, { calendar, now }: Timing): Summary => ({
  id: r.id,
  number: r.number,
  state: r.state as Summary['state'],
  track: r.track as Track | null,
  overdue: clock ? isOverdue(toDomain(clock)) : false,
  supervisionLevel: clock?.supervisionLevel ?? 0,
  requesterDepartmentId: r.requesterDepartmentId,
  ownerDepartmentId: r.ownerDepartmentId,
  datasetId: r.datasetId,
  filedAt: iso(r.filedAt),
  deadline: iso(clock?.deadlineAt ?? null),
  deadlineDate: clock?.deadlineDate ?? null,
  provisional: clock?.provisional ?? null,
  ...(clock ? stepTiming(calendar, clock, now) : NO_CLOCK),
  createdAt: r.createdAt.toISOString(),
});

function requestView(
  r: RequestDetailRows['row'],
  main: RequestDetailRows['clocks'][number] | undefined,
  timing: Timing,
): Detail['request'] {
  return {
    ...summaryView({ row: r, clock: main ?? null }, timing),
    requesterUserId: r.requesterUserId,
    datasetVersion: (r.snapshot as RoutingSnapshot | null)?.datasetVersion ?? null,
    fields: r.fields,
    scenarioId: r.scenarioId,
    purpose: r.purpose,
    legalBasis: r.legalBasis,
    usageMonths: r.usageMonths,
    deliveryMethod: r.deliveryMethod,
    securityCommitmentAccepted: r.securityCommitmentAccepted,
    commitment: r.commitmentVersion
      ? { version: r.commitmentVersion, acceptedAt: r.commitmentAcceptedAt!.toISOString(), acceptedBy: r.commitmentAcceptedBy! }
      : null,
    approvedFields: r.approvedFields,
    approvedUsageMonths: r.approvedUsageMonths,
    decidedAt: iso(r.decidedAt),
    closedAt: iso(r.closedAt),
    policy: r.policyName ? `${r.policyName}@${r.policyVersion}` : null,
    updatedAt: r.updatedAt.toISOString(),
  };
}

const timelineView = (e: RequestDetailRows['timeline'][number]): Detail['timeline'][number] => ({
  at: e.at.toISOString(),
  kind: e.kind,
  fromState: e.fromState,
  toState: e.toState,
  party: e.party as 'system',
  actorUserId: e.actorUserId,
  actorDepartmentId: e.actorDepartmentId,
  details: e.details as Record<string, unknown>,
});

/** A citation as filed; explanations filed before the register cited a law in the refuser's own words. */
function citationView(stored: unknown): Explanation['legalBasis'] {
  const basis = stored as Explanation['legalBasis'] | { law: string; article?: string };
  if ('source' in basis) return { ...basis, prohibitsSharing: basis.prohibitsSharing ?? false };
  return { source: 'statement', title: basis.law, article: basis.article ?? null, prohibitsSharing: false };
}

const explanationView = (e: NonNullable<RequestDetailRows['explanation']>): Explanation => ({
  legalBasis: citationView(e.legalBasis),
  citedConditions: e.citedConditions as Explanation['citedConditions'],
  reasons: e.reasons,
  alternatives: e.alternatives,
  authorUserId: e.authorUserId,
  departmentId: e.departmentId,
  filedAt: e.filedAt.toISOString(),
});

const grantView = (g: NonNullable<RequestDetailRows['grant']>): NonNullable<Detail['grant']> => ({
  id: g.id,
  number: g.number,
  state: g.state as NonNullable<Detail['grant']>['state'],
  fields: g.fields,
  deliveryMethod: g.deliveryMethod,
  deliveryReference: g.deliveryReference,
  validFrom: g.validFrom.toISOString(),
  validTo: iso(g.validTo),
});

/** Until when a refusal may be disputed, while its window is open. */
const disputeWindowOf = (clock: RequestDetailRows['clocks'][number] | undefined): Detail['disputeWindow'] =>
  clock && clock.state !== 'stopped' ? { deadline: clock.deadlineAt.toISOString(), deadlineDate: clock.deadlineDate } : null;

export async function detailView(db: Db, d: RequestDetailRows, now: Date): Promise<Detail> {
  const r = d.row;
  const [calendar, events] = await Promise.all([
    loadCalendar(db),
    clockEventsOf(
      db,
      d.clocks.map((c) => c.id),
    ),
  ]);
  const timing = { calendar, now };
  const routing = r.routing as RoutingDecision | null;
  const checks = (r.preCheck as ConditionCheck[] | null) ?? [];
  const clockOf = (id: string | null) => d.clocks.find((c) => c.id === id);
  const snapshot = r.snapshot as RoutingSnapshot | null;
  // Data catalogued not shareable: everyone on the request sees the basis it was catalogued under.
  const catalogued =
    snapshot?.sharingType === 'not_shareable'
      ? await cataloguedBasis(db, { datasetId: r.datasetId, datasetVersion: snapshot.datasetVersion })
      : null;
  return {
    request: requestView(r, clockOf(r.clockId), timing),
    routing: routing ? { ...routing, snapshot: (r.snapshot ?? {}) as Record<string, unknown> } : null,
    preCheck: {
      result: snapshot ? preCheckResult(snapshot.sharingType as SharingType, checks) : preCheckResult('conditional', checks),
      checks,
    },
    cataloguedLegalBasis: catalogued ? citationView(catalogued) : null,
    timeline: d.timeline.map(timelineView),
    clocks: d.clocks.map((c) => ({ clock: clockView(c, timing.calendar, now), events: events.get(c.id)!.map(clockEventView) })),
    explanation: d.explanation ? explanationView(d.explanation) : null,
    supplements: d.supplements.map((s) => ({
      id: s.id,
      question: s.question,
      askedAt: s.askedAt.toISOString(),
      // The due date is the supplement clock's (a correction may move it).
      dueAt: iso(clockOf(s.clockId)?.deadlineAt ?? null),
      answer: s.answer,
      answeredAt: iso(s.answeredAt),
      lapsedAt: iso(s.lapsedAt),
    })),
    supervisions: d.supervisions.map((s) => supervisionView(s, d.repliable.includes(s.id))),
    attachments: d.attachments.map((a) => ({ ...a, uploadedAt: a.uploadedAt.toISOString() })),
    grant: d.grant ? grantView(d.grant) : null,
    coordination: d.coordination,
    dispute: d.dispute,
    disputeWindow: disputeWindowOf(clockOf(r.disputeWindowClockId)),
    availableActions: d.availableActions,
  };
}

export const commitmentView = (c: CommitmentRow): JsonBody<'getCommitment', 200> => ({
  version: c.version,
  text: c.text,
  includesSecurityCommitment: c.includesSecurityCommitment,
  publishedAt: c.publishedAt.toISOString(),
});
