/**
 * Yes/no answers by key, bounded in size (oldest dropped first) and in age. An invalidation
 * bumps a generation: an answer read from the store across an invalidation may be stale, so
 * {@link set} with an older generation is ignored.
 */
export class PermissionCache {
  private readonly answers = new Map<string, { allowed: boolean; expires: number }>();
  private generationCounter = 0;

  constructor(
    private readonly now: () => number,
    private readonly maxEntries: number,
    private readonly ttlMs: number,
  ) {}

  /** The cached answer, or undefined when unknown or expired. */
  get(key: string): boolean | undefined {
    const hit = this.answers.get(key);
    return hit !== undefined && hit.expires > this.now() ? hit.allowed : undefined;
  }

  /** Take this before reading the store; hand it to {@link set} with the answer. */
  get generation(): number {
    return this.generationCounter;
  }

  /** Caches an answer read at `generation`, unless an invalidation happened since. */
  set(key: string, allowed: boolean, generation: number): void {
    if (generation !== this.generationCounter) return;
    this.answers.delete(key);
    this.answers.set(key, { allowed, expires: this.now() + this.ttlMs });
    if (this.answers.size > this.maxEntries) this.answers.delete(this.answers.keys().next().value!);
  }

  /** Forgets the given keys. */
  drop(keys: Iterable<string>): void {
    this.generationCounter++;
    for (const key of keys) this.answers.delete(key);
  }

  /** Forgets everything. */
  clear(): void {
    this.generationCounter++;
    this.answers.clear();
  }
}
