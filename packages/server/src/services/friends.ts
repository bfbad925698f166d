import { ErrorCode, type FriendEntry, type FriendshipStatus, type PublicUser, type UserEvent } from '@quickchat/protocol';
import { AppError, notFound } from '../errors.js';
import type { FriendshipRow, NewUserEvent, RelationChange, StoredFriendshipStatus } from '../store/types.js';
import { RELATION_TOPIC, type RelationInvalidation } from '../bus/topics.js';
import { publishToUsers } from './publish.js';
import { toPublicUser } from './users.js';
import type { ServiceContext } from './context.js';

/** Which list to read: friends (incl. peers who removed you), incoming or outgoing requests. */
export type FriendListKind = 'friends' | 'incoming' | 'outgoing';

/** How many `canMessage` answers are cached (ordered pairs; roughly 150 bytes each). */
const PERMISSION_CACHE_SIZE = 100_000;
/**
 * How long a cached answer may be used. Invalidations travel on the bus, which is best-effort
 * across nodes; this bounds how long a lost invalidation could leave another node stale.
 */
const PERMISSION_TTL_MS = 30_000;

/**
 * Friendships with the original design's semantics, made safe. Each side owns a row:
 * `outgoing`/`incoming` while a request is pending, `friends` when mutual, and `removed` on
 * the side of someone whose friend removed them (removal is one-way). Every change is stored
 * as a user event for both sides (so offline users see it on sync) and pushed live.
 */
export class FriendService {
  /** Serializes changes per pair of users so concurrent requests can't interleave. */
  private readonly pairLocks = new Map<string, Promise<unknown>>();
  /**
   * `canMessage` answers by ordered pair (`sender\npeer`), oldest first, with their expiry. Every
   * relation change drops the entries of its pair on every node (see {@link invalidate}).
   */
  private readonly permissions = new Map<string, { allowed: boolean; expires: number }>();
  /**
   * Bumped by every invalidation. A store read that overlapped one may have seen the old
   * relation, so its answer is returned but not cached.
   */
  private generation = 0;
  private readonly unsubscribe: () => void;

  constructor(private readonly ctx: ServiceContext) {
    this.unsubscribe = ctx.bus.subscribe(RELATION_TOPIC, (payload) => this.onInvalidation(payload));
  }

  /** Stops listening for relation changes (server shutdown). */
  close(): void {
    this.unsubscribe();
    this.permissions.clear();
  }

  /** Sends a request; if the peer already asked us, this accepts instead. */
  request(userId: string, peerId: string, memo: string | undefined): Promise<FriendshipStatus> {
    return this.locked(userId, peerId, async () => {
      if (userId === peerId) throw new AppError(ErrorCode.Validation, 'userId: you cannot befriend yourself');
      await this.requireVisiblePeer(userId, peerId);
      if (await this.ctx.store.isBlocked(userId, peerId)) throw new AppError(ErrorCode.Conflict, 'you blocked this user; unblock them first');
      const mine = await this.ctx.store.getFriendship(userId, peerId);
      if (mine?.status === 'friends') throw new AppError(ErrorCode.Conflict, 'you are already friends');
      if (mine?.status === 'outgoing') return 'outgoing';
      if (mine?.status === 'incoming') return this.makeFriends(userId, peerId);
      const now = this.ctx.now();
      await this.apply({
        upsert: [row(userId, peerId, 'outgoing', memo ?? null, now), row(peerId, userId, 'incoming', memo ?? null, now)],
        remove: [],
        events: [
          friendshipEvent(userId, peerId, 'outgoing', userId, now, memo),
          friendshipEvent(peerId, userId, 'incoming', userId, now, memo),
        ],
      });
      return 'outgoing';
    });
  }

  /** Accepts an incoming request from `peerId`. */
  accept(userId: string, peerId: string): Promise<FriendshipStatus> {
    return this.locked(userId, peerId, async () => {
      await this.requirePending(userId, peerId, 'incoming');
      return this.makeFriends(userId, peerId);
    });
  }

  /** Declines an incoming request: both rows go, and the requester sees `none`. */
  decline(userId: string, peerId: string): Promise<void> {
    return this.locked(userId, peerId, async () => {
      await this.requirePending(userId, peerId, 'incoming');
      await this.dropPair(userId, peerId);
    });
  }

  /** Withdraws our outgoing request. */
  cancel(userId: string, peerId: string): Promise<void> {
    return this.locked(userId, peerId, async () => {
      await this.requirePending(userId, peerId, 'outgoing');
      await this.dropPair(userId, peerId);
    });
  }

  /**
   * One-way removal: our row goes; the peer's row becomes `removed` (they removed-by-us).
   * Removing a `removed` row just clears our side.
   */
  remove(userId: string, peerId: string): Promise<void> {
    return this.locked(userId, peerId, async () => {
      const mine = await this.ctx.store.getFriendship(userId, peerId);
      if (mine?.status !== 'friends' && mine?.status !== 'removed') throw notFound('friend');
      const now = this.ctx.now();
      const change: RelationChange = { upsert: [], remove: [{ userId, peerId }], events: [friendshipEvent(userId, peerId, 'none', userId, now)] };
      if (mine.status === 'friends') {
        change.upsert.push(row(peerId, userId, 'removed', null, now));
        change.events.push(friendshipEvent(peerId, userId, 'removed', userId, now));
      }
      await this.apply(change);
    });
  }

