import type { ClientSession } from 'mongoose';
import type { ErrorCode, Quote, SendableContent, TextContent } from '@quickchat/protocol';
import {
  checkDelete, checkEdit, checkMentions, checkReaction, checkReactionLimit, checkTarget, editedContent, mayModerate, quoteOf, refuse,
  type MessageRules, type PreparedRich, type Refusal,
} from '@quickchat/server';
import type { Ctx } from './context.js';
import { filters, gt } from './filters.js';
import type { FileClaims } from './attachments.js';
import type { MemberDoc, MessageDoc } from './schemas.js';
import { termsOf } from './search-text.js';

/** Whether a user belongs to the conversation being appended to. */
export type IsMember = (userId: string) => Promise<boolean>;

// The code as the protocol spells it (an `ErrorCode` value), typed against it.
const VALIDATION: ErrorCode = 'validation';

/**
 * The rich side of appending, inside the append transaction: replies, mentions and files of a new
 * text, and the edits, deletes and reactions that change an earlier message in place. Every read
 * is in the transaction's snapshot and every write in the transaction, so a concurrent change of
 * the same message is a write conflict (the transaction is retried), never a lost update. The
 * rules and their refusals are the server's `rich-rules` (shared with the SQLite store); this keeps the data access.
 */
export class RichWrites {
  constructor(
    private readonly ctx: Ctx,
    private readonly files: FileClaims,
  ) {}

  /**
   * Checks a rich item against what is stored and, for a mutation, applies it to its target.
   * `seq` is the seq the item will get.
   */
  async prepare(s: ClientSession, conversationId: string, senderId: string, seq: number, createdAt: number, content: SendableContent, rules: MessageRules, isMember: IsMember): Promise<PreparedRich | Refusal> {
    if ('mentions' in content && content.mentions) {
      // The members among the mentioned, read first: the rule itself is synchronous.
      const members = new Set<string>();
      for (const id of content.mentions) if (id !== senderId && (await isMember(id))) members.add(id);
      const refusal = checkMentions(content.mentions, senderId, (id) => members.has(id));
      if (refusal) return refusal;
    }
    if (content.type === 'text') return this.prepareText(s, conversationId, senderId, seq, content);
    const found = await this.findTarget(s, conversationId, senderId, content.target, seq);
    if ('refused' in found) return found;
    const { row, text } = found;
    const { messages, reactions } = this.ctx.models;
    const at = filters.messageAt(conversationId, row.seq);
    if (content.type === 'edit') {
      const refusal = checkEdit(row, senderId, createdAt, rules);
      if (refusal) return refusal;
      const edited = editedContent(text, content);
      await messages.updateOne(at, { $set: { content: JSON.stringify(edited), editedAt: createdAt, updatedSeq: seq, terms: termsOf(edited.text) } }, { session: s });
      await this.replaceMentions(s, conversationId, row.seq, text.mentions, edited.mentions, senderId);
      return { content, target: row.seq };
    }
    if (content.type === 'delete') {
      const moderates = row.senderId !== senderId && mayModerate(await this.role(s, conversationId, senderId), await this.role(s, conversationId, row.senderId), rules);
      const refusal = checkDelete(row.senderId, senderId, moderates);
      if (refusal) return refusal;
      await messages.updateOne(at, { $set: { content: JSON.stringify({ type: 'deleted', by: senderId }), type: 'deleted', editedAt: null, updatedSeq: seq, terms: [] } }, { session: s });
      await this.replaceMentions(s, conversationId, row.seq, text.mentions, undefined, row.senderId);
      await reactions.deleteMany(at, { session: s });
      // Earlier edit entries of it lose their text: each becomes a delete entry of the same target.
      await messages.updateMany(
        { conversationId, seq: gt(row.seq), target: row.seq, type: 'edit' },
        { $set: { content: JSON.stringify({ type: 'delete', target: row.seq }), type: 'delete' } },
        { session: s },
      );
      const released = text.attachments?.length ? await this.files.release(s, conversationId, row.seq) : [];
      return { content, target: row.seq, released };
    }
    const reaction = { conversationId, seq: row.seq, emoji: content.emoji };
    const mine = (await reactions.exists({ ...reaction, userId: senderId }).session(s)) !== null;
    const refusal = checkReaction(content, mine)
      ?? (content.active ? checkReactionLimit(content.emoji, await reactions.distinct('emoji', at).session(s), rules) : null);
    if (refusal) return refusal;
    if (content.active) await reactions.insertMany([{ ...reaction, userId: senderId }], { session: s });
    else await reactions.deleteOne({ ...reaction, userId: senderId }, { session: s });
    await messages.updateOne(at, { $set: { updatedSeq: seq } }, { session: s });
    return { content, target: row.seq };
  }

