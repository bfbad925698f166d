/** Timer handle as returned by {@link Environment.setTimeout}. */
export type TimerHandle = unknown;

/**
 * Everything time- and platform-dependent the SDK touches, injectable so tests control time
 * and so nothing touches `window` or `document` at import (SSR-safe).
 */
export interface Environment {
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
  /** Milliseconds since the epoch. */
  now(): number;
  /** Uniform in [0, 1): used for backoff jitter and ids. */
  random(): number;
  /** Calls `fn` when the network comes back (browser `online`). Returns the unsubscribe function. */
  onOnline(fn: () => void): () => void;
  /** Calls `fn` when the browser loses the network (`offline`). Returns the unsubscribe function. */
  onOffline(fn: () => void): () => void;
  /** Calls `fn` when the page becomes visible again. Returns the unsubscribe function. */
  onVisible(fn: () => void): () => void;
}

const noop = (): void => undefined;

/** The real environment: global timers, and browser online/visibility events when present. */
export function defaultEnvironment(): Environment {
  const g = globalThis as typeof globalThis & { addEventListener?: typeof addEventListener; removeEventListener?: typeof removeEventListener; document?: Document };
  const listen = (event: 'online' | 'offline', fn: () => void): (() => void) => {
    if (typeof g.addEventListener !== 'function') return noop;
    g.addEventListener(event, fn);
    return () => g.removeEventListener?.(event, fn);
  };
  return {
    setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
    clearTimeout: (h) => globalThis.clearTimeout(h as ReturnType<typeof setTimeout>),
    now: () => Date.now(),
    random: () => Math.random(),
    onOnline: (fn) => listen('online', fn),
    onOffline: (fn) => listen('offline', fn),
    onVisible(fn) {
      const doc = g.document;
      if (!doc || typeof doc.addEventListener !== 'function') return noop;
      const listener = () => {
        if (doc.visibilityState === 'visible') fn();
      };
      doc.addEventListener('visibilitychange', listener);
      return () => doc.removeEventListener('visibilitychange', listener);
    },
  };
}
