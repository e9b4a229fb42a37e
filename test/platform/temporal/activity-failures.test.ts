/**
 * How an activity's failure is classified (retried or final) and what of it is kept: decided by
 * codes, never by text that may quote a caller's values. Errors are built as node-postgres and
 * drizzle build them (a DatabaseError with `code` and `severity`, wrapped with `query` and `params`).
 */
import { ApplicationFailure } from '@temporalio/common';
import t from 'tap';
import { ConflictError, TransientError } from '../../../src/platform/errors.js';
import { safeErrorSummary } from '../../../src/platform/logger.js';
import { activityFailure, isTransient } from '../../../src/platform/temporal/activity-failures.js';

function databaseError(code: string, message: string) {
  return Object.assign(new Error(message), { code, severity: 'ERROR', table: 'request_supplements', constraint: 'question_check' });
}
/** drizzle's wrapper: its message quotes the query and its parameters. */
function drizzleError(cause: Error, params: unknown[]) {
  return Object.assign(new Error(`Failed query: insert into request_supplements values ($1)\nparams: ${params.join(',')}`, { cause }), {
    query: 'insert …',
    params,
  });
}
const personal = '张三 310101199001011234 socket hang up';

t.test('a database answer is classified by its SQLSTATE alone, whatever the values quoted', async (t) => {
  t.equal(
    isTransient(drizzleError(databaseError('23514', 'new row violates check constraint'), [personal])),
    false,
    'a constraint is final, even with "socket hang up" in a value',
  );
  t.equal(
    isTransient(drizzleError(databaseError('40001', 'could not serialize access'), ['x'])),
    true,
    'a serialization conflict is retried',
  );
  t.equal(isTransient(databaseError('08006', 'connection failure')), true, 'a lost connection is retried');
  t.equal(isTransient(databaseError('57P01', 'terminating connection due to administrator command')), true);
  t.equal(isTransient(databaseError('22P02', 'invalid input syntax')), false);
});

t.test('other failures: system codes, a lost connection without a code, TransientError — retried; bugs are not', async (t) => {
  t.equal(isTransient(Object.assign(new Error('connect'), { code: 'ECONNREFUSED' })), true);
  t.equal(isTransient(new Error('Connection terminated unexpectedly')), true);
  t.equal(isTransient(new TransientError('no center department yet')), true);
  t.equal(isTransient(new TypeError("Cannot read properties of undefined (reading 'law')")), false);
  t.equal(
    isTransient(drizzleError(new Error('boom'), ['socket hang up'])),
    false,
    'a wrapper quoting values is no evidence of a lost socket',
  );
});

t.test("a person's step fails at once on a bug; the workflow's own steps keep retrying; neither keeps values", async (t) => {
  const failure = drizzleError(databaseError('23514', 'new row violates check constraint'), [personal]);
  const final = activityFailure('askSupplement', failure, true) as ApplicationFailure;
  t.equal(final.nonRetryable, true);
  t.equal(final.type, 'step_failed');
  t.match(final.message, /^askSupplement failed: Error \(SQLSTATE 23514\)$/);
  const timed = activityFailure('recordBreach', failure, false) as ApplicationFailure;
  t.equal(timed.nonRetryable, false, 'a timed step is retried until the cause is fixed');
  for (const f of [final, timed]) t.notMatch(JSON.stringify({ message: f.message, details: f.details }), /310101199001011234|张三/);
  const rule = activityFailure(
    'approveRequest',
    new ConflictError('invalid_state', 'The request is not in review'),
    false,
  ) as ApplicationFailure;
  t.match(
    rule,
    { nonRetryable: true, type: 'invalid_state', details: [{ status: 409 }] },
    'a business rule is final everywhere, with its status',
  );
  const transient = activityFailure('approveRequest', databaseError('40P01', 'deadlock detected'), true) as ApplicationFailure;
  t.equal(transient.nonRetryable, false, 'a deadlock is retried even in a person’s step');
});

t.test('a logged error keeps codes and names, never a message that quotes values', async (t) => {
  const summary = safeErrorSummary(drizzleError(databaseError('23514', `failing row contains (${personal})`), [personal]));
  t.match(summary, { sqlState: '23514', table: 'request_supplements', constraint: 'question_check' });
  t.notOk('message' in summary);
  t.notMatch(JSON.stringify(summary), /310101199001011234/);
  const lost = safeErrorSummary(drizzleError(new Error('Connection terminated'), [personal]));
  t.notOk('message' in lost, 'a wrapper without a database answer still quotes its parameters');
  t.notMatch(JSON.stringify(lost), /310101199001011234/);
  t.equal(
    safeErrorSummary(new Error('disk full at /var/lib/postgresql')).message,
    'disk full at /var/lib/postgresql',
    'a plain error keeps its message',
  );
  t.notOk('message' in safeErrorSummary(new SyntaxError(`Unexpected token in JSON: ${personal}`)), 'a parse error quotes its input');
});
