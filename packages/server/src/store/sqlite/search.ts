import type Database from 'better-sqlite3';
import type { SearchPage, SearchRequest, SearchStore, StoredHit } from '../search.js';
import { searchText } from './search-text.js';
import type { SearchIndexer } from './search-index.js';

interface HitRow { k: string; conversation_id: string; seq: number; sender_id: string; created_at: number; text: string; }

/**
 * One query for all-conversation and one-conversation search: FTS5 walks its matches newest
 * rowid first (rowid = conversation num * 2^32 + seq, see migration 6), each is kept only when
 * the viewer is a member above their floor, and the walk stops at the page size. `@lo`/`@hi`
 * bound the rowids (one conversation's range, and the cursor).
 */
export const SEARCH_SQL = `
  SELECT CAST(s.rowid AS TEXT) AS k, c.id AS conversation_id, x.seq, x.sender_id, x.created_at,
         json_extract(x.content, '$.text') AS text
  FROM message_search s
  JOIN conversations c ON c.num = (s.rowid >> 32)
  JOIN conversation_members m ON m.conversation_id = c.id AND m.user_id = @user
  JOIN messages x ON x.conversation_id = c.id AND x.seq = (s.rowid & 4294967295)
  WHERE message_search MATCH @match AND s.rowid >= @lo AND s.rowid < @hi AND x.seq > m.floor
  ORDER BY s.rowid DESC LIMIT @limit`;

/** Rowids span num * 2^32 + seq; this is above every one of them. */
export const ROWID_END = 2n ** 62n;

/**
 * The query as an FTS5 expression that means "all these words": each word becomes a quoted
 * phrase of its tokens (a Chinese word a phrase of its characters, so it matches them side by
 * side anywhere), so no input can be read as FTS5 syntax. Words match whole: a prefix query
 * (`"wor"*`) merges the doclists of every word it starts, which took a common short prefix from
 * under a millisecond to tens of milliseconds at a million messages (S1). Null when nothing
 * searchable is left.
 */
export function toMatchExpression(query: string): string | null {
  const words = query.split(/\s+/).map((w) => w.replace(/[^\p{L}\p{N}\p{M}]+/gu, ' ').trim()).filter((w) => w.length > 0);
  if (words.length === 0) return null;
  return words.map((word) => `"${searchText(word).trim().replace(/\s+/g, ' ')}"`).join(' AND ');
}

/** {@link SearchStore} on SQLite FTS5. */
export class SqliteSearch implements SearchStore {
  private readonly search: Database.Statement<Record<string, unknown>, HitRow>;
  private readonly numOf: Database.Statement<[string], number>;

  /** `shared`: other processes write the file too, so a search first indexes what they committed. */
  constructor(
    db: Database.Database,
    private readonly indexer: SearchIndexer,
    private readonly shared = false,
  ) {
    this.search = db.prepare<Record<string, unknown>, HitRow>(SEARCH_SQL).safeIntegers(false);
    this.numOf = db.prepare<[string], number>('SELECT num FROM conversations WHERE id = ?').pluck();
  }

  async searchMessages(userId: string, request: SearchRequest): Promise<SearchPage> {
    const match = toMatchExpression(request.query);
    if (match === null) return { hits: [], next: null };
    // Committed messages not indexed yet are indexed now, so a search sees all of them.
    if (this.shared) this.indexer.catchUpFor(userId, request.conversationId);
    else this.indexer.flush();
    let lo = 0n;
    let hi = ROWID_END;
    if (request.conversationId !== undefined) {
      const num = this.numOf.get(request.conversationId);
      if (num === undefined || num === null) return { hits: [], next: null };
      lo = BigInt(num) << 32n;
      hi = (BigInt(num) + 1n) << 32n;
    }
    if (request.cursor !== undefined) {
      const cursor = BigInt(request.cursor);
      if (cursor < hi) hi = cursor;
    }
    const rows = this.search.all({ user: userId, match, lo, hi, limit: request.limit + 1 });
    const more = rows.length > request.limit;
    const page = more ? rows.slice(0, request.limit) : rows;
    const hits: StoredHit[] = page.map((r) => ({ conversationId: r.conversation_id, seq: r.seq, senderId: r.sender_id, createdAt: r.created_at, text: r.text }));
    return { hits, next: more ? page.at(-1)!.k : null };
  }
}
