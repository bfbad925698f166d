import type Database from 'better-sqlite3';
import { ErrorCode, type Attachment, type GroupRole, type Quote, type SendableContent, type TextContent } from '@quickchat/protocol';
import type { MessageRules } from '../conversations.js';
import {
  checkDelete, checkEdit, checkMentions, checkReaction, checkReactionLimit, checkTarget, editedContent, mayModerate, quoteOf, refuse,
  type PreparedRich, type Refusal, type StoredMessage,
} from '../rich-rules.js';
import { MESSAGE_READ_COLS, type MessageRow } from './rows.js';
import type { SearchIndexer } from './search-index.js';

/**
 * Binding uploaded files to a message and letting go of them, inside the append transaction.
 * Implemented by the attachments part of the store (`attachment-claims.ts`).
 */
export interface FileClaims {
  /** Binds unsent uploads of `senderId` for `conversationId` to message `seq`, in order; or why not (nothing written then). */
  claim(conversationId: string, senderId: string, seq: number, ids: readonly string[]): Attachment[] | { refused: string };
  /** Detaches the files of a deleted message; returns their blob keys, to delete after commit. */
  release(conversationId: string, seq: number): string[];
}

interface MemberRow { role: GroupRole | null; floor: number; }

function prepare(db: Database.Database) {
  return {
    messageAt: db.prepare<[string, number], MessageRow>(`SELECT ${MESSAGE_READ_COLS} FROM messages WHERE conversation_id = ? AND seq = ?`),
    member: db.prepare<[string, string], MemberRow>('SELECT role, floor FROM conversation_members WHERE conversation_id = ? AND user_id = ?'),
    setEdited: db.prepare<[string, number, number, string, number]>(
      'UPDATE messages SET content = ?, edited_at = ?, updated_seq = ? WHERE conversation_id = ? AND seq = ?',
    ),
    setDeleted: db.prepare<[string, number, string, number]>(
      'UPDATE messages SET content = ?, edited_at = NULL, updated_seq = ? WHERE conversation_id = ? AND seq = ?',
    ),
    setUpdated: db.prepare<[number, string, number]>('UPDATE messages SET updated_seq = ? WHERE conversation_id = ? AND seq = ?'),
    /** A deleted message's earlier edit entries lose their text: each becomes a delete entry of the same target. */
    redactEdits: db.prepare<{ conversation: string; target: number; content: string }>(
      `UPDATE messages SET content = @content
       WHERE conversation_id = @conversation AND seq > @target AND target = @target AND json_extract(content, '$.type') = 'edit'`,
    ),
    hasReaction: db
      .prepare<[string, number, string, string], number>('SELECT 1 FROM reactions WHERE conversation_id = ? AND seq = ? AND emoji = ? AND user_id = ?')
      .pluck(),
    distinctEmoji: db.prepare<[string, number], string>('SELECT DISTINCT emoji FROM reactions WHERE conversation_id = ? AND seq = ?').pluck(),
    addReaction: db.prepare<[string, number, string, string]>('INSERT INTO reactions (conversation_id, seq, emoji, user_id) VALUES (?, ?, ?, ?)'),
    removeReaction: db.prepare<[string, number, string, string]>('DELETE FROM reactions WHERE conversation_id = ? AND seq = ? AND emoji = ? AND user_id = ?'),
    clearReactions: db.prepare<[string, number]>('DELETE FROM reactions WHERE conversation_id = ? AND seq = ?'),
    addMention: db.prepare<[string, string, number]>('INSERT OR IGNORE INTO mentions (user_id, conversation_id, seq) VALUES (?, ?, ?)'),
    removeMention: db.prepare<[string, string, number]>('DELETE FROM mentions WHERE user_id = ? AND conversation_id = ? AND seq = ?'),
  };
}

/**
 * The rich side of appending, inside the appender's transaction: replies, mentions and files of
 * a new text, and the edits, deletes and reactions that change an earlier message in place. Each
 * check reads the rows as they are in this transaction, so no other write can come between a
 * check and its write. Keeps the mentions table, and the search entries of messages already
 * indexed, in step with each change.
 */
export class RichWrites {
  private readonly s: ReturnType<typeof prepare>;

  constructor(
    db: Database.Database,
    private readonly files: FileClaims | null,
    private readonly search: SearchIndexer,
  ) {
    this.s = prepare(db);
  }

