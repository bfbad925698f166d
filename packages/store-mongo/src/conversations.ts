import type { ClientSession } from 'mongoose';
import type { GroupRole, MemberCursor, Message } from '@quickchat/protocol';
import type { AppendResult, ConversationState, ConversationStore, HistoryPage, HistoryRange, NewConversation, NewMessage } from '@quickchat/server';
import { CONVERSATION_NUM } from './connection.js';
import { byCodePoint, toMessage, type Ctx } from './context.js';
import { aboveUpTo, between, filters, gt, inStrings, int, isMutation, ne, oneOf, str, strs } from './filters.js';
import { checkMessage, type Appender } from './append.js';
import type { ConversationDoc, GroupDoc, MemberDoc, MessageDoc } from './schemas.js';
import type { MessageViews } from './views.js';

/** How far back from the last entry a conversation's last message is looked for, past mutation entries. */
const LAST_MESSAGE_LOOKBACK = 1000;

type CursorTarget = { delivered?: number; read?: number };
type CursorResult = { cursor: MemberCursor; changed: boolean } | null;

const toCursor = (m: Pick<MemberDoc, 'userId' | 'delivered' | 'read'>): MemberCursor => ({ userId: m.userId, delivered: m.delivered, read: m.read });

/**
 * Inserts a conversation document with the next `num` (the counter is `$inc`-ed inside the
 * caller's transaction, so nums follow commit order). An existing id fails with a duplicate key,
 * which aborts the transaction.
 */
export async function insertConversation(ctx: Ctx, s: ClientSession, id: string, kind: 'dm' | 'group', createdAt: number): Promise<void> {
  const counter = await ctx.models.counters
    .findOneAndUpdate({ _id: CONVERSATION_NUM }, { $inc: { n: 1 } }, { session: s, upsert: true, returnDocument: 'after' })
    .lean<{ n: number }>();
  const doc: ConversationDoc = { _id: id, kind, createdAt, num: counter!.n, lastSeq: 0, lastAt: null, appends: 0 };
  await ctx.models.conversations.insertMany([doc], { session: s });
}

/**
 * {@link ConversationStore} on MongoDB. Creation, appends and cursor moves are transactions;
 * the reads behind one conversation state share one snapshot (a read-only transaction).
 *
 * Unread is `lastSeq - read - ownAfterRead - others' mutation entries after read`: two documents
 * and one count over the partial index of mutation entries, whatever the backlog of messages.
 */
export class MongoConversations implements ConversationStore {
  constructor(
    private readonly ctx: Ctx,
    private readonly appender: Appender,
    private readonly views: MessageViews,
  ) {}

  async createConversation(conversation: NewConversation): Promise<boolean> {
    const id = str(conversation.id, 'conversation id');
    const kind = oneOf(conversation.kind, ['dm', 'group'] as const, 'kind');
    const members = [...new Set(strs(conversation.members, 'members'))];
    const createdAt = int(conversation.createdAt, 'createdAt');
    return this.ctx.transact(async (s) => {
      if ((await this.ctx.models.conversations.exists(filters.conversation(id)).session(s)) !== null) return false;
      await insertConversation(this.ctx, s, id, kind, createdAt);
      if (members.length > 0) await this.ctx.models.members.insertMany(members.map((userId) => ({ conversationId: id, userId })), { session: s });
      return true;
    });
  }

  async appendMessages(batch: readonly NewMessage[]): Promise<AppendResult[]> {
    if (batch.length === 0) return [];
    // Refused before the transaction starts (the appender checks again, for its other callers).
    for (const item of batch) checkMessage(item);
    return this.ctx.transact((s) => this.appender.append(s, batch));
  }

  async getMessages(conversationId: string, range: HistoryRange): Promise<HistoryPage> {
    const id = str(conversationId, 'conversation id');
    const limit = int(range.limit, 'limit');
    const upper = range.before !== undefined ? int(range.before, 'before') : Number.MAX_SAFE_INTEGER;
    const floor = range.floor !== undefined ? int(range.floor, 'floor') : 0;
    const viewer = range.viewerId !== undefined ? str(range.viewerId, 'viewer id') : undefined;
    const { messages } = this.ctx.models;
    let docs: MessageDoc[];
    if (range.after !== undefined) {
      const after = Math.max(int(range.after, 'after'), floor);
      docs = after + 1 >= upper ? [] : await messages.find({ conversationId: id, seq: between(after, upper) }).sort({ seq: 1 }).limit(limit + 1).lean<MessageDoc[]>();
    } else {
      docs = floor + 1 >= upper ? [] : (await messages.find({ conversationId: id, seq: between(floor, upper) }).sort({ seq: -1 }).limit(limit + 1).lean<MessageDoc[]>()).reverse();
    }
    const hasMore = docs.length > limit;
    const page = !hasMore ? docs : range.after !== undefined ? docs.slice(0, limit) : docs.slice(1);
    return { messages: await this.views.decorate(id, page.map(toMessage), viewer), hasMore };
  }

  async listConversations(userId: string, allCursorsUpTo: number): Promise<ConversationState[]> {
    const user = str(userId, 'user id');
    const upTo = int(allCursorsUpTo, 'allCursorsUpTo');
    return this.ctx.transact((s) => this.states(s, user, null, upTo));
  }

  async getConversation(conversationId: string, userId: string, allCursorsUpTo: number): Promise<ConversationState | null> {
    const id = str(conversationId, 'conversation id');
    const user = str(userId, 'user id');
    const upTo = int(allCursorsUpTo, 'allCursorsUpTo');
    const [state] = await this.ctx.transact((s) => this.states(s, user, id, upTo));
    return state ?? null;
  }

