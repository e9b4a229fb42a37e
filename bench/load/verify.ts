/**
 * After the load: wait for the platform to settle (every filed request's workflow started, every
 * notice dispatched), then compare what the driver was told with PostgreSQL and Temporal. Every
 * check prints one line; a failed one makes the run fail.
 */
import { Client, Connection } from '@temporalio/client';
import proto from '@temporalio/proto';
import { sql, type SQL } from 'drizzle-orm';
import { verifyLedger } from '../../src/audit/index.js';
import type { Db } from '../../src/platform/db/client.js';
import { REQUEST_WORKFLOW } from '../../workflows/request-api.js';
import type { Outcomes } from './mix.js';

export interface Check {
  ok: boolean;
  line: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function rows<T extends Record<string, unknown>>(db: Db, query: SQL): Promise<T[]> {
  const result = await db.execute<T>(query);
  return (result as { rows: T[] }).rows;
}

async function count(db: Db, query: SQL): Promise<number> {
  const [row] = await rows<{ n: string | number | null }>(db, query);
  return Number(row?.n ?? 0);
}

/** Notices committed but not yet dispatched by the notification relay. */
export async function outboxBacklog(db: Db): Promise<number> {
  return count(db, sql`select count(*) as n from notification_outbox where dispatched_at is null`);
}

/** The grant-usage totals, taken before and after the load to compare their growth with the checks answered. */
export async function usageTotals(db: Db): Promise<{ records: number; daily: number }> {
  return {
    records: await count(db, sql`select count(*) as n from grant_usage`),
    daily: await count(db, sql`select coalesce(sum(checks), 0) as n from grant_usage_daily`),
  };
}

export interface Settled {
  seconds: number;
  /** Every filed request's workflow started and none still routed. */
  workflows: boolean;
  /** Notices still in the outbox at the end, and how many were dispatched per second while waiting. */
  backlog: number;
  drainPerSecond: number;
}

/**
 * Waits (at most `seconds`) until every filed request's workflow has started (the reconciler
 * starts those filed while Temporal was down) and none is still routed, then until the outbox is
 * drained or `drainSeconds` more have passed: the notification relay's backlog and pace are
 * reported rather than waited out.
 */
export async function settle(db: Db, seconds: number, drainSeconds: number, log: (line: string) => void): Promise<Settled> {
  const started = performance.now();
  const firstBacklog = await outboxBacklog(db);
  let last = '';
  let workflowsAt: number | undefined;
  for (;;) {
    const unstarted = await count(db, sql`select count(*) as n from requests where filed_at is not null and workflow_started_at is null`);
    const routed = await count(db, sql`select count(*) as n from requests where state = 'routed'`);
    const backlog = await outboxBacklog(db);
    const took = (performance.now() - started) / 1000;
    const workflows = !unstarted && !routed;
    if (workflows) workflowsAt ??= took;
    if ((workflows && (!backlog || took - workflowsAt! >= drainSeconds)) || took > seconds) {
      return { seconds: took, workflows, backlog, drainPerSecond: took > 1 ? (firstBacklog - backlog) / took : 0 };
    }
    const now = `${unstarted} filed requests without a started workflow, ${routed} still routed, ${backlog} notices not yet dispatched`;
    if (now !== last) log(`settling: ${now}`);
    last = now;
    await sleep(5_000);
  }
}

/** What the notification relay's current run did: child starts, starts refused (already running), listings, inbox batches, wake-ups. */
export async function relayActivity(address: string, taskQueue: string): Promise<string> {
  const connection = await Connection.connect({ address });
  try {
    const client = new Client({ connection });
    const history = await client.workflow.getHandle(`notification-relay:${taskQueue}`).fetchHistory();
    const counts = new Map<string, number>();
    for (const e of history.events ?? []) {
      const type = String(e.eventType);
      counts.set(type, (counts.get(type) ?? 0) + 1);
    }
    const n = (type: number) => counts.get(String(type)) ?? 0;
    const types = proto.temporal.api.enums.v1.EventType;
    const scheduled = (activity: string) =>
      (history.events ?? []).filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === activity).length;
    return `the notification relay's current run: ${history.events?.length ?? 0} history events, ${n(types.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED)} child deliveries asked for, ${n(
      types.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_FAILED,
    )} of them refused as already running, ${scheduled('listPendingNotifications')} listings of the outbox, ${scheduled(
      'deliverToInboxes',
    )} batches put in the inboxes, ${n(types.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED)} wake-up signals`;
  } finally {
    await connection.close();
  }
}

