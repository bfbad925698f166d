import Database from 'better-sqlite3';
import { parseConversationId } from '@quickchat/protocol';
import type { MemberCursor, Message, MessageContent, UserEvent } from '@quickchat/protocol';
import { HandleTakenError } from '../types.js';
import type {
  AppendResult,
  ConversationState,
  FriendshipRow,
  HistoryPage,
  HistoryRange,
  NewExternalUser,
  NewMessage,
  NewUser,
  NewUserEvent,
  ProfilePatch,
  RefreshTokenRecord,
  RelationChange,
  StoredFriendshipStatus,
  Store,
  UserRecord,
} from '../types.js';
import { migrate } from './migrations.js';
import { Checkpointer } from './checkpointer.js';

/** How to open a {@link SqliteStore}. */
export interface SqliteStoreOptions {
  /** Database file path, or `':memory:'` for a throwaway store. */
  file: string;
  /**
   * `NORMAL` (default): in WAL mode a committed transaction survives a process crash or
   * SIGKILL, but the last commits may be lost on power loss or an OS crash.
   * `FULL`: fsync on every commit, so commits also survive power loss, at a write-latency cost.
   */
  synchronous?: 'NORMAL' | 'FULL';
  /**
   * Pause between the background WAL checkpoints run by a worker thread (default 100 ms).
   * 0 turns the worker off and leaves checkpoints to SQLite (inside commits, on the event loop).
   */
  checkpointIntervalMs?: number;
}

/** SQLite's own automatic checkpoint threshold, in WAL pages (its default). */
const DEFAULT_AUTOCHECKPOINT_PAGES = 1000;
/**
 * With the background checkpointer, the main connection still checkpoints itself once the WAL
 * holds this many pages (about 40 MB). Under steady writes the background checkpoints never
 * fully catch up (commits keep landing while they sync), and only a fully checkpointed WAL is
 * rewound, so this is what bounds the WAL. The worker has by then copied and synced nearly all
 * of it, so this rare checkpoint has little left to do.
 */
const BACKSTOP_AUTOCHECKPOINT_PAGES = 10_000;
/** A rewound WAL file is truncated back to this size. */
const WAL_SIZE_LIMIT_BYTES = 64 * 1024 * 1024;

/* Rows as SQLite returns them (snake_case columns); mapped to records by the small helpers at the bottom. */
interface UserRow { id: string; handle: string | null; display_name: string; avatar_url: string | null; signature: string; password_hash: string | null; created_at: number; }
interface TokenRow { token_hash: string; family_id: string; user_id: string; created_at: number; expires_at: number; used_at: number | null; revoked_at: number | null; }
interface FriendshipDbRow { user_id: string; peer_id: string; status: StoredFriendshipStatus; memo: string | null; updated_at: number; }
interface EventRow { seq: number; kind: string; at: number; payload: string; }
interface MessageRow { id: string; conversation_id: string; seq: number; sender_id: string; client_msg_id: string; content: string; created_at: number; }
interface MemberRow { conversation_id: string; user_id: string; delivered: number; read: number; }
interface ConversationRow { id: string; kind: 'dm' | 'group'; last_seq: number; unread: number; }
interface CursorRow extends MemberRow { last_seq: number; }

type CursorTarget = { delivered?: number; read?: number };
type CursorResult = { cursor: MemberCursor; changed: boolean } | null;
type Statements = ReturnType<typeof prepareStatements>;

/** How many conversations' `last_seq` {@link SqliteStore} remembers (about 100 bytes each). */
const LAST_SEQ_CACHE_SIZE = 50_000;
const USER_COLS = 'id, handle, display_name, avatar_url, signature, password_hash, created_at';
const MESSAGE_COLS = 'id, conversation_id, seq, sender_id, client_msg_id, content, created_at';
const CONVERSATION_SELECT = `
  SELECT c.id, c.kind, c.last_seq,
    (SELECT COUNT(*) FROM messages x
      WHERE x.conversation_id = c.id AND x.seq > m.read AND x.sender_id <> m.user_id) AS unread
  FROM conversation_members m JOIN conversations c ON c.id = m.conversation_id`;

