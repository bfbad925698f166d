import type Database from 'better-sqlite3';
import type { UserEvent } from '@quickchat/protocol';
import type { FriendshipRow, NewUserEvent, RelationChange, RelationStore, StoredFriendshipStatus } from '../types.js';
import { fromFriendship, toEvent, toFriendship, type EventRow, type FriendshipDbRow } from './rows.js';

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

    latestEventSeq: db.prepare<[string], number>('SELECT COALESCE(MAX(seq), 0) FROM user_events WHERE user_id = ?').pluck(),
    insertEvent: db.prepare<[string, number, string, number, string]>(
      'INSERT INTO user_events (user_id, seq, kind, at, payload) VALUES (?, ?, ?, ?, ?)',
    ),
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

  constructor(db: Database.Database) {
    this.s = prepare(db);
    this.changeTx = db.transaction((change: RelationChange) => this.apply(change));
  }

  private apply(change: RelationChange): UserEvent[] {
    for (const row of change.upsert) this.s.upsertFriendship.run(fromFriendship(row));
    for (const { userId, peerId } of change.remove) this.s.deleteFriendship.run(userId, peerId);
    if (change.block) {
      const { blockerId, blockedId, blocked } = change.block;
      (blocked ? this.s.insertBlock : this.s.deleteBlock).run(blockerId, blockedId);
    }
    return change.events.map((event) => {
      const { userId, kind, at, ...rest } = event as NewUserEvent & Record<string, unknown>;
      const row: EventRow = { seq: this.s.latestEventSeq.get(userId)! + 1, kind, at, payload: JSON.stringify(rest) };
      this.s.insertEvent.run(userId, row.seq, row.kind, row.at, row.payload);
      return toEvent(row);
    });
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

  async getUserEvents(userId: string, afterSeq: number, limit: number): Promise<UserEvent[]> {
    return this.s.eventsAfter.all(userId, afterSeq, limit).map(toEvent);
  }

  async latestUserEventSeq(userId: string): Promise<number> {
    return this.s.latestEventSeq.get(userId) ?? 0;
  }
}
