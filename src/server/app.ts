import { dashboardHandlers } from '../dashboard/index.js';
import { closeRenderPool } from '../platform/documents/render-pool.js';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { createTokenService } from '../identity/index.js';
import type { Clock } from '../platform/clock.js';
import type { Config } from '../platform/config.js';
import type { DatabaseHandle } from '../platform/db/client.js';
import { pokeNotificationRelay } from '../notifications/index.js';
import type { TemporalHandle } from '../platform/temporal/connection.js';
import { declaredMethods, loadSpecification, registerOperations, type OpenApiDocument } from '../platform/http/openapi.js';
import { authenticationPlugin } from '../identity/index.js';
import { idempotencyPlugin } from '../platform/http/plugins/idempotency.js';
import { rateLimitPlugin } from '../platform/http/plugins/security.js';
import { createHttpPlumbing } from '../platform/http/plumbing.js';
import { auditHandlers } from '../audit/index.js';
import { calendarHandlers } from '../calendar/index.js';
import { Subject } from '../identity/rules/abilities.js';
import { supervisedRequests } from '../requests/index.js';
import { slaHandlers } from '../sla/index.js';
import { calendarFollower } from '../sla/index.js';
import { catalogueHandlers } from '../catalogue/index.js';
import { grantHandlers, UsageRecorder } from '../grants/index.js';
import { objectionHandlers, supervisedObjections } from '../objections/index.js';
import { requestHandlers } from '../requests/index.js';
import { scenarioHandlers } from '../catalogue/index.js';
import { identityHandlers } from '../identity/index.js';
import { legalBasisHandlers } from '../legal-basis/index.js';
import { notificationHandlers } from '../notifications/index.js';
import { reconciliationHandlers } from '../reconciliation/index.js';
import { PROBE_OPERATIONS, systemHandlers } from './system-routes.js';
import { registerConsole } from './console.js';

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

/** Builds the HTTP application. It never listens: `src/server/main.ts` does, tests `inject`. */
export async function buildApp(deps: AppDeps, options: BuildAppOptions = {}): Promise<FastifyInstance> {
  const app = await createHttpPlumbing(deps.log, {
    production: deps.config.env === 'production',
    quietOperations: PROBE_OPERATIONS,
    corsOrigins: deps.config.cors.origins,
  });
  const specification = loadSpecification();
  app.decorate('declaredMethods', declaredMethods(specification));
  await registerDocs(app, specification);
  if (options.beforeRoutes) await options.beforeRoutes(app);
  const tokens = createTokenService(deps.config.tokens);
  const db = deps.database.db;
  // The printable records render on worker threads; they end with the app.
  app.addHook('onClose', closeRenderPool);
  await app.register(rateLimitPlugin, { rateLimits: deps.config.rateLimits });
  await app.register(authenticationPlugin, { db, tokens, clock: deps.clock });
  await app.register(idempotencyPlugin, { db, clock: deps.clock });
  // The exchange's usage records, group-committed; what is pending is written before the app closes.
  const usage = new UsageRecorder(db);
  app.addHook('onClose', () => usage.close());
  await registerOperations(app, specification, {
    ...systemHandlers(deps),
    ...identityHandlers({
      db,
      clock: deps.clock,
      tokens,
      demoMode: deps.config.demoMode,
      afterNotify: () => pokeNotificationRelay(deps.temporal.client, deps.config.temporal),
    }),
    ...auditHandlers({ db, clock: deps.clock }),
    ...catalogueHandlers({ db, clock: deps.clock }),
    ...scenarioHandlers({ db, clock: deps.clock }),
    ...legalBasisHandlers({ db, clock: deps.clock }),
    ...requestHandlers({
      db,
      clock: deps.clock,
      temporal: deps.temporal,
      settings: deps.config.temporal,
      policyProfile: deps.config.policyProfile,
      documents: deps.config.documents,
    }),
    ...grantHandlers({ db, clock: deps.clock, temporal: deps.temporal, settings: deps.config.temporal, usage }),
    ...objectionHandlers({
      db,
      clock: deps.clock,
      temporal: deps.temporal,
      settings: deps.config.temporal,
      policyProfile: deps.config.policyProfile,
      documents: deps.config.documents,
    }),
    ...calendarHandlers({ db, clock: deps.clock, followCalendar: calendarFollower(db, deps.temporal.client) }),
    ...dashboardHandlers({ db, clock: deps.clock, documents: deps.config.documents }),
    ...reconciliationHandlers({ db, clock: deps.clock, temporal: { client: deps.temporal.client, settings: deps.config.temporal } }),
    ...slaHandlers({
      db,
      clock: deps.clock,
      cases: { [Subject.Request]: supervisedRequests(db), [Subject.Objection]: supervisedObjections(db) },
      afterNotify: () => pokeNotificationRelay(deps.temporal.client, deps.config.temporal),
    }),
    ...notificationHandlers({
      db,
      clock: deps.clock,
      temporal: deps.temporal,
      settings: deps.config.temporal,
      allowPrivateWebhookTargets: deps.config.allowPrivateWebhookTargets,
    }),
  });
  await registerConsole(app);
  return app;
}

/** Serves the contract itself at /docs/json and interactive docs at /docs. */
async function registerDocs(app: FastifyInstance, specification: OpenApiDocument): Promise<void> {
  await app.register(swagger, { mode: 'static', specification: { document: structuredClone(specification) as never } });
  await app.register(swaggerUi, { routePrefix: '/docs', uiConfig: { docExpansion: 'list', deepLinking: true } });
}
