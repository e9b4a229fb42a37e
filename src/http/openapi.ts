import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, RouteHandlerMethod } from 'fastify';
import openapiGlue from 'fastify-openapi-glue';
import { parse } from 'yaml';

export const specificationPath = fileURLToPath(new URL('../../openapi/openapi.yaml', import.meta.url));

export type OpenApiDocument = Record<string, unknown> & { paths: Record<string, Record<string, { operationId?: string }>> };

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
  const operationIds = Object.values(specification.paths).flatMap((item) =>
    Object.values(item).flatMap((op) => (op && typeof op === 'object' && op.operationId ? [op.operationId] : [])),
  );
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
    operationResolver: (operationId: string) => handlers[operationId] as RouteHandlerMethod,
  });
}
