/**
 * The driver's HTTP client: plain fetch against the two API processes in turn (as a load
 * balancer would spread them), every answer recorded with its operation, status, code and latency.
 */
import type { Recorder } from './stats.js';

export interface Answer<T> {
  status: number;
  /** The parsed JSON body (undefined without one, or when no answer came). */
  body: T | undefined;
  code: string | undefined;
  headers: Headers | undefined;
  api: number;
}

export interface CallOptions {
  token?: string;
  serviceKey?: string;
  body?: unknown;
  idempotencyKey?: string;
  /** 1 or 2; by default the processes take turns. */
  api?: number;
  /** Recorded under this operation (default: not recorded, e.g. set-up calls). */
  op?: string;
}

const TIMEOUT_MS = 30_000;

export class Api {
  private turn = 0;

  constructor(
    private readonly bases: readonly string[],
    private readonly recorder: Recorder,
  ) {}

  async call<T>(method: 'GET' | 'POST', path: string, options: CallOptions = {}): Promise<Answer<T>> {
    const api = options.api ?? (this.turn++ % this.bases.length) + 1;
    const headers: Record<string, string> = {};
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (options.serviceKey) headers['x-service-key'] = options.serviceKey;
    if (options.idempotencyKey) headers['idempotency-key'] = options.idempotencyKey;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const startedAt = this.recorder.now();
    const t0 = performance.now();
    let answer: Answer<T>;
    try {
      const res = await fetch(`${this.bases[api - 1]}/api/v1${path}`, {
        method,
        headers,
        ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      const text = await res.text();
      const body = text && res.headers.get('content-type')?.includes('json') ? (JSON.parse(text) as T) : undefined;
      const code = res.ok ? undefined : (body as { code?: string } | undefined)?.code;
      answer = { status: res.status, body, code, headers: res.headers, api };
    } catch (error) {
      const name = error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.name) : String(error);
      answer = { status: 0, body: undefined, code: name, headers: undefined, api };
    }
    if (options.op) {
      this.recorder.record({
        op: options.op,
        api,
        status: answer.status,
        code: answer.code,
        retryAfter: answer.headers?.get('retry-after') ?? undefined,
        ms: performance.now() - t0,
        startedAt,
      });
    }
    return answer;
  }

  /** A set-up call that must succeed. */
  async must<T>(method: 'GET' | 'POST', path: string, expected: number, options: CallOptions = {}): Promise<T> {
    const answer = await this.call<T>(method, path, options);
    if (answer.status !== expected)
      throw new Error(
        `${method} ${path} answered ${answer.status} ${answer.code ?? ''} (expected ${expected}): ${JSON.stringify(answer.body)}`,
      );
    return answer.body!;
  }
}
