import type Database from 'better-sqlite3';
import type { Message, SendableContent } from '@quickchat/protocol';
import type { AppendResult, NewMessage } from '../types.js';
import { MESSAGE_COLS, MESSAGE_READ_COLS, toMessage, type MessageRow } from './rows.js';
import type { RichWrites } from './rich-writes.js';
import type { SearchIndexer } from './search-index.js';
import { WriteLock } from './write-lock.js';

/** How many conversations' tails {@link MessageAppender} remembers (about 150 bytes each). */
const TAIL_CACHE_SIZE = 50_000;

/** The one result for every item whose conversation is missing (shared: it carries no data). */
const NO_CONVERSATION: AppendResult = Object.freeze({ status: 'no_conversation' });
/** The one result for every DM item from someone other than its two members, and every group item from a non-member. */
const NOT_MEMBER: AppendResult = Object.freeze({ status: 'not_member' });

/**
 * A conversation's newest stored message, as much as an append needs of it: the next seq follows
 * `seq`, and in a DM the sender's `sender_count` follows from `sender` and `count` (see
 * {@link ownUpTo}). `seq` is 0 (and `sender` empty) while the conversation has no messages.
 */
interface Tail {
  dm: boolean;
  seq: number;
  sender: string;
  count: number;
}

/** One conversation's tail during a batch; the cache gets it only once the batch committed. */
interface Touched extends Tail {
  /** Groups only: messages stored in the batch per sender; each one's `own_after_read` grows by as much. */
  own: Map<string, number> | null;
  /** Groups only: whether each sender seen in the batch is a member (one point read per sender and batch). */
  members: Map<string, boolean> | null;
}

/**
 * Appends batches inside a transaction opened by {@link MessageAppender.transaction}; each call
 * behaves as {@link MessageAppender.append} would, and sees what the transaction wrote so far.
 */
export type AppendInTransaction = (batch: readonly NewMessage[]) => AppendResult[];

/**
 * In a DM, how many of the messages up to and including the tail `user` sent: `sender_count`
 * of that row if they sent it, else the rest (every DM message comes from one of its two members).
 */
function ownUpTo(tail: Tail, user: string): number {
  if (tail.seq === 0) return 0;
  return tail.sender === user ? tail.count : tail.seq - tail.count;
}

/** Whether `user` is one of the two members named by a DM id (`dm:a~b`). */
function inDm(conversationId: string, user: string): boolean {
  const tilde = conversationId.indexOf('~');
  return (
    (tilde === 3 + user.length && conversationId.startsWith(user, 3)) ||
    (conversationId.length - tilde - 1 === user.length && conversationId.endsWith(user))
  );
}

/** Whether storing `content` needs {@link RichWrites}: a mutation, or a text with a reply, mentions or files. */
function isRich(content: NewMessage['content']): boolean {
  if (content.type !== 'text') return 'target' in content;
  return content.replyTo !== undefined || content.mentions !== undefined || content.attachments !== undefined;
}

interface TailRow { kind: 'dm' | 'group'; seq: number | null; sender_id: string | null; sender_count: number | null; }

