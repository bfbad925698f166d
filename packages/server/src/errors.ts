import { ErrorCode, HTTP_STATUS_FOR_ERROR } from '@quickchat/protocol';

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
