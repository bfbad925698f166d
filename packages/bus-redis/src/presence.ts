import type { Redis } from 'ioredis';
import type { Presence, PresenceListener, PresenceRecord } from '@quickchat/server';
import type { RedisNodes } from './nodes.js';
import { CONNECT, DISCONNECT, SET_VISIBLE, SWEEP } from './presence-scripts.js';
import { SYSTEM_TIMERS, every, type Timers } from './timers.js';

/** How a {@link RedisPresence} behaves. */
export interface RedisPresenceOptions {
  /** A connection for commands (not closed by {@link RedisPresence.close}: the caller owns it). */
  redis: Redis;
  /** This node's liveness (started): its id, its key prefix, and the news of gone nodes. */
  nodes: RedisNodes;
  /** How long a user stays online after their last session anywhere went away. */
  graceMs: number;
  /** Clock for `lastSeenAt` and the grace period (default `Date.now`; every node's should agree). */
  now?: () => number;
  /** Timers of the grace period and the sweep (default: the process's). */
  timers?: Timers;
  /** How often this node sweeps pending offlines and gone nodes' fields (default 1000 ms). */
  sweepMs?: number;
  /** How long `lastSeenAt` and visibility are kept after the user was last seen (default 30 days). */
  memoryTtlMs?: number;
  /** Told of a failed write or sweep (Redis unreachable). */
  onError?: (error: unknown) => void;
}

/** How many due offlines one sweep script takes at most (it runs again when it took that many). */
const SWEEP_BATCH = 500;

/** This node's sessions of one user. */
interface Local {
  devices: number;
  visible: boolean;
}

/**
 * {@link Presence} across nodes on Redis, as the seam's doc describes: per-node device counts in
 * a hash per user (`HINCRBY`), the grace period as a sorted set of pending offlines that every
 * node sweeps (a `connected` on any node cancels it; the sweeper that removes an entry is the one
 * that announces the offline), `lastSeenAt` and visibility in a hash per user with a long TTL, and
 * every change published on one channel that every node's {@link onChange} listeners hear,
 * including the node that made it. Read-modify-writes are Lua scripts (presence-scripts.ts).
 *
 * Crashes: a node whose heartbeat key expired has its fields swept by the survivors, and its users
 * with no session elsewhere enter the grace period then. Bound: a crashed node's users go offline
 * within `ttlMs + sweep interval + graceMs` of its last heartbeat (defaults 6 s + ≤ 2 s + 5 s),
 * with `lastSeenAt` = when the crash was noticed. A node whose own heartbeat lapsed (a stall, or
 * Redis restarted empty) re-asserts its sessions from its memory when it registers again.
 *
 * Like the bus, Redis holds nothing the Store must keep: presence lost with Redis comes back as
 * sessions are re-asserted, and `lastSeenAt` of offline users is then unknown.
 */
export class RedisPresence implements Presence {
  private readonly redis: Redis;
  private readonly nodes: RedisNodes;
  private readonly now: () => number;
  private readonly timers: Timers;
  private readonly graceMs: number;
  private readonly memoryTtlMs: number;
  private readonly sweepMs: number;
  private readonly onError: (error: unknown) => void;
  private readonly local = new Map<string, Local>();
  /** Per user: the timer that sweeps exactly when the grace period this node started ends. */
  private readonly graceTimers = new Map<string, unknown>();
  private readonly listeners = new Set<PresenceListener>();
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly barriers = new Map<string, () => void>();
  private subscriber: Redis | null = null;
  private stops: (() => void)[] = [];
  private nextBarrier = 0;
  private closed = false;

  constructor(options: RedisPresenceOptions) {
    this.redis = options.redis;
    this.nodes = options.nodes;
    this.now = options.now ?? Date.now;
    this.timers = options.timers ?? SYSTEM_TIMERS;
    this.graceMs = options.graceMs;
    this.memoryTtlMs = options.memoryTtlMs ?? 30 * 24 * 3600_000;
    this.sweepMs = options.sweepMs ?? 1000;
    this.onError = options.onError ?? (() => {});
  }

