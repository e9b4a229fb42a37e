import type { Client } from '@temporalio/client';
import { temporalUnanswered } from '../platform/temporal/connection.js';
import type { Db } from '../platform/db/client.js';
import { recomputeOpenClocks, type ChangeMeta, type MovedClock } from './service.js';

/** The signal a clock's workflow receives when the clock service moves its deadline. */
export const SLA_DEADLINE_CHANGED = 'slaDeadlineChanged';

/**
 * Tells each moved clock's workflow its new deadline, so its timer follows. Best effort: a
 * request workflow that misses it is signalled again by the request reconciler, and its next
 * timed step catches up with the clock in any case. Once Temporal does not
 * answer, the rest are not tried: a calendar change can move thousands of clocks, and waiting
 * out a deadline for each would hold the caller for hours.
 */
export async function signalMovedDeadlines(client: Client, moved: MovedClock[]): Promise<number> {
  let delivered = 0;
  for (const clock of moved) {
    if (!clock.workflowId) continue;
    try {
      await client.connection.withDeadline(Date.now() + 5_000, () =>
        client.workflow
          .getHandle(clock.workflowId!)
          .signal(SLA_DEADLINE_CHANGED, { clockId: clock.clockId, deadline: clock.deadlineAfter }),
      );
      delivered++;
    } catch (error) {
      // The workflow re-reads the clock at its next timer.
      if (temporalUnanswered(error)) break;
    }
  }
  return delivered;
}

/** After a calendar change: every open clock is recomputed and each moved one's workflow told; how many moved. */
export function calendarFollower(db: Db, client: Client) {
  return async (meta: ChangeMeta & { at: Date }): Promise<number> => {
    const moved = await recomputeOpenClocks(db, meta.at, meta);
    await signalMovedDeadlines(client, moved);
    return moved.length;
  };
}
