import type { Client } from '@temporalio/client';
import { and, asc, eq, ne, notExists, sql } from 'drizzle-orm';
import { clockChanged } from '../../workflows/case-api.js';
import type { Db } from '../platform/db/client.js';
import { slaClockEvents, slaClocks } from '../platform/db/schema.js';
import { temporalUnanswered } from '../platform/temporal/connection.js';
import { recomputeOpenClocks, type ChangeMeta, type MovedClock } from './service.js';

/** A clock whose workflow is owed the announcement of a change. */
export interface OwedAnnouncement {
  clockId: string;
  version: number;
  workflowId: string;
}

/** The announcement was delivered: the clock owes nothing more (unless it changed again since). */
export async function markAnnounced(db: Db, clocks: { clockId: string; version: number }[]): Promise<void> {
  for (const { clockId, version } of clocks)
    await db
      .update(slaClocks)
      .set({ announcePending: false })
      .where(and(eq(slaClocks.id, clockId), eq(slaClocks.version, version)));
}

/**
 * Tells each moved clock's workflow its new version, so it reads the clock again and its timers
 * follow; each delivered announcement is marked. Best effort: what is not delivered stays owed and
 * the request reconciler delivers it. Once Temporal does not answer, the rest are not tried: a
 * calendar change can move thousands of clocks, and waiting out a deadline for each would hold
 * the caller for hours.
 */
export async function signalMovedDeadlines(client: Client, moved: MovedClock[], db: Db): Promise<number> {
  let delivered = 0;
  for (const clock of moved) {
    if (!clock.workflowId) continue;
    try {
      await client.connection.withDeadline(Date.now() + 5_000, () =>
        client.workflow.getHandle(clock.workflowId!).signal(clockChanged, { clockId: clock.clockId, version: clock.version }),
      );
      delivered++;
      await markAnnounced(db, [clock]);
    } catch (error) {
      if (temporalUnanswered(error)) break;
      // Closed since: nothing left to follow.
      await markAnnounced(db, [clock]);
    }
  }
  return delivered;
}

/** Open clocks owed an announcement whose last change is older than `changedBefore` (the caller's own attempt had its chance). */
export async function unannouncedClocks(db: Db, changedBefore: Date, limit: number): Promise<OwedAnnouncement[]> {
  const rows = await db
    .select({ clockId: slaClocks.id, version: slaClocks.version, workflowId: sql<string>`${slaClocks.workflowId}` })
    .from(slaClocks)
    .where(
      and(
        eq(slaClocks.announcePending, true),
        ne(slaClocks.state, 'stopped'),
        sql`${slaClocks.workflowId} is not null`,
        notExists(
          db
            .select({ one: sql`1` })
            .from(slaClockEvents)
            .where(and(eq(slaClockEvents.clockId, slaClocks.id), sql`${slaClockEvents.at} > ${changedBefore}`)),
        ),
      ),
    )
    .orderBy(asc(slaClocks.deadlineAt))
    .limit(limit);
  return rows;
}

/** After a calendar change: every open clock is recomputed and each moved one's workflow told; how many moved. */
export function calendarFollower(db: Db, client: Client) {
  return async (meta: ChangeMeta & { at: Date }): Promise<number> => {
    const moved = await recomputeOpenClocks(db, meta.at, meta);
    await signalMovedDeadlines(client, moved, db);
    return moved.length;
  };
}
