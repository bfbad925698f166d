/**
 * Slack for floating-point drift in refills: a bucket this close to a whole token has it.
 * Without it, waiting exactly `retryAfterMs` could still be refused (0.9999999999 tokens).
 */
const EPSILON = 1e-6;

/**
 * A token bucket: `capacity` tokens, refilled at `ratePerSec`. Used for per-connection frame
 * rates and per-IP login attempts.
 */
export class TokenBucket {
  private tokens: number;
  private updatedAt: number;

  constructor(
    private readonly ratePerSec: number,
    private readonly capacity: number,
    private readonly now: () => number = Date.now,
  ) {
    this.tokens = capacity;
    this.updatedAt = now();
  }

  /** Takes `count` tokens (default one) if that many are available; otherwise takes none. */
  take(count = 1): boolean {
    this.refill();
    if (this.tokens < count - EPSILON) return false;
    this.tokens = Math.max(0, this.tokens - count);
    return true;
  }

  /** Milliseconds until `count` tokens (default one) are available (0 when they are). */
  retryAfterMs(count = 1): number {
    this.refill();
    if (this.tokens >= count - EPSILON) return 0;
    // Aim at whole tokens (above the take threshold); the tiny slack keeps 1.0000000000000009 ms from becoming 2.
    return Math.max(1, Math.ceil(((count - this.tokens) / this.ratePerSec) * 1000 - 1e-9));
  }

  /** True when the bucket is full again, so a keyed map can drop it. */
  isIdle(): boolean {
    this.refill();
    return this.tokens >= this.capacity - EPSILON;
  }

  private refill(): void {
    const now = this.now();
    this.tokens = Math.min(this.capacity, this.tokens + ((now - this.updatedAt) / 1000) * this.ratePerSec);
    this.updatedAt = now;
  }
}

/** Token buckets by key (e.g. IP), pruned of idle entries so memory stays bounded. */
export class KeyedRateLimiter {
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(
    private readonly ratePerSec: number,
    private readonly capacity: number,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Takes `count` tokens (default one) for `key`, all or none; returns 0 when allowed, else the
   * ms to wait. More than the capacity is never allowed (the wait is then Infinity).
   */
  take(key: string, count = 1): number {
    if (count > this.capacity) return Infinity;
    if (this.buckets.size > 10_000) this.prune();
    let bucket = this.buckets.get(key);
    if (!bucket) this.buckets.set(key, (bucket = new TokenBucket(this.ratePerSec, this.capacity, this.now)));
    return bucket.take(count) ? 0 : Math.max(1, bucket.retryAfterMs(count));
  }

  private prune(): void {
    for (const [key, bucket] of this.buckets) if (bucket.isIdle()) this.buckets.delete(key);
  }
}
