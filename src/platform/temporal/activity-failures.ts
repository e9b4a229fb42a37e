/**
 * What an activity's failure becomes in Temporal. Only a transient cause (the database or a
 * peer unreachable, a serialization conflict, a directory gap an administrator will fix) is
 * retried; a broken business rule or a bug fails the step at once, so an update answers and the
 * workflow stays actionable instead of retrying a poisoned step forever.
 *
 * Failure messages land in workflow histories and worker logs, so they carry the error's kind,
 * SQLSTATE and the step's name, never the values a query was given.
 */
import { ApplicationFailure } from '@temporalio/common';
import { AppError, TransientError } from '../errors.js';
import { safeErrorSummary } from '../logger.js';

/** SQLSTATE classes that say "try again": connection, transaction rollback, resources, operator intervention, system. */
const TRANSIENT_SQLSTATE_CLASSES = new Set(['08', '40', '53', '57', '58']);
const TRANSIENT_SYSTEM_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
]);
/** node-postgres reports a lost or exhausted connection without a code. */
const TRANSIENT_MESSAGES =
  /connection terminated|timeout exceeded when trying to connect|not queryable|connection ended|socket hang up|fetch failed/i;

export function isTransient(error: unknown): boolean {
  const chain: Array<Record<string, unknown>> = [];
  for (let e: unknown = error; e && typeof e === 'object' && chain.length < 6; e = (e as { cause?: unknown }).cause)
    chain.push(e as Record<string, unknown>);
  if (chain.some((e) => e instanceof TransientError)) return true;
  // A database's answer decides by its SQLSTATE alone: a message may quote the caller's values.
  const sqlState = chain.map((e) => e.code).find((c): c is string => typeof c === 'string' && /^[0-9A-Z]{5}$/.test(c));
  if (sqlState) return TRANSIENT_SQLSTATE_CLASSES.has(sqlState.slice(0, 2));
  return chain.some((e) => {
    const code = e.code;
    if (typeof code === 'string' && TRANSIENT_SYSTEM_CODES.has(code)) return true;
    // gRPC status of a Temporal client call: UNAVAILABLE, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED.
    if (typeof code === 'number' && [4, 8, 14].includes(code)) return true;
    // drizzle's wrapper quotes the query's parameters: its message is no evidence.
    return !('params' in e) && typeof e.message === 'string' && TRANSIENT_MESSAGES.test(e.message);
  });
}

/**
 * The failure Temporal records for an activity that threw `error`. `final` says whether a
 * failure that is neither transient nor a business rule ends the step: yes for a person's
 * action (the update answers, the workflow goes on); no for the workflow's own timed and
 * background steps, which nothing would catch — those keep retrying (without values in the
 * message) until the cause is fixed, rather than failing the whole case.
 */
export function activityFailure(activity: string, error: unknown, final = true): Error {
  if (error instanceof ApplicationFailure) return error;
  if (error instanceof AppError) {
    // A broken business rule will not heal on retry: fail at once, keeping status and code.
    return ApplicationFailure.create({
      type: error.code,
      message: error.message,
      nonRetryable: true,
      details: [{ status: error.status, details: error.details ?? null }],
    });
  }
  const summary = safeErrorSummary(error);
  const message = `${activity} failed: ${summary.type}${summary.sqlState ? ` (SQLSTATE ${summary.sqlState})` : ''}`;
  if (isTransient(error)) return ApplicationFailure.retryable(message, 'transient_failure');
  if (!final) return ApplicationFailure.retryable(message, 'step_failed');
  return ApplicationFailure.create({
    type: 'step_failed',
    message,
    nonRetryable: true,
    details: [{ status: 500, details: { activity, ...summary } }],
  });
}

/** Wraps every activity so that its failures are classified and stripped of values. */
export function classifyActivityFailures<T extends Record<string, unknown>>(activities: T, finalSteps: ReadonlySet<string>): T {
  return Object.fromEntries(
    Object.entries(activities).map(([name, fn]) => [
      name,
      typeof fn === 'function'
        ? async (...args: unknown[]) => {
            try {
              return await (fn as (...a: unknown[]) => Promise<unknown>)(...args);
            } catch (error) {
              throw activityFailure(name, error, finalSteps.has(name));
            }
          }
        : fn,
    ]),
  ) as T;
}
