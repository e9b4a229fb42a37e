/**
 * Queries built once per database handle and run as named prepared statements (drizzle's
 * `prepare`): a hot read skips drizzle's query building and PostgreSQL's parsing and planning
 * on every call after a connection's first. Only for reads run on the handle itself — a
 * transaction's statements run on its own connection and are built as usual.
 */
import type { Db } from './client.js';

export function preparedPerDatabase<Q>(build: (db: Db) => Q): (db: Db) => Q {
  const built = new WeakMap<Db, Q>();
  return (db) => {
    let queries = built.get(db);
    if (!queries) built.set(db, (queries = build(db)));
    return queries;
  };
}
