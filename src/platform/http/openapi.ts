import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, RouteHandlerMethod } from 'fastify';
import openapiGlue from 'fastify-openapi-glue';
import { parse } from 'yaml';
import { isCheckedUploadType } from '../uploads.js';

export const specificationPath = fileURLToPath(new URL('../../../openapi/openapi.yaml', import.meta.url));

type Operation = {
  operationId?: string;
  security?: unknown[];
  requestBody?: { required?: boolean; content?: Record<string, unknown> };
  'x-body-limit'?: number;
};
export type OpenApiDocument = Record<string, unknown> & { paths: Record<string, Record<string, Operation>>; 'x-body-limit'?: number };

const JSON_MEDIA_TYPE = 'application/json';

/** What every contract route carries in `request.routeOptions.config`. */
export interface OperationConfig {
  operationId: string;
  /** `security: []` in the contract, or an empty requirement `{}` among its alternatives: no bearer token needed. */
  isPublic: boolean;
  /**
   * Public, but `bearerAuth` is among the alternatives (`security: [{}, { bearerAuth: [] }]`):
   * a valid token identifies the caller, who may be answered more than an anonymous one.
   */
  readsBearer: boolean;
  /** `security: [serviceKey]`: a service client's key, never a person's token. */
  isService: boolean;
  /**
   * The request body the contract declares: its media types (lower case), whether it is
   * required, and its size limit in bytes (`x-body-limit` of the operation, else of the document).
   */
  body: { mediaTypes: string[]; required: boolean; limit: number } | null;
  /** More specific paths this operation's template also matches, with their own methods. */
  shadowedBy: Array<{ regex: RegExp; methods: string[] }>;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    operationId?: string;
    isPublic?: boolean;
    readsBearer?: boolean;
    isService?: boolean;
    body?: OperationConfig['body'];
    shadowedBy?: OperationConfig['shadowedBy'];
  }
}

export function loadSpecification(path = specificationPath): OpenApiDocument {
  return parse(readFileSync(path, 'utf8')) as OpenApiDocument;
}

/** Handlers keyed by the spec's operationIds. */
export type OperationHandlers = Record<string, RouteHandlerMethod>;

/**
 * Registers one route per operation of the OpenAPI document, with the document's request and
 * response schemas. The document and the handlers must match exactly: an operation without a
 * handler, or a handler without an operation, stops the process at start-up, not at first call.
 */
export async function registerOperations(app: FastifyInstance, specification: OpenApiDocument, handlers: OperationHandlers): Promise<void> {
  const operations = new Map<string, OperationConfig>();
  const shadows = shadowingTemplates(pathTemplates(specification));
  for (const [template, item] of Object.entries(specification.paths)) {
    for (const op of Object.values(item)) {
      if (op && typeof op === 'object' && op.operationId) {
        const body = op.requestBody?.content
          ? {
              mediaTypes: Object.keys(op.requestBody.content).map((t) => t.toLowerCase()),
              required: op.requestBody.required === true,
              limit: bodyLimit(specification, op),
            }
          : null;
        operations.set(op.operationId, {
          operationId: op.operationId,
          ...securityOf(op),
          body,
          shadowedBy: shadows.get(template) ?? [],
        });
      }
    }
  }
  const operationIds = [...operations.keys()];
  const missing = operationIds.filter((id) => !(id in handlers));
  const unknown = Object.keys(handlers).filter((id) => !operationIds.includes(id));
  if (missing.length || unknown.length) {
    throw new Error(
      `OpenAPI document and handlers disagree: missing handlers [${missing.join(', ')}], handlers without an operation [${unknown.join(', ')}]`,
    );
  }
  registerFileParsers(app, [...operations.values()]);
  await app.register(openapiGlue, {
    // The glue mutates what it is given; hand it a copy so callers keep the document intact.
    specification: structuredClone(specification),
    // The glue merges these route options over its own (method, url and schema come from the spec).
    // The body limit is the contract's: a body over it is 413 `payload_too_large`, unread.
    operationResolver: ((operationId: string) => {
      const config = operations.get(operationId)!;
      return { handler: handlers[operationId], config, ...(config.body ? { bodyLimit: config.body.limit } : {}) };
    }) as never,
  });
}

