import type { Redis } from 'ioredis';
import { RedisKeys } from './keys.js';
import { luaScript } from './lua.js';
import { SYSTEM_TIMERS, every, type Timers } from './timers.js';

/** How a {@link RedisNodes} beats and watches. */
export interface RedisNodesOptions {
  /** A connection for commands (not closed by {@link RedisNodes.close}: the caller owns it). */
  redis: Redis;
  /** This node's id (`ServiceContext.nodeId`): unique per process start. */
  nodeId: string;
  /** Key prefix shared by the deployment (default `quickchat:`). */
  prefix?: string;
  /** How often this node refreshes its heartbeat key (default 2000 ms). */
  heartbeatMs?: number;
  /** The heartbeat key's TTL: how long a silent node counts as alive (default 6000 ms; keep it ≥ 2 heartbeats). */
  ttlMs?: number;
  /** How often this node looks for gone nodes (default: the heartbeat interval). */
  sweepMs?: number;
  /** Timers of the heartbeat and the sweep (default: the process's). */
  timers?: Timers;
  /** Told of a failed heartbeat or sweep (Redis unreachable); they are retried at the next interval. */
  onError?: (error: unknown) => void;
}

/** Sets the heartbeat key and registers the node; returns 1 when the key was still there (the node never lapsed). */
const BEAT = luaScript(
  'node_beat',
  2,
  `local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local before = redis.call('SET', KEYS[1], now, 'PX', ARGV[2], 'GET')
redis.call('ZADD', KEYS[2], now, ARGV[1])
if before then return 1 end
return 0`,
);

/**
 * Moves every other node whose heartbeat key is gone from the registry to the gone set (keeping
 * its last beat), and returns their ids: only the caller that moved one hears of it. Forgets gone
 * nodes after ARGV[3] ms.
 */
const SWEEP = luaScript(
  'node_sweep',
  2,
  `local gone = {}
for _, id in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  if id ~= ARGV[2] and redis.call('EXISTS', ARGV[1] .. id) == 0 then
    local last = redis.call('ZSCORE', KEYS[1], id)
    redis.call('ZREM', KEYS[1], id)
    redis.call('ZADD', KEYS[2], last, id)
    gone[#gone + 1] = id
  end
end
local t = redis.call('TIME')
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', tonumber(t[1]) * 1000 - tonumber(ARGV[3]))
return gone`,
);

/** How long the last beat of a gone node is remembered ({@link RedisNodes.lastAliveAt}). */
const REMEMBER_GONE_MS = 7 * 24 * 3600_000;

/**
 * Node liveness on Redis (the server's `NodeDirectory` seam): each node refreshes a heartbeat key
 * `<prefix>node:<nodeId>` with a TTL, and is listed in the sorted set `<prefix>nodes`. Every node
 * sweeps that set each interval; the first to find a node whose key expired removes it (an atomic
 * script, so one survivor wins) and its {@link onNodeGone} listeners run the cleanup, once for the
 * whole deployment.
 *
 * Bound: a crashed node is declared gone within `ttlMs + sweepMs` of its last heartbeat (defaults:
 * 6 s + 2 s). A node that closes deletes its key, so it is declared gone at the next sweep.
 *
 * A node that finds its own key had lapsed (a stall longer than the TTL, or Redis restarted empty)
 * registers again and tells its {@link onRejoined} listeners, which re-assert what they hold in
 * Redis, since the survivors may have swept it meanwhile.
 */
export class RedisNodes {
  /** This node's id. */
  readonly nodeId: string;
  /** The key layout this directory (and the state that follows it) uses. */
  readonly keys: RedisKeys;
  private readonly redis: Redis;
  private readonly heartbeatMs: number;
  private readonly ttlMs: number;
  private readonly sweepMs: number;
  private readonly timers: Timers;
  private readonly onError: (error: unknown) => void;
  private readonly goneListeners = new Set<(nodeId: string) => void>();
  private readonly rejoinListeners = new Set<() => void>();
  private stops: (() => void)[] = [];
  private registered = false;
  private closed = false;

