/**
 * What the exchange's checks leave behind (安全监管): a usage record for every check (append-only,
 * partitioned by month), daily counts per grant, outcome and field, and — for an attempt outside
 * a grant — one supervision notice per grant (or department and dataset) and day to the center and
 * the data's owner.
 *
 * Records are written by group commit: checks arriving together share one transaction (one
 * audit entry per client and batch, not one per call), and each check answers only once its
 * record is committed, so no answered check goes unrecorded.
 */
import { inArray, sql } from 'drizzle-orm';
import { appendAuditEntries } from '../audit/index.js';
import { shanghaiDate } from '../calendar/rules/shanghai-time.js';
import { Subject } from '../identity/rules/abilities.js';
import { enqueueNotifications } from '../notifications/index.js';
import type { Db, Tx } from '../platform/db/client.js';
import { grantUsage, grantUsageDaily, grantUsageFieldDaily } from '../platform/db/hand-made.js';
import { datasets, departments, grantSupervisionNotices } from '../platform/db/schema.js';
import { centerDepartment } from '../sla/index.js';
import type { CheckOutcome } from './rules/check.js';
import { flaggedAttempt } from './rules/usage.js';

export interface UsageRecord {
  clientId: string;
  at: Date;
  departmentId: string;
  datasetId: string;
  scenarioId: string | null;
  fields: string[];
  outcome: CheckOutcome;
  httpRequestId: string | null;
}

const REASON_LABELS: Record<string, string> = {
  no_grant: '无授权',
  fields_outside_grant: '超出授权字段',
  not_yet_valid: '授权尚未生效',
  suspended: '授权已暂停',
  expired: '授权已到期',
  revoked: '授权已撤销',
};

/** Writes a batch of records in one transaction: the records, the daily counts, the flags and their notices, the audit. */
async function writeBatch(tx: Tx, records: UsageRecord[]): Promise<void> {
  const inserted = await tx
    .insert(grantUsage)
    .values(
      records.map((r) => ({
        checkedAt: r.at,
        clientId: r.clientId,
        grantId: r.outcome.grant?.id ?? null,
        departmentId: r.departmentId,
        datasetId: r.datasetId,
        scenarioId: r.scenarioId,
        fields: r.fields,
        allowed: r.outcome.allowed,
        reason: r.outcome.allowed ? null : r.outcome.reason,
        fieldsOutside: r.outcome.allowed ? [] : r.outcome.fieldsOutside,
        httpRequestId: r.httpRequestId,
      })) as never,
    )
    .returning({ id: grantUsage.id });
  await addDailyCounts(tx, records);
  const flagged = await flag(tx, records);
  await auditBatch(
    tx,
    records,
    inserted.map((r) => r.id),
    flagged,
  );
}

/** Daily counts, summed here and added in a fixed order (concurrent batches lock the same rows alike). */
async function addDailyCounts(tx: Tx, records: UsageRecord[]): Promise<void> {
  const checks = new Map<
    string,
    { day: string; grantId: string | null; departmentId: string; datasetId: string; allowed: boolean; reason: string; checks: number }
  >();
  const uses = new Map<
    string,
    { day: string; grantId: string | null; departmentId: string; datasetId: string; field: string; allowed: boolean; uses: number }
  >();
  for (const r of records) {
    const day = shanghaiDate(r.at);
    const grantId = r.outcome.grant?.id ?? null;
    const reason = r.outcome.allowed ? '' : r.outcome.reason;
    const key = [day, grantId, r.departmentId, r.datasetId, r.outcome.allowed, reason].join('|');
    const c = checks.get(key) ?? {
      day,
      grantId,
      departmentId: r.departmentId,
      datasetId: r.datasetId,
      allowed: r.outcome.allowed,
      reason,
      checks: 0,
    };
    c.checks++;
    checks.set(key, c);
    for (const field of r.fields) {
      const fieldKey = [day, grantId, r.departmentId, r.datasetId, field, r.outcome.allowed].join('|');
      const u = uses.get(fieldKey) ?? {
        day,
        grantId,
        departmentId: r.departmentId,
        datasetId: r.datasetId,
        field,
        allowed: r.outcome.allowed,
        uses: 0,
      };
      u.uses++;
      uses.set(fieldKey, u);
    }
  }
  const sorted = <T>(map: Map<string, T>) => [...map.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, v]) => v);
  await tx
    .insert(grantUsageDaily)
    .values(sorted(checks))
    .onConflictDoUpdate({
      target: [
        grantUsageDaily.day,
        grantUsageDaily.grantId,
        grantUsageDaily.departmentId,
        grantUsageDaily.datasetId,
        grantUsageDaily.allowed,
        grantUsageDaily.reason,
      ],
      set: { checks: sql`${grantUsageDaily.checks} + excluded.checks` },
    });
  await tx
    .insert(grantUsageFieldDaily)
    .values(sorted(uses))
    .onConflictDoUpdate({
      target: [
        grantUsageFieldDaily.day,
        grantUsageFieldDaily.grantId,
        grantUsageFieldDaily.departmentId,
        grantUsageFieldDaily.datasetId,
        grantUsageFieldDaily.field,
        grantUsageFieldDaily.allowed,
      ],
      set: { uses: sql`${grantUsageFieldDaily.uses} + excluded.uses` },
    });
}

