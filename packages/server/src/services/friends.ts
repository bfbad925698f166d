import { ErrorCode, type FriendEntry, type FriendshipStatus, type PublicUser, type UserEvent } from '@quickchat/protocol';
import { AppError, notFound } from '../errors.js';
import type { FriendshipRow, NewUserEvent, RelationChange, StoredFriendshipStatus } from '../store/types.js';
import { publishToUsers } from './publish.js';
import { KeyedLock } from './keyed-lock.js';
import { toPublicUser } from './users.js';
import type { ServiceContext } from './context.js';
import type { ConversationAccess } from './access/access.js';

/** Which list to read: friends (incl. peers who removed you), incoming or outgoing requests. */
export type FriendListKind = 'friends' | 'incoming' | 'outgoing';

/**
 * Friendships with the original design's semantics, made safe. Each side owns a row:
 * `outgoing`/`incoming` while a request is pending, `friends` when mutual, and `removed` on
 * the side of someone whose friend removed them (removal is one-way). Every change is stored
 * as a user event for both sides (so offline users see it on sync) and pushed live. Who may then
 * write to whom is not decided here: every change is reported to the conversation-access seam.
 */
export class FriendService {
  /** Serializes changes per pair of users so concurrent requests can't interleave. */
  private readonly pairLocks = new KeyedLock();

  constructor(
    private readonly ctx: ServiceContext,
    private readonly access: ConversationAccess,
  ) {}

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
      this.access.relationsChanged(relationPairs(change));
    }
    events.forEach((event, i) => {
      const owner = change.events[i]?.userId;
      if (owner) publishToUsers(this.ctx.bus, [owner], { type: 'event', event });
    });
  }

  private locked<T>(a: string, b: string, fn: () => Promise<T>): Promise<T> {
    return this.pairLocks.run(a < b ? `${a}\n${b}` : `${b}\n${a}`, fn);
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
