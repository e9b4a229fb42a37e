import { z } from 'zod';

/**
 * Every setting the platform reads from its environment, validated in one place.
 * Secrets have no defaults here: `./scripts/start` generates them into its data folder,
 * production supplies them.
 */

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** `kid:base64secret` pairs, comma separated; the first key signs, all of them verify. */
const tokenSigningKeys = z
  .string({ error: 'is required (comma-separated kid:base64secret pairs; the first one signs)' })
  .transform((raw, ctx) => {
    const keys: { kid: string; secret: Buffer }[] = [];
    const parts = raw
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    for (const part of parts) {
      const separator = part.indexOf(':');
      const kid = separator > 0 ? part.slice(0, separator) : '';
      const secret = Buffer.from(part.slice(separator + 1), 'base64');
      if (!/^[A-Za-z0-9._-]{1,64}$/.test(kid)) {
        ctx.addIssue({ code: 'custom', message: `key id "${kid}" must be 1-64 characters of A-Z a-z 0-9 . _ -` });
      } else if (secret.length < 32) {
        ctx.addIssue({ code: 'custom', message: `key "${kid}" must carry at least 32 bytes of base64 secret` });
      } else if (keys.some((k) => k.kid === kid)) {
        ctx.addIssue({ code: 'custom', message: `key id "${kid}" appears twice` });
      } else {
        keys.push({ kid, secret });
      }
    }
    // Keys given but refused have their own messages; this one is for an empty list.
    if (parts.length === 0) ctx.addIssue({ code: 'custom', message: 'must name at least one key' });
    return keys;
  });

/**
 * Origins whose web pages may call the API from a browser (CORS): comma-separated
 * `scheme://host[:port]`, exactly as a browser sends them in `Origin`. None by default.
 */
const corsOrigins = z.string().transform((raw, ctx) => {
  const origins: string[] = [];
  for (const origin of raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    let url: URL | undefined;
    try {
      url = new URL(origin);
    } catch {
      url = undefined;
    }
    if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:') || url.origin !== origin) {
      ctx.addIssue({
        code: 'custom',
        message: `"${origin}" is not an origin: scheme, host and port only, in lower case, e.g. https://console.example.gov.cn (no path, no trailing slash, no wildcard)`,
      });
    } else if (!origins.includes(origin)) origins.push(origin);
  }
  return origins;
});

const booleanFlag = z.enum(['true', 'false', '1', '0'], { error: 'must be true or false' }).transform((v) => v === 'true' || v === '1');

const postgresUrl = z.string().refine((v) => {
  try {
    const url = new URL(v);
    return (url.protocol === 'postgres:' || url.protocol === 'postgresql:') && url.hostname !== '';
  } catch {
    return false;
  }
}, 'must be a postgres:// or postgresql:// URL with a host');

const temporalAddress = z
  .string({ error: 'is required (host:port of the Temporal frontend, e.g. 127.0.0.1:7233)' })
  .regex(/^[A-Za-z0-9.-]+:\d{1,5}$/, 'must be host:port, e.g. 127.0.0.1:7233');

const databaseFields = {
  DATABASE_URL: postgresUrl.optional(),
  /** The schema owner, for migrations; defaults to DATABASE_URL (fine in development). */
  DATABASE_MIGRATION_URL: postgresUrl.optional(),
  MIGRATE_ON_START: booleanFlag.default(true),
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
  DATA_DIR: z.string().min(1).default('.data'),
};

const envSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
    HOST: z.string().min(1).default('127.0.0.1'),
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
    ...databaseFields,
    TEMPORAL_ADDRESS: temporalAddress,
    TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
    TEMPORAL_TASK_QUEUE: z.string().min(1).default('gongxiang'),
    /** A workflow bundle built at release time (npm run bundle-workflows); unset, a worker bundles at start. */
    TEMPORAL_WORKFLOW_BUNDLE: z.string().min(1).optional(),
    TOKEN_SIGNING_KEYS: tokenSigningKeys,
    TOKEN_TTL_SECONDS: z.coerce.number().int().min(60).max(86_400).default(3600),
    DEMO_MODE: booleanFlag.default(false),
    /** The policy profile new requests are routed and timed under (its newest version at filing). */
    POLICY_PROFILE: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{1,39}$/)
      .default('shanghai-1515'),
    /** Webhooks to loopback or private addresses; default: allowed except in production. */
    WEBHOOK_PRIVATE_TARGETS: booleanFlag.optional(),
    /** Seed the demo data on a never-seeded database at start (set by ./scripts/start). */
    SEED_DEMO_DATA: booleanFlag.default(false),
    /** Writes (POST, PUT, PATCH, DELETE) one user may send per minute, per API process. */
    RATE_LIMIT_WRITES_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(300),
    /** Sign-ins (and other unauthenticated writes) one address may send per minute, per API process. */
    RATE_LIMIT_SIGN_INS_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(30),
    /** Browser origins allowed to call the API across origins (CORS); unset: none, the console is same-origin. */
    CORS_ORIGINS: corsOrigins.optional(),
    /** Where the Noto Sans CJK collections of PDF documents lie (Debian's fonts-noto-cjk puts them here). */
    DOCUMENT_FONT_DIR: z.string().min(1).default('/usr/share/fonts/opentype/noto'),
    /** Test-only fault injection: comma-separated failpoint names (see src/platform/failpoints.ts). */
    GX_FAILPOINTS: z.string().optional(),
  })
  .superRefine((env, ctx) => {
    if (env.NODE_ENV === 'production' && env.GX_FAILPOINTS) {
      ctx.addIssue({ code: 'custom', path: ['GX_FAILPOINTS'], message: 'failpoints are for tests and cannot be set in production' });
    }
    if (env.NODE_ENV === 'production' && env.DEMO_MODE) {
      ctx.addIssue({ code: 'custom', path: ['DEMO_MODE'], message: 'demo sign-in cannot be enabled in production' });
    }
    if (env.NODE_ENV === 'production' && !env.DATABASE_URL) {
      ctx.addIssue({
        code: 'custom',
        path: ['DATABASE_URL'],
        message: 'production runs on PostgreSQL (the embedded PGlite is for ./scripts/start)',
      });
    }
  });

export type Config = ReturnType<typeof toConfig>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

function toConfig(env: z.output<typeof envSchema>) {
  return {
    env: env.NODE_ENV,
    http: { host: env.HOST, port: env.PORT },
    logLevel: env.LOG_LEVEL,
    database: toDatabaseSettings(env),
    dataDir: env.DATA_DIR,
    temporal: {
      address: env.TEMPORAL_ADDRESS,
      namespace: env.TEMPORAL_NAMESPACE,
      taskQueue: env.TEMPORAL_TASK_QUEUE,
      workflowBundle: env.TEMPORAL_WORKFLOW_BUNDLE,
    },
    tokens: { signingKeys: env.TOKEN_SIGNING_KEYS, ttlSeconds: env.TOKEN_TTL_SECONDS },
    demoMode: env.DEMO_MODE,
    policyProfile: env.POLICY_PROFILE,
    seedDemoData: env.SEED_DEMO_DATA,
    allowPrivateWebhookTargets: env.WEBHOOK_PRIVATE_TARGETS ?? env.NODE_ENV !== 'production',
    documents: { fontDir: env.DOCUMENT_FONT_DIR },
    cors: { origins: env.CORS_ORIGINS ?? [] },
    rateLimits: { writesPerMinute: env.RATE_LIMIT_WRITES_PER_MINUTE, signInsPerMinute: env.RATE_LIMIT_SIGN_INS_PER_MINUTE },
    failpoints: new Set(
      (env.GX_FAILPOINTS ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    ),
  };
}

function toDatabaseSettings(env: z.output<z.ZodObject<typeof databaseFields>>) {
  return env.DATABASE_URL
    ? ({
        kind: 'postgres',
        url: env.DATABASE_URL,
        migrationUrl: env.DATABASE_MIGRATION_URL ?? env.DATABASE_URL,
        migrateOnStart: env.MIGRATE_ON_START,
        poolMax: env.DATABASE_POOL_MAX,
      } as const)
    : { kind: 'pglite' as const, dataDir: `${env.DATA_DIR}/pglite`, migrateOnStart: true };
}

function parse<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv): z.output<S> {
  // An empty variable means "unset", as in most deployment tools.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = schema.safeParse(present);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.') || 'environment'}: ${issue.message}`));
  }
  return parsed.data;
}

/** Reads and validates the environment; throws a ConfigError listing every problem at once. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return toConfig(parse(envSchema, env));
}

/** Only the database settings, for tools such as the migrator that need nothing else. */
export function loadDatabaseConfig(env: NodeJS.ProcessEnv = process.env): Config['database'] {
  return toDatabaseSettings(parse(z.object(databaseFields), env));
}
