/**
 * What a catalogue change does to the grants on a dataset: in the change's own transaction, each
 * open grant it affects (the dataset retired, data no longer shareable, fields the grant carries
 * removed) gets the impact recorded once (per dataset version and kind) with an entry in its
 * history and the audit ledger; each holder department is told once, listing its grants, and the
 * center once, listing them all. Nothing is revoked: the owner or the center decides that.
 */
import { and, eq, notInArray } from 'drizzle-orm';
import { appendAuditEntries, type AuditActor } from '../audit/index.js';
import { Subject } from '../identity/rules/abilities.js';
import { enqueueNotifications } from '../notifications/index.js';
import type { Tx } from '../platform/db/client.js';
import { grantCatalogueImpacts, grantEvents, grants } from '../platform/db/schema.js';
import { centerDepartment } from '../sla/index.js';
import { catalogueImpacts, type CatalogueImpact, type CatalogueState } from './rules/catalogue-impact.js';
import { FINAL_GRANT_STATES } from './rules/lifecycle.js';

export interface CatalogueChange {
  datasetId: string;
  datasetName: string;
  /** The dataset version after the change (a retirement keeps the version it had). */
  version: number;
  before: CatalogueState;
  after: CatalogueState;
  at: Date;
  actor: AuditActor;
  requestId: string | null;
}

const KIND_LABELS: Record<CatalogueImpact['kind'], string> = {
  dataset_retired: '数据资源已下线',
  became_not_shareable: '数据资源已变更为不予共享',
  fields_removed: '授权字段已从目录中删除',
};

const describe = (impacts: CatalogueImpact[]) =>
  impacts.map((i) => (i.kind === 'fields_removed' ? `${KIND_LABELS[i.kind]}（${i.fields.join('、')}）` : KIND_LABELS[i.kind])).join('；');

/** Records the change's impacts on the dataset's open grants; returns how many grants it affected anew. */
export async function recordCatalogueChange(tx: Tx, change: CatalogueChange): Promise<number> {
  const open = await tx
    .select()
    .from(grants)
    .where(and(eq(grants.datasetId, change.datasetId), notInArray(grants.state, [...FINAL_GRANT_STATES])));
  const affected: Affected = [];
  for (const grant of open) {
    const impacts = catalogueImpacts(change.before, change.after, grant.fields);
    if (!impacts.length) continue;
    const inserted = await tx
      .insert(grantCatalogueImpacts)
      .values(
        impacts.map((impact) => ({
          grantId: grant.id,
          datasetId: change.datasetId,
          datasetVersion: change.version,
          kind: impact.kind,
          fieldsRemoved: impact.kind === 'fields_removed' ? impact.fields : [],
          at: change.at,
        })),
      )
      .onConflictDoNothing()
      .returning({ kind: grantCatalogueImpacts.kind });
    const fresh = impacts.filter((i) => inserted.some((row) => row.kind === i.kind));
    if (!fresh.length) continue;
    await tx.insert(grantEvents).values({
      grantId: grant.id,
      stepKey: `catalogue:${change.version}:${fresh.map((i) => i.kind).join('+')}`,
      kind: 'catalogue_changed',
      at: change.at,
      fromState: grant.state,
      toState: grant.state,
      party: 'owner',
      reason: describe(fresh),
      details: { datasetVersion: change.version, impacts: fresh },
    });
    affected.push({ grant, impacts: fresh });
  }
  if (!affected.length) return 0;
  await tellOfChange(tx, change, affected);
  await appendAuditEntries(
    tx,
    affected.map(({ grant, impacts }) => ({
      actor: change.actor,
      action: 'grant.catalogue_changed',
      subjectType: Subject.Grant,
      subjectId: grant.id,
      before: { state: grant.state },
      after: { state: grant.state, number: grant.number, datasetVersion: change.version, impacts },
      requestId: change.requestId,
      at: change.at,
    })),
  );
  return affected.length;
}

type Affected = Array<{ grant: typeof grants.$inferSelect; impacts: CatalogueImpact[] }>;

/** Each holder told once of its affected grants, and the center of them all: one insert. */
async function tellOfChange(tx: Tx, change: CatalogueChange, affected: Affected): Promise<void> {
  const holders = new Map<string, Affected>();
  for (const entry of affected)
    holders.set(entry.grant.requesterDepartmentId, [...(holders.get(entry.grant.requesterDepartmentId) ?? []), entry]);
  const line = (entries: Affected) => entries.map((e) => `${e.grant.number}：${describe(e.impacts)}`).join('\n');
  const notice = { kind: 'grant.catalogue_changed', subjectType: Subject.Grant, at: change.at };
  const center = await centerDepartment(tx);
  // Every holder's notice and the center's in one insert.
  await enqueueNotifications(tx, [
    ...[...holders].map(([departmentId, entries]) => ({
      ...notice,
      departmentId,
      subjectId: entries[0]!.grant.id,
      title: `您持有的 ${entries.length} 项授权受数据目录变更影响：${change.datasetName}`,
      body: `${line(entries)}\n授权未被撤销；请评估对业务的影响，必要时联系数据责任部门或市大数据中心。`,
      payload: { datasetId: change.datasetId, grants: entries.map((e) => e.grant.number) },
    })),
    ...(center
      ? [
          {
            ...notice,
            departmentId: center,
            subjectId: affected[0]!.grant.id,
            title: `数据目录变更影响 ${affected.length} 项授权：${change.datasetName}`,
            body: line(affected),
            payload: { datasetId: change.datasetId, grants: affected.map((e) => e.grant.number) },
          },
        ]
      : []),
  ]);
}
