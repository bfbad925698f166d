import { describe, expect, it } from 'vitest';
import { fullJitterBackoff } from '../../src/connection/reconnect-policy.js';

const ctx = (retryCount: number) => ({ retryCount, elapsedMs: 0, closeCode: undefined });
const ALMOST_ONE = 1 - Number.EPSILON;

describe('fullJitterBackoff', () => {
  it('random 0 → 0 at every retry', () => {
    const policy = fullJitterBackoff({ baseMs: 500, maxMs: 30_000, random: () => 0 });
    for (const n of [0, 1, 5, 20, 1000]) expect(policy.nextRetryDelayMs(ctx(n))).toBe(0);
  });

  it('random just under 1 → just under min(maxMs, baseMs · 2^n)', () => {
    const policy = fullJitterBackoff({ baseMs: 500, maxMs: 30_000, random: () => ALMOST_ONE });
    const expected = [500, 1000, 2000, 4000, 8000, 16_000, 30_000, 30_000];
    expected.forEach((ceiling, n) => {
      const delay = policy.nextRetryDelayMs(ctx(n)) as number;
      expect(delay).toBeLessThan(ceiling);
      expect(delay).toBeGreaterThanOrEqual(ceiling - 1);
    });
  });

  it('scales linearly with the random value inside the ceiling', () => {
    const policy = fullJitterBackoff({ baseMs: 100, maxMs: 10_000, random: () => 0.5 });
    expect(policy.nextRetryDelayMs(ctx(0))).toBe(50);
    expect(policy.nextRetryDelayMs(ctx(3))).toBe(400);
    expect(policy.nextRetryDelayMs(ctx(10))).toBe(5000);
  });

  it('caps at maxMs even for huge retry counts (no overflow to Infinity/NaN)', () => {
    const policy = fullJitterBackoff({ baseMs: 1000, maxMs: 7000, random: () => ALMOST_ONE });
    for (const n of [3, 4, 31, 64, 10_000]) {
      const delay = policy.nextRetryDelayMs(ctx(n)) as number;
      expect(Number.isFinite(delay)).toBe(true);
      expect(delay).toBeLessThan(7000);
      expect(delay).toBeGreaterThanOrEqual(6999);
    }
  });

  it('returns null once maxRetries retries were made', () => {
    const policy = fullJitterBackoff({ maxRetries: 3, random: () => 0.5 });
    expect(policy.nextRetryDelayMs(ctx(0))).not.toBeNull();
    expect(policy.nextRetryDelayMs(ctx(2))).not.toBeNull();
    expect(policy.nextRetryDelayMs(ctx(3))).toBeNull();
    expect(policy.nextRetryDelayMs(ctx(4))).toBeNull();
    expect(fullJitterBackoff({ maxRetries: 0 }).nextRetryDelayMs(ctx(0))).toBeNull();
  });

  it('defaults: 500 ms base, 30 s cap, never gives up', () => {
    const policy = fullJitterBackoff({ random: () => ALMOST_ONE });
    expect(policy.nextRetryDelayMs(ctx(0))).toBe(499);
    expect(policy.nextRetryDelayMs(ctx(100_000))).toBe(29_999);
  });
});
