import type { Db } from '../platform/db/client.js';
import { markAnnounced, unannouncedClocks, type OwedAnnouncement } from './signals.js';

/** The clock service's activities for the reconciler: announcements owed to workflows. */
export function createSlaActivities(deps: { db: Db }) {
  const { db } = deps;
  return {
    async listUnannouncedClocks(input: { changedBefore: string; limit: number }): Promise<OwedAnnouncement[]> {
      return unannouncedClocks(db, new Date(input.changedBefore), input.limit);
    },
    async markClocksAnnounced(input: { clocks: { clockId: string; version: number }[] }): Promise<void> {
      await markAnnounced(db, input.clocks);
    },
  };
}

export type SlaActivities = ReturnType<typeof createSlaActivities>;
