/**
 * The mark (异议标注) on a disputed record's field: set when the center accepts the objection,
 * revoked when its dossier is archived. Every department holding a valid grant on the dataset is
 * told both times and sees the open marks (the objection's API and the exchange's check).
 */
import { and, eq, gt, inArray, isNull } from 'drizzle-orm';
import type { Db, Tx } from '../platform/db/client.js';
import { dataMarks, grants, objections } from '../platform/db/schema.js';
import type { Notice, ObjectionRow } from './case.js';

/** Departments holding a grant on the dataset usable at `at` (active or in its reminder window, not past its end). */
export async function holdersOf(tx: Tx | Db, datasetId: string, at: Date): Promise<string[]> {
  const rows = await tx
    .selectDistinct({ departmentId: grants.requesterDepartmentId })
    .from(grants)
    .where(and(eq(grants.datasetId, datasetId), inArray(grants.state, ['active', 'expiring']), gt(grants.validTo, at)));
  return rows.map((r) => r.departmentId);
}

export async function setMark(tx: Tx, row: ObjectionRow, at: Date): Promise<void> {
  await tx
    .insert(dataMarks)
    .values({ objectionId: row.id, datasetId: row.datasetId, recordKey: row.recordKey, field: row.field, setAt: at })
    .onConflictDoNothing();
}

export async function revokeMark(tx: Tx, row: ObjectionRow, at: Date): Promise<void> {
  await tx
    .update(dataMarks)
    .set({ revokedAt: at })
    .where(and(eq(dataMarks.objectionId, row.id), isNull(dataMarks.revokedAt)));
}

/** The notices of a mark set or revoked, to every holder of a valid grant on the data. */
export async function markNotices(tx: Tx, row: ObjectionRow, at: Date, set: boolean): Promise<Notice[]> {
  const title = set ? `数据异议标注：${row.field}（记录 ${row.recordKey}）` : `异议标注已撤销：${row.field}（记录 ${row.recordKey}）`;
  const body = set
    ? `异议 ${row.number} 已受理，该记录的“${row.field}”正在核实，使用时请注意。`
    : `异议 ${row.number} 已办结，该记录的“${row.field}”的异议标注已撤销。`;
  return (await holdersOf(tx, row.datasetId, at)).map((departmentId) => ({ departmentId, title, body }));
}

export interface OpenMark {
  objectionId: string;
  objectionNumber: string;
  recordKey: string;
  field: string;
  setAt: Date;
}

/** The open marks on a dataset, on the given fields (all when omitted), oldest first, at most `limit`. */
export async function openMarks(db: Db | Tx, datasetId: string, fields?: readonly string[], limit = 100): Promise<OpenMark[]> {
  return db
    .select({
      objectionId: dataMarks.objectionId,
      objectionNumber: objections.number,
      recordKey: dataMarks.recordKey,
      field: dataMarks.field,
      setAt: dataMarks.setAt,
    })
    .from(dataMarks)
    .innerJoin(objections, eq(objections.id, dataMarks.objectionId))
    .where(
      and(
        eq(dataMarks.datasetId, datasetId),
        isNull(dataMarks.revokedAt),
        fields && fields.length ? inArray(dataMarks.field, [...fields]) : undefined,
      ),
    )
    .orderBy(dataMarks.setAt, dataMarks.objectionId)
    .limit(limit);
}