  /** After a new text was stored at `seq`: its mentions. */
  async afterText(s: ClientSession, conversationId: string, seq: number, content: TextContent, senderId: string): Promise<void> {
    await this.replaceMentions(s, conversationId, seq, undefined, content.mentions, senderId);
  }

  private async prepareText(s: ClientSession, conversationId: string, senderId: string, seq: number, content: Extract<SendableContent, { type: 'text' }>): Promise<PreparedRich | Refusal> {
    const stored: TextContent = { type: 'text', text: content.text };
    let quote: Quote | undefined;
    if (content.replyTo !== undefined) {
      const found = await this.findTarget(s, conversationId, senderId, content.replyTo, seq);
      if ('refused' in found) return found;
      stored.replyTo = content.replyTo;
      quote = quoteOf(found.row);
    }
    if (content.mentions) stored.mentions = content.mentions;
    if (content.attachments) {
      const claimed = await this.files.claim(s, conversationId, senderId, seq, content.attachments);
      if ('refused' in claimed) return refuse(VALIDATION, claimed.refused);
      stored.attachments = claimed;
    }
    return { content: stored, target: null, ...(quote ? { quote } : {}) };
  }

  /** The text message at `seq` (before `before`, above the sender's floor), or why it can't be used. */
  private async findTarget(s: ClientSession, conversationId: string, senderId: string, seq: number, before: number): Promise<{ row: MessageDoc; text: TextContent } | Refusal> {
    const row = seq < before ? await this.ctx.models.messages.findOne(filters.messageAt(conversationId, seq)).session(s).lean<MessageDoc>() : null;
    const floor = (await this.member(s, conversationId, senderId))?.floor ?? 0;
    const found = checkTarget(row, floor, seq, before);
    return 'refused' in found ? found : { row: row!, text: found.text };
  }

  private async member(s: ClientSession, conversationId: string, userId: string): Promise<Pick<MemberDoc, 'floor' | 'role'> | null> {
    return this.ctx.models.members.findOne(filters.member(conversationId, userId), { _id: 0, floor: 1, role: 1 }).session(s).lean<Pick<MemberDoc, 'floor' | 'role'>>();
  }

  private async role(s: ClientSession, conversationId: string, userId: string): Promise<MemberDoc['role'] | undefined> {
    return (await this.member(s, conversationId, userId))?.role;
  }

  /** Keeps the mentions equal to a message's mentions (never of its own author). */
  private async replaceMentions(s: ClientSession, conversationId: string, seq: number, before: readonly string[] | undefined, after: readonly string[] | undefined, authorId: string): Promise<void> {
    const { mentions } = this.ctx.models;
    for (const id of before ?? []) if (!after?.includes(id)) await mentions.deleteOne({ userId: id, conversationId, seq }, { session: s });
    for (const id of after ?? []) {
      if (id === authorId) continue;
      const mention = { userId: id, conversationId, seq };
      if ((await mentions.exists(mention).session(s)) === null) await mentions.insertMany([mention], { session: s });
    }
  }
}
