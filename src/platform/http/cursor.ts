import { AppError } from '../errors.js';

/** Opaque pagination cursors: the sort key of the last row of a page, base64url-encoded JSON. */
export function encodeCursor(key: unknown): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

export function decodeCursor<T>(cursor: string | undefined, isValid: (value: unknown) => value is T): T | undefined {
  if (cursor === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (isValid(value)) return value;
  } catch {
    // fall through to the error below
  }
  throw new AppError(400, 'invalid_cursor', 'The cursor is not one this list returned');
}

/** The page and the cursor of the next one: fetch limit + 1 rows to know whether there is more. */
export function page<T>(rows: T[], limit: number, keyOf: (row: T) => unknown): { items: T[]; nextCursor: string | null } {
  const items = rows.slice(0, limit);
  return { items, nextCursor: rows.length > limit ? encodeCursor(keyOf(items[items.length - 1]!)) : null };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const record = (v: unknown): Record<string, unknown> | null =>
  typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : null;

/*
 * Cursors are opaque to clients, but one made by hand must not reach the database unchecked
 * (PostgreSQL would reject a malformed uuid or timestamp, and that would be a 500).
 */

/**
 * An instant as this platform's cursors write it (`toISOString`, UTC) within the years PostgreSQL
 * and the platform deal in. JavaScript dates reach ±275760 years, PostgreSQL's timestamps do not.
 */
const CURSOR_INSTANT = /^(\d{4})-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
export const isCursorInstant = (v: unknown): v is string => {
  if (typeof v !== 'string') return false;
  const match = CURSOR_INSTANT.exec(v);
  return match !== null && Number(match[1]) >= 1970 && !Number.isNaN(Date.parse(v));
};

/** A (createdAt, id) cursor: an instant and a uuid. */
export const isTimeIdCursor = (v: unknown): v is { createdAt: string; id: string } => {
  const c = record(v);
  return isCursorInstant(c?.createdAt) && typeof c.id === 'string' && UUID.test(c.id);
};

/** A (sort, key, id) cursor: one of the sorts, a key without NUL, and a uuid. */
export const isSortKeyCursor = <S extends string>(v: unknown, sorts: readonly S[]): v is { sort: S; key: string; id: string } => {
  const c = record(v);
  return (
    typeof c?.sort === 'string' &&
    (sorts as readonly string[]).includes(c.sort) &&
    typeof c.key === 'string' &&
    !c.key.includes('\u0000') &&
    typeof c.id === 'string' &&
    UUID.test(c.id)
  );
};