function prepareStatements(db: Database.Database) {
  return {
    insertUser: db.prepare<[UserRow]>(
      `INSERT INTO users (${USER_COLS}) VALUES (@id, @handle, @display_name, @avatar_url, @signature, @password_hash, @created_at)`,
    ),
    insertExternalUser: db.prepare<[UserRow]>(
      `INSERT INTO users (${USER_COLS}) VALUES (@id, @handle, @display_name, @avatar_url, @signature, @password_hash, @created_at)
       ON CONFLICT (id) DO NOTHING`,
    ),
    userById: db.prepare<[string], UserRow>(`SELECT ${USER_COLS} FROM users WHERE id = ?`),
    usersByIds: db.prepare<[string], UserRow>(`SELECT ${USER_COLS} FROM users WHERE id IN (SELECT value FROM json_each(?))`),
    userByHandle: db.prepare<[string], UserRow>(`SELECT ${USER_COLS} FROM users WHERE handle = ?`),
    updateProfile: db.prepare<[{ id: string; displayName: string | null; setAvatar: number; avatarUrl: string | null; signature: string | null }], UserRow>(
      `UPDATE users SET
         display_name = COALESCE(@displayName, display_name),
         avatar_url = CASE WHEN @setAvatar THEN @avatarUrl ELSE avatar_url END,
         signature = COALESCE(@signature, signature)
       WHERE id = @id RETURNING ${USER_COLS}`,
    ),

    insertToken: db.prepare<[TokenRow]>(
      `INSERT INTO refresh_tokens (token_hash, family_id, user_id, created_at, expires_at, used_at, revoked_at)
       VALUES (@token_hash, @family_id, @user_id, @created_at, @expires_at, @used_at, @revoked_at)`,
    ),
    tokenByHash: db.prepare<[string], TokenRow>('SELECT * FROM refresh_tokens WHERE token_hash = ?'),
    markTokenUsed: db.prepare<[number, string]>(
      'UPDATE refresh_tokens SET used_at = ? WHERE token_hash = ? AND used_at IS NULL AND revoked_at IS NULL',
    ),
    revokeFamily: db.prepare<[number, string]>('UPDATE refresh_tokens SET revoked_at = ? WHERE family_id = ? AND revoked_at IS NULL'),
    familyRevoked: db
      .prepare<[string], number>('SELECT EXISTS (SELECT 1 FROM refresh_tokens WHERE family_id = ? AND revoked_at IS NOT NULL)')
      .pluck(),

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

    messageByClientId: db.prepare<[string, string], MessageRow>(
      `SELECT ${MESSAGE_COLS} FROM messages WHERE sender_id = ? AND client_msg_id = ?`,
    ),
    insertConversation: db.prepare<[string, string, number]>(
      'INSERT INTO conversations (id, kind, last_seq, created_at) VALUES (?, ?, 0, ?) ON CONFLICT DO NOTHING',
    ),
    insertMember: db.prepare<[string, string]>(
      'INSERT INTO conversation_members (conversation_id, user_id, delivered, read) VALUES (?, ?, 0, 0) ON CONFLICT DO NOTHING',
    ),
    lastSeqOf: db.prepare<[string], number>('SELECT last_seq FROM conversations WHERE id = ?').pluck(),
    setLastSeq: db.prepare<[number, string]>('UPDATE conversations SET last_seq = ? WHERE id = ?'),
    /**
     * Inserts unless (sender_id, client_msg_id) exists (then `changes` is 0). Positional
     * parameters, in {@link MESSAGE_COLS} order: binding them is much cheaper than named ones.
     */
    insertMessage: db.prepare<[id: string, conversationId: string, seq: number, senderId: string, clientMsgId: string, content: string, createdAt: number]>(
      `INSERT INTO messages (${MESSAGE_COLS}) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (sender_id, client_msg_id) DO NOTHING`,
    ),
    messagesAfter: db.prepare<[string, number, number, number], MessageRow>(
      `SELECT ${MESSAGE_COLS} FROM messages WHERE conversation_id = ? AND seq > ? AND seq < ? ORDER BY seq ASC LIMIT ?`,
    ),
    messagesBefore: db.prepare<[string, number, number], MessageRow>(
      `SELECT ${MESSAGE_COLS} FROM messages WHERE conversation_id = ? AND seq < ? ORDER BY seq DESC LIMIT ?`,
    ),
    messageAt: db.prepare<[string, number], MessageRow>(`SELECT ${MESSAGE_COLS} FROM messages WHERE conversation_id = ? AND seq = ?`),

    conversationsOf: db.prepare<[string], ConversationRow>(
      `${CONVERSATION_SELECT}
       LEFT JOIN messages lm ON lm.conversation_id = c.id AND lm.seq = c.last_seq
       WHERE m.user_id = ? ORDER BY COALESCE(lm.created_at, c.created_at) DESC, c.id`,
    ),
    conversationOf: db.prepare<[string, string], ConversationRow>(`${CONVERSATION_SELECT} WHERE c.id = ? AND m.user_id = ?`),
    membersOfUsersConversations: db.prepare<[string], MemberRow>(
      `SELECT conversation_id, user_id, delivered, read FROM conversation_members
       WHERE conversation_id IN (SELECT conversation_id FROM conversation_members WHERE user_id = ?)
       ORDER BY conversation_id, user_id`,
    ),
    membersOf: db.prepare<[string], MemberRow>(
      'SELECT conversation_id, user_id, delivered, read FROM conversation_members WHERE conversation_id = ? ORDER BY user_id',
    ),
    cursorOf: db.prepare<[string, string], CursorRow>(
      `SELECT m.conversation_id, m.user_id, m.delivered, m.read, c.last_seq
       FROM conversation_members m JOIN conversations c ON c.id = m.conversation_id
       WHERE m.conversation_id = ? AND m.user_id = ?`,
    ),
    setCursor: db.prepare<[number, number, string, string]>(
      'UPDATE conversation_members SET delivered = ?, read = ? WHERE conversation_id = ? AND user_id = ?',
    ),
  };
}

