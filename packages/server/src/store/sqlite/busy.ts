/**
 * How long a write waits for another connection's write transaction to end before it fails with
 * `SQLITE_BUSY` (SQLite's busy timeout). Write transactions here are short (one batch of at most
 * a few hundred rows), so a writer normally waits well under a millisecond per transaction ahead
 * of it; 5 s only bounds a pathological stall (an fsync on a saturated disk, a stopped process).
 */
export const BUSY_TIMEOUT_MS = 5000;

const pauseCell = new Int32Array(new SharedArrayBuffer(4));

/** Whether `err` is SQLite saying another connection holds the lock (`SQLITE_BUSY` and its extended codes). */
function isBusy(err: unknown): boolean {
  const code = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
  return typeof code === 'string' && code.startsWith('SQLITE_BUSY');
}

/**
 * Runs `attempt` until it does not fail with `SQLITE_BUSY`, pausing (blocking the thread, as
 * SQLite's own busy handler does) `firstPauseMs`, then twice as long each time up to
 * `maxPauseMs`, for at most {@link BUSY_TIMEOUT_MS} in all; then the last error is thrown.
 * `attempt` must start afresh each time (whatever a failed attempt wrote was rolled back).
 */
export function retryWhileBusy<T>(attempt: () => T, firstPauseMs: number, maxPauseMs: number): T {
  const deadline = performance.now() + BUSY_TIMEOUT_MS;
  for (let pause = firstPauseMs; ; pause = Math.min(pause * 2, maxPauseMs)) {
    try {
      return attempt();
    } catch (err) {
      if (!isBusy(err) || performance.now() >= deadline) throw err;
    }
    Atomics.wait(pauseCell, 0, 0, pause);
  }
}