  /** Blocks a user: ends any friendship or pending request, and stops their requests and DMs. */
  block(userId: string, peerId: string): Promise<void> {
    return this.locked(userId, peerId, async () => {
      if (userId === peerId) throw new AppError(ErrorCode.Validation, 'userId: you cannot block yourself');
      if (!(await this.ctx.store.getUser(peerId))) throw notFound('user');
      const now = this.ctx.now();
      const mine = await this.ctx.store.getFriendship(userId, peerId);
      const theirs = await this.ctx.store.getFriendship(peerId, userId);
      const change: RelationChange = {
        upsert: [],
        remove: [],
        block: { blockerId: userId, blockedId: peerId, blocked: true },
        events: [{ userId, kind: 'block', at: now, peerId, blocked: true, actorId: userId }],
      };
      if (mine) {
        change.remove.push({ userId, peerId });
        change.events.push(friendshipEvent(userId, peerId, 'none', userId, now));
      }
      if (theirs?.status === 'friends') {
        change.upsert.push(row(peerId, userId, 'removed', null, now));
        change.events.push(friendshipEvent(peerId, userId, 'removed', userId, now));
      } else if (theirs?.status === 'incoming' || theirs?.status === 'outgoing') {
        change.remove.push({ userId: peerId, peerId: userId });
        change.events.push(friendshipEvent(peerId, userId, 'none', userId, now));
      }
      await this.apply(change);
    });
  }

  /** Lifts a block. Friendship is not restored; a new request is needed. */
  unblock(userId: string, peerId: string): Promise<void> {
    return this.locked(userId, peerId, async () => {
      if (!(await this.ctx.store.isBlocked(userId, peerId))) throw notFound('block');
      const now = this.ctx.now();
      await this.apply({
        upsert: [],
        remove: [],
        block: { blockerId: userId, blockedId: peerId, blocked: false },
        events: [{ userId, kind: 'block', at: now, peerId, blocked: false, actorId: userId }],
      });
    });
  }

  /** One of the three lists, with each peer's public profile. */
  async list(userId: string, kind: FriendListKind): Promise<FriendEntry[]> {
    const rows =
      kind === 'friends'
        ? [...(await this.ctx.store.listFriendships(userId, 'friends')), ...(await this.ctx.store.listFriendships(userId, 'removed'))]
        : await this.ctx.store.listFriendships(userId, kind);
    const users = new Map((await this.ctx.store.getUsers(rows.map((r) => r.peerId))).map((u) => [u.id, u]));
    return rows.flatMap((r) => {
      const user = users.get(r.peerId);
      return user ? [{ user: toPublicUser(user), status: r.status, memo: r.memo, since: r.updatedAt }] : [];
    });
  }

  /** Users `userId` has blocked. */
  async listBlocked(userId: string): Promise<PublicUser[]> {
    const ids = await this.ctx.store.listBlocked(userId);
    return (await this.ctx.store.getUsers(ids)).map(toPublicUser);
  }

  /**
   * Whether `senderId` may DM `peerId` under the configured policy. False for unknown users,
   * blocks in either direction, and (policy "friends") anything short of mutual friendship.
   */
  async canMessage(senderId: string, peerId: string): Promise<boolean> {
    const cached = this.cachedCanMessage(senderId, peerId);
    if (cached !== undefined) return cached;
    const key = `${senderId}\n${peerId}`;
    const now = this.ctx.now();
    const generation = this.generation;
    const { allowed, cacheable } = await this.readPermission(senderId, peerId);
    if (cacheable && generation === this.generation) {
      this.permissions.delete(key);
      this.permissions.set(key, { allowed, expires: now + PERMISSION_TTL_MS });
      if (this.permissions.size > PERMISSION_CACHE_SIZE) this.permissions.delete(this.permissions.keys().next().value!);
    }
    return allowed;
  }

  /**
   * {@link canMessage} without I/O: its answer when that is known at once (a live cached entry,
   * or a user messaging themself), else `undefined`. Lets the hot send path skip a promise.
   */
  cachedCanMessage(senderId: string, peerId: string): boolean | undefined {
    if (senderId === peerId) return false;
    const hit = this.permissions.get(`${senderId}\n${peerId}`);
    return hit !== undefined && hit.expires > this.ctx.now() ? hit.allowed : undefined;
  }

  /**
   * The uncached answer. Every input is a relation row, which only changes through
   * {@link apply} (and so is invalidated), except whether the peer exists: a bring-your-own-identity
   * user appears on first sign-in, so "no such user" is never cached.
   */
  private async readPermission(senderId: string, peerId: string): Promise<{ allowed: boolean; cacheable: boolean }> {
    const { store } = this.ctx;
    if ((await store.isBlocked(peerId, senderId)) || (await store.isBlocked(senderId, peerId))) return { allowed: false, cacheable: true };
    if (this.ctx.config.dmPolicy === 'anyone') {
      const exists = (await store.getUser(peerId)) !== null;
      return { allowed: exists, cacheable: exists };
    }
    const [mine, theirs] = await Promise.all([store.getFriendship(senderId, peerId), store.getFriendship(peerId, senderId)]);
    return { allowed: mine?.status === 'friends' && theirs?.status === 'friends', cacheable: true };
  }

