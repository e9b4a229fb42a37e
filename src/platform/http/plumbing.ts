import { randomUUID } from 'node:crypto';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { requestSerializers } from '../logger.js';
import { contractEdgePlugin } from './plugins/contract-edge.js';
import { clientErrorHandler, errorsPlugin, frameworkErrors } from './plugins/errors.js';
import { securityHeadersPlugin } from './plugins/security.js';
import { createRequestValidatorCompiler } from './validation.js';

const REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/;

/**
 * Everything every route relies on, without the routes: logging with request ids, contract
 * validation that rejects unknown properties, and the one error shape.
 */
export async function createHttpPlumbing(log?: Logger, options: { production?: boolean } = {}): Promise<FastifyInstance> {
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
    logController: new LogController({ requestIdLogLabel: 'requestId' }),
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
  await app.register(errorsPlugin);
  await app.register(contractEdgePlugin);
  return app;
}
