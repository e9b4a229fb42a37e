import { DefaultLogger, Runtime, type LogLevel } from '@temporalio/worker';
import type { Logger } from 'pino';

const PINO_LEVEL: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};

/**
 * Installs the Temporal worker runtime once per process: its logs go to pino (warnings and up;
 * the bundler's INFO chatter is dropped), and it does not take over SIGINT/SIGTERM, because the
 * process entry decides the shutdown order (HTTP first, then the worker, then the database).
 */
export function installTemporalRuntime(log: Logger): void {
  const temporalLog = log.child({ component: 'temporal' });
  Runtime.install({
    shutdownSignals: [],
    logger: new DefaultLogger('WARN', (entry) => {
      temporalLog[PINO_LEVEL[entry.level]]({ ...entry.meta }, entry.message);
    }),
  });
}
