import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';

// ajv-formats ships CommonJS; under NodeNext its default export is the module object.
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

/**
 * Request validation for OpenAPI 3.1 (JSON Schema 2020-12). Unknown properties are rejected,
 * never silently stripped, and query strings are coerced from text the way HTTP sends them.
 */
export function createRequestValidatorCompiler(): FastifySchemaCompiler<unknown> {
  const bodyAjv = newAjv(false);
  const paramAjv = newAjv('array');
  return ({ schema, httpPart }) => {
    const ajv = httpPart === 'body' ? bodyAjv : paramAjv;
    return ajv.compile(schema as object);
  };
}

/** The Ajv used to check responses against the contract in tests. */
export function createResponseAjv(): Ajv2020 {
  return newAjv(false);
}

function newAjv(coerceTypes: false | 'array'): Ajv2020 {
  const ajv = new Ajv2020({
    removeAdditional: false,
    useDefaults: true,
    coerceTypes,
    allErrors: true,
    // OpenAPI adds keywords (example, discriminator …) that plain JSON Schema does not know.
    strict: false,
  });
  addFormats(ajv);
  return ajv;
}
