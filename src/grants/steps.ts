/**
 * A grant's steps: its issue (in the delivery's transaction), the timed reminder and expiry,
 * and the owner's or the center's suspension, resumption and revocation — each one transaction
 * through `runGrantStep` (called by the grant's workflow).
 */
import { sql } from 'drizzle-orm';
import { shanghaiDate } from '../calendar/rules/shanghai-time.js';
import type { Db, Tx } from '../platform/db/client.js';
import { grantEvents, grantNumberCounters, grants } from '../platform/db/schema.js';
import { runGrantStep, type GrantChange } from './case.js';
import type { GrantActionInput, GrantPersonAction } from './rules/actions.js';
import { grantNumber, grantValidity, lastDayOfValidity } from './rules/validity.js';
import type { GrantTimedEvent, GrantView } from './rules/view.js';

export interface Issue {
  requestId: string;
  requesterDepartmentId: string;
  datasetId: string;
  datasetVersion: number;
  fields: string[];
  scenarioId: string | null;
  purpose: string;
  method: string;
  reference: string;
  usageMonths: number;
  /** The request's policy: working days before the end the holder is reminded. */
  reminderDays: number;
  at: Date;
}

/** The next grant number of the year, gapless (the counter row is locked until the delivery commits). */
async function nextGrantNumber(tx: Tx, year: number): Promise<string> {
  const [counter] = await tx
    .insert(grantNumberCounters)
    .values({ year, last: 1 })
    .onConflictDoUpdate({ target: grantNumberCounters.year, set: { last: sql`${grantNumberCounters.last} + 1` } })
    .returning();
  return grantNumber(year, counter!.last);
}

/** Issues the grant of a delivered request (once: a second delivery of the same request finds it). */
export async function issueGrant(tx: Tx, issue: Issue): Promise<{ id: string; number: string }> {
  const [existing] = await tx
    .select({ id: grants.id, number: grants.number })
    .from(grants)
    .where(sql`${grants.requestId} = ${issue.requestId}`);
  if (existing) return existing;
  const validity = grantValidity(issue.at, issue.usageMonths);
  const number = await nextGrantNumber(tx, Number(shanghaiDate(issue.at).slice(0, 4)));
  const [grant] = await tx
    .insert(grants)
    .values({
      number,
      requestId: issue.requestId,
      requesterDepartmentId: issue.requesterDepartmentId,
      datasetId: issue.datasetId,
      datasetVersion: issue.datasetVersion,
      fields: issue.fields,
      scenarioId: issue.scenarioId,
      purpose: issue.purpose,
      state: 'active',
      deliveryMethod: issue.method,
      deliveryReference: issue.reference,
      validFrom: validity.validFrom,
      validTo: validity.validTo,
      expiryReminderDays: issue.reminderDays,
      createdAt: issue.at,
    })
    .returning({ id: grants.id });
  await tx.insert(grantEvents).values({
    grantId: grant!.id,
    stepKey: 'issued',
    kind: 'issued',
    at: issue.at,
    fromState: null,
    toState: 'active',
    party: 'center',
    details: { number, requestId: issue.requestId, lastDay: validity.lastDay },
  });
  return { id: grant!.id, number };
}

const until = (validTo: Date | null) => (validTo ? lastDayOfValidity(validTo) : '');

const TIMED: Record<GrantTimedEvent, Omit<GrantChange, 'actor' | 'reason'>> = {
  remind: {
    action: 'remind',
    kind: 'reminded',
    notice: (row) => ({
      title: `授权 ${row.number} 即将到期`,
      body: `授权有效期至 ${until(row.validTo)}；如需继续使用，请在到期前提出续期申请。`,
    }),
  },
  expire: {
    action: 'expire',
    kind: 'expired',
    notice: (row) => ({ title: `授权 ${row.number} 已到期`, body: `授权有效期至 ${until(row.validTo)}，已到期，交换不再按此授权供数。` }),
  },
};

export async function runGrantTimedEvent(
  db: Db,
  input: { grantId: string; event: GrantTimedEvent; stepKey: string; at: Date },
): Promise<GrantView> {
  return runGrantStep(db, input.grantId, input.stepKey, input.at, { ...TIMED[input.event], actor: null, reason: null });
}

const PERSON: Record<GrantPersonAction, { kind: string; title: string; body: string }> = {
  suspend: { kind: 'suspended', title: '已暂停', body: '暂停期间交换不按此授权供数' },
  resume: { kind: 'resumed', title: '已恢复', body: '恢复后可按授权继续使用' },
  revoke: { kind: 'revoked', title: '已撤销', body: '撤销后交换不再按此授权供数' },
};

export async function takeGrantAction(
  db: Db,
  input: { grantId: string; name: GrantPersonAction; input: GrantActionInput; stepKey: string; at: Date },
): Promise<GrantView> {
  const { kind, title, body } = PERSON[input.name];
  return runGrantStep(db, input.grantId, input.stepKey, input.at, {
    action: input.name,
    kind,
    actor: input.input.actor,
    reason: input.input.reason,
    notice: (row) => ({ title: `授权 ${row.number} ${title}`, body: `${body}。理由：${input.input.reason}` }),
  });
}
