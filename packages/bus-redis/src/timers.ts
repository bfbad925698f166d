import type { PresenceTimers } from '@quickchat/server';

/** Timers the Redis state uses (heartbeats, sweeps, refreshes), injectable for tests. */
export type Timers = PresenceTimers;

/** The process's own timers, unref'd: a heartbeat or a sweep never keeps Node alive. */
export const SYSTEM_TIMERS: Timers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms).unref(),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/**
 * Runs `task` every `ms` until the returned function is called; a run starts only after the
 * previous one settled, so a slow Redis never piles runs up.
 */
export function every(timers: Timers, ms: number, task: () => Promise<unknown>): () => void {
  let handle: unknown = null;
  let stopped = false;
  const schedule = () => {
    if (!stopped) handle = timers.setTimeout(run, ms);
  };
  const run = () => void task().then(schedule, schedule);
  schedule();
  return () => {
    stopped = true;
    if (handle !== null) timers.clearTimeout(handle);
  };
}
