import type Database from 'better-sqlite3';
import type { UserEvent } from '@quickchat/protocol';
import type { NewUserEvent } from '../types.js';
import { toEvent, type EventRow } from './rows.js';

/** Event rows per multi-row INSERT (5 parameters each, far below SQLite's parameter limit). */
const EVENT_BATCH = 200;

/**
 * Appends to the per-user event logs inside the caller's transaction. Shared by every part that
 * writes events (relations, groups), so each user's seqs stay consecutive whoever appends: seqs
 * are read from the table under the caller's write lock, never cached.
 */
export class UserEventLog {
  private readonly latest: Database.Statement<[string], number>;
  private readonly inserts = new Map<number, Database.Statement<unknown[]>>();

  constructor(private readonly db: Database.Database) {
    this.latest = db.prepare<[string], number>('SELECT COALESCE(MAX(seq), 0) FROM user_events WHERE user_id = ?').pluck();
  }

  /** Highest event seq for `userId`, 0 when none. */
  latestSeq(userId: string): number {
    return this.latest.get(userId) ?? 0;
  }

  /**
   * Inserts events with consecutive per-user seqs: one seq lookup per distinct owner, then
   * multi-row INSERTs of {@link EVENT_BATCH} rows, so a fan-out to thousands of users is a few
   * hundred statements, not two per event. Must run inside the caller's (write) transaction.
   * Returns the events with their seqs, in the order given.
   */
  append(events: readonly NewUserEvent[]): UserEvent[] {
    const next = new Map<string, number>();
    const rows = events.map((event): [string, EventRow] => {
      const { userId, kind, at, ...rest } = event as NewUserEvent & Record<string, unknown>;
      const seq = (next.get(userId) ?? this.latestSeq(userId)) + 1;
      next.set(userId, seq);
      return [userId, { seq, kind, at, payload: JSON.stringify(rest) }];
    });
    for (let i = 0; i < rows.length; i += EVENT_BATCH) {
      const chunk = rows.slice(i, i + EVENT_BATCH);
      this.insertEvents(chunk.length).run(chunk.flatMap(([userId, r]) => [userId, r.seq, r.kind, r.at, r.payload]));
    }
    return rows.map(([, r]) => toEvent(r));
  }

  /** The INSERT of `n` event rows (prepared once per size). */
  private insertEvents(n: number): Database.Statement<unknown[]> {
    let stmt = this.inserts.get(n);
    if (!stmt) {
      stmt = this.db.prepare(`INSERT INTO user_events (user_id, seq, kind, at, payload) VALUES ${Array(n).fill('(?, ?, ?, ?, ?)').join(', ')}`);
      this.inserts.set(n, stmt);
    }
    return stmt;
  }
}
