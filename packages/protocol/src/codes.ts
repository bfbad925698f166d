/**
 * Stable error codes carried by `error` frames and REST error bodies.
 * Clients switch on these; the human-readable `message` may change between releases.
 */
export const ErrorCode = {
  /** The frame was not JSON, not an object, or carried forbidden keys. */
  BadFrame: 'bad_frame',
  /** A field is missing, has the wrong type, or breaks a limit. Nothing was coerced. */
  Validation: 'validation',
  /** No credentials, or credentials that were not accepted. */
  Unauthenticated: 'unauthenticated',
  /** The access token expired; refresh it and reconnect. */
  AuthExpired: 'auth_expired',
  /** The target does not exist or is not visible to you. Deliberately identical for both cases. */
  NotFound: 'not_found',
  /**
   * You can see the target but your role does not allow this (e.g. a group member renaming a
   * group only admins may edit). Never used where it would reveal that something exists.
   */
  Forbidden: 'forbidden',
  /** The operation conflicts with current state (e.g. handle taken). */
  Conflict: 'conflict',
  /** Too many requests; `retryAfterMs` says when to try again. */
  RateLimited: 'rate_limited',
  /** The request body or frame is larger than allowed. */
  PayloadTooLarge: 'payload_too_large',
  /** The server failed; the operation may be retried. */
  Internal: 'internal',
  /** The client's protocol version is older than the server still speaks; upgrade the client. */
  ProtocolUnsupported: 'protocol_unsupported',
  /** The page's origin is not in the server's allowed origins; the site's operator must add it. */
  OriginNotAllowed: 'origin_not_allowed',
} as const;
/** Union of all {@link ErrorCode} values. */
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/**
 * WebSocket close codes used by the server. 1000-1015 are RFC 6455; 4000-4999 are ours.
 * The SDK uses them to decide whether to reconnect and whether to refresh the token first.
 */
export const CloseCode = {
  /** Normal closure (client or server asked politely). */
  Normal: 1000,
  /** The server is shutting down or restarting; reconnect with backoff. */
  GoingAway: 1001,
  /** A frame exceeded `maxPayload`; it was not buffered. */
  MessageTooBig: 1009,
  /** Unparseable frame or a frame before authentication. Do not retry the same bytes. */
  ProtocolError: 4000,
  /** No valid `auth` frame arrived within the deadline. */
  AuthTimeout: 4001,
  /** The `auth` frame's token was rejected. Do not reconnect with the same token. */
  AuthFailed: 4002,
  /** The session's token expired or was revoked (logout, refresh-token reuse). Refresh, then reconnect. */
  AuthExpired: 4003,
  /** Sustained flooding past the rate limit. */
  RateLimited: 4004,
  /** The client did not read fast enough and its send queue filled up. */
  SlowConsumer: 4005,
  /** The per-user or per-IP connection cap was reached. */
  TooManyConnections: 4006,
  /** Missed heartbeats. */
  HeartbeatTimeout: 4007,
  /** The `auth` frame named a protocol version older than the server still speaks. Upgrade the client; do not reconnect as is. */
  ProtocolUnsupported: 4008,
} as const;
/** Union of all {@link CloseCode} values. */
export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];

/** Close codes after which reconnecting with the same credentials (or the same client) is pointless. */
export const TERMINAL_CLOSE_CODES: readonly number[] = [CloseCode.AuthFailed, CloseCode.ProtocolUnsupported];

/** REST status for each error code, so both ends agree on the mapping. */
export const HTTP_STATUS_FOR_ERROR: Readonly<Record<ErrorCode, number>> = {
  bad_frame: 400,
  validation: 400,
  unauthenticated: 401,
  auth_expired: 401,
  not_found: 404,
  forbidden: 403,
  conflict: 409,
  rate_limited: 429,
  payload_too_large: 413,
  internal: 500,
  protocol_unsupported: 426,
  origin_not_allowed: 403,
};