/** Who may call the operation, from its `security` (absent: the document's, a bearer token). */
function securityOf(op: Operation): Pick<OperationConfig, 'isPublic' | 'readsBearer' | 'isService'> {
  const requirements = Array.isArray(op.security) ? op.security.filter((s): s is object => typeof s === 'object' && s !== null) : null;
  const isPublic = requirements !== null && (requirements.length === 0 || requirements.some((s) => Object.keys(s).length === 0));
  return {
    isPublic,
    readsBearer: isPublic && requirements.some((s) => 'bearerAuth' in s),
    isService: requirements?.some((s) => 'serviceKey' in s) === true,
  };
}

/** The operation's `x-body-limit`, else the document's: every body the contract takes has a declared limit. */
function bodyLimit(specification: OpenApiDocument, op: Operation): number {
  const limit = op['x-body-limit'] ?? specification['x-body-limit'];
  if (!Number.isInteger(limit) || limit! <= 0)
    throw new Error(`OpenAPI operation ${op.operationId} takes a body but neither it nor the document declares an x-body-limit`);
  return limit!;
}

/**
 * Every body the contract takes in a media type other than JSON is a file: it arrives as bytes,
 * and the edge checks them against the declared type (../uploads.ts). A type the checks do not
 * know stops the process at start-up, so no file is ever taken unchecked.
 */
function registerFileParsers(app: FastifyInstance, operations: OperationConfig[]): void {
  const fileTypes = [...new Set(operations.flatMap((op) => op.body?.mediaTypes ?? []))].filter((t) => t !== JSON_MEDIA_TYPE);
  const unchecked = fileTypes.filter((t) => !isCheckedUploadType(t));
  if (unchecked.length) throw new Error(`OpenAPI document takes files no content check knows: ${unchecked.join(', ')}`);
  if (fileTypes.length) app.addContentTypeParser(fileTypes, { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
}

interface PathTemplate {
  template: string;
  regex: RegExp;
  /** Declared methods, with HEAD beside GET as Fastify serves it. */
  methods: string[];
  parameters: number;
}

function pathTemplates(specification: OpenApiDocument): PathTemplate[] {
  return Object.entries(specification.paths).map(([template, item]) => {
    const pattern = template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+');
    const methods = Object.keys(item)
      .filter((m) => ['get', 'put', 'post', 'delete', 'patch'].includes(m))
      .map((m) => m.toUpperCase());
    if (methods.includes('GET')) methods.push('HEAD');
    return { template, regex: new RegExp(`^${pattern}$`), methods, parameters: (template.match(/\{/g) ?? []).length };
  });
}

/**
 * The methods the contract declares for a concrete path, so that a request with another method
 * on a known path is a 405 with `Allow`, not a 404. A path is the most specific template it
 * matches: `/datasets/export` is that path, not a `/datasets/{datasetId}`.
 */
export function declaredMethods(specification: OpenApiDocument): (path: string) => string[] {
  const templates = pathTemplates(specification);
  return (path) => {
    const matching = templates.filter((t) => t.regex.test(path));
    const fewest = Math.min(...matching.map((t) => t.parameters));
    return [...new Set(matching.filter((t) => t.parameters === fewest).flatMap((t) => t.methods))];
  };
}

/**
 * For each template, the more specific templates whose paths it also matches (`/datasets/export`
 * for `/datasets/{datasetId}`): the router hands such a path to the parameter route when the
 * static one lacks the method. Computed once, so a request checks only these few (usually none).
 */
function shadowingTemplates(templates: PathTemplate[]): Map<string, Array<{ regex: RegExp; methods: string[] }>> {
  const segments = (t: string) => t.split('/');
  const isParameter = (segment: string) => segment.startsWith('{');
  const shadows = (specific: string, general: string) => {
    const [a, b] = [segments(specific), segments(general)];
    return (
      a.length === b.length &&
      a.some((s, i) => !isParameter(s) && isParameter(b[i]!)) &&
      a.every((s, i) => s === b[i] || isParameter(b[i]!))
    );
  };
  return new Map(
    templates.map((t) => [
      t.template,
      templates.filter((o) => o !== t && shadows(o.template, t.template)).map(({ regex, methods }) => ({ regex, methods })),
    ]),
  );
}
