/**
 * A map that holds at most `maxEntries`, evicting the least recently used entry when full, so
 * per-user or per-account state kept in memory cannot grow without bound.
 */
export class BoundedLru<K, V> {
  private readonly entries = new Map<K, V>();

  constructor(private readonly maxEntries: number) {
    if (!Number.isInteger(maxEntries) || maxEntries < 1) throw new RangeError('maxEntries must be a positive integer');
  }

  /** The value for `key`, marking it as most recently used. */
  get(key: K): V | undefined {
    const value = this.entries.get(key);
    if (value === undefined) return undefined;
    this.entries.delete(key);
    this.entries.set(key, value);
    return value;
  }

  /** Stores `value` as the most recently used entry, evicting the oldest one when full. */
  set(key: K, value: V): void {
    this.entries.delete(key);
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(key, value);
  }

  /** Removes `key`. */
  delete(key: K): void {
    this.entries.delete(key);
  }

  /** Number of entries held (≤ `maxEntries`). */
  get size(): number {
    return this.entries.size;
  }
}
