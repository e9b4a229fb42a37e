import { randomUUID } from 'node:crypto';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { createTokenService } from '../auth/tokens.js';
import { MEDIA_TYPES as SPREADSHEET_MEDIA_TYPES } from '../catalogue/spreadsheet-files.js';
import { ATTACHMENT_TYPES } from '../requests/filing.js';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { DatabaseHandle } from '../db/client.js';
import { pokeNotificationRelay } from '../notifications/relay.js';
import { requestSerializers } from '../logger.js';
import type { TemporalHandle } from '../temporal/connection.js';
import { declaredMethods, loadSpecification, registerOperations, type OpenApiDocument } from './openapi.js';
import { contractEdgePlugin } from './plugins/contract-edge.js';
import { clientErrorHandler, errorsPlugin, frameworkErrors } from './plugins/errors.js';
import { authenticationPlugin } from './plugins/authentication.js';
import { idempotencyPlugin } from './plugins/idempotency.js';
import { rateLimitPlugin, securityHeadersPlugin } from './plugins/security.js';
import { auditHandlers } from './routes/audit.js';
import { calendarHandlers } from './routes/calendar.js';
import { catalogueHandlers } from './routes/catalogue.js';
import { requestHandlers } from './routes/requests.js';
import { scenarioHandlers } from './routes/scenarios.js';
import { identityHandlers } from './routes/identity.js';
import { notificationHandlers } from './routes/notifications.js';
import { systemHandlers } from './routes/system.js';
import { createRequestValidatorCompiler } from './validation.js';

export interface AppDeps {
  config: Config;
  database: DatabaseHandle;
  temporal: TemporalHandle;
  clock: Clock;
  version: string;
  /** The process's pino logger; omitted, the app logs nothing (most tests). */
  log?: Logger;
}

export interface BuildAppOptions {
  /** Extra plugins registered before the routes, e.g. response validation in tests. */
  beforeRoutes?: (app: FastifyInstance) => Promise<void>;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/;
/** Uploads (spreadsheets, attachments) may be larger than JSON bodies; services enforce their own limits. */
const UPLOAD_BODY_LIMIT = 11 * 1024 * 1024;

/** Builds the HTTP application. It never listens: `src/main.ts` does, tests `inject`. */
export async function buildApp(deps: AppDeps, options: BuildAppOptions = {}): Promise<FastifyInstance> {
  const app = await createHttpPlumbing(deps.log, { production: deps.config.env === 'production' });
  const specification = loadSpecification();
  app.decorate('declaredMethods', declaredMethods(specification));
  await registerDocs(app, specification);
  if (options.beforeRoutes) await options.beforeRoutes(app);
  const tokens = createTokenService(deps.config.tokens);
  const db = deps.database.db;
  await app.register(rateLimitPlugin, { rateLimits: deps.config.rateLimits });
  await app.register(authenticationPlugin, { db, tokens, clock: deps.clock });
  await app.register(idempotencyPlugin, { db, clock: deps.clock });
  // Spreadsheet uploads arrive as raw bytes; the importer reads them.
  // Spreadsheets and attachments arrive as raw bytes; their services check type and size.
  const binaryTypes = [...new Set([...Object.values(SPREADSHEET_MEDIA_TYPES), ...Object.keys(ATTACHMENT_TYPES)])];
  app.addContentTypeParser(binaryTypes, { parseAs: 'buffer', bodyLimit: UPLOAD_BODY_LIMIT }, (_request, body, done) => done(null, body));
  await registerOperations(app, specification, {
    ...systemHandlers(deps),
    ...identityHandlers({ db, clock: deps.clock, tokens, demoMode: deps.config.demoMode, afterNotify: () => pokeNotificationRelay(deps.temporal.client, deps.config.temporal) }),
    ...auditHandlers({ db, clock: deps.clock }),
    ...catalogueHandlers({ db, clock: deps.clock }),
    ...scenarioHandlers({ db, clock: deps.clock }),
    ...requestHandlers({ db, clock: deps.clock, temporal: deps.temporal, settings: deps.config.temporal, policyProfile: deps.config.policyProfile }),
    ...calendarHandlers({ db, clock: deps.clock, temporal: deps.temporal }),
    ...notificationHandlers({ db, clock: deps.clock, temporal: deps.temporal, settings: deps.config.temporal, allowPrivateWebhookTargets: deps.config.allowPrivateWebhookTargets }),
  });
  return app;
}

/**
 * Everything every route relies on, without the routes: logging with request ids, contract
 * validation that rejects unknown properties, and the one error shape.
 */
export async function createHttpPlumbing(log?: Logger, options: { production?: boolean } = {}): Promise<FastifyInstance> {
  const app = Fastify({
    ...(log
      ? { loggerInstance: log.child({ component: 'http' }, { serializers: requestSerializers }) as FastifyBaseLogger }
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

/** Serves the contract itself at /docs/json and interactive docs at /docs. */
async function registerDocs(app: FastifyInstance, specification: OpenApiDocument): Promise<void> {
  await app.register(swagger, { mode: 'static', specification: { document: structuredClone(specification) as never } });
  await app.register(swaggerUi, { routePrefix: '/docs', uiConfig: { docExpansion: 'list', deepLinking: true } });
}
