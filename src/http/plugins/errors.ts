import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { AppError } from '../../errors.js';

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
};

function send(reply: FastifyReply, status: number, body: Omit<ErrorBody, 'requestId'>): FastifyReply {
  return reply.status(status).type('application/json').send({ ...body, requestId: String(reply.request.id) });
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

/** The SQLSTATE of a PostgreSQL error, wherever the driver or ORM wrapped it. */
function databaseError(error: unknown): ({ sqlState: string } & (typeof DATABASE_INPUT_ERRORS)[string]) | undefined {
  for (let e: unknown = error, depth = 0; e && typeof e === 'object' && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const sqlState = (e as { code?: unknown }).code;
    if (typeof sqlState === 'string' && sqlState in DATABASE_INPUT_ERRORS) return { sqlState, ...DATABASE_INPUT_ERRORS[sqlState]! };
  }
  return undefined;
}

/**
 * One error shape for every failure. Typed AppErrors keep their status and code; request
 * validation failures become 400 `validation_failed` with the offending places; anything else is
 * a bug: logged in full, answered with a generic 500 that leaks nothing.
 */
export const errorsPlugin = fp(
  async (app: FastifyInstance) => {
    app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
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
        request.log.warn({ err: error, sqlState: database.sqlState }, 'database rejected the input');
        return send(reply, database.status, { code: database.code, message: database.message });
      }
      const status = error.statusCode ?? 500;
      if (status >= 400 && status < 500) {
        return send(reply, status, {
          code: FRAMEWORK_CODES[error.code] ?? 'bad_request',
          message: error.message,
        });
      }
      request.log.error({ err: error }, 'unhandled error');
      return send(reply, 500, { code: 'internal_error', message: 'Internal server error; quote the request id when reporting it' });
    });

    app.setNotFoundHandler((request, reply) =>
      send(reply, 404, { code: 'route_not_found', message: `No route ${request.method} ${request.url.split('?')[0]}` }),
    );
  },
  { name: 'errors' },
);
