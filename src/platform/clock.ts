/**
 * The one clock port for business time. Inside workflows time is the workflow's own
 * (`Date.now()` there is deterministic workflow time); activities receive instants from their
 * workflow; the API reads this port. Tests that skip time hand the API a clock that reads the
 * Temporal test server, so deadlines computed by the API agree with the skipped timers.
 */
export interface Clock {
  now(): Promise<Date>;
}

export const systemClock: Clock = {
  now: async () => new Date(),
};

/** A clock that reads a time source returning epoch milliseconds, e.g. a test server's time. */
export function clockFrom(currentTimeMs: () => Promise<number>): Clock {
  return { now: async () => new Date(await currentTimeMs()) };
}
