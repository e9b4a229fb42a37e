/**
 * Raising an objection (提出异议) and its evidence. The objection is raised through a valid grant
 * the objector's department holds, on one of the grant's fields and one record (a valid identifier
 * of the dataset); it opens the center's acceptance step at once, so the answer carries its
 * deadline. The workflow is started by the service after the commit (the reconciler, failing that).
 */
import { createHash } from 'node:crypto';
import { subject as asSubject } from '@casl/ability';
import { and, count, eq, notInArray, sql } from 'drizzle-orm';
import { appendAudit } from '../audit/index.js';
import { shanghaiDate } from '../calendar/rules/shanghai-time.js';
import { auditActor, authorize, authorizeCreate, type RequestContext } from '../identity/index.js';
import { Action, Subject } from '../identity/rules/abilities.js';
import { enqueueNotifications } from '../notifications/index.js';
import type { Tx } from '../platform/db/client.js';
import { grants, objectionEvents, objectionEvidence, objectionNumberCounters, objections } from '../platform/db/schema.js';
import { ConflictError, ForbiddenError, NotFoundError, RuleViolationError, UnsupportedMediaTypeError } from '../platform/errors.js';
import type { JsonRequest } from '../platform/http/contract.js';
import { ATTACHMENT_TYPES, currentPolicy, MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS, policyAt } from '../requests/index.js';
import * as sla from '../sla/index.js';
import { datasetNow } from './catalogue.js';
import { clockMeta, lockObjection, objectionWorkflowId, type ObjectionRow } from './case.js';
import { FINAL_OBJECTION_STATES } from './rules/lifecycle.js';
import { objectionSubject } from './queries.js';
import { recordKeyProblem } from './rules/record-key.js';
import type { ObjectionActor } from './rules/actions.js';

export const objectionNumber = (year: number, sequence: number) => `YY-${year}-${String(sequence).padStart(6, '0')}`;

async function nextObjectionNumber(tx: Tx, year: number): Promise<string> {
  const [counter] = await tx
    .insert(objectionNumberCounters)
    .values({ year, last: 1 })
    .onConflictDoUpdate({ target: objectionNumberCounters.year, set: { last: sql`${objectionNumberCounters.last} + 1` } })
    .returning();
  return objectionNumber(year, counter!.last);
}

/** Opens a clocked step of the objection under the policy it was raised under. */
export async function openObjectionStep(
  tx: Tx,
  row: Pick<ObjectionRow, 'id' | 'policyName' | 'policyVersion'>,
  step: { name: string; party: string; workingDays: number; at: Date },
  actor: ObjectionActor | null,
) {
  const { settings } = await policyAt(tx, row.policyName, row.policyVersion);
  return sla.startSlaClock(
    tx,
    {
      subjectType: Subject.Objection,
      subjectId: row.id,
      step: step.name,
      chargedParty: step.party,
      workflowId: objectionWorkflowId(row.id),
      policyProfile: row.policyName,
      policyVersion: row.policyVersion,
      workingDays: step.workingDays,
      escalation: {
        replyDays: settings.supervisionReplyDays,
        levelTwoAfterDays: settings.levelTwoAfterDays,
        handoverGraceDays: settings.handoverGraceDays,
      },
      at: step.at,
    },
    clockMeta(actor),
  );
}

export const requesterActor = (ctx: RequestContext): ObjectionActor => ({
  userId: ctx.actor.userId,
  departmentId: ctx.actor.departmentId,
  role: 'requester',
  party: 'objector',
  httpRequestId: ctx.requestId,
});

