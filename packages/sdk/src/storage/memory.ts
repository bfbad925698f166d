import type { StorageAdapter } from './types.js';

/**
 * A {@link StorageAdapter} kept in a `Map`: the default. Nothing survives a page reload or
 * process restart, so the outbox and sync cursors live only as long as this object.
 */
export class MemoryStorage implements StorageAdapter {
  private readonly map = new Map<string, string>();

  /** The stored value, or null when absent. */
  get(key: string): Promise<string | null> {
    return Promise.resolve(this.map.get(key) ?? null);
  }

  /** Stores a value, replacing any previous one. */
  set(key: string, value: string): Promise<void> {
    this.map.set(key, value);
    return Promise.resolve();
  }

  /** Deletes a value. Missing keys are fine. */
  remove(key: string): Promise<void> {
    this.map.delete(key);
    return Promise.resolve();
  }
}
