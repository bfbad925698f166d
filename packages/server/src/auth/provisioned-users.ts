import { BoundedLru } from '../cache/bounded-lru.js';

/** How long a provisioned external user is remembered before the store is asked again. */
export const PROVISION_CACHE_MS = 5 * 60_000;
/** External users remembered at most (least recently seen ones are forgotten first). */
export const PROVISION_CACHE_ENTRIES = 10_000;

/**
 * Remembers which bring-your-own-identity users already exist in the store, so a REST call or
 * socket sign-in with an external token upserts its user once per cache period instead of on
 * every request. Only successful provisioning is remembered; the store's insert is idempotent
 * (it never overwrites a profile), so skipping it changes nothing but the cost.
 */
export class ProvisionedUsers {
  private readonly seen: BoundedLru<string, number>;

  constructor(
    private readonly ttlMs = PROVISION_CACHE_MS,
    maxEntries = PROVISION_CACHE_ENTRIES,
  ) {
    this.seen = new BoundedLru(maxEntries);
  }

  /** True when `userId` was provisioned less than the cache period ago. */
  has(userId: string, now: number): boolean {
    const until = this.seen.get(userId);
    if (until === undefined) return false;
    if (until > now) return true;
    this.seen.delete(userId);
    return false;
  }

  /** Records that `userId` exists as an external user. */
  add(userId: string, now: number): void {
    this.seen.set(userId, now + this.ttlMs);
  }
}