  constructor(options: RedisNodesOptions) {
    this.redis = options.redis;
    this.nodeId = options.nodeId;
    this.keys = new RedisKeys(options.prefix);
    this.heartbeatMs = options.heartbeatMs ?? 2000;
    this.ttlMs = options.ttlMs ?? 6000;
    this.sweepMs = options.sweepMs ?? this.heartbeatMs;
    this.timers = options.timers ?? SYSTEM_TIMERS;
    this.onError = options.onError ?? (() => {});
    if (this.ttlMs <= this.heartbeatMs) throw new Error('RedisNodes: ttlMs must be longer than heartbeatMs');
  }

  /** The longest a crashed node stays "alive" to the others: TTL plus one sweep interval. */
  get goneWithinMs(): number {
    return this.ttlMs + this.sweepMs;
  }

  /** Registers this node (the first heartbeat, awaited) and starts beating and sweeping. */
  async start(): Promise<this> {
    await this.beat();
    this.stops.push(every(this.timers, this.heartbeatMs, () => this.beat().catch(this.onError)));
    this.stops.push(every(this.timers, this.sweepMs, () => this.sweep().catch(this.onError)));
    return this;
  }

  /** Whether `nodeId` is alive: its heartbeat key exists (this node is, while not closed). */
  async isAlive(nodeId: string): Promise<boolean> {
    if (nodeId === this.nodeId) return !this.closed;
    return (await this.redis.exists(this.keys.node(nodeId))) === 1;
  }

  /**
   * When `nodeId` last beat (ms since the epoch, Redis's clock), whether alive or gone (gone nodes
   * are remembered a week); now for this node; null when unknown.
   */
  async lastAliveAt(nodeId: string): Promise<number | null> {
    if (nodeId === this.nodeId && !this.closed) return Date.now();
    const [[, alive] = [], [, gone] = []] = (await this.redis.pipeline().zscore(this.keys.nodes, nodeId).zscore(this.keys.nodesGone, nodeId).exec()) ?? [];
    const last = (alive ?? gone) as string | null | undefined;
    return last == null ? null : Number(last);
  }

  /** Calls `listener` with each node this node found gone (exactly one survivor hears of each); returns the unsubscribe function. */
  onNodeGone(listener: (nodeId: string) => void): () => void {
    this.goneListeners.add(listener);
    return () => void this.goneListeners.delete(listener);
  }

  /** Calls `listener` when this node registers again after its heartbeat lapsed; returns the unsubscribe function. */
  onRejoined(listener: () => void): () => void {
    this.rejoinListeners.add(listener);
    return () => void this.rejoinListeners.delete(listener);
  }

  /**
   * Looks for gone nodes now (also done every `sweepMs`); resolves with those this call declared
   * gone, after their listeners ran.
   */
  async sweep(): Promise<string[]> {
    if (this.closed) return [];
    const gone = (await SWEEP(this.redis, [this.keys.nodes, this.keys.nodesGone], [this.keys.node(''), this.nodeId, REMEMBER_GONE_MS])) as string[];
    for (const nodeId of gone) for (const listener of [...this.goneListeners]) safely(() => listener(nodeId), this.onError);
    return gone;
  }

  /**
   * Stops beating and sweeping and deletes this node's heartbeat key, so the others declare it gone
   * at their next sweep and clean up what it left. Listeners are dropped. Idempotent.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const stop of this.stops) stop();
    this.stops = [];
    this.goneListeners.clear();
    this.rejoinListeners.clear();
    await this.redis.del(this.keys.node(this.nodeId)).catch(this.onError);
  }

  private async beat(): Promise<void> {
    if (this.closed) return;
    const kept = await BEAT(this.redis, [this.keys.node(this.nodeId), this.keys.nodes], [this.nodeId, this.ttlMs]);
    const lapsed = this.registered && kept !== 1;
    this.registered = true;
    if (lapsed && !this.closed) for (const listener of [...this.rejoinListeners]) safely(listener, this.onError);
  }
}

function safely(run: () => void, onError: (error: unknown) => void): void {
  try {
    run();
  } catch (error) {
    onError(error);
  }
}
