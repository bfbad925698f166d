import type { ClientSession } from 'mongoose';
import type { Message, Quote, ReactionCount } from '@quickchat/protocol';
import { quoteOf } from '@quickchat/server';
import { byCodePoint, type Ctx } from './context.js';
import { aboveUpTo, inInts, str } from './filters.js';
import type { MessageDoc } from './schemas.js';

/**
 * Messages as a reader sees them: each reply with its quote (the quoted message as it is now), and
 * reactions counted per emoji with the viewer's own marked. One query for a page's quotes and one
 * for its reactions, and none when no message of the page was ever reacted to or changed.
 */
export class MessageViews {
  constructor(private readonly ctx: Ctx) {}

  /** `messages` (ascending, one conversation) with quotes and, given a viewer, reactions. */
  async decorate(conversationId: string, messages: Message[], viewerId: string | undefined, session: ClientSession | null = null): Promise<Message[]> {
    str(conversationId, 'conversation id');
    if (viewerId !== undefined) str(viewerId, 'viewer id');
    const replyTargets = [...new Set(messages.flatMap((m) => (m.content.type === 'text' && m.content.replyTo !== undefined ? [m.content.replyTo] : [])))];
    const quoted = new Map<number, Quote>();
    if (replyTargets.length > 0) {
      const docs = await this.ctx.models.messages
        .find({ conversationId, seq: inInts(replyTargets) }, { seq: 1, senderId: 1, content: 1 })
        .session(session)
        .lean<Pick<MessageDoc, 'seq' | 'senderId' | 'content'>[]>();
      for (const doc of docs) quoted.set(doc.seq, quoteOf(doc));
    }
    const reactions = viewerId === undefined ? null : await this.reactionsOf(conversationId, messages, viewerId, session);
    return messages.map((m) => {
      const replyTo = m.content.type === 'text' ? m.content.replyTo : undefined;
      const quote = replyTo !== undefined ? quoted.get(replyTo) : undefined;
      const counts = reactions?.get(m.seq);
      if (!quote && !counts) return m;
      return { ...m, ...(quote ? { quote } : {}), ...(counts ? { reactions: counts } : {}) };
    });
  }

  private async reactionsOf(conversationId: string, messages: Message[], viewerId: string, session: ClientSession | null): Promise<Map<number, ReactionCount[]> | null> {
    const changed = messages.filter((m) => m.updatedSeq !== undefined && m.content.type === 'text');
    if (changed.length === 0) return null;
    const lo = changed[0]!.seq;
    const hi = changed.at(-1)!.seq;
    const rows = await this.ctx.models.reactions
      .find({ conversationId, seq: aboveUpTo(lo - 1, hi) }, { _id: 0, seq: 1, emoji: 1, userId: 1 })
      .session(session)
      .lean<{ seq: number; emoji: string; userId: string }[]>();
    const tally = new Map<number, Map<string, ReactionCount>>();
    for (const r of rows) {
      const perEmoji = tally.get(r.seq) ?? new Map<string, ReactionCount>();
      const count = perEmoji.get(r.emoji) ?? { emoji: r.emoji, count: 0, mine: false };
      count.count += 1;
      if (r.userId === viewerId) count.mine = true;
      perEmoji.set(r.emoji, count);
      tally.set(r.seq, perEmoji);
    }
    const byMessage = new Map<number, ReactionCount[]>();
    // Most used first; ties in code point order (as the SQLite store's ORDER BY count DESC, emoji).
    for (const [seq, perEmoji] of tally) byMessage.set(seq, [...perEmoji.values()].sort((a, b) => b.count - a.count || byCodePoint(a.emoji, b.emoji)));
    return byMessage;
  }
}
