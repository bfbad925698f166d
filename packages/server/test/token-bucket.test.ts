import { describe, expect, it } from 'vitest';
import { KeyedRateLimiter, TokenBucket } from '../src/limits/token-bucket.js';

/** A hand-driven clock. */
function clock(start = 1_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => void (now += ms) };
}

/** Number of buckets a limiter holds (internal, read only to prove memory stays bounded). */
const sizeOf = (limiter: KeyedRateLimiter) => (limiter as unknown as { buckets: Map<string, unknown> }).buckets.size;

describe('TokenBucket', () => {
  it('starts full: allows exactly `capacity` takes in a burst', () => {
    const c = clock();
    const bucket = new TokenBucket(1, 5, c.now);
    const results = Array.from({ length: 7 }, () => bucket.take());
    expect(results).toEqual([true, true, true, true, true, false, false]);
  });

  it('refills at `ratePerSec`, never above capacity', () => {
    const c = clock();
    const bucket = new TokenBucket(2, 3, c.now); // one token per 500 ms
    for (let i = 0; i < 3; i++) expect(bucket.take()).toBe(true);
    expect(bucket.take()).toBe(false);
    c.advance(499);
    expect(bucket.take()).toBe(false);
    c.advance(1);
    expect(bucket.take()).toBe(true);
    expect(bucket.take()).toBe(false);
    c.advance(60_000); // a long idle period refills to capacity only
    expect(Array.from({ length: 5 }, () => bucket.take())).toEqual([true, true, true, false, false]);
  });

  it('a refused take costs nothing', () => {
    const c = clock();
    const bucket = new TokenBucket(1, 1, c.now);
    expect(bucket.take()).toBe(true);
    for (let i = 0; i < 10; i++) expect(bucket.take()).toBe(false);
    c.advance(1000);
    expect(bucket.take()).toBe(true);
  });

  it('retryAfterMs says exactly when the next token is available', () => {
    const c = clock();
    const bucket = new TokenBucket(1, 2, c.now);
    expect(bucket.retryAfterMs()).toBe(0);
    bucket.take();
    expect(bucket.retryAfterMs()).toBe(0); // one token left
    bucket.take();
    expect(bucket.retryAfterMs()).toBe(1000);
    c.advance(250);
    expect(bucket.retryAfterMs()).toBe(750);
    expect(bucket.take()).toBe(false);
    c.advance(749);
    expect(bucket.retryAfterMs()).toBe(1);
    expect(bucket.take()).toBe(false);
    c.advance(1);
    expect(bucket.retryAfterMs()).toBe(0);
    expect(bucket.take()).toBe(true);
  });

  it('retryAfterMs rounds fractional waits up (slow rates such as 20 per minute)', () => {
    const c = clock();
    const bucket = new TokenBucket(20 / 60, 1, c.now); // one token per 3 s
    expect(bucket.take()).toBe(true);
    expect(bucket.retryAfterMs()).toBe(3000);
    c.advance(1);
    expect(bucket.retryAfterMs()).toBe(2999);
    c.advance(2999);
    expect(bucket.take()).toBe(true);
  });

  it('waiting exactly retryAfterMs always gets a token, and the wait is not overstated (fractional rates)', () => {
    let seed = 42;
    const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    let checked = 0;
    for (const rate of [20 / 60, 1, 3, 7, 20, 0.1, 33.3, 1000 / 3]) {
      for (const capacity of [1, 2, 5, 40]) {
        const c = clock(0);
        const bucket = new TokenBucket(rate, capacity, c.now);
        for (let step = 0; step < 300; step++) {
          if (random() < 0.6) {
            bucket.take();
            continue;
          }
          c.advance(Math.floor(random() * 50));
          const wait = bucket.retryAfterMs();
          if (wait === 0) continue;
          if (wait >= 2) {
            c.advance(wait - 2);
            expect(bucket.retryAfterMs(), `rate ${rate}: still waiting 2 ms early`).toBeGreaterThan(0);
            c.advance(2);
          } else c.advance(wait);
          expect(bucket.take(), `rate ${rate} capacity ${capacity}: refused after waiting ${wait} ms`).toBe(true);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(1000);
  });

  it('isIdle only once the bucket has refilled to capacity', () => {
    const c = clock();
    const bucket = new TokenBucket(1, 2, c.now);
    expect(bucket.isIdle()).toBe(true);
    bucket.take();
    expect(bucket.isIdle()).toBe(false);
    c.advance(999);
    expect(bucket.isIdle()).toBe(false);
    c.advance(1);
    expect(bucket.isIdle()).toBe(true);
  });
});

describe('KeyedRateLimiter', () => {
  it('returns 0 while allowed, else a positive wait; keys are independent', () => {
    const c = clock();
    const limiter = new KeyedRateLimiter(1, 2, c.now);
    expect(limiter.take('1.1.1.1')).toBe(0);
    expect(limiter.take('1.1.1.1')).toBe(0);
    expect(limiter.take('1.1.1.1')).toBe(1000);
    expect(limiter.take('2.2.2.2')).toBe(0); // another key has its own bucket
    c.advance(400);
    expect(limiter.take('1.1.1.1')).toBe(600);
    c.advance(600);
    expect(limiter.take('1.1.1.1')).toBe(0);
    expect(limiter.take('1.1.1.1')).toBe(1000);
  });

  it('never reports a zero wait for a refused take', () => {
    const c = clock();
    const limiter = new KeyedRateLimiter(1000, 1, c.now); // refills in 1 ms
    expect(limiter.take('k')).toBe(0);
    const wait = limiter.take('k');
    expect(wait).toBeGreaterThanOrEqual(1);
  });

  it('prunes idle buckets so memory stays bounded under many distinct keys', () => {
    const c = clock();
    const limiter = new KeyedRateLimiter(1, 1, c.now); // a used bucket is idle again after 1 s
    let max = 0;
    for (let i = 0; i < 50_000; i++) {
      expect(limiter.take(`key-${i}`)).toBe(0);
      max = Math.max(max, sizeOf(limiter));
      c.advance(1); // ~1000 keys are recent (non-idle) at any time
    }
    expect(max).toBeLessThanOrEqual(10_001);
    expect(sizeOf(limiter)).toBeLessThan(10_002);
  });

  it('pruning keeps the state of non-idle keys: a limited key stays limited', () => {
    const c = clock();
    const limiter = new KeyedRateLimiter(1 / 60, 1, c.now); // one attempt per minute
    expect(limiter.take('attacker')).toBe(0);
    expect(limiter.take('attacker')).toBeGreaterThan(0);
    c.advance(1000);
    for (let i = 0; i < 10_001; i++) limiter.take(`other-${i}`);
    c.advance(1000);
    limiter.take('trigger-prune');
    // Nothing was idle (a minute has not passed), so nothing was dropped and the attacker is still limited.
    expect(sizeOf(limiter)).toBe(10_003);
    expect(limiter.take('attacker')).toBe(58_000);
    // Once everything is idle, one prune drops it all.
    c.advance(60_000);
    limiter.take('another-trigger');
    expect(sizeOf(limiter)).toBe(1);
    expect(limiter.take('attacker')).toBe(0);
  });
});