  /**
   * Checks a rich item against what is stored and, for a mutation, applies it to its target.
   * `seq` is the seq the item will get; `isMember` tells whether a user belongs to the conversation.
   */
  prepare(conversationId: string, senderId: string, seq: number, createdAt: number, content: SendableContent, rules: MessageRules, isMember: (userId: string) => boolean): PreparedRich | Refusal {
    const mentionRefusal = 'mentions' in content && content.mentions ? checkMentions(content.mentions, senderId, isMember) : null;
    if (mentionRefusal) return mentionRefusal;
    if (content.type === 'text') return this.prepareText(conversationId, senderId, seq, content);
    const found = this.findTarget(conversationId, senderId, content.target, seq);
    if ('refused' in found) return found;
    const { row, text } = found;
    if (content.type === 'edit') {
      const refusal = checkEdit({ senderId: row.sender_id, createdAt: row.created_at }, senderId, createdAt, rules);
      if (refusal) return refusal;
      const edited = editedContent(text, content);
      this.s.setEdited.run(JSON.stringify(edited), createdAt, seq, conversationId, row.seq);
      this.replaceMentions(conversationId, row.seq, text.mentions, edited.mentions, senderId);
      this.search.reindex(conversationId, row.seq, text.text, edited.text);
      return { content, target: row.seq };
    }
    if (content.type === 'delete') {
      const moderates = row.sender_id !== senderId && mayModerate(this.role(conversationId, senderId), this.role(conversationId, row.sender_id), rules);
      const refusal = checkDelete(row.sender_id, senderId, moderates);
      if (refusal) return refusal;
      this.s.setDeleted.run(JSON.stringify({ type: 'deleted', by: senderId }), seq, conversationId, row.seq);
      this.replaceMentions(conversationId, row.seq, text.mentions, undefined, row.sender_id);
      this.s.clearReactions.run(conversationId, row.seq);
      this.search.reindex(conversationId, row.seq, text.text, null);
      this.s.redactEdits.run({ conversation: conversationId, target: row.seq, content: JSON.stringify({ type: 'delete', target: row.seq }) });
      const released = text.attachments?.length && this.files ? this.files.release(conversationId, row.seq) : [];
      return { content, target: row.seq, released };
    }
    const mine = this.s.hasReaction.get(conversationId, row.seq, content.emoji, senderId) === 1;
    const refusal = checkReaction(content, mine) ?? (content.active ? checkReactionLimit(content.emoji, this.s.distinctEmoji.all(conversationId, row.seq), rules) : null);
    if (refusal) return refusal;
    if (content.active) this.s.addReaction.run(conversationId, row.seq, content.emoji, senderId);
    else this.s.removeReaction.run(conversationId, row.seq, content.emoji, senderId);
    this.s.setUpdated.run(seq, conversationId, row.seq);
    return { content, target: row.seq };
  }

  /** After a new text row was inserted: its mentions. */
  afterText(conversationId: string, seq: number, content: TextContent, senderId: string): void {
    this.replaceMentions(conversationId, seq, undefined, content.mentions, senderId);
  }

  /** The quote of a reply to `seq`, as the message is now; null when there is no such message to quote. */
  quoteOf(conversationId: string, seq: number): Quote | null {
    const row = this.s.messageAt.get(conversationId, seq);
    if (!row || row.target !== null) return null;
    return toQuote(row);
  }

  private prepareText(conversationId: string, senderId: string, seq: number, content: Extract<SendableContent, { type: 'text' }>): PreparedRich | Refusal {
    const stored: TextContent = { type: 'text', text: content.text };
    let quote: Quote | undefined;
    if (content.replyTo !== undefined) {
      const found = this.findTarget(conversationId, senderId, content.replyTo, seq);
      if ('refused' in found) return found;
      stored.replyTo = content.replyTo;
      quote = toQuote(found.row);
    }
    if (content.mentions) stored.mentions = content.mentions;
    if (content.attachments) {
      if (!this.files) return refuse(ErrorCode.Validation, 'this server does not accept files');
      const claimed = this.files.claim(conversationId, senderId, seq, content.attachments);
      if ('refused' in claimed) return refuse(ErrorCode.Validation, claimed.refused);
      stored.attachments = claimed;
    }
    return { content: stored, target: null, ...(quote ? { quote } : {}) };
  }

  /** The text message at `seq` that the sender can see, or why it can't be used. */
  private findTarget(conversationId: string, senderId: string, seq: number, before: number): { row: MessageRow; text: TextContent } | Refusal {
    const row = seq < before ? this.s.messageAt.get(conversationId, seq) : undefined;
    const floor = this.s.member.get(conversationId, senderId)?.floor ?? 0;
    const found = checkTarget(row && asStored(row), floor, seq, before);
    return 'refused' in found ? found : { row: row!, text: found.text };
  }

  /** The role of `userId` in the conversation; undefined when not a member. */
  private role(conversationId: string, userId: string): GroupRole | null | undefined {
    return this.s.member.get(conversationId, userId)?.role;
  }

  /** Keeps the mentions table equal to a message's mentions (never of its own author). */
  private replaceMentions(conversationId: string, seq: number, before: readonly string[] | undefined, after: readonly string[] | undefined, authorId: string): void {
    for (const id of before ?? []) if (!after?.includes(id)) this.s.removeMention.run(id, conversationId, seq);
    for (const id of after ?? []) if (id !== authorId) this.s.addMention.run(id, conversationId, seq);
  }
}

/** A quote of the message in `row` as it is now. */
export function toQuote(row: MessageRow): Quote {
  return quoteOf(asStored(row));
}

/** A message row as the rich rules read it. */
function asStored(row: MessageRow): StoredMessage {
  return { seq: row.seq, senderId: row.sender_id, createdAt: row.created_at, target: row.target, content: row.content };
}
