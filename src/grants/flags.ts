/**
 * Supervision notices on use outside a grant (安全监管提示), as a list: one per grant — or, with
 * no grant, per department and dataset — and day (what `flag` in usage-records.ts raised), with
 * the day's denied checks from the daily counts. Seen by the department that tried, the data's
 * owner, and the center, the authority and auditors.
 */
import { aliasedTable, and, between, desc, eq, lt, or, sql } from 'drizzle-orm';
import { shanghaiDate } from '../calendar/rules/shanghai-time.js';
import { resolvePeriod } from '../dashboard/rules/period.js';
import { accessibleWhere, type RequestContext } from '../identity/index.js';
import { Action, Subject } from '../identity/rules/abilities.js';
import { grantUsageDaily } from '../platform/db/hand-made.js';
import { datasets, departments, grants, grantSupervisionNotices } from '../platform/db/schema.js';
import type { JsonBody, QueryParams } from '../platform/http/contract.js';
import { decodeCursor, isCursorInstant, page } from '../platform/http/cursor.js';
import type { DenialReason } from './rules/check.js';

type Flags = JsonBody<'listGrantUseFlags', 200>;

const isFlagCursor = (v: unknown): v is { at: string; key: string } => {
  const c = typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : null;
  return isCursorInstant(c?.at) && typeof c.key === 'string' && c.key.length <= 200 && !c.key.includes('\u0000');
};

const notices = grantSupervisionNotices;
const owner = aliasedTable(departments, 'owner');

/** The day's denied checks of the notice's subject: its grant, or the department on the dataset without one. */
const deniedChecks = sql<string>`(
  select coalesce(sum(${grantUsageDaily.checks}), 0) from ${grantUsageDaily}
  where ${grantUsageDaily.day} = ${notices.day} and not ${grantUsageDaily.allowed}
    and ${grantUsageDaily.departmentId} = ${notices.departmentId} and ${grantUsageDaily.datasetId} = ${notices.datasetId}
    and ${grantUsageDaily.grantId} is not distinct from ${notices.grantId}
)`;

export async function listGrantUseFlags(ctx: RequestContext, query: QueryParams<'listGrantUseFlags'>): Promise<Flags> {
  const period = resolvePeriod(query, shanghaiDate(ctx.now));
  const limit = query.limit ?? 50;
  const after = decodeCursor(query.cursor, isFlagCursor);
  const rows = await ctx.db
    .select({
      notice: notices,
      deniedChecks,
      department: { id: departments.id, code: departments.code, name: departments.name },
      dataset: { id: datasets.id, code: datasets.code, name: datasets.name },
      owner: { id: owner.id, code: owner.code, name: owner.name },
      grantNumber: grants.number,
    })
    .from(notices)
    .innerJoin(departments, eq(departments.id, notices.departmentId))
    .innerJoin(datasets, eq(datasets.id, notices.datasetId))
    .innerJoin(owner, eq(owner.id, datasets.ownerDepartmentId))
    .leftJoin(grants, eq(grants.id, notices.grantId))
    .where(
      and(
        between(notices.day, period.from, period.to),
        accessibleWhere(ctx.actor.ability, Action.read, Subject.Grant, {
          requesterDepartmentId: notices.departmentId,
          ownerDepartmentId: datasets.ownerDepartmentId,
        }),
        query.departmentId ? eq(notices.departmentId, query.departmentId) : undefined,
        query.datasetId ? eq(notices.datasetId, query.datasetId) : undefined,
        after
          ? or(lt(notices.firstAt, new Date(after.at)), and(eq(notices.firstAt, new Date(after.at)), lt(notices.key, after.key)))
          : undefined,
      ),
    )
    .orderBy(desc(notices.firstAt), desc(notices.key))
    .limit(limit + 1);
  const result = page(rows, limit, (r) => ({ at: r.notice.firstAt.toISOString(), key: r.notice.key }));
  return {
    items: result.items.map((r) => ({
      key: r.notice.key,
      day: r.notice.day,
      firstAt: r.notice.firstAt.toISOString(),
      reason: r.notice.reason as DenialReason,
      fieldsOutside: r.notice.fieldsOutside,
      deniedChecks: Number(r.deniedChecks),
      department: r.department,
      dataset: r.dataset,
      owner: r.owner,
      grant: r.notice.grantId && r.grantNumber ? { id: r.notice.grantId, number: r.grantNumber } : null,
    })),
    nextCursor: result.nextCursor,
  };
}
