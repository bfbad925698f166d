import { dmPeer, isMutation, parseConversationId, type ConversationSync, type GroupRole, type Message, type ReceiptEventFrame } from '@quickchat/protocol';
import type { Environment, TimerHandle } from '../connection/environment.js';
import { createStore, type ReadableStore, type WritableStore } from '../stores/store.js';
import { EMPTY_LIST, applyMutation, applyPeerCursor, fromServer, patchMessage, prependHistory, upsertStored } from '../stores/messages.js';
import type { ConversationView, ConversationsState, LocalMessage, MessageList, MessagesState } from '../stores/state.js';

/** How long a typing indicator lasts without being renewed. */
export const TYPING_TTL_MS = 8000;

/** The conversation and message stores and every way they change: see {@link createConversations}. */
export interface Conversations {
  readonly conversations: ReadableStore<ConversationsState>;
  readonly messages: ReadableStore<MessagesState>;
  /**
   * Applies a summary from sync (or the REST conversation list). A group summary naming you as a
   * member (a role) clears `left`; one without keeps it.
   */
  applySummary(summary: Omit<ConversationSync, 'messages' | 'limited'>): void;
  /**
   * Marks a listed conversation as left (you are no longer a member) or not, and sets your role in
   * a group when given (a role change); unknown conversations are ignored.
   */
  setLeft(conversationId: string, left: boolean, role?: GroupRole): void;
  /** Shows a pending own message at the end of its conversation. */
  addPending(message: LocalMessage): void;
  /**
   * A stored message surfaced in order: insert it (replacing its pending copy) and update the list
   * entry. An edit, delete or reaction is applied to its target instead; the target's updated copy
   * is returned (null when it is not loaded).
   */
  surface(message: Message): LocalMessage | null;
  /** Changes one loaded message; returns the updated copy, or null when it is not loaded. */
  patch(conversationId: string, senderId: string, clientMsgId: string, change: Partial<LocalMessage>): LocalMessage | null;
  /** A cursor moved: update the member's cursors, own message states, and unread. Returns own messages whose state changed. */
  receipt(frame: ReceiptEventFrame): LocalMessage[];
  /** Marks a member as typing (expires after {@link TYPING_TTL_MS}) or not. */
  typing(conversationId: string, userId: string, active: boolean): void;
  /** Puts older history in front of the loaded messages. */
  prepend(conversationId: string, messages: Message[], hasMoreBefore: boolean): void;
  /**
   * Gives pending messages written before the user was known (sender '') to `userId`, and drops
   * pending ones of another user (restored for the user last signed in with this storage).
   */
  claimPending(userId: string): void;
  /** Stops typing timers. */
  dispose(): void;
}

/**
 * The conversation list and loaded messages, as two observable stores, and every way they
 * change: summaries from sync, surfaced messages, pending sends, receipts and typing. `me()` is
 * the signed-in user's id.
 */
