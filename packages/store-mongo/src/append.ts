import type { ClientSession } from 'mongoose';
import type { Message, SendableContent } from '@quickchat/protocol';
import type { AppendResult, NewMessage } from '@quickchat/server';
import { inDm, toMessage, type Ctx } from './context.js';
import { filters, int, num, str, strs } from './filters.js';
import type { RichWrites } from './rich.js';
import type { ConversationDoc, MessageDoc } from './schemas.js';
import { termsOf } from './search-text.js';

/** The one result for every item whose conversation is missing (shared: it carries no data). */
const NO_CONVERSATION: AppendResult = Object.freeze({ status: 'no_conversation' });
/** The one result for every DM item from someone other than its two members, and every group item from a non-member. */
const NOT_MEMBER: AppendResult = Object.freeze({ status: 'not_member' });

/** One conversation during a batch: where its seqs are, and what to write back at the end. */
interface Touched {
  kind: 'dm' | 'group';
  num: number;
  /** The last seq handed out (the conversation's `lastSeq` as of this batch). */
  seq: number;
  /** `lastSeq` when the batch started: nothing to write back if unchanged. */
  startSeq: number;
  lastAt: number | null;
  /** Messages stored in the batch per sender: each one's `ownAfterRead` grows by as much. */
  own: Map<string, number>;
  /** Whether each sender seen in the batch is a member (one read per sender and batch). */
  members: Map<string, boolean>;
}

/** What one batch holds in memory: touched conversations, documents to insert, keys stored so far. */
interface Batch {
  touched: Map<string, Touched | null>;
  pending: MessageDoc[];
  /** Messages stored in this batch, and duplicates found up front, by idempotency key. */
  known: Map<string, Message>;
}

const keyOf = (conversationId: string, senderId: string, clientMsgId: string): string => JSON.stringify([conversationId, senderId, clientMsgId]);

/** Whether storing `content` needs rules: a mutation, or a text with a reply, mentions or files. */
function isRich(content: NewMessage['content']): boolean {
  if (content.type !== 'text') return 'target' in content;
  return content.replyTo !== undefined || content.mentions !== undefined || content.attachments !== undefined;
}

/**
 * Checks the shape of an item before it reaches a query: every id a string, times and seqs
 * integers, and the content fields the store reads typed as the protocol says. A caller that
 * skipped validation gets a TypeError, not a query with an operator in it.
 */
export function checkMessage(item: NewMessage): void {
  str(item.id, 'message id');
  str(item.conversationId, 'conversation id');
  str(item.senderId, 'sender id');
  str(item.clientMsgId, 'clientMsgId');
  int(item.createdAt, 'createdAt');
  const c = item.content as unknown as Record<string, unknown>;
  if (typeof c !== 'object' || c === null) throw new TypeError('content must be an object');
  str(c['type'], 'content type');
  if ('text' in c) str(c['text'], 'text');
  if ('target' in c) int(c['target'], 'target');
  if (c['replyTo'] !== undefined) int(c['replyTo'], 'replyTo');
  if (c['mentions'] !== undefined) strs(c['mentions'], 'mentions');
  if (c['emoji'] !== undefined) str(c['emoji'], 'emoji');
  if (c['type'] === 'text' && c['attachments'] !== undefined) strs(c['attachments'], 'attachments');
  if (item.rules !== undefined) {
    if (item.rules.editWindowMs !== null) num(item.rules.editWindowMs, 'editWindowMs');
    int(item.rules.maxReactions, 'maxReactions');
  }
}

/**
 * The message path, inside a transaction opened by the caller (appendMessages, a group change,
 * closing a call): the same seqs, idempotency, membership checks and counters whoever appends.
 *
 * Seq allocation: the first item for a conversation `$inc`s its document's `appends` counter with
 * `findOneAndUpdate`, which reads `lastSeq` and takes the document into this transaction: a
 * concurrent append to the same conversation conflicts right there and is retried by the driver
 * after this one commits, so seqs are handed out one transaction at a time, gap-free. The unique
 * `(conversationId, seq)` index backs that up. At the end of the batch `lastSeq`/`lastAt` are set
 * and each sender's `ownAfterRead` grows by the messages they stored.
 *
 * Idempotency: one query up front finds the items already stored (unique
 * `(conversationId, senderId, clientMsgId)`), and a map catches repeats within the batch, so a
 * repeat is answered `duplicate` with the stored message and writes nothing.
 */
export class Appender {
  constructor(
    private readonly ctx: Ctx,
    private readonly rich: RichWrites,
  ) {}

  /** Appends `batch` in `s`'s transaction; see `ConversationStore.appendMessages`. */
  async append(s: ClientSession, batch: readonly NewMessage[]): Promise<AppendResult[]> {
    for (const item of batch) checkMessage(item);
    const b: Batch = { touched: new Map(), pending: [], known: await this.storedAlready(s, batch) };
    const results: AppendResult[] = [];
    for (const item of batch) results.push(await this.appendOne(s, item, b));
    await this.flush(s, b);
    await this.writeBack(s, b);
    return results;
  }

