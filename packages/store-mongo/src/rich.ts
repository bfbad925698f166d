import type { ClientSession } from 'mongoose';
import type { ErrorCode, MessageContent, Quote, SendableContent, TextContent } from '@quickchat/protocol';
import type { MessageRules } from '@quickchat/server';
import type { Ctx } from './context.js';
import { filters, gt } from './filters.js';
import type { FileClaims } from './attachments.js';
import type { MemberDoc, MessageDoc } from './schemas.js';
import { termsOf } from './search-text.js';
import { toQuote } from './views.js';

/** Why a rich message was refused: a protocol error code and a sentence for people. */
export interface Refusal {
  refused: true;
  code: ErrorCode;
  reason: string;
}

/** What the appender stores for a rich item, and what the caller learns beyond the document. */
export interface PreparedRich {
  /** The content to store (files described, mutation entries as sent). */
  content: MessageContent;
  /** For mutations: the seq they change. */
  target: number | null;
  quote?: Quote;
  /** Blob keys of files a delete released. */
  released?: string[];
}

/** Whether a user belongs to the conversation being appended to. */
export type IsMember = (userId: string) => Promise<boolean>;

// The codes as the protocol spells them (`ErrorCode` values), typed against it.
const NOT_FOUND: ErrorCode = 'not_found';
const FORBIDDEN: ErrorCode = 'forbidden';
const CONFLICT: ErrorCode = 'conflict';
const VALIDATION: ErrorCode = 'validation';

const refuse = (code: ErrorCode, reason: string): Refusal => ({ refused: true, code, reason });

/**
 * The rich side of appending, inside the append transaction: replies, mentions and files of a new
 * text, and the edits, deletes and reactions that change an earlier message in place. Every read
 * is in the transaction's snapshot and every write in the transaction, so a concurrent change of
 * the same message is a write conflict (the transaction is retried), never a lost update. The
 * refusals and their sentences are the SQLite store's, word for word.
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
      for (const id of content.mentions) {
        if (id !== senderId && !(await isMember(id))) return refuse(VALIDATION, `mentions: ${id} is not a member of this conversation`);
      }
    }
    if (content.type === 'text') return this.prepareText(s, conversationId, senderId, seq, content);
    const found = await this.findTarget(s, conversationId, senderId, content.target, seq);
    if ('refused' in found) return found;
    const { row, text } = found;
    const { messages, reactions } = this.ctx.models;
    const at = filters.messageAt(conversationId, row.seq);
    if (content.type === 'edit') {
      if (row.senderId !== senderId) return refuse(FORBIDDEN, 'you can edit only your own messages');
      if (rules.editWindowMs !== null && createdAt - row.createdAt > rules.editWindowMs) {
        return refuse(FORBIDDEN, `messages can be edited for ${duration(rules.editWindowMs)} after sending`);
      }
      const edited: TextContent = { ...text, text: content.text };
      delete edited.mentions;
      if (content.mentions) edited.mentions = content.mentions;
      await messages.updateOne(at, { $set: { content: JSON.stringify(edited), editedAt: createdAt, updatedSeq: seq, terms: termsOf(edited.text) } }, { session: s });
      await this.replaceMentions(s, conversationId, row.seq, text.mentions, edited.mentions, senderId);
      return { content, target: row.seq };
    }
    if (content.type === 'delete') {
      if (row.senderId !== senderId && !(await this.mayModerate(s, conversationId, senderId, row.senderId, rules))) {
        return refuse(FORBIDDEN, 'you can delete only your own messages (and, as a group owner or admin, those of members you outrank)');
      }
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
    if (content.active && mine) return refuse(CONFLICT, `you already reacted with ${content.emoji}`);
    if (!content.active && !mine) return refuse(CONFLICT, `you have not reacted with ${content.emoji}`);
    if (content.active) {
      const fresh = (await reactions.exists(reaction).session(s)) === null;
      if (fresh) {
        const distinct = await reactions.distinct('emoji', at).session(s);
        if (distinct.length >= rules.maxReactions) return refuse(CONFLICT, `a message can carry at most ${rules.maxReactions} different reactions`);
      }
      await reactions.insertMany([{ ...reaction, userId: senderId }], { session: s });
    } else {
      await reactions.deleteOne({ ...reaction, userId: senderId }, { session: s });
    }
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
      quote = toQuote(found.row);
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
    if (!row || (row.target !== null && row.target !== undefined) || seq <= floor) return refuse(NOT_FOUND, `there is no message ${seq} in this conversation`);
    const content = JSON.parse(row.content) as MessageContent;
    if (content.type === 'deleted') return refuse(NOT_FOUND, `message ${seq} was deleted`);
    if (content.type !== 'text') return refuse(FORBIDDEN, `message ${seq} is a notice: it can't be edited, deleted, reacted to or replied to`);
    return { row, text: content };
  }

  private async member(s: ClientSession, conversationId: string, userId: string): Promise<Pick<MemberDoc, 'floor' | 'role'> | null> {
    return this.ctx.models.members.findOne(filters.member(conversationId, userId), { _id: 0, floor: 1, role: 1 }).session(s).lean<Pick<MemberDoc, 'floor' | 'role'>>();
  }

  private async mayModerate(s: ClientSession, conversationId: string, actorId: string, authorId: string, rules: MessageRules): Promise<boolean> {
    const actor = (await this.member(s, conversationId, actorId))?.role;
    if (!actor) return false;
    const author = (await this.member(s, conversationId, authorId))?.role ?? 'member';
    return rules.moderation[actor].includes(author);
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

/** `50 ms`, `90 s`, `15 min`: a window as people read it. */
function duration(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  if (ms < 120_000) return `${Math.round(ms / 1000)} s`;
  return `${Math.round(ms / 60_000)} min`;
}
