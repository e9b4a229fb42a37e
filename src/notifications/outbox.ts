import type { Tx } from '../platform/db/client.js';
import { notificationOutbox } from '../platform/db/schema.js';

export interface NotificationInput {
  departmentId: string;
  /** Stable machine-readable kind, e.g. `user.created`, `request.breached`. */
  kind: string;
  subjectType: string;
  subjectId: string;
  /** Shown in the console inbox (Simplified Chinese). */
  title: string;
  body: string;
  payload?: Record<string, unknown>;
  at: Date;
}

/**
 * Records a notification in the caller's business transaction. Nothing is sent here: the
 * notification relay workflow delivers committed entries afterwards, so a rolled-back change
 * notifies nobody and a committed one is never lost.
 */
export async function enqueueNotification(tx: Tx, input: NotificationInput): Promise<string> {
  return (await enqueueNotifications(tx, [input]))[0]!;
}

/** Several notifications of one change in one statement (a filing tells both departments). */
export async function enqueueNotifications(tx: Tx, inputs: NotificationInput[]): Promise<string[]> {
  if (inputs.length === 0) return [];
  const rows = await tx
    .insert(notificationOutbox)
    .values(
      inputs.map((input) => ({
        departmentId: input.departmentId,
        kind: input.kind,
        subjectType: input.subjectType,
        subjectId: input.subjectId,
        title: input.title,
        body: input.body,
        payload: input.payload ?? {},
        createdAt: input.at,
      })),
    )
    .returning({ id: notificationOutbox.id });
  return rows.map((r) => r.id);
}