export async function verify(
  db: Db,
  temporalAddress: string,
  outcomes: Outcomes,
  context: { serviceClientId: string; usageBefore: { records: number; daily: number }; loadStartedAt: Date },
): Promise<Check[]> {
  const checks: Check[] = [];
  const check = (ok: boolean, line: string) => checks.push({ ok, line });
  const filings = [...outcomes.filings.values()];
  const ids = filings.map((f) => f.id);

  // 1. Every filing answered 201 is in the database, filed, under the number it was answered with.
  const stored = new Map(
    (
      await rows<{ id: string; number: string | null; state: string; filed_at: Date | null }>(
        db,
        sql`select id, number, state, filed_at from requests where id = any(${sql.param(ids)}::uuid[])`,
      )
    ).map((r) => [r.id, r]),
  );
  const lost = filings.filter((f) => !stored.get(f.id)?.filed_at || stored.get(f.id)?.number !== f.number);
  check(
    !lost.length,
    `filings answered 201: ${filings.length}; in the database, filed under that number: ${filings.length - lost.length}; lost: ${lost.length}${
      lost.length
        ? ` (${lost
            .slice(0, 5)
            .map((f) => f.number)
            .join(', ')})`
        : ''
    }`,
  );

  // 2. Every answer under one Idempotency-Key named the same request and number.
  const sent = filings.filter((f) => f.answers.length > 1);
  const split = sent.filter((f) => f.answers.some((a) => a.id !== f.id || a.number !== f.number));
  const replayed = sent.reduce((n, f) => n + f.answers.filter((a) => a.replayed).length, 0);
  check(
    !split.length,
    `filings sent more than once under their key: ${sent.length} (${replayed} answers replayed); answered for another request or number: ${split.length}`,
  );

  // 3. Requests filed by the demo's requesters during the load that the driver was never answered 201 for.
  const unknown = await rows<{ id: string; number: string }>(
    db,
    sql`select r.id, r.number from requests r join users u on u.id = r.requester_user_id
        where r.filed_at >= ${context.loadStartedAt.toISOString()}::timestamptz and u.username like '%.requester' and r.id <> all(${sql.param(ids)}::uuid[])`,
  );
  check(
    !unknown.length,
    `requests filed during the load without a 201 to the driver: ${unknown.length}; drafts left unfiled: ${outcomes.unfiled.length}`,
  );

  // 4. No request, audit entry, timeline step or notice twice.
  const numbers = await count(db, sql`select count(*) - count(distinct number) as n from requests where number is not null`);
  const filedAudit = await rows<{ subject_id: string; n: string }>(
    db,
    sql`select r.id as subject_id, count(a.seq) as n from requests r
        left join audit_entries a on a.subject_type = 'Request' and a.subject_id = r.id::text and a.action = 'request.filed'
        where r.filed_at is not null group by r.id having count(a.seq) <> 1`,
  );
  const allFiled = await count(db, sql`select count(*) as n from requests where filed_at is not null`);
  check(
    !numbers && !filedAudit.length,
    `filed requests in the database: ${allFiled}; request numbers used twice: ${numbers}; requests without exactly one 'request.filed' audit entry: ${filedAudit.length}`,
  );
  const auditTwice = await rows<{ action: string; n: string }>(
    db,
    sql`select action, count(*) as n from (select subject_id, action from audit_entries where subject_type = 'Request'
          and subject_id = any(${sql.param(ids)}::text[]) group by 1, 2 having count(*) > 1) d group by 1`,
  );
  const stepsTwice = await rows<{ kind: string; n: string }>(
    db,
    sql`select kind, count(*) as n from (select request_id, kind from request_events where request_id = any(${sql.param(ids)}::uuid[])
          group by 1, 2 having count(*) > 1) d group by 1`,
  );
  const noticesTwice = await rows<{ kind: string; n: string }>(
    db,
    sql`select kind, count(*) as n from (select department_id, kind, subject_id from notification_outbox
          where created_at >= ${context.loadStartedAt.toISOString()}::timestamptz group by 1, 2, 3 having count(*) > 1) d group by 1`,
  );
  const list = (xs: { n: string }[], name: (x: never) => string) => xs.map((x) => `${name(x as never)} ×${x.n}`).join(', ');
  check(
    !auditTwice.length && !stepsTwice.length && !noticesTwice.length,
    `the load's requests: audit actions recorded twice: ${auditTwice.length ? list(auditTwice, (x: { action: string }) => x.action) : 0}; timeline steps twice: ${
      stepsTwice.length ? list(stepsTwice, (x: { kind: string }) => x.kind) : 0
    }; notices (department, kind, subject) twice since the load began: ${noticesTwice.length ? list(noticesTwice, (x: { kind: string }) => x.kind) : 0}`,
  );
  const written = new Map(
    (
      await rows<{ subject_id: string; kind: string; n: string }>(
        db,
        sql`select subject_id, kind, count(distinct department_id) as n from notification_outbox
            where subject_type = 'Request' and subject_id = any(${sql.param(ids)}::text[])
            and kind in ('request.filed', 'request.approved', 'request.refused') group by 1, 2`,
      )
    ).map((r) => [`${r.subject_id} ${r.kind}`, Number(r.n)]),
  );
  const recordedDecisions = await rows<{ subject_id: string; action: string }>(
    db,
    sql`select subject_id, action from audit_entries where subject_type = 'Request' and action in ('request.approved', 'request.refused')
        and subject_id = any(${sql.param(ids)}::text[])`,
  );
  const unnoticed = [
    ...filings.filter((f) => written.get(`${f.id} request.filed`) !== 2).map((f) => `${f.number} filed`),
    ...recordedDecisions.filter((d) => written.get(`${d.subject_id} ${d.action}`) !== 2).map((d) => `${d.subject_id} ${d.action}`),
  ];
  const outbox = await rows<{ total: string; dispatched: string; inbox: string }>(
    db,
    sql`select count(*) as total, count(o.dispatched_at) as dispatched, count(i.outbox_id) filter (where o.dispatched_at is not null) as inbox
        from notification_outbox o left join inbox_messages i on i.outbox_id = o.id
        where o.created_at >= ${context.loadStartedAt.toISOString()}::timestamptz`,
  );
  const o = outbox[0]!;
  check(
    !unnoticed.length && o.dispatched === o.inbox,
    `notices written since the load began: ${o.total} (filings and decisions without their two notices: ${unnoticed.length}); dispatched: ${o.dispatched}, each in its department's inbox: ${o.inbox}; still in the outbox: ${Number(o.total) - Number(o.dispatched)}`,
  );

  // 5. Decisions: each answered 200 recorded once; one answered 503 recorded once or not at all.
  const decisions = [...outcomes.decisions.values()];
  const decided = decisions.filter((d) => d.outcome === '200' || d.outcome === 'after 503');
  const states = new Map([...stored].map(([id, r]) => [id, r.state]));
  const expectedState = { approve: 'provisioning', refuse: 'refused' } as const;
  const wrong = decided.filter((d) => states.get(d.id) !== expectedState[d.kind]);
  const decisionAudit = new Map<string, number>();
  for (const r of recordedDecisions) decisionAudit.set(r.subject_id, (decisionAudit.get(r.subject_id) ?? 0) + 1);
  const notOnce = decided.filter((d) => decisionAudit.get(d.id) !== 1);
  const twiceAnywhere = [...decisionAudit.values()].filter((n) => n > 1).length;
  const unanswered = decisions.filter((d) => d.outcome === 'pending');
  const after503 = decisions.filter((d) => d.saw503);
  check(
    !wrong.length && !notOnce.length && !twiceAnywhere,
    `owner decisions confirmed: ${decided.length} (${decided.filter((d) => d.kind === 'approve').length} approvals, ${
      decided.filter((d) => d.kind === 'refuse').length
    } refusals), in the expected state: ${decided.length - wrong.length}, audited exactly once: ${decided.length - notOnce.length}; answered 503 at least once: ${after503.length} (then 200 on a retry: ${
      after503.filter((d) => d.outcome === '200').length
    }, had taken effect: ${after503.filter((d) => d.outcome === 'after 503').length}); still pending at the end: ${unanswered.length} (of them recorded: ${
      unanswered.filter((d) => decisionAudit.has(d.id)).length
    }); requests decided twice: ${twiceAnywhere}`,
  );

  // 6. Temporal: one request workflow per filed request, none failed, none without its request.
  const workflows = await requestWorkflows(temporalAddress);
  const filedIds = await rows<{ id: string }>(db, sql`select id from requests where filed_at is not null`);
  const missing = filedIds.filter((r) => !workflows.has(`request-${r.id}`));
  const twice = [...workflows].filter(([, runs]) => runs.filter((s) => s !== 'CONTINUED_AS_NEW').length !== 1);
  const failed = [...workflows].filter(([, runs]) => runs.some((s) => ['FAILED', 'TERMINATED', 'TIMED_OUT', 'CANCELLED'].includes(s)));
  const known = new Set(filedIds.map((r) => `request-${r.id}`));
  const orphans = [...workflows.keys()].filter((id) => !known.has(id));
  const byStatus = new Map<string, number>();
  for (const runs of workflows.values()) for (const s of runs) byStatus.set(s, (byStatus.get(s) ?? 0) + 1);
  check(
    !missing.length && !twice.length && !failed.length && !orphans.length,
    `request workflows in Temporal: ${workflows.size} (${[...byStatus].map(([s, n]) => `${s.toLowerCase()} ${n}`).join(', ')}); filed requests without one: ${
      missing.length
    }; with more than one run: ${twice.length}; failed or terminated: ${failed.length}; without a filed request: ${orphans.length}`,
  );

  // 7. The exchange's checks: one usage record and one daily count per check answered, audited.
  const answered = outcomes.checksAllowed + outcomes.checksDenied;
  const after = await usageTotals(db);
  const audited = await count(
    db,
    sql`select coalesce(sum((after->>'checks')::int), 0) as n from audit_entries
        where action = 'exchange.checks_recorded' and subject_id = ${context.serviceClientId}`,
  );
  const records = after.records - context.usageBefore.records;
  const daily = after.daily - context.usageBefore.daily;
  check(
    records === answered && daily === answered && audited === answered,
    `grant checks answered: ${answered} (${outcomes.checksAllowed} allowed, ${outcomes.checksDenied} denied); new usage records: ${records}; added to the daily counts: ${daily}; in the audit ledger: ${audited}`,
  );

  // 8. The audit ledger's hash chain, written by four processes at once.
  const ledger = await verifyLedger(db);
  check(ledger.valid, `audit ledger: ${ledger.checked} entries, chain ${ledger.valid ? 'intact' : `BROKEN at #${ledger.firstBreak?.seq}`}`);
  return checks;
}

/** Every execution of the request workflow, by workflow id, with the statuses of its runs. */
async function requestWorkflows(address: string): Promise<Map<string, string[]>> {
  const connection = await Connection.connect({ address });
  try {
    const client = new Client({ connection });
    const out = new Map<string, string[]>();
    for await (const w of client.workflow.list({ query: `WorkflowType = '${REQUEST_WORKFLOW}'` })) {
      out.set(w.workflowId, [...(out.get(w.workflowId) ?? []), w.status.name]);
    }
    return out;
  } finally {
    await connection.close();
  }
}