/** The grant the objection is raised through: the caller's department's, usable now. */
async function validGrantOf(ctx: RequestContext, tx: Tx, grantId: string) {
  const [grant] = await tx.select().from(grants).where(eq(grants.id, grantId));
  if (!grant) throw new NotFoundError('grant_not_found', 'No grant with that id');
  if (grant.requesterDepartmentId !== ctx.actor.departmentId) {
    authorize(ctx.actor.ability, Action.read, Subject.Grant, {
      ...grant,
      ownerDepartmentId: (await datasetNow(tx, grant.datasetId))?.ownerDepartmentId,
    });
    throw new ForbiddenError('objection_needs_own_grant', 'An objection is raised through a grant the caller’s department holds');
  }
  const usable = ['active', 'expiring'].includes(grant.state) && grant.validTo !== null && grant.validTo > ctx.now;
  if (!usable)
    throw new ConflictError(
      'grant_not_valid',
      `The grant ${grant.number} is ${grant.state === 'active' ? 'past its end' : grant.state}; an objection needs a valid grant`,
    );
  return grant;
}

export async function raiseObjection(ctx: RequestContext, policyName: string, input: JsonRequest<'raiseObjection'>): Promise<string> {
  authorizeCreate(ctx.actor.ability, Subject.Objection, { objectorDepartmentId: ctx.actor.departmentId });
  const actor = requesterActor(ctx);
  return ctx.db.transaction(async (tx) => {
    const grant = await validGrantOf(ctx, tx, input.grantId);
    if (!grant.fields.includes(input.field))
      throw new RuleViolationError(
        'field_outside_grant',
        `field: "${input.field}" is not a field of grant ${grant.number} (${grant.fields.join('、')})`,
      );
    const dataset = await datasetNow(tx, grant.datasetId);
    if (!dataset) throw new NotFoundError('dataset_not_found', 'The grant’s dataset is gone');
    const keyProblem = recordKeyProblem(dataset.fields, input.recordKey);
    if (keyProblem) throw new RuleViolationError('unknown_record', `No such record of ${dataset.name}: ${keyProblem}`);
    // One open objection per department, record and field: a second is the same dispute.
    const [open] = await tx
      .select({ number: objections.number })
      .from(objections)
      .where(
        and(
          eq(objections.objectorDepartmentId, ctx.actor.departmentId),
          eq(objections.datasetId, grant.datasetId),
          eq(objections.recordKey, input.recordKey),
          eq(objections.field, input.field),
          notInArray(objections.state, [...FINAL_OBJECTION_STATES]),
        ),
      );
    if (open) throw new ConflictError('objection_open', `Objection ${open.number} on this record’s field is still open`);
    const policy = await currentPolicy(tx, policyName);
    const number = await nextObjectionNumber(tx, Number(shanghaiDate(ctx.now).slice(0, 4)));
    const [row] = await tx
      .insert(objections)
      .values({
        number,
        state: 'submitted',
        objectorDepartmentId: ctx.actor.departmentId,
        objectorUserId: ctx.actor.userId,
        grantId: grant.id,
        datasetId: grant.datasetId,
        datasetVersion: grant.datasetVersion,
        ownerDepartmentId: dataset.ownerDepartmentId,
        recordKey: input.recordKey,
        field: input.field,
        valueReceived: input.valueReceived,
        valueClaimed: input.valueClaimed,
        reason: input.reason.trim(),
        fused: dataset.fused,
        policyName: policy.name,
        policyVersion: policy.version,
        raisedAt: ctx.now,
        updatedAt: ctx.now,
      })
      .returning();
    const clock = await openObjectionStep(
      tx,
      row!,
      { name: 'accept', party: 'center', workingDays: policy.settings.objectionDays.accept, at: ctx.now },
      actor,
    );
    await tx.update(objections).set({ clockId: clock.id }).where(eq(objections.id, row!.id));
    await recordRaised(ctx, tx, row!, { grantNumber: grant.number, datasetName: dataset.name, deadlineDate: clock.deadlineDate });
    return row!.id;
  });
}

