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