  async advanceCursor(conversationId: string, userId: string, to: CursorTarget): Promise<CursorResult> {
    const id = str(conversationId, 'conversation id');
    const user = str(userId, 'user id');
    const toRead = to.read !== undefined ? int(to.read, 'read') : 0;
    const toDelivered = to.delivered !== undefined ? int(to.delivered, 'delivered') : 0;
    return this.ctx.transact(async (s) => {
      const { members, conversations, messages } = this.ctx.models;
      const m = await members.findOne(filters.member(id, user)).session(s).lean<MemberDoc>();
      if (!m) return null;
      const c = await conversations.findOne(filters.conversation(id), { lastSeq: 1 }).session(s).lean<Pick<ConversationDoc, 'lastSeq'>>();
      if (!c) return null;
      const read = Math.max(m.read, Math.min(toRead, c.lastSeq));
      const delivered = Math.max(m.delivered, Math.min(toDelivered, c.lastSeq), read);
      const changed = read !== m.read || delivered !== m.delivered;
      if (changed) {
        // The member's own entries after `read`: none once everything is read, else fewer by those the move passed.
        let own = m.ownAfterRead;
        if (read === c.lastSeq) own = 0;
        else if (read !== m.read) own -= await messages.countDocuments({ conversationId: id, seq: aboveUpTo(m.read, read), senderId: user }).session(s);
        await members.updateOne(filters.member(id, user), { $set: { delivered, read, ownAfterRead: own } }, { session: s });
      }
      return { cursor: { userId: user, delivered, read }, changed };
    });
  }

  /** The states of `userId`'s conversations (or of one), newest last message first. */
  private async states(s: ClientSession, userId: string, only: string | null, upTo: number): Promise<ConversationState[]> {
    const { members, conversations, groups } = this.ctx.models;
    const mine = await members.find(only === null ? { userId } : filters.member(only, userId)).session(s).lean<MemberDoc[]>();
    if (mine.length === 0) return [];
    const ids = mine.map((m) => m.conversationId);
    const convs = new Map((await conversations.find({ _id: inStrings(ids) }).session(s).lean<ConversationDoc[]>()).map((c) => [c._id, c]));
    const groupIds = [...convs.values()].filter((c) => c.kind === 'group').map((c) => c._id);
    const groupDocs = groupIds.length === 0 ? [] : await groups.find({ _id: inStrings(groupIds) }).session(s).lean<GroupDoc[]>();
    const byGroup = new Map(groupDocs.map((g) => [g._id, g]));

    const sizes = new Map<string, number>();
    for (const c of convs.values()) {
      const g = byGroup.get(c._id);
      sizes.set(c._id, c.kind === 'dm' ? 2 : g ? g.memberCount : await members.countDocuments({ conversationId: c._id }).session(s));
    }
    const small = [...sizes].filter(([, size]) => size <= upTo).map(([id]) => id);
    const everyone = new Map<string, MemberCursor[]>();
    if (small.length > 0) {
      const rows = await members.find({ conversationId: inStrings(small) }, { _id: 0, conversationId: 1, userId: 1, delivered: 1, read: 1 }).sort({ conversationId: 1, userId: 1 }).session(s).lean<MemberDoc[]>();
      for (const r of rows) everyone.set(r.conversationId, [...(everyone.get(r.conversationId) ?? []), toCursor(r)]);
    }

    const states: { at: number; state: ConversationState }[] = [];
    for (const m of mine) {
      const c = convs.get(m.conversationId);
      if (!c) continue;
      const g = byGroup.get(c._id);
      const state: ConversationState = {
        conversationId: c._id,
        kind: c.kind,
        lastSeq: c.lastSeq,
        floor: m.floor,
        group: g ? { name: g.name, avatarUrl: g.avatarUrl, memberCount: g.memberCount, role: (m.role ?? 'member') satisfies GroupRole } : null,
        ...(await this.counts(s, c, m)),
        cursors: everyone.get(c._id) ?? [toCursor(m)],
        lastMessage: await this.lastMessage(s, c, userId),
      };
      states.push({ at: c.lastAt ?? c.createdAt, state });
    }
    states.sort((x, y) => y.at - x.at || byCodePoint(x.state.conversationId, y.state.conversationId));
    return states.map((x) => x.state);
  }

  /** Unread and mentions after the member's read cursor. */
  private async counts(s: ClientSession, c: ConversationDoc, m: MemberDoc): Promise<{ unread: number; mentions: number }> {
    const { messages, mentions } = this.ctx.models;
    // Others' mutation entries after the cursor: a range of the partial index that holds only them.
    const quiet = await messages.countDocuments({ conversationId: c._id, seq: gt(m.read), target: isMutation(), senderId: ne(m.userId) }).session(s);
    const mentioned = await mentions.countDocuments({ userId: m.userId, conversationId: c._id, seq: gt(m.read) }).session(s);
    return { unread: c.lastSeq - m.read - m.ownAfterRead - quiet, mentions: mentioned };
  }

  /** The newest message that is not a mutation entry, among the newest {@link LAST_MESSAGE_LOOKBACK} entries. */
  private async lastMessage(s: ClientSession, c: ConversationDoc, viewerId: string): Promise<Message | null> {
    if (c.lastSeq === 0) return null;
    const doc = await this.ctx.models.messages
      .findOne({ conversationId: c._id, seq: aboveUpTo(c.lastSeq - LAST_MESSAGE_LOOKBACK, c.lastSeq), target: null })
      .sort({ seq: -1 })
      .session(s)
      .lean<MessageDoc>();
    if (!doc) return null;
    const [decorated] = await this.views.decorate(c._id, [toMessage(doc)], viewerId, s);
    return decorated ?? null;
  }
}
