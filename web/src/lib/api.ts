/**
 * The console's one API client: openapi-fetch typed by the contract's generated types, the
 * session's bearer token on every call, and every failure turned into an ApiError carrying the
 * platform's machine-readable code (shown in Chinese by `errorMessage`).
 */
import createClient, { type Middleware } from 'openapi-fetch';
import type { components, paths } from '../../../src/generated/openapi';

export type Schemas = components['schemas'];
export type { paths };

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    readonly requestId?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

let token: string | null = sessionStorage.getItem('gongxiang.token');
let onUnauthorized: () => void = () => undefined;

export function setToken(next: string | null): void {
  token = next;
  if (next) sessionStorage.setItem('gongxiang.token', next);
  else sessionStorage.removeItem('gongxiang.token');
}
export const currentToken = () => token;
export function whenUnauthorized(handler: () => void): void {
  onUnauthorized = handler;
}

const auth: Middleware = {
  onRequest({ request }) {
    if (token) request.headers.set('Authorization', `Bearer ${token}`);
    return request;
  },
  async onResponse({ response }) {
    if (response.status === 401 && token) onUnauthorized();
    return response;
  },
};

export const api = createClient<paths>({ baseUrl: window.location.origin });
api.use(auth);

interface ErrorBody {
  code?: string;
  message?: string;
  details?: unknown;
  requestId?: string;
}

/** The data of a successful answer and the answer itself (its headers), or an ApiError with the platform's code. */
export async function unwrapResponse<T>(
  call: Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<{ data: T; response: Response }> {
  let result: { data?: T; error?: unknown; response: Response };
  try {
    result = await call;
  } catch (cause) {
    throw new ApiError(0, 'network_error', cause instanceof Error ? cause.message : String(cause));
  }
  if (result.error !== undefined || !result.response.ok) {
    const body = (result.error ?? {}) as ErrorBody;
    throw new ApiError(
      result.response.status,
      body.code ?? 'http_error',
      body.message ?? result.response.statusText,
      body.details,
      body.requestId,
    );
  }
  return { data: result.data as T, response: result.response };
}

/** The data of a successful answer, or an ApiError with the platform's code. */
export async function unwrap<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  return (await unwrapResponse(call)).data;
}

/** Sends a file as a request body as it is (its media type given), not as JSON. */
export const rawBody = { bodySerializer: (body: unknown) => body as BodyInit };

/** Saves a downloaded file under its name (the browser's download). */
export function saveFile(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  // The download has begun reading it by then.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
