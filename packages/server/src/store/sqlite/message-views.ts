import type Database from 'better-sqlite3';
import type { Message, ReactionCount } from '@quickchat/protocol';
import { MESSAGE_READ_COLS, type MessageRow } from './rows.js';
import { toQuote } from './rich-writes.js';

interface ReactionRow { seq: number; emoji: string; count: number; mine: number; }

function prepare(db: Database.Database) {
  return {
    messageAt: db.prepare<[string, number], MessageRow>(`SELECT ${MESSAGE_READ_COLS} FROM messages WHERE conversation_id = ? AND seq = ?`),
    /** Reactions per message and emoji over a page's seq range, most used first: one range of the reactions key. */
    reactions: db.prepare<{ conversation: string; lo: number; hi: number; viewer: string }, ReactionRow>(
      `SELECT seq, emoji, COUNT(*) AS count, MAX(user_id = @viewer) AS mine FROM reactions
       WHERE conversation_id = @conversation AND seq BETWEEN @lo AND @hi
       GROUP BY seq, emoji ORDER BY seq, count DESC, emoji`,
    ),
  };
}

/**
 * Messages as a reader sees them: each reply with its quote (the quoted message as it is now,
 * "deleted" once deleted), and reactions counted per emoji with the viewer's own marked. Only
 * what a page holds is read: one point read per reply, one range of reactions per page, and none
 * at all when no message of the page was ever reacted to or changed.
 */
export class MessageViews {
  private readonly s: ReturnType<typeof prepare>;

  constructor(db: Database.Database) {
    this.s = prepare(db);
  }

  /** `messages` (ascending, one conversation) with quotes and, given a viewer, reactions. */
  decorate(conversationId: string, messages: Message[], viewerId: string | undefined): Message[] {
    const reactions = viewerId === undefined ? null : this.reactionsOf(conversationId, messages, viewerId);
    return messages.map((m) => {
      const replyTo = m.content.type === 'text' ? m.content.replyTo : undefined;
      const row = replyTo !== undefined ? this.s.messageAt.get(conversationId, replyTo) : undefined;
      const counts = reactions?.get(m.seq);
      if (!row && !counts) return m;
      return { ...m, ...(row ? { quote: toQuote(row) } : {}), ...(counts ? { reactions: counts } : {}) };
    });
  }

  private reactionsOf(conversationId: string, messages: Message[], viewerId: string): Map<number, ReactionCount[]> | null {
    const changed = messages.filter((m) => m.updatedSeq !== undefined && m.content.type === 'text');
    if (changed.length === 0) return null;
    const byMessage = new Map<number, ReactionCount[]>();
    const range = { conversation: conversationId, lo: changed[0]!.seq, hi: changed.at(-1)!.seq, viewer: viewerId };
    for (const r of this.s.reactions.all(range)) {
      const list = byMessage.get(r.seq) ?? [];
      list.push({ emoji: r.emoji, count: r.count, mine: r.mine === 1 });
      byMessage.set(r.seq, list);
    }
    return byMessage;
  }
}
