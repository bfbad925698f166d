import type Database from 'better-sqlite3';
import { searchText } from './search-text.js';

/** How long committed messages may wait before the indexer writes them in one batch. */
const FLUSH_DELAY_MS = 200;
/** Messages indexed per statement round while catching up (bounds each transaction). */
const CATCH_UP_CHUNK = 5000;

interface PendingRow { seq: number; text: string | null; }
interface BehindRow { id: string; last: number; }

function prepare(db: Database.Database) {
  return {
    keyOf: db.prepare<[string], { num: number | null; indexed_seq: number }>('SELECT num, indexed_seq FROM conversations WHERE id = ?'),
    /** The messages (not mutation entries) after the watermark, as they are now: a deleted one has no text. */
    texts: db.prepare<[string, number, number, number], PendingRow>(
      `SELECT seq, CASE WHEN json_extract(content, '$.type') = 'text' THEN json_extract(content, '$.text') END AS text
       FROM messages WHERE conversation_id = ? AND seq > ? AND seq <= ? AND target IS NULL ORDER BY seq LIMIT ?`,
    ),
    index: db.prepare<[number, number, string]>('INSERT INTO message_search (rowid, body) VALUES (? * 4294967296 + ?, ?)'),
    /** FTS5's delete command: needs exactly the text the entry was indexed with (see {@link SearchIndexer.reindex}). */
    unindex: db.prepare<[number, number, string]>(`INSERT INTO message_search (message_search, rowid, body) VALUES ('delete', ? * 4294967296 + ?, ?)`),
    setIndexed: db.prepare<[number, string]>('UPDATE conversations SET indexed_seq = ? WHERE id = ?'),
    /** Conversations whose newest message (one b-tree descent each) is past their watermark. */
    behind: db.prepare<[], BehindRow>(
      `SELECT id, last FROM (
         SELECT c.id, c.indexed_seq, (SELECT MAX(seq) FROM messages x WHERE x.conversation_id = c.id) AS last
         FROM conversations c WHERE c.num IS NOT NULL)
       WHERE last > indexed_seq`,
    ),
    /** The same, among `user`'s conversations (a primary-key probe and a descent each). */
    behindOf: db.prepare<[string], BehindRow>(
      `SELECT id, last FROM (
         SELECT c.id, c.indexed_seq, (SELECT MAX(seq) FROM messages x WHERE x.conversation_id = c.id) AS last
         FROM conversation_members m JOIN conversations c ON c.id = m.conversation_id
         WHERE m.user_id = ? AND c.num IS NOT NULL)
       WHERE last > indexed_seq`,
    ),
    /** The same, for one conversation. */
    behindIn: db.prepare<[string], BehindRow>(
      `SELECT id, last FROM (
         SELECT c.id, c.indexed_seq, (SELECT MAX(seq) FROM messages x WHERE x.conversation_id = c.id) AS last
         FROM conversations c WHERE c.id = ? AND c.num IS NOT NULL)
       WHERE last > indexed_seq`,
    ),
  };
}

/**
 * Keeps the search index (`message_search`) in step with message text without touching the
 * message hot path: a commit only tells it which conversations grew ({@link noteAppended}), and
 * it indexes them shortly after, many messages per transaction, reading each message's text as
 * it is then (an edited message is indexed with its new text, a deleted one not at all). Each
 * conversation's `indexed_seq` says how far it got, so after a crash {@link catchUp} finishes the
 * job; searches call {@link flush} first, so they always see every committed message.
 * Edits and deletes of messages already indexed change their entries at once ({@link reindex}).
 *
 * With several writer processes (shared-writer mode) each indexer knows only what its own
 * process appended, and another process's messages may wait up to {@link FLUSH_DELAY_MS} in that
 * process (or forever, if it crashed). Nothing here depends on being the only indexer: the
 * watermark is read and moved inside each indexing transaction, so two indexers never index a
 * message twice nor skip one. A search then calls {@link catchUpFor} instead of {@link flush},
 * which first finds, in the database, what is behind among the conversations searched.
 */
export class SearchIndexer {
  private readonly s: ReturnType<typeof prepare>;
  private readonly flushTx: Database.Transaction<() => void>;
  /** Conversations with committed messages not indexed yet, and the seq they reached. */
  private readonly pending = new Map<string, number>();
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(db: Database.Database) {
    this.s = prepare(db);
    this.flushTx = db.transaction(() => this.indexPending());
  }

  /** After a commit: `conversationId` now has messages up to `seq`. */
  noteAppended(conversationId: string, seq: number): void {
    if ((this.pending.get(conversationId) ?? 0) < seq) this.pending.set(conversationId, seq);
    this.timer ??= setTimeout(() => this.flush(), FLUSH_DELAY_MS).unref();
  }

  /** Indexes everything noted so far, in one transaction. */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.pending.size > 0) this.flushTx.immediate();
  }

  /** Indexes what a previous run committed but did not index (run once at open, before traffic). */
  catchUp(): void {
    for (const row of this.s.behind.all()) this.pending.set(row.id, row.last);
    this.flush();
  }

  /**
   * Before a search with other writer processes: indexes every committed message of the
   * conversations searched (`conversationId`, or all of `userId`'s), whoever appended it, and
   * what this process noted. One probe per conversation; a write only when something is behind.
   */
  catchUpFor(userId: string, conversationId?: string): void {
    const behind = conversationId === undefined ? this.s.behindOf.all(userId) : this.s.behindIn.all(conversationId);
    for (const row of behind) if ((this.pending.get(row.id) ?? 0) < row.last) this.pending.set(row.id, row.last);
    this.flush();
  }

  /** Stops the timer (the store is closing); call {@link flush} first to keep nothing waiting. */
  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /**
   * Inside a mutation's transaction: message `seq`'s text changes from `before` (its text in the
   * row until now, which is what it was indexed with) to `after` (null: deleted). Only an entry
   * already indexed is changed; a message not indexed yet will be read as it is by then.
   */
  reindex(conversationId: string, seq: number, before: string, after: string | null): void {
    const key = this.s.keyOf.get(conversationId);
    if (!key?.num || seq > key.indexed_seq) return;
    if (before) this.s.unindex.run(key.num, seq, searchText(before));
    if (after) this.s.index.run(key.num, seq, searchText(after));
  }

  private indexPending(): void {
    for (const [conversationId, upTo] of this.pending) {
      const key = this.s.keyOf.get(conversationId);
      if (key?.num) {
        let from = key.indexed_seq;
        while (from < upTo) {
          const rows = this.s.texts.all(conversationId, from, upTo, CATCH_UP_CHUNK);
          for (const row of rows) if (row.text) this.s.index.run(key.num, row.seq, searchText(row.text));
          from = rows.length < CATCH_UP_CHUNK ? upTo : rows.at(-1)!.seq;
        }
        if (upTo > key.indexed_seq) this.s.setIndexed.run(upTo, conversationId);
      }
    }
    this.pending.clear();
  }
}
