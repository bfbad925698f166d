import type { ErrorBody } from '@quickchat/protocol';
import { ApiError, ClientErrorCode, type QuickchatErrorCode } from '../errors.js';

/** A `fetch`-compatible function (injectable for tests and older runtimes). */
export type FetchLike = (input: string, init?: { method?: string; headers?: Record<string, string>; body?: string }) => Promise<{
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

/**
 * Sends a JSON request and returns the parsed body (undefined for 204). Every failure becomes
 * an {@link ApiError}: the server's `{ error: { code, message } }`, or `network` when no
 * response arrived.
 */
export async function requestJson<T>(fetchFn: FetchLike, baseUrl: string, req: HttpRequest): Promise<T> {
  const headers: Record<string, string> = {};
  if (req.token) headers['authorization'] = `Bearer ${req.token}`;
  if (req.body !== undefined) headers['content-type'] = 'application/json';
  let res: Awaited<ReturnType<FetchLike>>;
  try {
    res = await fetchFn(baseUrl + req.path, { method: req.method, headers, ...(req.body !== undefined ? { body: JSON.stringify(req.body) } : {}) });
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
