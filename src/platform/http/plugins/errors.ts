import { randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest, FastifyServerOptions } from 'fastify';
import fp from 'fastify-plugin';
import { AppError } from '../../errors.js';
import { BASELINE_HEADERS } from './security.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The methods the contract declares for a path (empty for an unknown path); set by buildApp. */
    declaredMethods?: (path: string) => string[];
    /**
     * Answers a browser path with the web console's page (it routes in the browser), or returns
     * null for a path the console does not own; set when the console is served.
     */
    consolePage?: (request: FastifyRequest, reply: FastifyReply) => FastifyReply | null;
  }
}

export interface ErrorBody {
  code: string;
  message: string;
  details?: unknown;
  requestId: string;
}

/** Fastify's own 4xx errors, mapped to stable codes of ours. */
const FRAMEWORK_CODES: Record<string, string> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_INVALID_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'invalid_content_length',
  FST_ERR_BAD_URL: 'invalid_url',
  FST_ERR_MAX_PARAM_LENGTH: 'uri_too_long',
};

function send(reply: FastifyReply, status: number, body: Omit<ErrorBody, 'requestId'>): FastifyReply {
  return reply
    .status(status)
    .type('application/json')
    .header('x-request-id', String(reply.request.id))
    .send({ ...body, requestId: String(reply.request.id) });
}

/**
 * No route for the request: the console's page for a browser path; else 405 with `Allow` when the
 * path is one of the contract's, else 404.
 */
function routeMiss(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const page = request.server.consolePage?.(request, reply);
  if (page) return page;
  const path = request.url.split('?')[0]!;
  const allowed = request.server.declaredMethods?.(path) ?? [];
  if (allowed.length) {
    reply.header('allow', allowed.join(', '));
    return send(reply, 405, {
      code: 'method_not_allowed',
      message: `${request.method} is not an operation of ${path}; allowed: ${allowed.join(', ')}`,
    });
  }
  return send(reply, 404, { code: 'route_not_found', message: `No route ${request.method} ${path}` });
}

/**
 * Errors Fastify answers before a route is found (a path that is not valid percent-encoding, a
 * path parameter over the length limit): the same shape as every other error.
 */
export const frameworkErrors: NonNullable<FastifyServerOptions['frameworkErrors']> = (error, _request, reply) => {
  const status = error.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 414 : 400;
  const message =
    status === 414 ? 'A path segment is longer than any identifier of this API' : 'The path is not valid percent-encoded UTF-8';
  void send((reply as FastifyReply).headers(BASELINE_HEADERS), status, { code: FRAMEWORK_CODES[error.code] ?? 'bad_request', message });
};

/**
 * Requests Node's HTTP parser cannot read (raw non-ASCII bytes in the request line, oversized
 * headers, a timeout) never reach Fastify: they are answered here in the platform's error shape.
 */
export function clientErrorHandler(error: NodeJS.ErrnoException, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, reason, code, message] =
    error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? [408, 'Request Timeout', 'request_timeout', 'The request was not received in time']
      : error.code === 'HPE_HEADER_OVERFLOW'
        ? [431, 'Request Header Fields Too Large', 'headers_too_large', 'The request headers are too large']
        : [400, 'Bad Request', 'malformed_request', 'The request is not valid HTTP/1.1 (a URL must be percent-encoded ASCII)'];
  const requestId = randomUUID();
  const body = JSON.stringify({ code, message, requestId });
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nx-request-id: ${requestId}\r\n${Object.entries(
        BASELINE_HEADERS,
      )
        .map(([k, v]) => `${k}: ${v}\r\n`)
        .join('')}Connection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}

/** PostgreSQL errors (SQLSTATE) that mean bad or conflicting input, not a broken server. */
const DATABASE_INPUT_ERRORS: Record<string, { status: number; code: string; message: string }> = {
  '23505': { status: 409, code: 'conflict', message: 'A record with these values exists already (perhaps created a moment ago)' },
  '23503': { status: 422, code: 'unknown_reference', message: 'The input refers to something that does not exist' },
  '22P02': { status: 400, code: 'invalid_value', message: 'A value is not of the expected form' },
  '22003': { status: 400, code: 'invalid_value', message: 'A number is out of range' },
  '22007': { status: 400, code: 'invalid_value', message: 'A date or time is not of a form that can be stored' },
  '22008': { status: 400, code: 'invalid_value', message: 'A date or time is out of range' },
  '22021': { status: 400, code: 'invalid_characters', message: 'Text contains characters that cannot be stored' },
  '22P05': { status: 400, code: 'invalid_characters', message: 'Text contains characters that cannot be stored' },
  '54000': { status: 400, code: 'invalid_value', message: 'A value is too long to be stored or indexed' },
};

