import type Database from 'better-sqlite3';
import type { MemberCursor } from '@quickchat/protocol';
import type {
  AppendResult,
  ConversationState,
  ConversationStore,
  HistoryPage,
  HistoryRange,
  NewConversation,
  NewMessage,
} from '../types.js';
import { MessageAppender } from './append.js';
import { MESSAGE_COLS, toCursor, toMessage, type ConversationRow, type MemberRow, type MessageRow } from './rows.js';

type CursorTarget = { delivered?: number; read?: number };
type CursorResult = { cursor: MemberCursor; changed: boolean } | null;
interface CursorRow { kind: 'dm' | 'group'; delivered: number; read: number; own_after_read: number; last_seq: number; }

/** The conversation's last seq: the newest row of its primary-key range, one b-tree descent (NULL when empty). */
const MAX_SEQ = '(SELECT MAX(seq) FROM messages WHERE conversation_id = c.id)';

/**
 * Of the messages up to and including row `r` of a DM, how many member `m` sent (0 without a
 * row): `sender_count` when `m` sent `r`, else the rest, since every DM message comes from one of
 * its two members.
 */
const dmOwn = (r: string): string =>
  `COALESCE(CASE WHEN ${r}.sender_id = m.user_id THEN ${r}.sender_count ELSE ${r}.seq - ${r}.sender_count END, 0)`;

/**
 * A conversation as one member sees it. Unread is every message after the read cursor minus the
 * member's own ones (messages are gap-free from 1), read from at most three rows whatever the
 * backlog: in a DM from the rows at the last seq (`lm`) and at the read cursor (`rm`), in a group
 * from the member's `own_after_read` counter. See docs/decisions/0007.
 */
const CONVERSATION_SELECT = `
  SELECT c.id, c.kind, COALESCE(lm.seq, 0) AS last_seq,
    CASE WHEN c.kind = 'dm'
      THEN COALESCE(lm.seq, 0) - m.read - ${dmOwn('lm')} + ${dmOwn('rm')}
      ELSE COALESCE(lm.seq, 0) - m.read - m.own_after_read END AS unread
  FROM conversation_members m
  JOIN conversations c ON c.id = m.conversation_id
  LEFT JOIN messages lm ON lm.conversation_id = c.id AND lm.seq = ${MAX_SEQ}
  LEFT JOIN messages rm ON c.kind = 'dm' AND rm.conversation_id = c.id AND rm.seq = m.read`;

function prepare(db: Database.Database) {
  return {
    insertConversation: db.prepare<[string, string, number]>(
      'INSERT INTO conversations (id, kind, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING',
    ),
    insertMember: db.prepare<[string, string]>(
      'INSERT INTO conversation_members (conversation_id, user_id) VALUES (?, ?) ON CONFLICT DO NOTHING',
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
      `SELECT c.kind, m.delivered, m.read, m.own_after_read, COALESCE(${MAX_SEQ}, 0) AS last_seq
       FROM conversation_members m JOIN conversations c ON c.id = m.conversation_id
       WHERE m.conversation_id = ? AND m.user_id = ?`,
    ),
    /**
     * The member's own messages in (old read, new read]: a range scan of the primary key over
     * just what was read. The unary `+` keeps SQLite off the (conversation, sender, clientMsgId)
     * index, which would visit every message the member ever sent there.
     */
    ownInRange: db
      .prepare<[string, number, number, string], number>(
        'SELECT COUNT(*) FROM messages WHERE conversation_id = ? AND seq > ? AND seq <= ? AND +sender_id = ?',
      )
      .pluck(),
    setCursor: db.prepare<[number, number, number, string, string]>(
      'UPDATE conversation_members SET delivered = ?, read = ?, own_after_read = ? WHERE conversation_id = ? AND user_id = ?',
    ),
  };
}

/**
 * {@link ConversationStore} on SQLite. Appends go through {@link MessageAppender}; creation and
 * cursor moves are IMMEDIATE transactions; multi-statement reads share one snapshot.
 */
export class SqliteConversations implements ConversationStore {
  private readonly s: ReturnType<typeof prepare>;
  private readonly appender: MessageAppender;
  private readonly createTx: Database.Transaction<(conversation: NewConversation) => boolean>;
  private readonly cursorTx: Database.Transaction<(id: string, userId: string, to: CursorTarget) => CursorResult>;
  /** Runs several reads on one snapshot (a deferred transaction), so they agree with each other. */
  private readonly readTx: <T>(read: () => T) => T;

  constructor(db: Database.Database) {
    this.s = prepare(db);
    this.appender = new MessageAppender(db);
    this.createTx = db.transaction((conversation: NewConversation) => this.create(conversation));
    this.cursorTx = db.transaction((id: string, userId: string, to: CursorTarget) => this.moveCursor(id, userId, to));
    this.readTx = db.transaction((read: () => unknown) => read()) as <T>(read: () => T) => T;
  }

  async createConversation(conversation: NewConversation): Promise<boolean> {
    return this.createTx.immediate(conversation);
  }

  private create({ id, kind, members, createdAt }: NewConversation): boolean {
    if (this.s.insertConversation.run(id, kind, createdAt).changes === 0) return false;
    for (const member of members) this.s.insertMember.run(id, member);
    return true;
  }

  async appendMessages(batch: readonly NewMessage[]): Promise<AppendResult[]> {
    return this.appender.append(batch);
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
    return this.readTx(() => {
      const cursors = new Map<string, MemberCursor[]>();
      for (const m of this.s.membersOfUsersConversations.all(userId)) {
        const list = cursors.get(m.conversation_id) ?? [];
        list.push(toCursor(m));
        cursors.set(m.conversation_id, list);
      }
      return this.s.conversationsOf.all(userId).map((c) => this.toState(c, cursors.get(c.id) ?? []));
    });
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

  /** Moves the cursors and keeps a group member's `own_after_read` equal to their own messages after `read`. */
  private moveCursor(conversationId: string, userId: string, to: CursorTarget): CursorResult {
    const row = this.s.cursorOf.get(conversationId, userId);
    if (!row) return null;
    const read = Math.max(row.read, Math.min(to.read ?? 0, row.last_seq));
    const delivered = Math.max(row.delivered, Math.min(to.delivered ?? 0, row.last_seq), read);
    const changed = read !== row.read || delivered !== row.delivered;
    if (changed) {
      // A group member's own messages after `read`; a DM reads them off its rows instead.
      let own = row.own_after_read;
      if (read === row.last_seq || row.kind === 'dm') own = 0;
      else if (read !== row.read) own -= this.s.ownInRange.get(conversationId, row.read, read, userId)!;
      this.s.setCursor.run(delivered, read, own, conversationId, userId);
    }
    return { cursor: { userId, delivered, read }, changed };
  }

  private toState(row: ConversationRow, cursors: MemberCursor[]): ConversationState {
    const last = row.last_seq > 0 ? this.s.messageAt.get(row.id, row.last_seq) : undefined;
    const lastMessage = last ? toMessage(last) : null;
    return { conversationId: row.id, kind: row.kind, lastSeq: row.last_seq, unread: row.unread, cursors, lastMessage };
  }
}