/** The objection's first history entry, the notices to the center and the owner, the audit entry. */
async function recordRaised(
  ctx: RequestContext,
  tx: Tx,
  row: ObjectionRow,
  facts: { grantNumber: string; datasetName: string; deadlineDate: string },
) {
  const details = { grantNumber: facts.grantNumber, recordKey: row.recordKey, field: row.field, deadlineDate: facts.deadlineDate };
  await tx.insert(objectionEvents).values({
    objectionId: row.id,
    stepKey: 'raised',
    kind: 'raised',
    at: ctx.now,
    fromState: null,
    toState: 'submitted',
    party: 'objector',
    actorUserId: ctx.actor.userId,
    actorDepartmentId: ctx.actor.departmentId,
    reason: row.reason,
    details,
  });
  const center = await sla.centerDepartment(tx);
  await enqueueNotifications(
    tx,
    [...new Set([center, row.ownerDepartmentId].filter((d): d is string => Boolean(d)))].map((departmentId) => ({
      departmentId,
      kind: 'objection.raised',
      subjectType: Subject.Objection,
      subjectId: row.id,
      title: `新异议 ${row.number}：${facts.datasetName}（${row.field}）`,
      body: `记录 ${row.recordKey} 的“${row.field}”被提出异议，请于 ${facts.deadlineDate} 前受理。`,
      payload: { number: row.number, state: 'submitted' },
      at: ctx.now,
    })),
  );
  // The ledger's lock serializes every writer until commit: take it last.
  await appendAudit(tx, {
    actor: auditActor(ctx.actor, 'requester'),
    action: 'objection.raised',
    subjectType: Subject.Objection,
    subjectId: row.id,
    after: { state: 'submitted', number: row.number, ...details },
    reason: row.reason,
    requestId: ctx.requestId,
    at: ctx.now,
  });
}

/** Evidence while the objection waits for acceptance, by the objector's requester; type, size and count limited; hashed. */
export async function addEvidence(ctx: RequestContext, id: string, file: { fileName: string; mediaType: string; content: Buffer }) {
  if (!ATTACHMENT_TYPES[file.mediaType])
    throw new UnsupportedMediaTypeError(`Evidence is ${Object.values(ATTACHMENT_TYPES).join(', ')}; not ${file.mediaType}`);
  if (file.content.length === 0) throw new RuleViolationError('attachment_empty', 'The file is empty');
  if (file.content.length > MAX_ATTACHMENT_BYTES)
    throw new RuleViolationError('attachment_too_large', `A file is at most ${MAX_ATTACHMENT_BYTES / 1024 / 1024} MB`);
  return ctx.db.transaction(async (tx) => {
    const row = await lockObjection(tx, id);
    const readable = authorize(ctx.actor.ability, Action.read, Subject.Objection, await objectionSubject(tx, row));
    if (!ctx.actor.ability.can(Action.update, asSubject(Subject.Objection, { ...readable }) as never))
      throw new ForbiddenError('forbidden', 'Evidence is added by the objector department’s requester');
    if (row.state !== 'submitted') throw new ConflictError('evidence_closed', 'Evidence is added while the objection waits for acceptance');
    const [{ n }] = (await tx.select({ n: count() }).from(objectionEvidence).where(eq(objectionEvidence.objectionId, id))) as [
      { n: number },
    ];
    if (n >= MAX_ATTACHMENTS) throw new RuleViolationError('too_many_attachments', `An objection carries at most ${MAX_ATTACHMENTS} files`);
    const [stored] = await tx
      .insert(objectionEvidence)
      .values({
        objectionId: id,
        fileName: file.fileName,
        mediaType: file.mediaType,
        sizeBytes: file.content.length,
        sha256: createHash('sha256').update(file.content).digest('hex'),
        content: file.content,
        uploadedBy: ctx.actor.userId,
        uploadedAt: ctx.now,
      })
      .returning();
    await appendAudit(tx, {
      actor: auditActor(ctx.actor, 'requester'),
      action: 'objection.evidence_added',
      subjectType: Subject.Objection,
      subjectId: id,
      after: { evidenceId: stored!.id, fileName: file.fileName, sizeBytes: stored!.sizeBytes, sha256: stored!.sha256 },
      requestId: ctx.requestId,
      at: ctx.now,
    });
    return stored!;
  });
}