/**
 * The embedded default {@link Store}: one better-sqlite3 connection in WAL mode.
 * Work is synchronous under the async facade; every method is one statement or one
 * transaction, so each is atomic. Read-modify-write transactions begin IMMEDIATE so they
 * take the write lock up front and never fail with a stale snapshot under another writer.
 */
export class SqliteStore implements Store {
  private readonly db: Database.Database;
  private readonly s: Statements;
  private readonly appendTx: Database.Transaction<(batch: readonly NewMessage[], touched: Map<string, number>) => AppendResult[]>;
  private readonly relationTx: Database.Transaction<(change: RelationChange) => UserEvent[]>;
  private readonly rotateTx: Database.Transaction<(oldHash: string, next: RefreshTokenRecord, now: number) => boolean>;
  private readonly cursorTx: Database.Transaction<(id: string, userId: string, to: CursorTarget) => CursorResult>;
  /** Runs several reads on one snapshot (a deferred transaction), so they agree with each other. */
  private readonly readTx: <T>(read: () => T) => T;
  /**
   * Committed `last_seq` of recently written conversations, most recent last. This connection
   * is the only writer, so once a conversation is known an append is a single INSERT, and each
   * batch ends with one `last_seq` UPDATE per conversation it touched. Updated only after a batch
   * commits, and cleared when one fails, so a rollback never leaves a stale value behind.
   */
  private readonly lastSeqs = new Map<string, number>();
  private checkpointer: Checkpointer | null = null;

  constructor(options: SqliteStoreOptions) {
    const db = new Database(options.file);
    this.db = db;
    try {
      db.pragma('journal_mode = WAL');
      db.pragma(`synchronous = ${options.synchronous === 'FULL' ? 'FULL' : 'NORMAL'}`);
      db.pragma('foreign_keys = ON');
      db.pragma('busy_timeout = 5000');
      migrate(db);
    } catch (err) {
      db.close();
      throw err;
    }
    this.s = prepareStatements(db);
    const interval = options.checkpointIntervalMs ?? 100;
    if (options.file !== ':memory:' && !options.file.startsWith('file:') && interval > 0) this.startCheckpointer(options, interval);
    this.appendTx = db.transaction((batch: readonly NewMessage[], touched: Map<string, number>) => this.appendBatch(batch, touched));
    this.relationTx = db.transaction((change: RelationChange) => this.applyRelation(change));
    this.rotateTx = db.transaction((oldHash: string, next: RefreshTokenRecord, now: number) => this.rotate(oldHash, next, now));
    this.cursorTx = db.transaction((id: string, userId: string, to: CursorTarget) => this.moveCursor(id, userId, to));
    this.readTx = db.transaction((read: () => unknown) => read()) as <T>(read: () => T) => T;
  }

