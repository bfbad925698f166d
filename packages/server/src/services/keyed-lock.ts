/**
 * Runs tasks one at a time per key, on this node: a task starts once the previous task with the
 * same key settled (whether it succeeded or not). A key with nothing running holds no memory.
 * Used to keep changes to one friendship pair, or to one group, from interleaving.
 */
export class KeyedLock {
  private readonly tails = new Map<string, Promise<unknown>>();

  /** Runs `fn` after every earlier task of `key`; resolves or rejects as `fn` does. */
  run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const run = previous.then(fn, fn);
    const tail = run.catch(() => undefined);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return run;
  }
}
