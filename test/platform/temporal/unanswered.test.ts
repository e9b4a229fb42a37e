/**
 * Which client failures mean "Temporal did not answer" (a 503 to the caller) rather than a
 * refusal or a bug. The errors are built as grpc-js and the SDK build them (code, details,
 * metadata; the SDK's wrappers keep the transport's error as `cause`).
 */
import { CancelledFailure } from '@temporalio/common';
import { ServiceError, WorkflowUpdateRPCTimeoutOrCancelledError } from '@temporalio/client';
import t from 'tap';
import { temporalUnanswered } from '../../../src/platform/temporal/connection.js';

const grpc = (code: number, details: string) => Object.assign(new Error(`${code} ${details}`), { code, details, metadata: {} });

t.equal(temporalUnanswered(grpc(14, 'No connection established')), 'unavailable', 'UNAVAILABLE: nothing reached the server');
t.equal(temporalUnanswered(grpc(4, 'Deadline exceeded')), 'timeout', 'DEADLINE_EXCEEDED: the call may have taken effect');
t.equal(temporalUnanswered(grpc(1, 'Call cancelled')), 'timeout', 'CANCELLED (a connection closing under the call): outcome unknown');
t.equal(
  temporalUnanswered(new ServiceError('Failed to start', { cause: grpc(14, 'No connection established') })),
  'unavailable',
  "the SDK's wrapper is seen through",
);
t.equal(
  temporalUnanswered(new WorkflowUpdateRPCTimeoutOrCancelledError('cancelled', { cause: new CancelledFailure('aborted') })),
  'timeout',
  'an update call the SDK reports timed out or cancelled, whatever its cause',
);
t.equal(temporalUnanswered(grpc(3, 'invalid argument')), undefined, 'INVALID_ARGUMENT is an answer, not silence');
t.equal(temporalUnanswered(grpc(5, 'workflow not found')), undefined, 'NOT_FOUND is an answer');
t.equal(temporalUnanswered(new Error('a bug')), undefined, 'an error of ours is not a Temporal outage');