function prepare(db: Database.Database) {
  return {
    dataVersion: db.prepare<[], number>('PRAGMA data_version').pluck(),
    /** The conversation's kind and newest message (null columns when it has none); no row when it is missing. */
    tailOf: db.prepare<[string, string], TailRow>(
      `SELECT c.kind, t.seq, t.sender_id, t.sender_count FROM conversations c
       LEFT JOIN (SELECT seq, sender_id, sender_count FROM messages WHERE conversation_id = ? ORDER BY seq DESC LIMIT 1) t
       WHERE c.id = ?`,
    ),
    isMember: db.prepare<[string, string], number>('SELECT 1 FROM conversation_members WHERE conversation_id = ? AND user_id = ?').pluck(),
    addOwn: db.prepare<[number, string, string]>(
      'UPDATE conversation_members SET own_after_read = own_after_read + ? WHERE conversation_id = ? AND user_id = ?',
    ),
    /**
     * Inserts unless (conversation_id, sender_id, client_msg_id) exists (then `changes` is 0).
     * Positional parameters, in {@link MESSAGE_COLS} order then `sender_count`: binding them is
     * much cheaper than named ones.
     */
    insertMessage: db.prepare<[id: string, conversationId: string, seq: number, senderId: string, clientMsgId: string, content: string, createdAt: number, senderCount: number]>(
      `INSERT INTO messages (${MESSAGE_COLS}, sender_count) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (conversation_id, sender_id, client_msg_id) DO NOTHING`,
    ),
    /** A rich item, already known not to be a duplicate: with its `target` when it is a mutation entry. */
    insertRich: db.prepare<[id: string, conversationId: string, seq: number, senderId: string, clientMsgId: string, content: string, createdAt: number, senderCount: number, target: number | null]>(
      `INSERT INTO messages (${MESSAGE_COLS}, sender_count, target) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    messageByClientId: db.prepare<[string, string, string], MessageRow>(
      `SELECT ${MESSAGE_READ_COLS} FROM messages WHERE conversation_id = ? AND sender_id = ? AND client_msg_id = ?`,
    ),
  };
}

/**
 * The message hot path: appends a batch in one IMMEDIATE transaction with one INSERT per
 * message. In a DM that is all a commit writes: the row (with its `sender_count`) and its
 * idempotency-index entry, two b-tree leaves (see docs/decisions/0007). In a group, the batch
 * also reads each sender's member row once (a non-member's item is refused) and bumps its
 * `own_after_read` once per (conversation, sender) it stored messages for.
 *
 * With a single writer it remembers the newest message of recently written conversations
 * ({@link tails}), so a known conversation costs no read per batch. That is sound only while the
 * store's connection is the only writer of its file: a tail remembered here is stale as soon as
 * another connection appends to that conversation, and the next append would reuse its seq (a
 * primary-key clash that fails the batch) or, in a DM, miscount `sender_count`. As a safety net,
 * each batch first checks `PRAGMA data_version`, which changes when another connection
 * committed, and then forgets everything it remembered. In shared-writer mode (several processes
 * on one file) another writer commits between nearly every two batches, so the cache would be
 * emptied each time: the appender keeps none, and reads each conversation's tail once per batch,
 * inside the write transaction (one primary-key descent), where no other writer can move it.
 * Everything else a batch reads (members, counters, targets) is read inside the transaction in
 * both modes, and kept only for that batch.
 *
 * Other writes that must commit with messages (a group change and its notice) run in
 * {@link transaction}, which appends through this same code and remembers the tails only once
 * that outer transaction committed.
 */
export class MessageAppender {
  private readonly s: ReturnType<typeof prepare>;
  private readonly tx: Database.Transaction<(batch: readonly NewMessage[], touched: Map<string, Touched>) => AppendResult[]>;
  /** Runs a caller's work in one transaction (see {@link transaction}). */
  private readonly outerTx: Database.Transaction<(work: () => unknown) => unknown>;
  /**
   * Committed tails of recently written conversations, most recent last, so that a known
   * conversation costs no read per batch. Updated only after a batch commits, and cleared when
   * one fails, so a rollback never leaves a stale value behind.
   */
  private readonly tails: Map<string, Tail> | null;
  /** Waits for the write lock in shared-writer mode (see {@link WriteLock}). */
  private readonly lock: WriteLock;
  /** `PRAGMA data_version` as of the last batch; a different value means another connection wrote. */
  private dataVersion = -1;

  /**
   * `rich`: replies, mentions, files and mutations; `search` learns after each commit which
   * conversations grew; `shared`: other processes write the file too (no tail cache).
   */
  constructor(
    db: Database.Database,
    private readonly rich: RichWrites,
    private readonly search: SearchIndexer,
    shared = false,
  ) {
    this.s = prepare(db);
    this.tails = shared ? null : new Map();
    this.lock = new WriteLock(db, shared);
    this.tx = db.transaction((batch: readonly NewMessage[], touched: Map<string, Touched>) => this.appendBatch(batch, touched));
    this.outerTx = db.transaction((work: () => unknown) => work());
  }

  /** See `ConversationStore.appendMessages`. */
  append(batch: readonly NewMessage[]): AppendResult[] {
    let touched = new Map<string, Touched>();
    let results: AppendResult[];
    try {
      results = this.lock.run(() => this.tx.immediate(batch, (touched = new Map())));
    } catch (err) {
      // Rolled back: forget everything, so the next batch re-reads what is really stored.
      this.tails?.clear();
      throw err;
    }
    this.remember(touched);
    return results;
  }

  /**
   * Runs `work` in ONE IMMEDIATE transaction, giving it `append` to store messages through this
   * appender (same seqs, idempotency, membership checks and counters as {@link append}) beside
   * its own writes. Tails are remembered only once the transaction committed; if `work` throws,
   * everything rolls back and the cache is cleared, as a failed batch does. In shared-writer mode
   * `work` runs again from the start if the file was locked when the transaction began, so it
   * must write only through the transaction.
   */
  transaction<T>(work: (append: AppendInTransaction) => T): T {
    let touched = new Map<string, Touched>();
    let result: T;
    try {
      result = this.lock.run(() => {
        const mine = (touched = new Map());
        return this.outerTx.immediate(() => work((batch) => this.appendBatch(batch, mine))) as T;
      });
    } catch (err) {
      this.tails?.clear();
      throw err;
    }
    this.remember(touched);
    return result;
  }

  /** After a commit: the touched conversations' tails become the committed ones, most recent last. */
  private remember(touched: Map<string, Touched>): void {
    const tails = this.tails;
    for (const [conversationId, t] of touched) {
      if (tails !== null) {
        tails.delete(conversationId);
        tails.set(conversationId, { dm: t.dm, seq: t.seq, sender: t.sender, count: t.count });
      }
      this.search.noteAppended(conversationId, t.seq);
    }
    if (tails === null) return;
    for (const oldest of tails.keys()) {
      if (tails.size <= TAIL_CACHE_SIZE) break;
      tails.delete(oldest);
    }
  }

  /** The transaction body; `touched` collects what to write back and, once committed, to remember. */
  private appendBatch(batch: readonly NewMessage[], touched: Map<string, Touched>): AppendResult[] {
    if (this.tails !== null) {
      const version = this.s.dataVersion.get()!;
      if (version !== this.dataVersion) {
        this.tails.clear();
        this.dataVersion = version;
      }
    }
    const results = batch.map((item) => this.appendOne(item, touched));
    for (const [conversationId, t] of touched) {
      if (t.own === null) continue;
      for (const [senderId, count] of t.own) this.s.addOwn.run(count, conversationId, senderId);
      // Applied: a later batch of the same transaction starts afresh (members may have changed).
      t.own.clear();
      t.members!.clear();
    }
    return results;
  }

  /** The conversation's tail as of this batch, or undefined when the conversation is missing. */
  private touch(conversationId: string, touched: Map<string, Touched>): Touched | undefined {
    const known = touched.get(conversationId);
    if (known !== undefined) return known;
    let tail = this.tails?.get(conversationId);
    if (tail === undefined) {
      const row = this.s.tailOf.get(conversationId, conversationId);
      if (row === undefined) return undefined;
      tail = { dm: row.kind === 'dm', seq: row.seq ?? 0, sender: row.sender_id ?? '', count: row.sender_count ?? 0 };
    }
    const t: Touched = {
      dm: tail.dm,
      seq: tail.seq,
      sender: tail.sender,
      count: tail.count,
      own: tail.dm ? null : new Map(),
      members: tail.dm ? null : new Map(),
    };
    touched.set(conversationId, t);
    return t;
  }

  private appendOne(item: NewMessage, touched: Map<string, Touched>): AppendResult {
    const conversationId = item.conversationId;
    const t = this.touch(conversationId, touched);
    if (t === undefined) return NO_CONVERSATION;
    const seq = t.seq + 1;
    const { id, senderId, clientMsgId, content, createdAt } = item;
    let count = 0;
    if (t.dm) {
      // The DM unread arithmetic counts on it; the services only let members send.
      if (!inDm(conversationId, senderId)) return NOT_MEMBER;
      count = ownUpTo(t, senderId) + 1;
    } else {
      // A group: only its members may send (their own_after_read counts on it, and a removed
      // member must not write). One primary-key probe per sender and batch; it reads the row
      // the counter update below writes anyway.
      let member = t.members!.get(senderId);
      if (member === undefined) {
        member = this.s.isMember.get(conversationId, senderId) === 1;
        t.members!.set(senderId, member);
      }
      if (!member) return NOT_MEMBER;
    }
    if (item.rules !== undefined) return this.appendRich(item, t, seq, count);
    if (isRich(content)) throw new Error('a reply, mention, file or mutation must come with rules (NewMessage.rules)');
    const json = item.contentJson ?? JSON.stringify(content);
    if (this.s.insertMessage.run(id, conversationId, seq, senderId, clientMsgId, json, createdAt, count).changes === 0) {
      const existing = this.s.messageByClientId.get(conversationId, senderId, clientMsgId);
      if (!existing) throw new Error(`message (${conversationId}, ${senderId}, ${clientMsgId}) was neither inserted nor found`);
      return { status: 'duplicate', message: toMessage(existing) };
    }
    this.advance(t, seq, senderId, count);
    return { status: 'stored', message: { id, conversationId, seq, senderId, clientMsgId, content: content as Message['content'], createdAt } };
  }

  /** The tail moves to the row just stored; a group sender's `own_after_read` grows with it. */
  private advance(t: Touched, seq: number, senderId: string, count: number): void {
    t.seq = seq;
    t.sender = senderId;
    t.count = count;
    if (t.own !== null) t.own.set(senderId, (t.own.get(senderId) ?? 0) + 1);
  }

  /**
   * A reply, mention, file or mutation: the duplicate check comes first (a resend returns what
   * was stored even if it would be refused now), then {@link RichWrites} checks it and applies a
   * mutation to its target, then the row is stored with its `target`.
   */
  private appendRich(item: NewMessage, t: Touched, seq: number, count: number): AppendResult {
    const { id, conversationId, senderId, clientMsgId, createdAt } = item;
    const existing = this.s.messageByClientId.get(conversationId, senderId, clientMsgId);
    if (existing) return { status: 'duplicate', message: toMessage(existing) };
    const isMember = (userId: string) => (t.dm ? inDm(conversationId, userId) : this.s.isMember.get(conversationId, userId) === 1);
    const prepared = this.rich.prepare(conversationId, senderId, seq, createdAt, item.content as SendableContent, item.rules!, isMember);
    if ('refused' in prepared) return { status: 'refused', code: prepared.code, reason: prepared.reason };
    const { content, target, quote, released } = prepared;
    this.s.insertRich.run(id, conversationId, seq, senderId, clientMsgId, JSON.stringify(content), createdAt, count, target);
    if (content.type === 'text') this.rich.afterText(conversationId, seq, content, senderId);
    this.advance(t, seq, senderId, count);
    const message: Message = { id, conversationId, seq, senderId, clientMsgId, content, createdAt, ...(quote ? { quote } : {}) };
    return { status: 'stored', message, ...(released?.length ? { released } : {}) };
  }
}