  /** Drops cached permissions of the given pairs (both directions); a malformed message drops all. */
  private invalidate(pairs: readonly (readonly [string, string])[] | null): void {
    this.generation++;
    if (pairs === null) {
      this.permissions.clear();
      return;
    }
    for (const [a, b] of pairs) {
      this.permissions.delete(`${a}\n${b}`);
      this.permissions.delete(`${b}\n${a}`);
    }
  }

  private onInvalidation(payload: string): void {
    let pairs: [string, string][] | null = null;
    try {
      const message = JSON.parse(payload) as RelationInvalidation;
      if (Array.isArray(message.pairs) && message.pairs.every((p) => Array.isArray(p) && typeof p[0] === 'string' && typeof p[1] === 'string')) pairs = message.pairs;
    } catch {
      // Fall through: forget everything rather than keep a possibly stale answer.
    }
    if (pairs === null) this.ctx.log.warn('malformed relation invalidation; dropping all cached DM permissions');
    this.invalidate(pairs);
  }

  private async makeFriends(userId: string, peerId: string): Promise<FriendshipStatus> {
    const now = this.ctx.now();
    await this.apply({
      upsert: [row(userId, peerId, 'friends', null, now), row(peerId, userId, 'friends', null, now)],
      remove: [],
      events: [friendshipEvent(userId, peerId, 'friends', userId, now), friendshipEvent(peerId, userId, 'friends', userId, now)],
    });
    return 'friends';
  }

  private async dropPair(userId: string, peerId: string): Promise<void> {
    const now = this.ctx.now();
    await this.apply({
      upsert: [],
      remove: [{ userId, peerId }, { userId: peerId, peerId: userId }],
      events: [friendshipEvent(userId, peerId, 'none', userId, now), friendshipEvent(peerId, userId, 'none', userId, now)],
    });
  }

  private async requirePending(userId: string, peerId: string, status: 'incoming' | 'outgoing'): Promise<void> {
    const mine = await this.ctx.store.getFriendship(userId, peerId);
    if (mine?.status !== status) throw notFound('friend request');
  }

  /** A peer who blocked us is reported exactly like a peer who does not exist. */
  private async requireVisiblePeer(userId: string, peerId: string): Promise<void> {
    const exists = (await this.ctx.store.getUser(peerId)) !== null;
    if (!exists || (await this.ctx.store.isBlocked(peerId, userId))) throw notFound('user');
  }

  private async apply(change: RelationChange): Promise<void> {
    let events: UserEvent[];
    try {
      events = await this.ctx.store.applyRelationChange(change);
    } finally {
      // Even after a failure: the change may have committed before the error surfaced.
      const pairs = relationPairs(change);
      // This node at once (whatever the bus does), then every node, this one included.
      this.invalidate(pairs);
      this.ctx.bus.publish(RELATION_TOPIC, JSON.stringify({ pairs } satisfies RelationInvalidation));
    }
    events.forEach((event, i) => {
      const owner = change.events[i]?.userId;
      if (owner) publishToUsers(this.ctx.bus, [owner], { type: 'event', event });
    });
  }

  private async locked<T>(a: string, b: string, fn: () => Promise<T>): Promise<T> {
    const key = a < b ? `${a}\n${b}` : `${b}\n${a}`;
    const previous = this.pairLocks.get(key) ?? Promise.resolve();
    const run = previous.then(fn, fn);
    const tail = run.catch(() => undefined);
    this.pairLocks.set(key, tail);
    void tail.then(() => {
      if (this.pairLocks.get(key) === tail) this.pairLocks.delete(key);
    });
    return run;
  }
}

/** The distinct unordered user pairs a relation change touches. */
function relationPairs(change: RelationChange): [string, string][] {
  const pairs = new Map<string, [string, string]>();
  const add = (a: string, b: string) => pairs.set(a < b ? `${a}\n${b}` : `${b}\n${a}`, a < b ? [a, b] : [b, a]);
  for (const r of change.upsert) add(r.userId, r.peerId);
  for (const r of change.remove) add(r.userId, r.peerId);
  if (change.block) add(change.block.blockerId, change.block.blockedId);
  return [...pairs.values()];
}

function row(userId: string, peerId: string, status: StoredFriendshipStatus, memo: string | null, now: number): FriendshipRow {
  return { userId, peerId, status, memo, updatedAt: now };
}

function friendshipEvent(userId: string, peerId: string, status: FriendshipStatus, actorId: string, at: number, memo?: string): NewUserEvent {
  return memo === undefined ? { userId, kind: 'friendship', at, peerId, status, actorId } : { userId, kind: 'friendship', at, peerId, status, actorId, memo };
}
