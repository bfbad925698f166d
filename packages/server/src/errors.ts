import { ErrorCode, HTTP_STATUS_FOR_ERROR, type ErrorFrame } from '@quickchat/protocol';

/**
 * An error a service raises on purpose; gateway and REST turn it into an error frame or
 * `{ error: { code, message } }` with the matching status. Anything else is `internal`.
 */
export class AppError extends Error {
  override name = 'AppError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }

  /** HTTP status for this error's code. */
  get status(): number {
    return HTTP_STATUS_FOR_ERROR[this.code];
  }
}

/** The one "not found" for things you may not see: existence is never revealed. */
export const notFound = (what: string): AppError => new AppError(ErrorCode.NotFound, `${what} not found`);

/** The one builder of `error` frames: optional fields are present only when set. */
export function errorFrame(code: ErrorFrame['code'], message: string, id?: ErrorFrame['id'], retryAfterMs?: number): ErrorFrame {
  return { type: 'error', ...(id !== undefined ? { id } : {}), code, message, ...(retryAfterMs ? { retryAfterMs } : {}) };
}

/**
 * The `error` frame answering a request that failed: an {@link AppError} in its own words,
 * anything else as `internal` (the caller logs it; its details never reach the client).
 */
export function errorFrameFor(err: unknown, id?: ErrorFrame['id']): ErrorFrame {
  if (err instanceof AppError) return errorFrame(err.code, err.message, id, err.retryAfterMs);
  return errorFrame(ErrorCode.Internal, 'internal error; retry', id);
}

