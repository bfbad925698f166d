import type { ReadByResponse } from '@quickchat/protocol';
import type { ServerLimits } from '../session/session-info.js';
import type { ConversationView, MessageList } from '../stores/state.js';

/**
 * "Read by N" for message `seq`, from the cursors the client holds, or null when they cannot
 * tell: the message is not loaded (its author is unknown), the group is larger than
 * `liveReceiptsMaxMembers` (then only your own cursor is sent), or the cursors do not cover every
 * member yet. In a DM the peer's cursor is enough. Counts members other than the message's
 * author; `delivered` includes those who read it.
 */
export function localReadBy(view: ConversationView | undefined, list: MessageList | undefined, seq: number, limits: ServerLimits | null): ReadByResponse | null {
  const author = list?.items.find((m) => m.seq === seq)?.senderId;
  const size = view?.kind === 'dm' ? 2 : view?.group?.memberCount;
  if (!view || author === undefined || size === undefined) return null;
  if (view.kind === 'group' && size > (limits?.groups.liveReceiptsMaxMembers ?? 0)) return null;
  const others = view.cursors.filter((c) => c.userId !== author);
  if (others.length < size - 1) return null;
  // A member who left keeps a cursor here until the next sync: never count past the members.
  const count = (reached: (c: (typeof others)[number]) => boolean) => Math.min(size - 1, others.filter(reached).length);
  return { seq, read: count((c) => c.read >= seq), delivered: count((c) => Math.max(c.delivered, c.read) >= seq), of: size - 1 };
}
