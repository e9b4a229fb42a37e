import type { LoggerOptions } from 'pino';
import type { Config } from './config.js';

/**
 * Log options shared by every process. Logs carry request ids but never tokens, cookies,
 * query strings (they may hold personal data) or request bodies.
 */
export function loggerOptions(config: Pick<Config, 'logLevel'>): LoggerOptions {
  return {
    level: config.logLevel,
    base: { service: 'gongxiang' },
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