  /**
   * Subscribes to the change channel (its own connection, a duplicate of `redis`) and starts
   * sweeping; resolves once the subscription is live, so no change after it is missed.
   */
  async start(): Promise<this> {
    // Its own settings: it must resubscribe by itself after Redis comes back.
    const subscriber = this.redis.duplicate({ lazyConnect: false, autoResubscribe: true, enableOfflineQueue: true });
    this.subscriber = subscriber;
    subscriber.on('message', (_channel: string, text: string) => this.received(text));
    subscriber.on('error', this.onError);
    await subscriber.subscribe(this.nodes.keys.presenceChannel);
    this.stops.push(every(this.timers, this.sweepMs, () => this.sweep()));
    this.stops.push(this.nodes.onNodeGone(() => void this.track(this.sweep())));
    this.stops.push(this.nodes.onRejoined(() => this.track(this.reassert())));
    const reconnected = () => this.track(this.reassert());
    this.redis.on('ready', reconnected);
    this.stops.push(() => void this.redis.off('ready', reconnected));
    return this;
  }

  connected(userId: string, visible: boolean): void {
    if (this.closed) return;
    const entry = this.local.get(userId);
    if (entry) {
      entry.devices++;
      entry.visible = visible;
    } else this.local.set(userId, { devices: 1, visible });
    this.cancelGraceTimer(userId);
    this.track(this.connect(userId, visible, 1, 'incr'));
  }

  disconnected(userId: string): void {
    const entry = this.local.get(userId);
    if (this.closed || !entry) return;
    if (--entry.devices === 0) {
      this.local.delete(userId);
      // When this was the user's last session anywhere, the grace ends graceMs from now: sweep then.
      this.cancelGraceTimer(userId);
      this.graceTimers.set(
        userId,
        this.timers.setTimeout(() => {
          this.graceTimers.delete(userId);
          this.track(this.sweep());
        }, this.graceMs),
      );
    }
    this.track(this.disconnect(userId, 'one'));
  }

  setVisible(userId: string, visible: boolean): void {
    if (this.closed) return;
    const entry = this.local.get(userId);
    if (entry) entry.visible = visible;
    const k = this.nodes.keys;
    const keys = [k.presence(userId), k.presencePending, k.presenceMeta(userId)];
    this.track(SET_VISIBLE(this.redis, keys, [k.presenceChannel, userId, visible ? '1' : '0', this.memoryTtlMs]));
  }

  /** One round trip (a pipeline) for any number of users. */
  async statesOf(userIds: readonly string[]): Promise<Map<string, PresenceRecord>> {
    const states = new Map<string, PresenceRecord>();
    if (userIds.length === 0) return states;
    const k = this.nodes.keys;
    const pipeline = this.redis.pipeline();
    for (const userId of userIds) {
      pipeline.hlen(k.presence(userId));
      pipeline.zscore(k.presencePending, userId);
      pipeline.hmget(k.presenceMeta(userId), 'visible', 'seen');
    }
    const replies = (await pipeline.exec()) ?? [];
    userIds.forEach((userId, i) => {
      const [devices, pending, meta] = [0, 1, 2].map((j) => {
        const [error, value] = replies[i * 3 + j] ?? [new Error('no reply')];
        if (error) throw error;
        return value;
      }) as [number, string | null, (string | null)[]];
      const [visible, seen] = meta;
      if (devices > 0 || pending !== null) states.set(userId, { userId, online: true, visible: visible === '1' });
      else if (visible != null) states.set(userId, { userId, online: false, visible: visible === '1', ...(seen != null && { lastSeenAt: Number(seen) }) });
    });
    return states;
  }

