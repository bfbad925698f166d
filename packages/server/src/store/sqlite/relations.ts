import type Database from 'better-sqlite3';
import type { UserEvent } from '@quickchat/protocol';
import type { FriendshipRow, NewUserEvent, RelationChange, RelationStore, StoredFriendshipStatus } from '../types.js';
import { fromFriendship, toEvent, toFriendship, type EventRow, type FriendshipDbRow } from './rows.js';
import type { UserEventLog } from './events.js';

function prepare(db: Database.Database) {
  return {
    friendship: db.prepare<[string, string], FriendshipDbRow>('SELECT * FROM friendships WHERE user_id = ? AND peer_id = ?'),
    friendshipsByStatus: db.prepare<[string, string], FriendshipDbRow>(
      'SELECT * FROM friendships WHERE user_id = ? AND status = ? ORDER BY updated_at DESC, peer_id',
    ),
    upsertFriendship: db.prepare<[FriendshipDbRow]>(
      `INSERT INTO friendships (user_id, peer_id, status, memo, updated_at) VALUES (@user_id, @peer_id, @status, @memo, @updated_at)
       ON CONFLICT (user_id, peer_id) DO UPDATE SET status = excluded.status, memo = excluded.memo, updated_at = excluded.updated_at`,
    ),
    deleteFriendship: db.prepare<[string, string]>('DELETE FROM friendships WHERE user_id = ? AND peer_id = ?'),
    isBlocked: db.prepare<[string, string], number>('SELECT EXISTS (SELECT 1 FROM blocks WHERE blocker_id = ? AND blocked_id = ?)').pluck(),
    listBlocked: db.prepare<[string], string>('SELECT blocked_id FROM blocks WHERE blocker_id = ? ORDER BY blocked_id').pluck(),
    insertBlock: db.prepare<[string, string]>('INSERT INTO blocks (blocker_id, blocked_id) VALUES (?, ?) ON CONFLICT DO NOTHING'),
    deleteBlock: db.prepare<[string, string]>('DELETE FROM blocks WHERE blocker_id = ? AND blocked_id = ?'),

    profileViewers: db.prepare<{ user: string }, string>(
      `SELECT f.user_id FROM friendships f WHERE f.peer_id = @user AND NOT EXISTS (
         SELECT 1 FROM blocks b WHERE (b.blocker_id = @user AND b.blocked_id = f.user_id) OR (b.blocker_id = f.user_id AND b.blocked_id = @user))
       ORDER BY f.user_id`,
    ).pluck(),
    eventsAfter: db.prepare<[string, number, number], EventRow>(
      'SELECT seq, kind, at, payload FROM user_events WHERE user_id = ? AND seq > ? ORDER BY seq LIMIT ?',
    ),
  };
}

/**
 * {@link RelationStore} on SQLite. A relation change (rows, block, events) is one IMMEDIATE
 * transaction, so event seqs are assigned under the write lock and never collide.
 */
export class SqliteRelations implements RelationStore {
  private readonly s: ReturnType<typeof prepare>;
  private readonly changeTx: Database.Transaction<(change: RelationChange) => UserEvent[]>;

  private readonly appendTx: Database.Transaction<(events: readonly NewUserEvent[]) => UserEvent[]>;

  /** `events`: the event log shared with the other parts that append events. */
  constructor(db: Database.Database, private readonly events: UserEventLog) {
    this.s = prepare(db);
    this.changeTx = db.transaction((change: RelationChange) => this.apply(change));
    this.appendTx = db.transaction((events: readonly NewUserEvent[]) => this.events.append(events));
  }

  private apply(change: RelationChange): UserEvent[] {
    for (const row of change.upsert) this.s.upsertFriendship.run(fromFriendship(row));
    for (const { userId, peerId } of change.remove) this.s.deleteFriendship.run(userId, peerId);
    if (change.block) {
      const { blockerId, blockedId, blocked } = change.block;
      (blocked ? this.s.insertBlock : this.s.deleteBlock).run(blockerId, blockedId);
    }
    return this.events.append(change.events);
  }

  async getFriendship(userId: string, peerId: string): Promise<FriendshipRow | null> {
    const row = this.s.friendship.get(userId, peerId);
    return row ? toFriendship(row) : null;
  }

  async listFriendships(userId: string, status: StoredFriendshipStatus): Promise<FriendshipRow[]> {
    return this.s.friendshipsByStatus.all(userId, status).map(toFriendship);
  }

  async isBlocked(blockerId: string, blockedId: string): Promise<boolean> {
    return this.s.isBlocked.get(blockerId, blockedId) === 1;
  }

  async listBlocked(blockerId: string): Promise<string[]> {
    return this.s.listBlocked.all(blockerId);
  }

  async applyRelationChange(change: RelationChange): Promise<UserEvent[]> {
    return this.changeTx.immediate(change);
  }

  async appendUserEvents(events: readonly NewUserEvent[]): Promise<UserEvent[]> {
    return events.length === 0 ? [] : this.appendTx.immediate(events);
  }

  async listProfileViewers(userId: string): Promise<string[]> {
    return this.s.profileViewers.all({ user: userId });
  }

  async getUserEvents(userId: string, afterSeq: number, limit: number): Promise<UserEvent[]> {
    return this.s.eventsAfter.all(userId, afterSeq, limit).map(toEvent);
  }

  async latestUserEventSeq(userId: string): Promise<number> {
    return this.events.latestSeq(userId);
  }
}
