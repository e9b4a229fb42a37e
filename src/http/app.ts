import { randomUUID } from 'node:crypto';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { DatabaseHandle } from '../db/client.js';
import { loggerOptions, requestSerializers } from '../logger.js';
import type { TemporalHandle } from '../temporal/connection.js';
import { loadSpecification, registerOperations, type OpenApiDocument } from './openapi.js';
import { errorsPlugin } from './plugins/errors.js';
import { systemHandlers } from './routes/system.js';
import { createRequestValidatorCompiler } from './validation.js';

export interface AppDeps {
  config: Config;
  database: DatabaseHandle;
  temporal: TemporalHandle;
  clock: Clock;
  version: string;
}

export interface BuildAppOptions {
  /** false silences request logs (tests); otherwise pino at the configured level. */
  logger?: boolean;
  /** Extra plugins registered before the routes, e.g. response validation in tests. */
  beforeRoutes?: (app: FastifyInstance) => Promise<void>;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/;

/** Builds the HTTP application. It never listens: `src/main.ts` does, tests `inject`. */
export async function buildApp(deps: AppDeps, options: BuildAppOptions = {}): Promise<FastifyInstance> {
  const app = await createHttpPlumbing(deps.config, options);
  const specification = loadSpecification();
  await registerDocs(app, specification);
  if (options.beforeRoutes) await options.beforeRoutes(app);
  await registerOperations(app, specification, { ...systemHandlers(deps) });
  return app;
}

/**
 * Everything every route relies on, without the routes: logging with request ids, contract
 * validation that rejects unknown properties, and the one error shape.
 */
export async function createHttpPlumbing(config: Pick<Config, 'logLevel'>, options: Pick<BuildAppOptions, 'logger'> = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger === false ? false : { ...loggerOptions(config), serializers: requestSerializers },
    // A caller's x-request-id is kept when it looks like one, so ids follow a request across systems.
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    requestIdLogLabel: 'requestId',
    bodyLimit: 1024 * 1024,
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
  await app.register(errorsPlugin);
  return app;
}

/** Serves the contract itself at /docs/json and interactive docs at /docs. */
async function registerDocs(app: FastifyInstance, specification: OpenApiDocument): Promise<void> {
  await app.register(swagger, { mode: 'static', specification: { document: structuredClone(specification) as never } });
  await app.register(swaggerUi, { routePrefix: '/docs', uiConfig: { docExpansion: 'list', deepLinking: true } });
}
