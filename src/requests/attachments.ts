/** Files attached to a draft, to a supplement answer (补正) or to a coordination position (三方协调): PDF, images, office files, OFD. */
import { createHash } from 'node:crypto';
import { and, count, eq, isNull } from 'drizzle-orm';
import { appendAudit } from '../audit/index.js';
import { subject as asSubject } from '@casl/ability';
import { auditActor, authorize, type RequestContext } from '../identity/index.js';
import { partiesOf } from './queries.js';
import { Action, Subject } from '../identity/rules/abilities.js';
import { requestAttachments, requests, requestSupplements } from '../platform/db/schema.js';
import { ConflictError, RuleViolationError, UnsupportedMediaTypeError } from '../platform/errors.js';

export const ATTACHMENT_TYPES: Record<string, string> = {
  'application/pdf': 'PDF',
  'image/jpeg': 'JPEG',
  'image/png': 'PNG',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'DOCX',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'XLSX',
  'application/ofd': 'OFD',
};
export const MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024;
export const MAX_ATTACHMENTS = 10;

/**
 * Stores a file on a draft, or with the answer to an open supplement request (补正), with its
 * type, size and SHA-256.
 */
export async function addAttachment(
  ctx: RequestContext,
  id: string,
  file: { fileName: string; mediaType: string; content: Buffer },
): Promise<typeof requestAttachments.$inferSelect> {
  if (!ATTACHMENT_TYPES[file.mediaType])
    throw new UnsupportedMediaTypeError(`Attachments are ${Object.values(ATTACHMENT_TYPES).join(', ')}; not ${file.mediaType}`);
  if (file.content.length === 0) throw new RuleViolationError('attachment_empty', 'The attachment is empty');
  if (file.content.length > MAX_ATTACHMENT_BYTES)
    throw new RuleViolationError('attachment_too_large', `An attachment is at most ${MAX_ATTACHMENT_BYTES / 1024 / 1024} MB`);
  return ctx.db.transaction(async (tx) => {
    const [current] = await tx.select().from(requests).where(eq(requests.id, id)).for('update');
    // During a coordination each of the three parties attaches files to the position it records.
    const coordinating =
      current?.state === 'coordination' && ctx.actor.ability.can(Action.read, asSubject(Subject.Request, { ...current }) as never);
    const parties = coordinating ? partiesOf(ctx, current) : [];
    const row = parties.some((p) => p !== 'authority') ? current! : authorize(ctx.actor.ability, Action.update, Subject.Request, current);
    let supplementId: string | null = null;
    if (row.state === 'awaiting_supplement') {
      const [open] = await tx
        .select({ id: requestSupplements.id })
        .from(requestSupplements)
        .where(and(eq(requestSupplements.requestId, id), isNull(requestSupplements.answeredAt), isNull(requestSupplements.lapsedAt)));
      supplementId = open?.id ?? null;
    }
    if (row.state !== 'draft' && row.state !== 'coordination' && !supplementId)
      throw new ConflictError(
        'attachments_closed',
        'Files are attached to a draft, to the answer of an open supplement request, or to a position during coordination',
      );
    const [{ n }] = (await tx.select({ n: count() }).from(requestAttachments).where(eq(requestAttachments.requestId, id))) as [
      { n: number },
    ];
    if (n >= MAX_ATTACHMENTS)
      throw new RuleViolationError('too_many_attachments', `A request carries at most ${MAX_ATTACHMENTS} attachments`);
    const [stored] = await tx
      .insert(requestAttachments)
      .values({
        requestId: id,
        supplementId,
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
      actor: auditActor(ctx.actor, 'requester', 'reviewer', 'center_operator'),
      action: 'request.attachment_added',
      subjectType: Subject.Request,
      subjectId: id,
      after: { attachmentId: stored!.id, fileName: file.fileName, sizeBytes: stored!.sizeBytes, sha256: stored!.sha256, supplementId },
      requestId: ctx.requestId,
      at: ctx.now,
    });
    return stored!;
  });
}
