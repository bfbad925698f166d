/** What a reconnect policy knows when it decides. */
export interface ReconnectContext {
  /** Failed attempts since the last successful connection (0 for the first retry). */
  retryCount: number;
  /** Milliseconds since the connection was lost. */
  elapsedMs: number;
  /** Close code of the last socket, when there was one. */
  closeCode: number | undefined;
}

/** Decides how long to wait before the next attempt; `null` stops reconnecting. */
export interface ReconnectPolicy {
  nextRetryDelayMs(context: ReconnectContext): number | null;
}

/** Options of {@link fullJitterBackoff}. */
export interface BackoffOptions {
  /** First retry's upper bound. Default 500 ms. */
  baseMs?: number;
  /** Upper bound of any delay. Default 30 s. */
  maxMs?: number;
  /** Give up after this many retries. Default: never. */
  maxRetries?: number;
  /** Source of randomness in [0, 1); injectable for tests. Default Math.random. */
  random?: () => number;
}

/**
 * Exponential backoff with full jitter (AWS architecture blog): the delay is uniform in
 * [0, min(maxMs, baseMs · 2^retry)]. Spreads reconnect storms after a server restart.
 */
export function fullJitterBackoff(options: BackoffOptions = {}): ReconnectPolicy {
  const { baseMs = 500, maxMs = 30_000, maxRetries = Number.POSITIVE_INFINITY, random = Math.random } = options;
  return {
    nextRetryDelayMs({ retryCount }) {
      if (retryCount >= maxRetries) return null;
      const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(retryCount, 30));
      return Math.floor(random() * ceiling);
    },
  };
}
