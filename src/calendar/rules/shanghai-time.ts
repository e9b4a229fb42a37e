/**
 * Asia/Shanghai has been UTC+8 all year, with no daylight saving, since 1991, so its calendar
 * date is a fixed offset from the UTC instant.
 */
const SHANGHAI_OFFSET_MS = 8 * 60 * 60 * 1000;

/** The Asia/Shanghai calendar date (YYYY-MM-DD) of an instant. */
export function shanghaiDate(instant: Date): string {
  return new Date(instant.getTime() + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);
}
