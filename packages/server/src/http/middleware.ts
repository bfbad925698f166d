import type { NextFunction, Request, Response } from 'express';
import { ErrorCode, type ErrorBody } from '@quickchat/protocol';
import type { Logger } from 'pino';
import { AppError } from '../errors.js';
import type { KeyedRateLimiter } from '../limits/token-bucket.js';

/** Reads `Authorization: Bearer <token>`; tokens are never accepted in the URL. */
export function bearerToken(req: Request): string {
  const header = req.headers.authorization;
  const match = header ? /^Bearer ([^\s]{1,8192})$/.exec(header) : null;
  if (!match?.[1]) throw new AppError(ErrorCode.Unauthenticated, 'missing "Authorization: Bearer <token>" header');
  return match[1];
}

/** Where a refused origin was refused: a REST call (CORS) or a socket upgrade. */
export type OriginRefusal = 'cors' | 'socket';

/**
 * Logs refused origins as a warning that names the origin and the setting that allows it, at
 * most once per origin and kind every `intervalMs` (a page retrying must not flood the log); the
 * next line says how many refusals it did not log. Remembers at most 1000 origins.
 */
export function originRefusalLog(log: Logger, intervalMs = 10 * 60_000, now: () => number = Date.now): (origin: string | undefined, refused: OriginRefusal) => void {
  const seen = new Map<string, { at: number; quiet: number }>();
  return (origin, refused) => {
    const key = `${refused} ${origin ?? ''}`;
    const t = now();
    const last = seen.get(key);
    if (last && t - last.at < intervalMs) {
      last.quiet++;
      return;
    }
    if (!last && seen.size >= 1000) for (const [k, v] of seen) if (t - v.at >= intervalMs || seen.size >= 1000) seen.delete(k);
    seen.set(key, { at: t, quiet: 0 });
    const what = refused === 'socket' ? 'socket upgrade refused (403)' : 'cross-origin REST request refused';
    const fields = { origin: origin ?? null, refused, ...(last?.quiet ? { notLoggedSinceLast: last.quiet } : {}) };
    if (origin === undefined) {
      log.warn(fields, `${what}: the request has no Origin header; to accept non-browser clients start the server with --allow-no-origin (QUICKCHAT_ALLOW_NO_ORIGIN=1, createServer({ allowNoOrigin: true }))`);
    } else {
      log.warn(fields, `${what}: origin ${origin} is not allowed; to allow it add it to --allowed-origins (QUICKCHAT_ALLOWED_ORIGINS, createServer({ allowedOrigins }))`);
    }
  };
}

/**
 * CORS for allowed origins. Credentials travel in headers, never cookies, so no credentials mode.
 *
 * A page on an origin that is NOT allowed must still learn why it fails (a browser hides a
 * refused CORS answer entirely, so it would look like a network failure). So under `/api/` such
 * an origin gets CORS headers on a refusal and on nothing else: its preflight passes, and every
 * request is answered `403 origin_not_allowed` before any route runs. Everywhere else it gets no
 * CORS headers. Either way the refusal is logged through `refused` (see {@link originRefusalLog}).
 */
export function cors(isOriginAllowed: (origin: string | undefined) => boolean, refused: (origin: string, kind: OriginRefusal) => void = () => undefined) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const origin = req.headers.origin || undefined;
    const allowed = origin !== undefined && isOriginAllowed(origin);
    const refusedApi = origin !== undefined && !allowed && req.path.startsWith('/api/');
    if (origin !== undefined && !allowed) {
      refused(origin, 'cors');
      res.locals['originRefused'] = true;
    }
    if (allowed || refusedApi) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Vary', 'Origin');
      res.setHeader('Access-Control-Allow-Headers', 'Authorization, Content-Type');
      res.setHeader('Access-Control-Allow-Methods', 'GET, POST, PATCH, PUT, DELETE');
      res.setHeader('Access-Control-Max-Age', '600');
    }
    if (req.method === 'OPTIONS') {
      res.status(204).end();
      return;
    }
    if (refusedApi) {
      const body: ErrorBody = {
        error: { code: ErrorCode.OriginNotAllowed, message: `origin ${origin} is not allowed by this chat server; its operator must add it to the allowed origins (--allowed-origins)` },
      };
      res.status(403).json(body);
      return;
    }
    next();
  };
}

/** Rate-limits a route per client IP (login/register brute force). */
export function limitByIp(limiter: KeyedRateLimiter) {
  return (req: Request, _res: Response, next: NextFunction): void => {
    const wait = limiter.take(req.socket.remoteAddress ?? 'unknown');
    if (wait > 0) return next(new AppError(ErrorCode.RateLimited, 'too many attempts; try again later', wait));
    next();
  };
}

/** Sends `{ error: { code, message } }` for every failure; unknown errors are logged and hidden. */
export function errorHandler(log: Logger) {
  return (err: unknown, req: Request, res: Response, _next: NextFunction): void => {
    const appError = toAppError(err);
    if (appError.code === ErrorCode.Internal) log.error({ err, method: req.method, path: req.path }, 'request failed');
    if (appError.retryAfterMs) res.setHeader('Retry-After', String(Math.ceil(appError.retryAfterMs / 1000)));
    // A refusal before the body was read (an upload cut off, a bad token): close rather than drain it.
    if (!req.complete) res.setHeader('Connection', 'close');
    const body: ErrorBody = {
      error: { code: appError.code, message: appError.message, ...(appError.retryAfterMs ? { retryAfterMs: appError.retryAfterMs } : {}) },
    };
    res.status(appError.status).json(body);
  };
}

/** 404 for unknown API paths, in the same error shape. */
export function notFoundHandler(req: Request, _res: Response, next: NextFunction): void {
  next(new AppError(ErrorCode.NotFound, `no route for ${req.method} ${req.path}`));
}

function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  const e = err as { type?: string; status?: number; message?: string };
  if (e?.type === 'entity.too.large') return new AppError(ErrorCode.PayloadTooLarge, 'request body too large');
  if (e?.type === 'entity.parse.failed' || e?.status === 400) return new AppError(ErrorCode.Validation, e.message ?? 'bad request');
  if (e?.type === 'charset.unsupported' || e?.type === 'encoding.unsupported') return new AppError(ErrorCode.Validation, e.message ?? 'unsupported encoding');
  return new AppError(ErrorCode.Internal, 'internal error');
}