/** An error and the causes it wraps (the driver's error inside the ORM's), outermost first. */
function* causes(error: unknown): Generator<{ code?: unknown; message?: unknown }> {
  for (let e: unknown = error, depth = 0; e && typeof e === 'object' && depth < 5; e = (e as { cause?: unknown }).cause, depth++) yield e;
}

/** The SQLSTATE of a PostgreSQL error, wherever the driver or ORM wrapped it. */
function databaseError(error: unknown): ({ sqlState: string } & (typeof DATABASE_INPUT_ERRORS)[string]) | undefined {
  for (const { code } of causes(error))
    if (typeof code === 'string' && code in DATABASE_INPUT_ERRORS) return { sqlState: code, ...DATABASE_INPUT_ERRORS[code]! };
  return undefined;
}

/**
 * The database unreachable or overloaded for a moment — no connection free within the pool's
 * timeout, a connection refused or cut, the server starting or shutting down, too many
 * connections, a deadlock or serialization failure rolled back: nothing was changed, and the
 * caller may retry (503 with Retry-After) — not a bug to answer with a 500.
 */
function databaseUnavailable(error: unknown): boolean {
  for (const { code, message } of causes(error)) {
    if (
      typeof code === 'string' &&
      (/^(08|53|57P0)/.test(code) || ['40P01', '40001', 'ECONNREFUSED', 'ECONNRESET', 'EPIPE'].includes(code))
    )
      return true;
    if (typeof message === 'string' && /timeout exceeded when trying to connect|Connection terminated/i.test(message)) return true;
  }
  return false;
}

/**
 * One error shape for every failure. Typed AppErrors keep their status and code; request
 * validation failures become 400 `validation_failed` with the offending places; anything else is
 * a bug: logged in full, answered with a generic 500 that leaks nothing.
 */
export const errorsPlugin = fp(
  async (app: FastifyInstance) => {
    app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
      // No route matched (e.g. a QUERY request failing on its body before the 404 handler ran):
      // the caller's mistake is the route, not the body.
      if (request.is404 && !(error instanceof AppError)) return routeMiss(request, reply);
      if (error instanceof AppError) {
        if (error.status === 503) reply.header('retry-after', '5');
        return send(reply, error.status, { code: error.code, message: error.message, details: error.details });
      }
      if (error.validation) {
        return send(reply, 400, {
          code: 'validation_failed',
          message: `The request does not match the API contract: ${error.message}`,
          details: error.validation.map((v) => ({
            in: error.validationContext,
            path: v.instancePath || '/',
            rule: v.keyword,
            message: v.message,
            ...(v.keyword === 'additionalProperties' ? { property: (v.params as { additionalProperty?: string }).additionalProperty } : {}),
          })),
        });
      }
      const database = databaseError(error);
      if (database) {
        // A constraint caught what a rule should have (a race, most often): the caller's input is
        // at fault, not the server. Logged, since a rule may be missing.
        request.log.warn(
          { err: error, sqlState: database.sqlState, operationId: request.routeOptions.config.operationId },
          'database rejected the input',
        );
        return send(reply, database.status, { code: database.code, message: database.message });
      }
      if (databaseUnavailable(error)) {
        request.log.warn({ err: error, operationId: request.routeOptions.config.operationId }, 'database unavailable for a moment');
        reply.header('retry-after', '5');
        return send(reply, 503, {
          code: 'database_unavailable',
          message: 'The database is busy or unreachable for a moment; nothing was changed, try again',
        });
      }
      if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
        // The operation's own limit, as the contract declares it (x-body-limit).
        const limit = request.routeOptions.bodyLimit;
        return send(reply, 413, {
          code: 'payload_too_large',
          message: `The body is larger than this operation takes: at most ${limit} bytes`,
          details: { limit },
        });
      }
      const status = error.statusCode ?? 500;
      if (status >= 400 && status < 500) {
        return send(reply, status, {
          code: FRAMEWORK_CODES[error.code] ?? 'bad_request',
          message: error.message,
        });
      }
      request.log.error({ err: error, operationId: request.routeOptions.config.operationId }, 'unhandled error');
      return send(reply, 500, { code: 'internal_error', message: 'Internal server error; quote the request id when reporting it' });
    });

    app.setNotFoundHandler(routeMiss);
  },
  { name: 'errors' },
);
