import type { FastifyReply, FastifyRequest, RouteHandlerMethod } from 'fastify';
import type { operations } from '../../generated/openapi.js';

/** The JSON body of an operation's response with the given status, as the contract defines it. */
export type JsonBody<
  Op extends keyof operations,
  Status extends keyof operations[Op]['responses'],
> = operations[Op]['responses'][Status] extends { content: { 'application/json': infer Body } } ? Body : never;

/** The JSON request body of an operation. */
export type JsonRequest<Op extends keyof operations> = operations[Op] extends {
  requestBody: { content: { 'application/json': infer Body } };
}
  ? Body
  : operations[Op] extends { requestBody?: { content: { 'application/json': infer Body } } }
    ? Body
    : never;

type Parameters<Op extends keyof operations> = operations[Op] extends { parameters: infer P } ? P : never;
/** The path parameters of an operation. */
export type PathParams<Op extends keyof operations> = Parameters<Op> extends { path: infer P } ? P : Record<string, never>;
/** The query parameters of an operation (with the contract's defaults applied by validation). */
export type QueryParams<Op extends keyof operations> = Parameters<Op> extends { query?: infer Q } ? NonNullable<Q> : Record<string, never>;

/** A request to an operation, typed from the contract: validation has checked it before any handler runs. */
export type OperationRequest<Op extends keyof operations> = FastifyRequest<{
  Body: JsonRequest<Op>;
  Params: PathParams<Op>;
  Querystring: QueryParams<Op>;
}>;

/**
 * A handler of one operation, seeing its request with the contract's types. The one cast lives
 * here: the contract's validation (registered for every operation) is what makes it true.
 */
export function operation<Op extends keyof operations>(
  handler: (request: OperationRequest<Op>, reply: FastifyReply) => Promise<unknown>,
): RouteHandlerMethod {
  return handler as unknown as RouteHandlerMethod;
}
