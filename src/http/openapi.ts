import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, RouteHandlerMethod } from 'fastify';
import openapiGlue from 'fastify-openapi-glue';
import { parse } from 'yaml';

export const specificationPath = fileURLToPath(new URL('../../openapi/openapi.yaml', import.meta.url));

type Operation = { operationId?: string; security?: unknown[] };
export type OpenApiDocument = Record<string, unknown> & { paths: Record<string, Record<string, Operation>> };

/** What every contract route carries in `request.routeOptions.config`. */
export interface OperationConfig {
  operationId: string;
  /** `security: []` in the contract: no bearer token needed. */
  isPublic: boolean;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    operationId?: string;
    isPublic?: boolean;
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
export async function registerOperations(
  app: FastifyInstance,
  specification: OpenApiDocument,
  handlers: OperationHandlers,
): Promise<void> {
  const operations = new Map<string, OperationConfig>();
  for (const item of Object.values(specification.paths)) {
    for (const op of Object.values(item)) {
      if (op && typeof op === 'object' && op.operationId) {
        operations.set(op.operationId, { operationId: op.operationId, isPublic: Array.isArray(op.security) && op.security.length === 0 });
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
  await app.register(openapiGlue, {
    // The glue mutates what it is given; hand it a copy so callers keep the document intact.
    specification: structuredClone(specification),
    // The glue merges these route options over its own (method, url and schema come from the spec).
    operationResolver: ((operationId: string) => ({ handler: handlers[operationId], config: operations.get(operationId) })) as never,
  });
}
