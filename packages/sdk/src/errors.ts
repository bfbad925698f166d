import type { ErrorCode } from '@quickchat/protocol';

/** Codes the SDK itself raises, beside the server's {@link ErrorCode}s. */
export const ClientErrorCode = {
  /** The socket closed or could not be opened. */
  Disconnected: 'disconnected',
  /** The request did not complete in time. */
  Timeout: 'timeout',
  /** The network request failed before an HTTP response arrived. */
  Network: 'network',
  /** No way to get a valid token (static token expired, `getToken` failed, login refused). */
  AuthFailed: 'auth_failed',
  /** The client was closed with `close()`. */
  Closed: 'client_closed',
  /**
   * The storage adapter failed to read or write (quota, private mode, a closed database). The
   * client goes on in memory: messages are still sent, but may not survive a reload.
   */
  Storage: 'storage',
  /** The app stopped the operation (an upload's `cancel()`). */
  Cancelled: 'cancelled',
} as const;
/** Union of {@link ClientErrorCode} values. */
export type ClientErrorCode = (typeof ClientErrorCode)[keyof typeof ClientErrorCode];

/** Every code a {@link QuickchatError} can carry. */
export type QuickchatErrorCode = ErrorCode | ClientErrorCode;

/** Server codes after which repeating the same request can succeed. */
const RETRYABLE: ReadonlySet<string> = new Set(['internal', 'rate_limited', 'disconnected', 'timeout', 'network']);

// Fields are `declare`d and assigned in the constructors (no field initializers to compile): smaller bundle.

/**
 * The one error base class of the SDK. `code` is stable and machine-readable; `retryable`
 * says whether the same operation may succeed if tried again; `cause` keeps the original.
 */
export class QuickchatError extends Error {
  override name = 'QuickchatError';
  /** Stable machine-readable code. */
  declare readonly code: QuickchatErrorCode;
  /** True when retrying the same operation may succeed. */
  declare readonly retryable: boolean;
  /** Milliseconds the server asked us to wait, when it did. */
  declare readonly retryAfterMs: number | undefined;

  constructor(code: QuickchatErrorCode, message: string, options: { cause?: unknown; retryable?: boolean; retryAfterMs?: number } = {}) {
    // Error reads only `cause` from the options (and sets it only when the key is present).
    super(message, options);
    this.code = code;
    this.retryable = options.retryable ?? RETRYABLE.has(code);
    this.retryAfterMs = options.retryAfterMs;
  }
}

/** A socket-level failure: could not connect, closed, or refused the session. */
export class ConnectionError extends QuickchatError {
  override name = 'ConnectionError';
  /** The WebSocket close code, when there was one. */
  declare readonly closeCode: number | undefined;
  constructor(code: QuickchatErrorCode, message: string, options: { cause?: unknown; retryable?: boolean; closeCode?: number } = {}) {
    super(code, message, options);
    this.closeCode = options.closeCode;
  }
}

/** A REST call failed; `status` is the HTTP status (0 when no response arrived). */
export class ApiError extends QuickchatError {
  override name = 'ApiError';
  declare readonly status: number;
  constructor(code: QuickchatErrorCode, message: string, status: number, options: { cause?: unknown; retryAfterMs?: number } = {}) {
    super(code, message, options);
    this.status = status;
  }
}

/** `err` as a {@link QuickchatError}: itself when it is one, else a `code` error (default `network`) caused by it. */
export function toError(err: unknown, code: QuickchatErrorCode = ClientErrorCode.Network): QuickchatError {
  return err instanceof QuickchatError ? err : new QuickchatError(code, err instanceof Error ? err.message : String(err), { cause: err });
}