export function createConversations(me: () => string, env: Environment): Conversations {
  const convs: WritableStore<ConversationsState> = createStore<ConversationsState>({});
  const lists: WritableStore<MessagesState> = createStore<MessagesState>({});
  const typingTimers = new Map<string, TimerHandle>();

  const updateList = (conversationId: string, change: (list: MessageList) => MessageList) => {
    lists.update((all) => {
      const list = all[conversationId] ?? EMPTY_LIST;
      const next = change(list);
      return next === list ? all : { ...all, [conversationId]: next };
    });
  };

  const touch = (conversationId: string, change: (c: ConversationView) => ConversationView) => {
    convs.update((all) => ({ ...all, [conversationId]: change(all[conversationId] ?? emptyView(conversationId, me())) }));
  };

  /** Unread and unread mentions after your read cursor moved to `read`. */
  const unreadAfter = (conversationId: string, read: number, c: ConversationView) => {
    if (read >= c.lastSeq) return { unread: 0, mentions: 0 };
    const items = (lists.getState()[conversationId]?.items ?? []).filter((m) => m.seq !== null);
    // Count loaded messages only when they cover (read, lastSeq]; mid-backfill they do not.
    if ((items[0]?.seq ?? Infinity) > read + 1 || (items.at(-1)?.seq ?? 0) < c.lastSeq) return { unread: Math.min(c.unread, c.lastSeq - read), mentions: c.mentions };
    const after = items.filter((m) => (m.seq as number) > read && m.senderId !== me());
    return { unread: after.length, mentions: after.filter(mentionsMe).length };
  };
  const mentionsMe = (m: LocalMessage | Message) => m.content.type == 'text' && !!m.content.mentions?.includes(me());

  const typing = (conversationId: string, userId: string, active: boolean): void => {
    const key = `${conversationId}\n${userId}`;
    const timer = typingTimers.get(key);
    if (timer !== undefined) env.clearTimeout(timer);
    typingTimers.delete(key);
    if (active) typingTimers.set(key, env.setTimeout(() => typing(conversationId, userId, false), TYPING_TTL_MS));
    touch(conversationId, (c) => {
      const others = c.typing.filter((u) => u !== userId);
      return { ...c, typing: active ? [...others, userId] : others };
    });
  };

  /** The other member's cursors in a conversation, when known. */
  const peerOf = (id: string) => convs.getState()[id]?.cursors.find((c) => c.userId !== me());
  /** Raises own loaded messages to what the peer's known cursor says (history and summaries arrive as "sent"). */
  const settle = (id: string): void => {
    const peer = peerOf(id);
    if (peer) updateList(id, (list) => applyPeerCursor(list, me(), peer));
  };

  return {
    conversations: convs,
    messages: lists,
    applySummary(summary) {
      convs.update((all) => {
        const previous = all[summary.conversationId];
        const lastMessage = summary.lastMessage ? fromServer(summary.lastMessage) : null;
        const view: ConversationView = {
          conversationId: summary.conversationId,
          kind: summary.kind,
          peerId: summary.peerId ?? null,
          lastSeq: Math.max(summary.lastSeq, previous?.lastSeq ?? 0),
          unread: summary.unread,
          mentions: summary.mentions,
          lastMessage: previous?.lastMessage && previous.lastMessage.seq !== null && previous.lastMessage.seq > summary.lastSeq ? previous.lastMessage : lastMessage,
          cursors: summary.cursors,
          typing: previous?.typing ?? [],
          floor: summary.floor,
          group: summary.group ?? null,
          left: !summary.group?.role && !!previous?.left,
        };
        return { ...all, [summary.conversationId]: view };
      });
      settle(summary.conversationId);
    },
    setLeft(conversationId, left, role) {
      // Rare (a group event about you): an unchanged value may still notify, which costs nothing here.
      convs.update((all) => {
        const c = all[conversationId];
        return c ? { ...all, [conversationId]: { ...c, left, group: role && c.group ? { ...c.group, role } : c.group } } : all;
      });
    },
    addPending(message) {
      updateList(message.conversationId, (list) => ({ ...list, items: [...list.items, message] }));
      touch(message.conversationId, (c) => ({ ...c, lastMessage: message }));
    },
    surface(message) {
      const self = me();
      const id = message.conversationId;
      if (isMutation(message.content)) {
        updateList(id, (list) => applyMutation(list, message, self));
        touch(id, (c) => ({ ...c, lastSeq: Math.max(c.lastSeq, message.seq) }));
        return lists.getState()[id]?.items.find((m) => m.seq === (message.content as { target: number }).target) ?? null;
      }
      const peer = peerOf(message.conversationId);
      const state = message.senderId === self && peer ? (peer.read >= message.seq ? 'read' : peer.delivered >= message.seq ? 'delivered' : 'sent') : 'sent';
      const local = fromServer(message, state);
      updateList(message.conversationId, (list) => upsertStored(list, local));
      touch(message.conversationId, (c) => {
        const mine = c.cursors.find((x) => x.userId === self);
        const fresh = message.senderId !== self && message.seq > (mine?.read ?? 0) && message.seq > c.lastSeq;
        const unread = fresh ? c.unread + 1 : c.unread;
        const mentions = fresh && mentionsMe(message) ? c.mentions + 1 : c.mentions;
        return { ...c, lastSeq: Math.max(c.lastSeq, message.seq), unread, mentions, lastMessage: local, typing: c.typing.filter((u) => u !== message.senderId) };
      });
      return local;
    },
    patch(conversationId, senderId, clientMsgId, change) {
      updateList(conversationId, (list) => patchMessage(list, senderId, clientMsgId, change));
      return lists.getState()[conversationId]?.items.find((m) => m.clientMsgId === clientMsgId && m.senderId === senderId) ?? null;
    },
    receipt(frame) {
      const self = me();
      const before = lists.getState()[frame.conversationId];
      touch(frame.conversationId, (c) => {
        const cursors = [...c.cursors.filter((x) => x.userId !== frame.userId), { userId: frame.userId, delivered: frame.delivered, read: frame.read }];
        // Only a move of my own read cursor changes unread (a delivered-only receipt does not).
        const moved = frame.userId === self && frame.read !== (c.cursors.find((x) => x.userId === self)?.read ?? 0);
        return { ...c, cursors, ...(moved ? unreadAfter(frame.conversationId, frame.read, c) : {}) };
      });
      if (frame.userId === self) return [];
      updateList(frame.conversationId, (list) => applyPeerCursor(list, self, frame));
      const after = lists.getState()[frame.conversationId];
      return after && before ? after.items.filter((m, i) => m !== before.items[i]) : [];
    },
    typing,
    prepend(conversationId, messages, hasMoreBefore) {
      // Edits, deletes and reactions in history are already applied to the messages they change.
      updateList(conversationId, (list) => prependHistory(list, messages.filter((m) => !isMutation(m.content)).map((m) => fromServer(m)), hasMoreBefore));
      settle(conversationId);
    },
    claimPending(userId) {
      const foreign = (m: LocalMessage) => m.senderId === '' || (m.state === 'pending' && m.senderId !== userId);
      lists.update((all) => {
        let changed = false;
        const next: Record<string, MessageList> = {};
        for (const [id, list] of Object.entries(all)) {
          if (!list.items.some(foreign)) {
            next[id] = list;
            continue;
          }
          changed = true;
          next[id] = { ...list, items: list.items.flatMap((m) => (!foreign(m) ? [m] : m.senderId === '' ? [{ ...m, senderId: userId }] : [])) };
        }
        return changed ? next : all;
      });
    },
    dispose() {
      for (const t of typingTimers.values()) env.clearTimeout(t);
      typingTimers.clear();
    },
  };
}

function emptyView(conversationId: string, me: string): ConversationView {
  return {
    conversationId,
    kind: parseConversationId(conversationId)?.kind ?? 'group',
    peerId: dmPeer(conversationId, me),
    lastSeq: 0,
    unread: 0,
    mentions: 0,
    lastMessage: null,
    cursors: [],
    typing: [],
    floor: 0,
    group: null,
    left: false,
  };
}