  /**
   * Stores a batch; `touched` collects the new `last_seq` of each conversation written to, for
   * {@link lastSeqs} once the transaction has committed.
   */
  private appendBatch(batch: readonly NewMessage[], touched: Map<string, number>): AppendResult[] {
    const results = batch.map((item): AppendResult => {
      const conversationId = item.conversationId;
      let last = touched.get(conversationId) ?? this.lastSeqs.get(conversationId);
      if (last === undefined) {
        // First message of this conversation since start (or eviction): a repeat writes nothing,
        // not even a conversation, so check for it before creating anything.
        const existing = this.s.messageByClientId.get(item.senderId, item.clientMsgId);
        if (existing) return { message: toMessage(existing), duplicate: true };
        last = this.openConversation(item);
      }
      const seq = last + 1;
      const { id, senderId, clientMsgId, content, createdAt } = item;
      const json = item.contentJson ?? JSON.stringify(content);
      if (this.s.insertMessage.run(id, conversationId, seq, senderId, clientMsgId, json, createdAt).changes === 0) {
        const existing = this.s.messageByClientId.get(item.senderId, item.clientMsgId);
        if (!existing) throw new Error(`message (${item.senderId}, ${item.clientMsgId}) was neither inserted nor found`);
        return { message: toMessage(existing), duplicate: true };
      }
      touched.set(conversationId, seq);
      return { message: { id, conversationId, seq, senderId, clientMsgId, content, createdAt }, duplicate: false };
    });
    for (const [conversationId, seq] of touched) {
      if (this.s.setLastSeq.run(seq, conversationId).changes !== 1) throw new Error(`conversation "${conversationId}" vanished`);
    }
    return results;
  }

  /** Creates the conversation and its members if missing; returns its stored `last_seq`. */
  private openConversation(item: NewMessage): number {
    const parsed = parseConversationId(item.conversationId);
    if (!parsed) throw new Error(`invalid conversation id "${item.conversationId}"`);
    this.s.insertConversation.run(item.conversationId, parsed.kind, item.createdAt);
    for (const member of item.members) this.s.insertMember.run(item.conversationId, member);
    const last = this.s.lastSeqOf.get(item.conversationId);
    if (last === undefined) throw new Error(`conversation "${item.conversationId}" vanished`);
    return last;
  }

