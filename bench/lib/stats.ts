/** Summary of a latency sample, in microseconds. */
export interface LatencyStats {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  mean: number;
  min: number;
  max: number;
}

/** Nearest-rank percentiles of samples given in milliseconds, reported in microseconds. */
export function latencyStats(samplesMs: readonly number[]): LatencyStats {
  if (samplesMs.length === 0) throw new Error('no samples');
  const sorted = [...samplesMs].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
  const sum = sorted.reduce((a, b) => a + b, 0);
  const us = (ms: number) => Math.round(ms * 1000 * 10) / 10;
  return { count: sorted.length, p50: us(at(0.5)), p90: us(at(0.9)), p99: us(at(0.99)), mean: us(sum / sorted.length), min: us(sorted[0]!), max: us(sorted.at(-1)!) };
}

/** A printable ASCII text of exactly `bytes` bytes (the message payload). */
export function payloadText(bytes: number): string {
  const base = 'the quick brown fox jumps over the lazy dog 0123456789 ';
  return base.repeat(Math.ceil(bytes / base.length) + 1).slice(0, bytes);
}

/** Throws once `deadline` (epoch ms) has passed, naming what was running. */
export function checkDeadline(deadline: number, what: string): void {
  if (Date.now() > deadline) throw new Error(`${what}: deadline passed; stopping`);
}
