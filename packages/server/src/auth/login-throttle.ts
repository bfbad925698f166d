import { BoundedLru } from '../cache/bounded-lru.js';

/**
 * Slows password guessing against one account, wherever the guesses come from. A small
 * interface so a shared (e.g. Redis) implementation can replace the in-memory one when several
 * nodes serve logins. Methods may be called with unknown handles: throttling never reveals
 * whether an account exists.
 */
export interface LoginThrottle {
  /**
   * Called before a password is checked. Returns the milliseconds a login attempt to `account`
   * from `ip` must wait (it is then refused, and not counted), or 0: the attempt goes ahead and
   * counts as a failure until {@link succeeded} says otherwise, so that guesses sent at the
   * same moment cannot all slip through before the first one is counted.
   */
  attempt(account: string, ip: string, now: number): number | Promise<number>;
  /** Records a successful login: the account's failures are forgiven and `ip` is remembered. */
  succeeded(account: string, ip: string, now: number): void | Promise<void>;
}

/** The policy of {@link MemoryLoginThrottle}; the server takes it from `ServerLimits`. */
export interface LoginThrottlePolicy {
  /** Failures tolerated before attempts must wait. */
  freeFailures: number;
  /** Wait after the first failure past the free ones; doubles per further failure. */
  baseDelayMs: number;
  /** Longest wait. */
  maxDelayMs: number;
  /** One failure is forgotten per this much time without failures. */
  decayMs: number;
  /** How long an address that signed in successfully stays known for that account. Default 30 days. */
  knownAddressMs?: number;
  /** Accounts (and account/address pairs) tracked at most; least recently used go first. Default 100k. */
  maxEntries?: number;
}

interface Failures {
  /** Failures counted at `lastAt` (before decay). */
  count: number;
  lastAt: number;
}

/**
 * In-memory {@link LoginThrottle}: an exponential delay per account after `freeFailures`
 * failures, never a lockout. After the free failures, each attempt must wait
 * `baseDelayMs · 2^(failures − freeFailures)` (at most `maxDelayMs`) after the previous failure,
 * and is answered 429 with `Retry-After` before the password is even checked. Every attempt let
 * through counts as a failure until it succeeds. Failures decay one per `decayMs` and are
 * forgiven on success.
 *
 * So that an attacker cannot keep the real user out by failing on purpose, an address that
 * signed in to the account before is not held to the account-wide delay: it gets its own
 * counter for that account with the same policy. Everything lives in bounded maps.
 */
export class MemoryLoginThrottle implements LoginThrottle {
  private readonly accounts: BoundedLru<string, Failures>;
  /** Failures per (account, known address). */
  private readonly pairs: BoundedLru<string, Failures>;
  /** Known addresses per account: `account\0ip` → remembered until. */
  private readonly known: BoundedLru<string, number>;
  private readonly knownAddressMs: number;

  constructor(private readonly policy: LoginThrottlePolicy) {
    const max = policy.maxEntries ?? 100_000;
    this.accounts = new BoundedLru(max);
    this.pairs = new BoundedLru(max);
    this.known = new BoundedLru(max);
    this.knownAddressMs = policy.knownAddressMs ?? 30 * 24 * 3600_000;
  }

  /**
   * See {@link LoginThrottle.attempt}: held to the account's delay, or to a known address's own
   * one, and counted there when let through.
   */
  attempt(account: string, ip: string, now: number): number {
    const [map, key] = this.isKnown(account, ip, now) ? [this.pairs, pairKey(account, ip)] : [this.accounts, account];
    const failures = map.get(key);
    const count = failures ? this.decayed(failures, now) : 0;
    const wait = failures && count >= this.policy.freeFailures ? failures.lastAt + this.delayAfter(count) - now : 0;
    if (wait > 0) return wait;
    map.set(key, { count: count + 1, lastAt: now });
    return 0;
  }

  /** See {@link LoginThrottle.succeeded}. */
  succeeded(account: string, ip: string, now: number): void {
    this.accounts.delete(account);
    this.pairs.delete(pairKey(account, ip));
    this.known.set(pairKey(account, ip), now + this.knownAddressMs);
  }

  /** The wait imposed once `count` failures are on record (`count` ≥ `freeFailures`). */
  private delayAfter(count: number): number {
    const exponent = Math.min(count - this.policy.freeFailures, 40);
    return Math.min(this.policy.maxDelayMs, this.policy.baseDelayMs * 2 ** exponent);
  }

  private decayed(failures: Failures, now: number): number {
    return Math.max(0, failures.count - Math.floor(Math.max(0, now - failures.lastAt) / this.policy.decayMs));
  }

  private isKnown(account: string, ip: string, now: number): boolean {
    const until = this.known.get(pairKey(account, ip));
    return until !== undefined && until > now;
  }
}

function pairKey(account: string, ip: string): string {
  return `${account}\u0000${ip}`;
}