  onChange(listener: PresenceListener): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  /**
   * Resolves once every write this node started has been applied and every change published
   * before then has reached this node's listeners (a marker sent through the change channel came
   * back). For tests and orderly shutdown.
   */
  async whenIdle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
    if (this.closed || !this.subscriber) return;
    const id = `${this.nodes.nodeId}:${++this.nextBarrier}`;
    const back = new Promise<void>((resolve) => this.barriers.set(id, resolve));
    await this.redis.publish(this.nodes.keys.presenceChannel, JSON.stringify({ barrier: id }));
    await back;
  }

  /**
   * Stops the timers, drops the listeners and closes the subscriber connection it opened. The
   * fields of this node's sessions stay until they disconnect or the node is declared gone.
   */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const stop of this.stops) stop();
    this.stops = [];
    for (const handle of this.graceTimers.values()) this.timers.clearTimeout(handle);
    this.graceTimers.clear();
    this.listeners.clear();
    for (const release of this.barriers.values()) release();
    this.barriers.clear();
    this.subscriber?.disconnect();
    this.subscriber = null;
  }

  /** Sweeps pending offlines and gone nodes' fields now (also done every `sweepMs`). */
  async sweep(): Promise<void> {
    const k = this.nodes.keys;
    const keys = [k.presencePending, k.presenceNodes];
    const prefixes = [k.presence(''), k.presenceMeta(''), k.presenceOfNode(''), k.node('')];
    try {
      for (;;) {
        if (this.closed) return;
        const args = [k.presenceChannel, this.now(), this.graceMs, this.nodes.nodeId, ...prefixes, this.memoryTtlMs, SWEEP_BATCH];
        if ((await SWEEP(this.redis, keys, args)) !== SWEEP_BATCH) return;
      }
    } catch (error) {
      this.onError(error);
    }
  }

  private disconnect(userId: string, mode: 'one' | 'all'): Promise<unknown> {
    const k = this.nodes.keys;
    const leftAt = this.now();
    const keys = [k.presence(userId), k.presenceOfNode(this.nodes.nodeId), k.presencePending, k.presenceMeta(userId)];
    return DISCONNECT(this.redis, keys, [userId, this.nodes.nodeId, leftAt, leftAt + this.graceMs, this.memoryTtlMs, mode]);
  }

  private connect(userId: string, visible: boolean, count: number, mode: 'incr' | 'set'): Promise<unknown> {
    const k = this.nodes.keys;
    const node = this.nodes.nodeId;
    const keys = [k.presence(userId), k.presenceOfNode(node), k.presenceNodes, k.presencePending, k.presenceMeta(userId)];
    return CONNECT(this.redis, keys, [k.presenceChannel, userId, node, visible ? '1' : '0', count, mode, this.memoryTtlMs]);
  }

  /**
   * Makes this node's fields match its sessions again: after its heartbeat lapsed (the survivors
   * may have swept them), or after a reconnect (writes that failed meanwhile were lost).
   */
  private async reassert(): Promise<void> {
    if (this.closed) return;
    const listed = await this.redis.smembers(this.nodes.keys.presenceOfNode(this.nodes.nodeId));
    const writes = listed.filter((userId) => !this.local.has(userId)).map((userId) => this.disconnect(userId, 'all'));
    for (const [userId, entry] of this.local) writes.push(this.connect(userId, entry.visible, entry.devices, 'set'));
    await Promise.all(writes);
  }

  private cancelGraceTimer(userId: string): void {
    const handle = this.graceTimers.get(userId);
    if (handle === undefined) return;
    this.timers.clearTimeout(handle);
    this.graceTimers.delete(userId);
  }

  private track(work: Promise<unknown>): void {
    const done = work.catch(this.onError).finally(() => this.inFlight.delete(done));
    this.inFlight.add(done);
  }

  private received(text: string): void {
    let message: (PresenceRecord & { barrier?: undefined }) | { barrier: string };
    try {
      message = JSON.parse(text) as typeof message;
    } catch (error) {
      return this.onError(error);
    }
    if (message.barrier !== undefined) {
      const release = this.barriers.get(message.barrier);
      this.barriers.delete(message.barrier);
      return release?.();
    }
    const record: PresenceRecord = { userId: message.userId, online: message.online, visible: message.visible };
    if (message.lastSeenAt !== undefined) record.lastSeenAt = message.lastSeenAt;
    for (const listener of [...this.listeners]) {
      try {
        listener(record);
      } catch (error) {
        this.onError(error);
      }
    }
  }
}
