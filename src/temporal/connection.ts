import { Client, Connection } from '@temporalio/client';
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
      await connection.withDeadline(Date.now() + timeoutMs, () =>
        connection.workflowService.getSystemInfo({}),
      );
    },
    close: () => connection.close(),
  };
}
