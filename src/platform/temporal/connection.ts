import { Client, Connection, WorkflowUpdateRPCTimeoutOrCancelledError, isGrpcServiceError } from '@temporalio/client';
import type { Config } from '../config.js';

export interface TemporalHandle {
  readonly client: Client;
  readonly connection: Connection;
  /** Asks the frontend for its health; rejects when Temporal cannot be reached. */
  ping(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * One lazily-connected client per process: the API starts (and reports not-ready) while
 * Temporal is unreachable, and connects as soon as it answers.
 */
export function connectTemporal(settings: Config['temporal']): TemporalHandle {
  const connection = Connection.lazy({ address: settings.address });
  const client = new Client({ connection, namespace: settings.namespace });
  return {
    client,
    connection,
    ping: async (timeoutMs = 2_000) => {
      await connection.withDeadline(Date.now() + timeoutMs, () => connection.workflowService.getSystemInfo({}));
    },
    close: () => connection.close(),
  };
}

/** gRPC status codes (grpc/doc/statuscodes.md); the SDK does not re-export grpc-js's enum. */
const CANCELLED = 1;
const DEADLINE_EXCEEDED = 4;
const UNAVAILABLE = 14;
const UNIMPLEMENTED = 12;

/**
 * Whether a client call failed because Temporal did not answer — `unavailable` (nothing reached
 * it) or `timeout` (our deadline passed; the call may still have taken effect) — as opposed to
 * Temporal answering with a refusal.
 */
export function temporalUnanswered(error: unknown): 'unavailable' | 'timeout' | undefined {
  // The SDK's own verdict on an update call whose answer never came, whatever the transport said.
  if (error instanceof WorkflowUpdateRPCTimeoutOrCancelledError) return 'timeout';
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    if (isGrpcServiceError(e)) {
      const code: number = e.code;
      if (code === UNAVAILABLE) return 'unavailable';
      // A call cut off as the connection closes (a server shutting down) may have been received.
      if (code === DEADLINE_EXCEEDED || code === CANCELLED) return 'timeout';
      return undefined;
    }
  }
  return undefined;
}

/**
 * Whether Temporal answered that it does not offer the call (a server without visibility or
 * schedules: the SDK's time-skipping test server), the gRPC error possibly wrapped by the SDK.
 */
export function temporalUnimplemented(error: unknown): boolean {
  for (let e: unknown = error; e instanceof Error; e = e.cause) if (isGrpcServiceError(e)) return (e.code as number) === UNIMPLEMENTED;
  return false;
}