/** One audit entry per client and batch: what was checked, how it went, which records hold it. */
async function auditBatch(tx: Tx, records: UsageRecord[], ids: number[], flagged: number): Promise<void> {
  const byClient = new Map<string, UsageRecord[]>();
  for (const r of records) byClient.set(r.clientId, [...(byClient.get(r.clientId) ?? []), r]);
  await appendAuditEntries(
    tx,
    [...byClient].map(([clientId, mine]) => ({
      actor: { kind: 'system', role: 'exchange' } as const,
      action: 'exchange.checks_recorded',
      subjectType: Subject.ServiceClient,
      subjectId: clientId,
      after: {
        checks: mine.length,
        allowed: mine.filter((r) => r.outcome.allowed).length,
        denied: mine.filter((r) => !r.outcome.allowed).length,
        flagged,
        usageIds: [Math.min(...ids), Math.max(...ids)],
        from: mine[0]!.at.toISOString(),
        to: mine.at(-1)!.at.toISOString(),
      },
      at: mine.at(-1)!.at,
    })),
  );
}

/** Raises the supervision notices of the batch's attempts outside a grant, once per key; returns how many were new. */
async function flag(tx: Tx, records: UsageRecord[]): Promise<number> {
  const attempts = new Map<string, { record: UsageRecord; attempt: NonNullable<ReturnType<typeof flaggedAttempt>> }>();
  for (const record of records) {
    const attempt = flaggedAttempt(record.outcome, { departmentId: record.departmentId, datasetId: record.datasetId, at: record.at });
    if (attempt && !attempts.has(attempt.key)) attempts.set(attempt.key, { record, attempt });
  }
  if (!attempts.size) return 0;
  const fresh = await tx
    .insert(grantSupervisionNotices)
    .values(
      [...attempts.values()]
        .sort((a, b) => a.attempt.key.localeCompare(b.attempt.key))
        .map(({ record, attempt }) => ({
          key: attempt.key,
          grantId: attempt.grantId,
          departmentId: record.departmentId,
          datasetId: record.datasetId,
          day: attempt.day,
          reason: attempt.reason,
          fieldsOutside: record.outcome.allowed ? [] : record.outcome.fieldsOutside,
          firstAt: record.at,
        })),
    )
    .onConflictDoNothing()
    .returning({ key: grantSupervisionNotices.key });
  if (!fresh.length) return 0;
  const center = await centerDepartment(tx);
  const datasetIds = [...new Set(fresh.map((f) => attempts.get(f.key)!.record.datasetId))];
  const departmentIds = [...new Set(fresh.map((f) => attempts.get(f.key)!.record.departmentId))];
  const owners = new Map(
    (
      await tx
        .select({ id: datasets.id, owner: datasets.ownerDepartmentId, name: datasets.name })
        .from(datasets)
        .where(inArray(datasets.id, datasetIds))
    ).map((d) => [d.id, d]),
  );
  const names = new Map(
    (await tx.select({ id: departments.id, name: departments.name }).from(departments).where(inArray(departments.id, departmentIds))).map(
      (d) => [d.id, d.name],
    ),
  );
  for (const { key } of fresh) {
    const { record, attempt } = attempts.get(key)!;
    const dataset = owners.get(record.datasetId);
    const outside = record.outcome.allowed ? [] : record.outcome.fieldsOutside;
    const title = `安全监管提示：${names.get(record.departmentId) ?? '某部门'} 超出授权使用 ${dataset?.name ?? '数据'}`;
    const body =
      `${REASON_LABELS[attempt.reason]}${outside.length ? `（${outside.join('、')}）` : ''}` +
      `${record.outcome.grant ? `，授权 ${record.outcome.grant.number}` : ''}；${attempt.day} 当日首次发现，同日同类尝试不再重复提示。`;
    await enqueueNotifications(
      tx,
      [...new Set([center, dataset?.owner].filter((d): d is string => Boolean(d)))].map((departmentId) => ({
        departmentId,
        kind: 'grant.use_flagged',
        subjectType: record.outcome.grant ? Subject.Grant : Subject.Dataset,
        subjectId: record.outcome.grant?.id ?? record.datasetId,
        title,
        body,
        payload: { key, reason: attempt.reason, departmentId: record.departmentId, datasetId: record.datasetId },
        at: record.at,
      })),
    );
  }
  return fresh.length;
}

/**
 * Group commit of usage records: one batch is written at a time; checks arriving while it commits
 * wait for the next, which takes them all (up to `maxBatch`). A lone check is written at once; a
 * busy exchange's checks share transactions without any added wait.
 */
export class UsageRecorder {
  private pending: Array<{ record: UsageRecord; resolve: () => void; reject: (error: unknown) => void }> = [];
  private writing: Promise<void> | null = null;

  constructor(
    private readonly db: Db,
    private readonly options = { maxBatch: 500 },
  ) {}

  record(record: UsageRecord): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pending.push({ record, resolve, reject });
      this.writing ??= this.drain();
    });
  }

  private async drain(): Promise<void> {
    while (this.pending.length) {
      const batch = this.pending.splice(0, this.options.maxBatch);
      try {
        await this.db.transaction((tx) =>
          writeBatch(
            tx,
            batch.map((b) => b.record),
          ),
        );
        batch.forEach((b) => b.resolve());
      } catch (error) {
        batch.forEach((b) => b.reject(error));
      }
    }
    this.writing = null;
  }

  /** Waits for what is pending to be written (at shutdown). */
  async close(): Promise<void> {
    await this.writing;
  }
}
