import type { Message, MutationContent, ReactionCount } from '@quickchat/protocol';
import type { DeliveryState, LocalMessage, MessageList } from './state.js';

/** An empty list: nothing loaded, and we don't know yet whether older messages exist. */
export const EMPTY_LIST: MessageList = { items: [], hasMoreBefore: true };

/** A stored message as a {@link LocalMessage}. */
export function fromServer(message: Message, state: DeliveryState = 'sent'): LocalMessage {
  return { ...message, state, error: null };
}

/**
 * Applies a log entry that changes an earlier message (edit, delete, reaction) to the loaded
 * copy of its target, once: an entry at or below the target's `updatedSeq` is already in it. A
 * delete also marks quotes of the target deleted. Returns the list unchanged when nothing is loaded.
 */
export function applyMutation(list: MessageList, entry: Message, me: string): MessageList {
  const c = entry.content as MutationContent;
  let changed = false;
  const items = list.items.map((m) => {
    if (m.seq === c.target && (m.updatedSeq ?? 0) < entry.seq) {
      changed = true;
      return { ...m, updatedSeq: entry.seq, ...change(m, entry, c, me) };
    }
    if (c.type == 'delete' && m.quote?.seq === c.target && !m.quote.deleted) {
      changed = true;
      return { ...m, quote: { ...m.quote, text: '', deleted: true } };
    }
    return m;
  });
  return changed ? { ...list, items } : list;
}

/** What an entry changes in its target. */
function change(m: LocalMessage, entry: Message, c: MutationContent, me: string): Partial<LocalMessage> {
  if (c.type == 'edit') return { content: { ...m.content, text: c.text, mentions: c.mentions } as LocalMessage['content'], editedAt: entry.createdAt };
  if (c.type == 'delete') return { content: { type: 'deleted', by: entry.senderId }, reactions: undefined, editedAt: undefined };
  const all: ReactionCount[] = m.reactions ?? [];
  const r = all.find((x) => x.emoji == c.emoji) ?? { emoji: c.emoji, count: 0, mine: false };
  const next = { emoji: c.emoji, count: r.count + (c.active ? 1 : -1), mine: entry.senderId == me ? c.active : r.mine };
  return { reactions: all.filter((x) => x !== r).concat(next.count > 0 ? [next] : []) };
}

/**
 * Inserts or confirms a stored message: replaces the pending copy with the same sender and
 * clientMsgId, ignores a seq already present, otherwise inserts in seq order (pending last).
 */
export function upsertStored(list: MessageList, message: LocalMessage): MessageList {
  const items = list.items;
  if (items.some((m) => m.seq === message.seq)) return list;
  const pendingIndex = items.findIndex((m) => m.seq === null && m.clientMsgId === message.clientMsgId && m.senderId === message.senderId);
  const rest = pendingIndex >= 0 ? [...items.slice(0, pendingIndex), ...items.slice(pendingIndex + 1)] : [...items];
  let at = rest.length;
  while (at > 0) {
    const prev = rest[at - 1] as LocalMessage;
    if (prev.seq !== null && prev.seq < (message.seq as number)) break;
    at--;
  }
  rest.splice(at, 0, message);
  return { ...list, items: rest };
}

/** Adds older messages (ascending) in front; duplicates are skipped. */
export function prependHistory(list: MessageList, older: LocalMessage[], hasMoreBefore: boolean): MessageList {
  const known = new Set(list.items.map((m) => m.seq));
  const fresh = older.filter((m) => !known.has(m.seq));
  let result: MessageList = { ...list, hasMoreBefore };
  for (const m of fresh) result = upsertStored(result, m);
  return result;
}

/** Applies `change` to the message with this clientMsgId and sender, if loaded. */
export function patchMessage(list: MessageList, senderId: string, clientMsgId: string, change: Partial<LocalMessage>): MessageList {
  const index = list.items.findIndex((m) => m.clientMsgId === clientMsgId && m.senderId === senderId);
  if (index < 0) return list;
  const items = [...list.items];
  items[index] = { ...(items[index] as LocalMessage), ...change };
  return { ...list, items };
}

/** Raises own stored messages to delivered/read according to the peer's cursors. */
export function applyPeerCursor(list: MessageList, me: string, { delivered, read }: { delivered: number; read: number }): MessageList {
  let changed = false;
  const items = list.items.map((m) => {
    if (m.senderId !== me || m.seq === null) return m;
    const state: DeliveryState = m.seq <= read ? 'read' : m.seq <= delivered ? 'delivered' : m.state;
    if (state === m.state || rank(state) < rank(m.state)) return m;
    changed = true;
    return { ...m, state };
  });
  return changed ? { ...list, items } : list;
}

const RANKS: Record<DeliveryState, number> = { failed: 0, pending: 1, sent: 2, delivered: 3, read: 4 };
function rank(state: DeliveryState): number {
  return RANKS[state];
}
