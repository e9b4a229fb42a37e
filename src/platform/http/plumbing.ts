import { randomUUID } from 'node:crypto';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { requestSerializers } from '../logger.js';
import { contractEdgePlugin } from './plugins/contract-edge.js';
import { clientErrorHandler, errorsPlugin, frameworkErrors } from './plugins/errors.js';
import { corsPlugin, securityHeadersPlugin } from './plugins/security.js';
import { createRequestValidatorCompiler } from './validation.js';

const REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/;

/**
 * Fastify's request lines ("incoming request", "request completed") at info, except for the
 * quiet operations — health and readiness probes, polled several times a second by `start`,
 * load balancers and orchestrators — whose lines go to debug, so polls neither drown the start
 * banner nor fill the log. Errors, and what a probe itself warns about, are logged as before.
 */
class RequestLogController extends LogController {
  constructor(private readonly quietOperations: ReadonlySet<string>) {
    super({ requestIdLogLabel: 'requestId' });
  }

  private quiet(request: FastifyRequest): boolean {
    // Not every route has a config (fastify's 404 handler).
    const config: { operationId?: string } | undefined = request.routeOptions.config;
    return config?.operationId !== undefined && this.quietOperations.has(config.operationId);
  }

  override incomingRequest(request: FastifyRequest, reply: FastifyReply, metadata?: Record<string, unknown>): void {
    if (this.quiet(request)) request.log.debug({ req: request }, 'incoming request');
    else super.incomingRequest(request, reply, metadata);
  }

  override requestCompleted(
    error: Error | null | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
    metadata?: Record<string, unknown>,
  ): void {
    if (!error && this.quiet(request)) reply.log.debug({ res: reply, responseTime: reply.elapsedTime }, 'request completed');
    else super.requestCompleted(error, request, reply, metadata);
  }
}

export interface PlumbingOptions {
  production?: boolean;
  /** Operations whose request lines are logged at debug rather than info (health and readiness probes). */
  quietOperations?: readonly string[];
  /** Browser origins allowed to call the API across origins (CORS_ORIGINS); none by default. */
  corsOrigins?: readonly string[];
}

/**
 * Everything every route relies on, without the routes: logging with request ids, security
 * headers and CORS, contract validation that rejects unknown properties, and the one error shape.
 */
export async function createHttpPlumbing(log?: Logger, options: PlumbingOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    ...(log
      ? // pino's child logger type is narrower than fastify's; fastify takes any pino logger.
        // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion
        { loggerInstance: log.child({ component: 'http' }, { serializers: requestSerializers }) as FastifyBaseLogger }
      : { logger: false }),
    // A caller's x-request-id is kept when it looks like one, so ids follow a request across systems.
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    logController: new RequestLogController(new Set(options.quietOperations)),
    bodyLimit: 1024 * 1024,
    frameworkErrors,
    clientErrorHandler,
    ajv: { customOptions: { removeAdditional: false } },
  });
  app.setValidatorCompiler(createRequestValidatorCompiler());
  // Responses are serialized as they are: a schema-driven serializer silently drops what the
  // schema does not name. Conformance to the contract is checked instead (tests validate every
  // response against it).
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  await app.register(securityHeadersPlugin, { production: options.production ?? false });
  await app.register(corsPlugin, { origins: options.corsOrigins ?? [] });
  await app.register(errorsPlugin);
  await app.register(contractEdgePlugin);
  return app;
}
