import type Database from 'better-sqlite3';
import type { GroupBrief, MemberCursor } from '@quickchat/protocol';
import type {
  AppendResult,
  ConversationState,
  ConversationStore,
  HistoryPage,
  HistoryRange,
  NewConversation,
  NewMessage,
} from '../types.js';
import type { MessageAppender } from './append.js';
import { MESSAGE_READ_COLS, NEXT_CONVERSATION_NUM, toCursor, toMessage, type ConversationRow, type MemberRow, type MessageRow } from './rows.js';
import { MessageViews } from './message-views.js';

/** How far back from the last entry a conversation's last message is looked for, past mutation entries. */
const LAST_MESSAGE_LOOKBACK = 1000;

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
 * How many members a conversation has, without reading its member rows: 2 in a DM, the kept
 * `member_count` in a group. Only a group conversation made by `createConversation` (no `groups`
 * row, as fixtures do) is counted, and such conversations are small.
 */
const SIZE = `CASE WHEN c.kind = 'dm' THEN 2
  ELSE COALESCE(g.member_count, (SELECT COUNT(*) FROM conversation_members x WHERE x.conversation_id = c.id)) END`;

/**
 * Others' mutation entries (edits, deletes, reactions) after the member's read cursor: unread
 * leaves them out. A range of the partial index that holds only mutation entries (covering).
 */
const QUIET_AFTER_READ = `(SELECT COUNT(*) FROM messages q
  WHERE q.conversation_id = c.id AND q.target IS NOT NULL AND q.seq > m.read AND q.sender_id <> m.user_id)`;

/** Messages after the member's read cursor that mention them: one range of the mentions key. */
const MENTIONS_AFTER_READ = `(SELECT COUNT(*) FROM mentions x WHERE x.user_id = m.user_id AND x.conversation_id = c.id AND x.seq > m.read)`;

/**
 * A conversation as one member sees it. Unread is every message after the read cursor minus the
 * member's own ones (messages are gap-free from 1), read from at most three rows whatever the
 * backlog: in a DM from the rows at the last seq (`lm`) and at the read cursor (`rm`), in a group
 * from the member's `own_after_read` counter (see docs/decisions/0007); minus others' mutation
 * entries after the cursor. A group's brief comes from its `groups` row (one primary-key read);
 * the viewer's own cursors and floor from `m`.
 */
const CONVERSATION_SELECT = `
  SELECT c.id, c.kind, COALESCE(lm.seq, 0) AS last_seq,
    CASE WHEN c.kind = 'dm'
      THEN COALESCE(lm.seq, 0) - m.read - ${dmOwn('lm')} + ${dmOwn('rm')}
      ELSE COALESCE(lm.seq, 0) - m.read - m.own_after_read END - ${QUIET_AFTER_READ} AS unread,
    ${MENTIONS_AFTER_READ} AS mentions,
    m.user_id, m.delivered, m.read, m.floor, m.role,
    g.name AS group_name, g.avatar_url AS group_avatar_url, g.member_count AS group_member_count,
    ${SIZE} AS size
  FROM conversation_members m
  JOIN conversations c ON c.id = m.conversation_id
  LEFT JOIN groups g ON g.id = c.id
  LEFT JOIN messages lm ON lm.conversation_id = c.id AND lm.seq = ${MAX_SEQ}
  LEFT JOIN messages rm ON c.kind = 'dm' AND rm.conversation_id = c.id AND rm.seq = m.read`;

