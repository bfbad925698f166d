import type { Redis } from 'ioredis';
import type { CallRegistry, Engagement } from '@quickchat/server';
import { RedisKeys } from './keys.js';
import { luaScript } from './lua.js';
import { SYSTEM_TIMERS, every, type Timers } from './timers.js';

/** How a {@link RedisCallRegistry} keeps its engagements. */
export interface RedisCallRegistryOptions {
  /** A connection for commands (not closed by {@link RedisCallRegistry.close}: the caller owns it). */
  redis: Redis;
  /** This node's id: the owner recorded for every call it engages. */
  nodeId: string;
  /** Key prefix shared by the deployment (default `quickchat:`). */
  prefix?: string;
  /** How long an engagement outlives its owner's last refresh (default 30 000 ms). */
  ttlMs?: number;
  /** How often the owner refreshes its live calls' keys (default a third of the TTL). */
  refreshMs?: number;
  /** Timers of the refresh (default: the process's). */
  timers?: Timers;
  /** Told of a failed refresh (Redis unreachable); it is retried at the next interval. */
  onError?: (error: unknown) => void;
}

/** The call each user is in, with its owner: `<callId>|<ownerNode>`. */
type UserCall = NonNullable<Awaited<ReturnType<CallRegistry['callOf']>>>;

/**
 * Both users engaged or neither: `SET` of the two user keys and the call's owner key, all with the
 * TTL, only when neither user key exists. KEYS: caller, callee, call. ARGV: `callId|owner`, owner, ttlMs.
 */
const ENGAGE = luaScript(
  'call_engage',
  3,
  `if redis.call('EXISTS', KEYS[1]) == 1 then return 'caller_busy' end
if redis.call('EXISTS', KEYS[2]) == 1 then return 'callee_busy' end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[3])
redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[3])
redis.call('SET', KEYS[3], ARGV[2], 'PX', ARGV[3])
return 'engaged'`,
);

/**
 * Deletes the call's owner key, and each user key that still holds this call (compare-and-delete:
 * a user engaged in a newer call is left alone). KEYS: call. ARGV: callId, user key prefix, userIds…
 */
const RELEASE = luaScript(
  'call_release',
  1,
  `redis.call('DEL', KEYS[1])
local mine = ARGV[1] .. '|'
for i = 3, #ARGV do
  local key = ARGV[2] .. ARGV[i]
  local held = redis.call('GET', key)
  if held and string.sub(held, 1, #mine) == mine then redis.call('DEL', key) end
end
return 0`,
);

/**
 * The owner keeps its live call's keys: extends those that still hold it, and writes again those
 * that vanished (Redis restarted empty), but never takes a key another call holds now.
 * KEYS: call, caller, callee. ARGV: owner, `callId|owner`, `callId|owner`, ttlMs.
 */
const REFRESH = luaScript(
  'call_refresh',
  3,
  `for i = 1, 3 do
  local held = redis.call('GET', KEYS[i])
  if held == ARGV[i] then redis.call('PEXPIRE', KEYS[i], ARGV[4])
  elseif not held then redis.call('SET', KEYS[i], ARGV[i], 'PX', ARGV[4]) end
end
return 0`,
);

/**
 * {@link CallRegistry} on Redis, shared by every node: `<prefix>call-user:<userId>` =
 * `<callId>|<ownerNode>` per engaged user (the busy check: an atomic script sets both users' keys
 * or neither), and `<prefix>call:<callId>` = owner node (where frames about the call are
 * forwarded). Every key has a TTL that the owner refreshes for its own live calls, so when the
 * owner crashes its users are free again within `ttlMs` (default 30 s). Release deletes only keys
 * that still hold the released call.
 */
export class RedisCallRegistry implements CallRegistry {
  private readonly redis: Redis;
  private readonly nodeId: string;
  private readonly keys: RedisKeys;
  private readonly ttlMs: number;
  private readonly onError: (error: unknown) => void;
  /** This node's live calls: callId → [caller, callee]. */
  private readonly own = new Map<string, readonly [string, string]>();
  private stopRefresh: () => void;

  constructor(options: RedisCallRegistryOptions) {
    this.redis = options.redis;
    this.nodeId = options.nodeId;
    this.keys = new RedisKeys(options.prefix);
    this.ttlMs = options.ttlMs ?? 30_000;
    this.onError = options.onError ?? (() => {});
    const refreshMs = options.refreshMs ?? Math.floor(this.ttlMs / 3);
    if (refreshMs >= this.ttlMs) throw new Error('RedisCallRegistry: refreshMs must be shorter than ttlMs');
    this.stopRefresh = every(options.timers ?? SYSTEM_TIMERS, refreshMs, () => this.refresh());
  }

  async engage(callId: string, callerId: string, calleeId: string): Promise<Engagement> {
    const k = this.keys;
    const answer = await ENGAGE(this.redis, [k.callOfUser(callerId), k.callOfUser(calleeId), k.call(callId)], [this.held(callId), this.nodeId, this.ttlMs]);
    if (answer === 'engaged') this.own.set(callId, [callerId, calleeId]);
    return answer as Engagement;
  }

  async release(callId: string, userIds: readonly string[]): Promise<void> {
    this.own.delete(callId);
    await RELEASE(this.redis, [this.keys.call(callId)], [callId, this.keys.callOfUser(''), ...userIds]);
  }

  async ownerOf(callId: string): Promise<string | null> {
    return this.redis.get(this.keys.call(callId));
  }

  async callOf(userId: string): Promise<UserCall | null> {
    const held = await this.redis.get(this.keys.callOfUser(userId));
    const bar = held?.lastIndexOf('|') ?? -1;
    if (!held || bar < 0) return null;
    return { callId: held.slice(0, bar), ownerNode: held.slice(bar + 1) };
  }

  /** Refreshes this node's live calls now (also done every `refreshMs`). */
  async refresh(): Promise<void> {
    const k = this.keys;
    const runs = [...this.own].map(([callId, [caller, callee]]) =>
      REFRESH(this.redis, [k.call(callId), k.callOfUser(caller), k.callOfUser(callee)], [this.nodeId, this.held(callId), this.held(callId), this.ttlMs]),
    );
    for (const result of await Promise.allSettled(runs)) if (result.status === 'rejected') this.onError(result.reason);
  }

  /**
   * Stops refreshing. Calls still engaged are not released: their keys expire within the TTL, as
   * after a crash (a server that stops gracefully ends its calls first, which releases them).
   */
  close(): void {
    this.stopRefresh();
    this.stopRefresh = () => {};
    this.own.clear();
  }

  private held(callId: string): string {
    return `${callId}|${this.nodeId}`;
  }
}
