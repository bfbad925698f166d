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

/** CORS for allowed origins. Credentials travel in headers, never cookies, so no credentials mode. */
export function cors(isOriginAllowed: (origin: string | undefined) => boolean) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const origin = req.headers.origin;
    if (origin && isOriginAllowed(origin)) {
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