  /** The stored messages among the batch's idempotency keys, in one query. */
  private async storedAlready(s: ClientSession, batch: readonly NewMessage[]): Promise<Map<string, Message>> {
    const known = new Map<string, Message>();
    if (batch.length === 0) return known;
    const keys = new Map<string, ReturnType<typeof filters.clientMsg>>();
    for (const m of batch) keys.set(keyOf(m.conversationId, m.senderId, m.clientMsgId), filters.clientMsg(m.conversationId, m.senderId, m.clientMsgId));
    const docs = await this.ctx.models.messages.find({ $or: [...keys.values()] }).session(s).lean<MessageDoc[]>();
    for (const d of docs) known.set(keyOf(d.conversationId, d.senderId, d.clientMsgId), toMessage(d));
    return known;
  }

  /** The conversation's state in this batch, or null when it is missing. Its first touch takes its document into the transaction. */
  private async touch(s: ClientSession, conversationId: string, b: Batch): Promise<Touched | null> {
    const known = b.touched.get(conversationId);
    if (known !== undefined) return known;
    const doc = await this.ctx.models.conversations
      .findOneAndUpdate(filters.conversation(conversationId), { $inc: { appends: 1 } }, { session: s, returnDocument: 'after' })
      .lean<ConversationDoc>();
    const t: Touched | null = doc && { kind: doc.kind, num: doc.num, seq: doc.lastSeq, startSeq: doc.lastSeq, lastAt: doc.lastAt, own: new Map(), members: new Map() };
    b.touched.set(conversationId, t);
    return t;
  }

  private async isMember(s: ClientSession, conversationId: string, t: Touched, userId: string): Promise<boolean> {
    if (t.kind === 'dm') return inDm(conversationId, userId);
    let member = t.members.get(userId);
    if (member === undefined) {
      member = (await this.ctx.models.members.exists(filters.member(conversationId, userId)).session(s)) !== null;
      t.members.set(userId, member);
    }
    return member;
  }

  private async appendOne(s: ClientSession, item: NewMessage, b: Batch): Promise<AppendResult> {
    const { id, conversationId, senderId, clientMsgId, createdAt } = item;
    const t = await this.touch(s, conversationId, b);
    if (t === null) return NO_CONVERSATION;
    // The unread arithmetic counts on it; the services only let members send.
    if (!(await this.isMember(s, conversationId, t, senderId))) return NOT_MEMBER;
    const key = keyOf(conversationId, senderId, clientMsgId);
    const existing = b.known.get(key);
    // A resend returns what was stored, even if it would be refused now.
    if (existing) return { status: 'duplicate', message: existing };
    const seq = t.seq + 1;
    let message: Message;
    let target: number | null = null;
    let released: string[] | undefined;
    if (item.rules !== undefined) {
      // Rich checks read earlier items of the batch: store them first.
      await this.flush(s, b);
      const prepared = await this.rich.prepare(s, conversationId, senderId, seq, createdAt, item.content as SendableContent, item.rules, (userId) => this.isMember(s, conversationId, t, userId));
      if ('refused' in prepared) return { status: 'refused', code: prepared.code, reason: prepared.reason };
      target = prepared.target;
      released = prepared.released;
      message = { id, conversationId, seq, senderId, clientMsgId, content: prepared.content, createdAt, ...(prepared.quote ? { quote: prepared.quote } : {}) };
      if (prepared.content.type === 'text') await this.rich.afterText(s, conversationId, seq, prepared.content, senderId);
    } else {
      if (isRich(item.content)) throw new Error('a reply, mention, file or mutation must come with rules (NewMessage.rules)');
      message = { id, conversationId, seq, senderId, clientMsgId, content: item.content as Message['content'], createdAt };
    }
    const content = message.content;
    b.pending.push({
      conversationId,
      seq,
      id,
      senderId,
      clientMsgId,
      type: content.type,
      content: JSON.stringify(content),
      createdAt,
      target,
      updatedSeq: null,
      editedAt: null,
      num: t.num,
      terms: content.type === 'text' ? termsOf(content.text) : [],
    });
    const { quote: _quote, ...stored } = message;
    b.known.set(key, stored);
    t.seq = seq;
    t.lastAt = createdAt;
    t.own.set(senderId, (t.own.get(senderId) ?? 0) + 1);
    return { status: 'stored', message, ...(released?.length ? { released } : {}) };
  }

  /** Inserts the documents waiting in the batch (one round trip). */
  private async flush(s: ClientSession, b: Batch): Promise<void> {
    if (b.pending.length === 0) return;
    const docs = b.pending;
    b.pending = [];
    await this.ctx.models.messages.insertMany(docs, { session: s, ordered: true });
  }

  /** The touched conversations' `lastSeq`/`lastAt`, and their senders' `ownAfterRead`. */
  private async writeBack(s: ClientSession, b: Batch): Promise<void> {
    const { conversations, members } = this.ctx.models;
    for (const [conversationId, t] of b.touched) {
      if (t === null || t.seq === t.startSeq) continue;
      await conversations.updateOne(filters.conversation(conversationId), { $set: { lastSeq: t.seq, lastAt: t.lastAt } }, { session: s });
      for (const [senderId, count] of t.own) {
        await members.updateOne(filters.member(conversationId, senderId), { $inc: { ownAfterRead: count } }, { session: s });
      }
    }
  }
}
