/**
 * The edge every contract route shares: a body reaches validation (and so a handler) only in a
 * media type its operation declares, in UTF-8, present when the contract requires it, nested no
 * deeper than any schema goes and free of NUL characters; an uploaded file only when its bytes
 * are what its media type declares (../../uploads.ts). Each refusal is a typed 4xx, so a handler
 * never runs on a string, `undefined`, a shape the contract did not check or a disguised file.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { AppError, UnsupportedMediaTypeError } from '../../errors.js';
import { checkUploadContent } from '../../uploads.js';

/** Deeper than any schema of the contract goes; a body nested further is refused before it is walked. */
export const MAX_BODY_DEPTH = 32;

function hasBody(request: FastifyRequest): boolean {
  const length = request.headers['content-length'];
  if (length !== undefined) return Number(length) > 0;
  return request.headers['transfer-encoding'] !== undefined;
}

/** `type/subtype` in lower case, and the charset parameter if any. */
export function parseMediaType(header: string): { essence: string; charset: string | null } {
  const [essence = '', ...parameters] = header.split(';');
  let charset: string | null = null;
  for (const parameter of parameters) {
    const [name, value] = parameter.split('=');
    if (name?.trim().toLowerCase() === 'charset' && value !== undefined) charset = value.trim().replace(/^"|"$/g, '').toLowerCase();
  }
  return { essence: essence.trim().toLowerCase(), charset };
}

/**
 * Walks a parsed body without recursion (a deeply nested one would overflow the stack): refuses
 * nesting beyond MAX_BODY_DEPTH and NUL characters, which PostgreSQL text cannot hold.
 */
export function checkParsedInput(value: unknown): void {
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length) {
    const [item, depth] = stack.pop()!;
    if (typeof item === 'string') {
      if (item.includes('\u0000')) throw new AppError(400, 'invalid_characters', 'Text may not contain the NUL character (\\u0000)');
    } else if (item && typeof item === 'object' && !Buffer.isBuffer(item)) {
      if (depth >= MAX_BODY_DEPTH) throw new AppError(400, 'too_deeply_nested', `The body is nested deeper than ${MAX_BODY_DEPTH} levels`);
      if (Array.isArray(item)) for (const element of item) stack.push([element, depth + 1]);
      else
        for (const [key, element] of Object.entries(item)) {
          stack.push([key, depth + 1]);
          stack.push([element, depth + 1]);
        }
    }
  }
}

export const contractEdgePlugin = fp(
  async (app: FastifyInstance) => {
    // The router falls back from a static path to a parameter route (PUT /datasets/export to
    // PUT /datasets/{datasetId}): a method the matched path itself does not declare is 405.
    app.addHook('onRequest', async (request, reply) => {
      const shadowedBy = request.routeOptions.config.shadowedBy;
      if (!shadowedBy?.length) return;
      const path = request.url.split('?')[0]!;
      const own = shadowedBy.find((s) => s.regex.test(path));
      if (own && !own.methods.includes(request.method)) {
        reply.header('allow', own.methods.join(', '));
        throw new AppError(
          405,
          'method_not_allowed',
          `${request.method} is not an operation of this path; allowed: ${own.methods.join(', ')}`,
        );
      }
    });
    // After authentication (onRequest), before the body is parsed.
    app.addHook('preParsing', async (request) => {
      const config = request.routeOptions.config;
      if (!config.operationId || !hasBody(request)) return;
      const header = request.headers['content-type'];
      if (!config.body) throw new UnsupportedMediaTypeError('This operation takes no request body');
      if (typeof header !== 'string' || header.trim() === '') {
        throw new UnsupportedMediaTypeError(`A body needs a Content-Type: ${config.body.mediaTypes.join(' or ')}`);
      }
      const { essence, charset } = parseMediaType(header);
      if (!config.body.mediaTypes.includes(essence)) {
        throw new UnsupportedMediaTypeError(
          `This operation takes ${config.body.mediaTypes.join(' or ')}, not ${essence || 'an unnamed type'}`,
        );
      }
      if (charset !== null && charset !== 'utf-8' && charset !== 'utf8')
        throw new UnsupportedMediaTypeError(`Text bodies are UTF-8 only, not ${charset}`);
    });
    app.addHook('preValidation', async (request) => {
      const config = request.routeOptions.config;
      if (config.body?.required && (request.body === undefined || request.body === null)) {
        throw new AppError(400, 'body_required', `This operation needs a request body (${config.body.mediaTypes.join(' or ')})`);
      }
      for (const part of [request.params, request.query, request.body]) checkParsedInput(part);
      // Files arrive as bytes (the contract's binary media types); checked before any handler stores them.
      if (Buffer.isBuffer(request.body))
        await checkUploadContent(parseMediaType(request.headers['content-type'] ?? '').essence, request.body);
    });
  },
  { name: 'contract-edge' },
);
