import { QuickchatError, type QuickchatErrorCode } from '../errors.js';

/**
 * A call operation failed: the server refused it (`not_found`, `conflict`, `rate_limited`), the
 * socket was down (`disconnected`), or the peer connection failed (`network`). `callId` is null
 * when no call existed yet (a refused invite). Media errors are not wrapped: `place()` and
 * `accept()` reject with the media source's own error (e.g. the browser's `NotAllowedError`).
 */
export class CallError extends QuickchatError {
  override name = 'CallError';
  /** The call it is about, when there was one. */
  declare readonly callId: string | null;
  constructor(code: QuickchatErrorCode, message: string, callId: string | null, options: { cause?: unknown; retryAfterMs?: number } = {}) {
    super(code, message, options);
    this.callId = callId;
  }
}
