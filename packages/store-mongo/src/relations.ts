import type { UserEvent } from '@quickchat/protocol';
import type { FriendshipRow, NewUserEvent, RelationChange, RelationStore, StoredFriendshipStatus } from '@quickchat/server';
import { byCodePoint, type Ctx } from './context.js';
import { toEvent, type UserEventLog } from './events.js';
import { bool, filters, gt, int, oneOf, str, strOrNull } from './filters.js';
import type { BlockDoc, FriendshipDoc, UserEventDoc } from './schemas.js';

const STATUSES = ['outgoing', 'incoming', 'friends', 'removed'] as const;

function toFriendship(d: FriendshipDoc): FriendshipRow {
  return { userId: d.userId, peerId: d.peerId, status: d.status as StoredFriendshipStatus, memo: d.memo, updatedAt: d.updatedAt };
}

/**
 * {@link RelationStore} on MongoDB. A relation change (rows, block, events) and a multi-log event
 * append are each one transaction, so a relation and the events describing it commit together.
 */
export class MongoRelations implements RelationStore {
  constructor(
    private readonly ctx: Ctx,
    private readonly events: UserEventLog,
  ) {}

  async getFriendship(userId: string, peerId: string): Promise<FriendshipRow | null> {
    const doc = await this.ctx.models.friendships.findOne(filters.friendship(userId, peerId)).lean<FriendshipDoc>();
    return doc ? toFriendship(doc) : null;
  }

  async listFriendships(userId: string, status: StoredFriendshipStatus): Promise<FriendshipRow[]> {
    const filter = { userId: str(userId, 'user id'), status: oneOf(status, STATUSES, 'status') };
    const docs = await this.ctx.models.friendships.find(filter).sort({ updatedAt: -1, peerId: 1 }).lean<FriendshipDoc[]>();
    return docs.map(toFriendship);
  }

  async isBlocked(blockerId: string, blockedId: string): Promise<boolean> {
    return (await this.ctx.models.blocks.exists(filters.block(blockerId, blockedId))) !== null;
  }

  async listBlocked(blockerId: string): Promise<string[]> {
    const docs = await this.ctx.models.blocks.find({ blockerId: str(blockerId, 'blocker id') }).sort({ blockedId: 1 }).lean<BlockDoc[]>();
    return docs.map((d) => d.blockedId);
  }

  async applyRelationChange(change: RelationChange): Promise<UserEvent[]> {
    const upserts = change.upsert.map((row) => ({
      filter: filters.friendship(row.userId, row.peerId),
      set: { status: oneOf(row.status, STATUSES, 'status'), memo: strOrNull(row.memo, 'memo'), updatedAt: int(row.updatedAt, 'updatedAt') },
    }));
    const removals = change.remove.map(({ userId, peerId }) => filters.friendship(userId, peerId));
    const block = change.block && { filter: filters.block(change.block.blockerId, change.block.blockedId), blocked: bool(change.block.blocked, 'blocked') };
    const { friendships, blocks } = this.ctx.models;
    return this.ctx.transact(async (s) => {
      for (const { filter, set } of upserts) await friendships.updateOne(filter, { $set: set }, { upsert: true, session: s });
      for (const filter of removals) await friendships.deleteOne(filter, { session: s });
      if (block) {
        if (block.blocked) await blocks.updateOne(block.filter, { $set: block.filter }, { upsert: true, session: s });
        else await blocks.deleteOne(block.filter, { session: s });
      }
      return this.events.append(s, change.events);
    });
  }

  async appendUserEvents(events: readonly NewUserEvent[]): Promise<UserEvent[]> {
    if (events.length === 0) return [];
    return this.ctx.transact((s) => this.events.append(s, events));
  }

  async listProfileViewers(userId: string): Promise<string[]> {
    const user = str(userId, 'user id');
    const { friendships, blocks } = this.ctx.models;
    const rows = await friendships.find({ peerId: user }, { _id: 0, userId: 1 }).lean<Pick<FriendshipDoc, 'userId'>[]>();
    const blocked = new Set([
      ...(await blocks.find({ blockerId: user }, { _id: 0, blockedId: 1 }).lean<Pick<BlockDoc, 'blockedId'>[]>()).map((b) => b.blockedId),
      ...(await blocks.find({ blockedId: user }, { _id: 0, blockerId: 1 }).lean<Pick<BlockDoc, 'blockerId'>[]>()).map((b) => b.blockerId),
    ]);
    return rows.map((r) => r.userId).filter((id) => !blocked.has(id)).sort(byCodePoint);
  }

  async getUserEvents(userId: string, afterSeq: number, limit: number): Promise<UserEvent[]> {
    const filter = { userId: str(userId, 'user id'), seq: gt(afterSeq) };
    if (int(limit, 'limit') <= 0) return [];
    const docs = await this.ctx.models.userEvents.find(filter).sort({ seq: 1 }).limit(int(limit, 'limit')).lean<UserEventDoc[]>();
    return docs.map(toEvent);
  }

  async latestUserEventSeq(userId: string): Promise<number> {
    return this.events.latestSeq(userId);
  }
}