  private applyRelation(change: RelationChange): UserEvent[] {
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

  private rotate(oldHash: string, next: RefreshTokenRecord, now: number): boolean {
    if (this.s.markTokenUsed.run(now, oldHash).changes === 0) return false;
    this.s.insertToken.run(fromToken(next));
    return true;
  }

  private moveCursor(conversationId: string, userId: string, to: CursorTarget): CursorResult {
    const row = this.s.cursorOf.get(conversationId, userId);
    if (!row) return null;
    const read = Math.max(row.read, Math.min(to.read ?? 0, row.last_seq));
    const delivered = Math.max(row.delivered, Math.min(to.delivered ?? 0, row.last_seq), read);
    const changed = read !== row.read || delivered !== row.delivered;
    if (changed) this.s.setCursor.run(delivered, read, conversationId, userId);
    return { cursor: { userId, delivered, read }, changed };
  }

  /**
   * Moves WAL checkpoints to a worker thread, so that their fsyncs happen beside the event loop
   * instead of inside a commit on it. Durability is unchanged: commits are exactly as synced as
   * before, and a checkpoint syncs the WAL before copying it and the database file after.
   */
  private startCheckpointer(options: SqliteStoreOptions, intervalMs: number): void {
    const fallBack = () => {
      this.checkpointer = null;
      if (this.db.open) this.db.pragma(`wal_autocheckpoint = ${DEFAULT_AUTOCHECKPOINT_PAGES}`);
    };
    this.db.pragma(`journal_size_limit = ${WAL_SIZE_LIMIT_BYTES}`);
    this.db.pragma(`wal_autocheckpoint = ${BACKSTOP_AUTOCHECKPOINT_PAGES}`);
    try {
      this.checkpointer = new Checkpointer({
        file: options.file,
        synchronous: options.synchronous === 'FULL' ? 'FULL' : 'NORMAL',
        intervalMs,
        onFailure: fallBack,
      });
    } catch {
      fallBack();
    }
  }

  /** Stops the checkpointer, checkpoints, and closes the connection. */
  async close(): Promise<void> {
    const checkpointer = this.checkpointer;
    this.checkpointer = null;
    if (checkpointer) await checkpointer.stop();
    if (!this.db.open) return;
    // Closing the last connection also checkpoints; this one covers a reader still attached.
    this.db.pragma('wal_checkpoint(PASSIVE)');
    this.db.close();
  }

  async createUser(user: NewUser): Promise<UserRecord> {
    const { id, handle } = user;
    const row: UserRow = { id, handle, display_name: user.displayName, avatar_url: null, signature: '', password_hash: user.passwordHash, created_at: user.createdAt };
    try {
      this.s.insertUser.run(row);
    } catch (err) {
      if (isUniqueViolation(err, 'users.handle')) throw new HandleTakenError(user.handle);
      throw err;
    }
    return toUser(row);
  }

  async upsertExternalUser(user: NewExternalUser): Promise<UserRecord> {
    const { id, displayName: display_name, avatarUrl: avatar_url, createdAt: created_at } = user;
    this.s.insertExternalUser.run({ id, handle: null, display_name, avatar_url, signature: '', password_hash: null, created_at });
    return toUser(this.s.userById.get(user.id)!);
  }

  async getUser(id: string): Promise<UserRecord | null> {
    const row = this.s.userById.get(id);
    return row ? toUser(row) : null;
  }

  async getUsers(ids: readonly string[]): Promise<UserRecord[]> {
    if (ids.length === 0) return [];
    return this.s.usersByIds.all(JSON.stringify(ids)).map(toUser);
  }

  async getUserByHandle(handle: string): Promise<UserRecord | null> {
    const row = this.s.userByHandle.get(handle);
    return row ? toUser(row) : null;
  }

  async updateProfile(id: string, patch: ProfilePatch): Promise<UserRecord | null> {
    const row = this.s.updateProfile.get({
      id,
      displayName: patch.displayName ?? null,
      setAvatar: patch.avatarUrl !== undefined ? 1 : 0,
      avatarUrl: patch.avatarUrl ?? null,
      signature: patch.signature ?? null,
    });
    return row ? toUser(row) : null;
  }

  async insertRefreshToken(token: RefreshTokenRecord): Promise<void> {
    this.s.insertToken.run(fromToken(token));
  }

  async getRefreshToken(tokenHash: string): Promise<RefreshTokenRecord | null> {
    const row = this.s.tokenByHash.get(tokenHash);
    return row ? toToken(row) : null;
  }

  async rotateRefreshToken(oldHash: string, next: RefreshTokenRecord, now: number): Promise<boolean> {
    return this.rotateTx.immediate(oldHash, next, now);
  }

  async revokeRefreshFamily(familyId: string, now: number): Promise<void> {
    this.s.revokeFamily.run(now, familyId);
  }

  async isRefreshFamilyRevoked(familyId: string): Promise<boolean> {
    return this.s.familyRevoked.get(familyId) === 1;
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
    return this.relationTx.immediate(change);
  }

  async getUserEvents(userId: string, afterSeq: number, limit: number): Promise<UserEvent[]> {
    return this.s.eventsAfter.all(userId, afterSeq, limit).map(toEvent);
  }

  async latestUserEventSeq(userId: string): Promise<number> {
    return this.s.latestEventSeq.get(userId) ?? 0;
  }

  async appendMessages(batch: readonly NewMessage[]): Promise<AppendResult[]> {
    const touched = new Map<string, number>();
    let results: AppendResult[];
    try {
      results = this.appendTx.immediate(batch, touched);
    } catch (err) {
      // Rolled back: forget everything, so the next batch re-reads what is really stored.
      this.lastSeqs.clear();
      throw err;
    }
    for (const [conversationId, seq] of touched) {
      this.lastSeqs.delete(conversationId);
      this.lastSeqs.set(conversationId, seq);
    }
    for (const oldest of this.lastSeqs.keys()) {
      if (this.lastSeqs.size <= LAST_SEQ_CACHE_SIZE) break;
      this.lastSeqs.delete(oldest);
    }
    return results;
  }

  async getMessages(conversationId: string, range: HistoryRange): Promise<HistoryPage> {
    const fetch = range.limit + 1;
    const upper = range.before ?? Number.MAX_SAFE_INTEGER;
    const rows =
      range.after !== undefined
        ? this.s.messagesAfter.all(conversationId, range.after, upper, fetch)
        : this.s.messagesBefore.all(conversationId, upper, fetch).reverse();
    const hasMore = rows.length > range.limit;
    const page = !hasMore ? rows : range.after !== undefined ? rows.slice(0, range.limit) : rows.slice(1);
    return { messages: page.map(toMessage), hasMore };
  }

  async listConversations(userId: string): Promise<ConversationState[]> {
    return this.readTx(() => this.conversationsOf(userId));
  }

  private conversationsOf(userId: string): ConversationState[] {
    const cursors = new Map<string, MemberCursor[]>();
    for (const m of this.s.membersOfUsersConversations.all(userId)) {
      const list = cursors.get(m.conversation_id) ?? [];
      list.push(toCursor(m));
      cursors.set(m.conversation_id, list);
    }
    return this.s.conversationsOf.all(userId).map((c) => this.toState(c, cursors.get(c.id) ?? []));
  }

  async getConversation(conversationId: string, userId: string): Promise<ConversationState | null> {
    return this.readTx(() => {
      const row = this.s.conversationOf.get(conversationId, userId);
      return row ? this.toState(row, this.s.membersOf.all(conversationId).map(toCursor)) : null;
    });
  }

  async advanceCursor(conversationId: string, userId: string, to: CursorTarget): Promise<CursorResult> {
    return this.cursorTx.immediate(conversationId, userId, to);
  }

  private toState(row: ConversationRow, cursors: MemberCursor[]): ConversationState {
    const last = row.last_seq > 0 ? this.s.messageAt.get(row.id, row.last_seq) : undefined;
    const lastMessage = last ? toMessage(last) : null;
    return { conversationId: row.id, kind: row.kind, lastSeq: row.last_seq, unread: row.unread, cursors, lastMessage };
  }
}

/** Opens (creating if needed) and migrates a SQLite store; `file` may be `':memory:'`. */
export function openSqliteStore(options: SqliteStoreOptions): SqliteStore {
  return new SqliteStore(options);
}

function isUniqueViolation(err: unknown, column: string): boolean {
  return err instanceof Database.SqliteError && err.code === 'SQLITE_CONSTRAINT_UNIQUE' && err.message.includes(column);
}

function toUser(r: UserRow): UserRecord {
  const { id, handle, signature } = r;
  return { id, handle, displayName: r.display_name, avatarUrl: r.avatar_url, signature, passwordHash: r.password_hash, createdAt: r.created_at };
}

function toToken(r: TokenRow): RefreshTokenRecord {
  const [tokenHash, familyId, userId] = [r.token_hash, r.family_id, r.user_id];
  return { tokenHash, familyId, userId, createdAt: r.created_at, expiresAt: r.expires_at, usedAt: r.used_at, revokedAt: r.revoked_at };
}

function fromToken(t: RefreshTokenRecord): TokenRow {
  const [token_hash, family_id, user_id] = [t.tokenHash, t.familyId, t.userId];
  return { token_hash, family_id, user_id, created_at: t.createdAt, expires_at: t.expiresAt, used_at: t.usedAt, revoked_at: t.revokedAt };
}

function toFriendship(r: FriendshipDbRow): FriendshipRow {
  return { userId: r.user_id, peerId: r.peer_id, status: r.status, memo: r.memo, updatedAt: r.updated_at };
}

function fromFriendship(f: FriendshipRow): FriendshipDbRow {
  return { user_id: f.userId, peer_id: f.peerId, status: f.status, memo: f.memo, updated_at: f.updatedAt };
}

function toEvent(r: EventRow): UserEvent {
  return { ...(JSON.parse(r.payload) as object), kind: r.kind, seq: r.seq, at: r.at } as UserEvent;
}

function toMessage(r: MessageRow): Message {
  return {
    id: r.id,
    conversationId: r.conversation_id,
    seq: r.seq,
    senderId: r.sender_id,
    clientMsgId: r.client_msg_id,
    content: JSON.parse(r.content) as MessageContent,
    createdAt: r.created_at,
  };
}

function toCursor(r: MemberRow): MemberCursor {
  return { userId: r.user_id, delivered: r.delivered, read: r.read };
}
