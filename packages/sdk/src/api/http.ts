import type { ErrorBody } from '@quickchat/protocol';
import type { Environment } from '../connection/environment.js';
import { ApiError, ClientErrorCode, type QuickchatErrorCode } from '../errors.js';

/**
 * A `fetch`-compatible function (injectable for tests and older runtimes). `signal` aborts a
 * request that timed out; an implementation may ignore it.
 */
export type FetchLike = (input: string, init?: { method?: string; headers?: Record<string, string>; body?: string; signal?: AbortSignal }) => Promise<{
  status: number;
  ok: boolean;
  text(): Promise<string>;
}>;

/** One HTTP request description. */
export interface HttpRequest {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  path: string;
  body?: unknown;
  /** Bearer token, if the route needs one. */
  token?: string;
}

/** How long a request may take, and the timers that measure it. */
export interface RequestTiming {
  timeoutMs: number;
  env: Pick<Environment, 'setTimeout' | 'clearTimeout'>;
}

/**
 * Sends a JSON request and returns the parsed body (undefined for 204). Every failure becomes
 * an {@link ApiError}: the server's `{ error: { code, message } }`, `network` when no response
 * arrived, or `timeout` (retryable; the request is aborted) when the answer took longer than
 * `timing.timeoutMs`.
 */
export function requestJson<T>(fetchFn: FetchLike, baseUrl: string, req: HttpRequest, timing: RequestTiming): Promise<T> {
  const controller = typeof AbortController === 'function' ? new AbortController() : undefined;
  return new Promise<T>((resolve, reject) => {
    const timer = timing.env.setTimeout(() => {
      controller?.abort();
      reject(new ApiError(ClientErrorCode.Timeout, `no answer within ${timing.timeoutMs} ms (${req.method} ${req.path})`, 0));
    }, timing.timeoutMs);
    exchange<T>(fetchFn, baseUrl, req, controller?.signal)
      .then(resolve, reject)
      .finally(() => timing.env.clearTimeout(timer));
  });
}

async function exchange<T>(fetchFn: FetchLike, baseUrl: string, req: HttpRequest, signal: AbortSignal | undefined): Promise<T> {
  const headers: Record<string, string> = {};
  if (req.token) headers['authorization'] = `Bearer ${req.token}`;
  if (req.body !== undefined) headers['content-type'] = 'application/json';
  let res: Awaited<ReturnType<FetchLike>>;
  try {
    res = await fetchFn(baseUrl + req.path, { method: req.method, headers, ...(req.body !== undefined ? { body: JSON.stringify(req.body) } : {}), ...(signal ? { signal } : {}) });
  } catch (cause) {
    throw new ApiError(ClientErrorCode.Network, `could not reach the server (${req.method} ${req.path})`, 0, { cause });
  }
  const text = await res.text();
  if (res.ok) return (text ? JSON.parse(text) : undefined) as T;
  let body: Partial<ErrorBody> | undefined;
  try {
    body = text ? (JSON.parse(text) as ErrorBody) : undefined;
  } catch {
    body = undefined;
  }
  const code = (body?.error?.code ?? (res.status >= 500 ? 'internal' : 'validation')) as QuickchatErrorCode;
  const message = body?.error?.message ?? `HTTP ${res.status}`;
  throw new ApiError(code, message, res.status, body?.error?.retryAfterMs === undefined ? {} : { retryAfterMs: body.error.retryAfterMs });
}