function prepare(db: Database.Database) {
  return {
    insertConversation: db.prepare<[string, string, number]>(
      `INSERT INTO conversations (id, kind, created_at, num) VALUES (?, ?, ?, ${NEXT_CONVERSATION_NUM}) ON CONFLICT DO NOTHING`,
    ),
    insertMember: db.prepare<[string, string]>(
      'INSERT INTO conversation_members (conversation_id, user_id) VALUES (?, ?) ON CONFLICT DO NOTHING',
    ),

    messagesAfter: db.prepare<[string, number, number, number], MessageRow>(
      `SELECT ${MESSAGE_READ_COLS} FROM messages WHERE conversation_id = ? AND seq > ? AND seq < ? ORDER BY seq ASC LIMIT ?`,
    ),
    /** Newest first, strictly between the floor and `before`: a page that reaches the floor has nothing more. */
    messagesBefore: db.prepare<[string, number, number, number], MessageRow>(
      `SELECT ${MESSAGE_READ_COLS} FROM messages WHERE conversation_id = ? AND seq > ? AND seq < ? ORDER BY seq DESC LIMIT ?`,
    ),
    /** The newest message at or below `seq` that is not a mutation entry, looking back at most {@link LAST_MESSAGE_LOOKBACK} entries. */
    lastMessageUpTo: db.prepare<{ id: string; seq: number; lookback: number }, MessageRow>(
      `SELECT ${MESSAGE_READ_COLS} FROM messages
       WHERE conversation_id = @id AND seq <= @seq AND seq > @seq - @lookback AND target IS NULL ORDER BY seq DESC LIMIT 1`,
    ),

    conversationsOf: db.prepare<[string], ConversationRow>(
      `${CONVERSATION_SELECT}
       WHERE m.user_id = ? ORDER BY COALESCE(lm.created_at, c.created_at) DESC, c.id`,
    ),
    conversationOf: db.prepare<[string, string], ConversationRow>(`${CONVERSATION_SELECT} WHERE c.id = ? AND m.user_id = ?`),
    /**
     * Every member's cursors of the user's conversations that have at most `upTo` members. The
     * size test needs only the viewer's row, its conversation and group rows, so the member rows
     * of a larger group are never visited.
     */
    membersOfUsersConversations: db.prepare<{ user: string; upTo: number }, MemberRow>(
      `SELECT o.conversation_id, o.user_id, o.delivered, o.read
       FROM conversation_members m
       JOIN conversations c ON c.id = m.conversation_id
       LEFT JOIN groups g ON g.id = c.id
       JOIN conversation_members o ON o.conversation_id = m.conversation_id
       WHERE m.user_id = @user AND ${SIZE} <= @upTo
       ORDER BY m.conversation_id, o.user_id`,
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
  private readonly views: MessageViews;

  /** `appender`: the store's one message appender (group changes append through it too). */
  constructor(db: Database.Database, appender: MessageAppender) {
    this.s = prepare(db);
    this.appender = appender;
    this.createTx = db.transaction((conversation: NewConversation) => this.create(conversation));
    this.cursorTx = db.transaction((id: string, userId: string, to: CursorTarget) => this.moveCursor(id, userId, to));
    this.readTx = db.transaction((read: () => unknown) => read()) as <T>(read: () => T) => T;
    this.views = new MessageViews(db);
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
    const floor = range.floor ?? 0;
    const rows =
      range.after !== undefined
        ? this.s.messagesAfter.all(conversationId, Math.max(range.after, floor), upper, fetch)
        : this.s.messagesBefore.all(conversationId, floor, upper, fetch).reverse();
    const hasMore = rows.length > range.limit;
    const page = !hasMore ? rows : range.after !== undefined ? rows.slice(0, range.limit) : rows.slice(1);
    return { messages: this.views.decorate(conversationId, page.map(toMessage), range.viewerId), hasMore };
  }

  async listConversations(userId: string, allCursorsUpTo: number): Promise<ConversationState[]> {
    return this.readTx(() => {
      const cursors = new Map<string, MemberCursor[]>();
      for (const m of this.s.membersOfUsersConversations.all({ user: userId, upTo: allCursorsUpTo })) {
        const list = cursors.get(m.conversation_id) ?? [];
        list.push(toCursor(m));
        cursors.set(m.conversation_id, list);
      }
      // A conversation above the size limit has no entry: the viewer's own cursor only.
      return this.s.conversationsOf.all(userId).map((c) => this.toState(c, cursors.get(c.id) ?? [toCursor(c)]));
    });
  }

  async getConversation(conversationId: string, userId: string, allCursorsUpTo: number): Promise<ConversationState | null> {
    return this.readTx(() => {
      const row = this.s.conversationOf.get(conversationId, userId);
      if (!row) return null;
      return this.toState(row, row.size <= allCursorsUpTo ? this.s.membersOf.all(conversationId).map(toCursor) : [toCursor(row)]);
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
    const last = row.last_seq > 0 ? this.s.lastMessageUpTo.get({ id: row.id, seq: row.last_seq, lookback: LAST_MESSAGE_LOOKBACK }) : undefined;
    const lastMessage = last ? this.views.decorate(row.id, [toMessage(last)], row.user_id)[0]! : null;
    const { unread, mentions } = row;
    return { conversationId: row.id, kind: row.kind, lastSeq: row.last_seq, floor: row.floor, group: toBrief(row), unread, mentions, cursors, lastMessage };
  }
}

/** A group's brief as the viewer sees it; null for a DM (or a group conversation without a `groups` row). */
function toBrief(row: ConversationRow): GroupBrief | null {
  if (row.group_name === null) return null;
  return { name: row.group_name, avatarUrl: row.group_avatar_url, memberCount: row.group_member_count ?? 0, role: row.role };
}
