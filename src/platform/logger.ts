import type { LoggerOptions } from 'pino';
import type { Config } from './config.js';

/**
 * Log options shared by every process. Logs carry request ids but never tokens, cookies,
 * query strings (they may hold personal data), request bodies or the values a failed query was
 * given: errors are logged through `safeErrorSummary`.
 */
export function loggerOptions(config: Pick<Config, 'logLevel'>): LoggerOptions {
  return {
    level: config.logLevel,
    base: { service: 'gongxiang' },
    serializers: { err: safeErrorSummary, error: safeErrorSummary },
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', 'headers.authorization', '*.token', '*.password', '*.secret'],
      censor: '[redacted]',
    },
  };
}

/** Request logs name the method and path only: no query string, headers or remote address. */
export const requestSerializers = {
  req: (req: { method: string; url: string }) => ({ method: req.method, path: req.url.split('?')[0] }),
};

export interface SafeErrorSummary {
  type: string;
  /** A machine-readable code: the platform's, a system call's, or a PostgreSQL SQLSTATE's. */
  code?: string;
  sqlState?: string;
  /** Names from the database's error (schema facts, never values). */
  table?: string;
  column?: string;
  constraint?: string;
  /** Not for database errors (their messages quote values) nor parse errors (they quote input). */
  message?: string;
  stack?: string[];
}

/**
 * What may be logged of an error: its kind, codes, message and where it was thrown — except that
 * a database error's message (and drizzle's "Failed query … params: …" around it) holds the
 * values it was given, personal data often, so of those only the SQLSTATE and the names of the
 * table, column and constraint are kept; and a parse error's message quotes its input.
 */
export function safeErrorSummary(error: unknown): SafeErrorSummary {
  if (!error || typeof error !== 'object') return { type: typeof error };
  const chain: Record<string, unknown>[] = [];
  for (let e: unknown = error; e && typeof e === 'object' && chain.length < 6; e = (e as { cause?: unknown }).cause)
    chain.push(e as Record<string, unknown>);
  const outer = chain[0]!;
  const database = chain.find((e) => typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code) && ('severity' in e || 'routine' in e));
  // drizzle's wrapper carries the query and its parameters (its message quotes both).
  const carriesValues = chain.some((e) => 'params' in e || 'query' in e);
  const text = (v: unknown) => (typeof v === 'string' && v.length > 0 ? v : undefined);
  const type = text((outer.constructor as { name?: string } | undefined)?.name) ?? text(outer.name) ?? 'Error';
  const summary: SafeErrorSummary = { type };
  const code = chain.map((e) => e.code).find((c) => typeof c === 'string');
  if (typeof code === 'string') summary.code = code;
  if (database) {
    summary.sqlState = database.code as string;
    for (const key of ['table', 'column', 'constraint'] as const) {
      const value = text(database[key]);
      if (value) summary[key] = value;
    }
  } else if (!carriesValues && type !== 'SyntaxError' && typeof outer.message === 'string') {
    summary.message = outer.message;
  }
  // Frames only: the stack's first line repeats the message.
  if (typeof outer.stack === 'string')
    summary.stack = outer.stack
      .split('\n')
      .filter((line) => /^\s+at /.test(line))
      .slice(0, 12)
      .map((line) => line.trim());
  return summary;
}
