import type { ConversationSync, Message, ReceiptEventFrame } from '@quickchat/protocol';
import type { Environment, TimerHandle } from './connection/environment.js';
import { createStore, type ReadableStore, type WritableStore } from './stores/store.js';
import { EMPTY_LIST, applyPeerCursor, fromServer, patchMessage, prependHistory, upsertStored } from './stores/messages.js';
import type { ConversationView, ConversationsState, LocalMessage, MessageList, MessagesState } from './stores/state.js';

/** How long a typing indicator lasts without being renewed. */
export const TYPING_TTL_MS = 8000;

/**
 * The conversation list and loaded messages, as two observable stores, and every way they
 * change: summaries from sync, surfaced messages, pending sends, receipts and typing.
 */
export class Conversations {
  readonly conversations: ReadableStore<ConversationsState>;
  readonly messages: ReadableStore<MessagesState>;
  private readonly convs: WritableStore<ConversationsState>;
  private readonly lists: WritableStore<MessagesState>;
  private readonly typingTimers = new Map<string, TimerHandle>();

  constructor(
    private readonly me: () => string,
    private readonly env: Environment,
  ) {
    this.convs = createStore<ConversationsState>({});
    this.lists = createStore<MessagesState>({});
    this.conversations = this.convs;
    this.messages = this.lists;
  }

  /** Applies a summary from sync (or the REST conversation list). */
  applySummary(summary: Omit<ConversationSync, 'messages' | 'limited'>): void {
    this.convs.update((all) => {
      const previous = all[summary.conversationId];
      const lastMessage = summary.lastMessage ? fromServer(summary.lastMessage) : null;
      const view: ConversationView = {
        conversationId: summary.conversationId,
        kind: summary.kind,
        peerId: summary.peerId ?? null,
        lastSeq: Math.max(summary.lastSeq, previous?.lastSeq ?? 0),
        unread: summary.unread,
        lastMessage: previous?.lastMessage && previous.lastMessage.seq !== null && previous.lastMessage.seq > summary.lastSeq ? previous.lastMessage : lastMessage,
        cursors: summary.cursors,
        typing: previous?.typing ?? [],
      };
      return { ...all, [summary.conversationId]: view };
    });
  }

  /** Shows a pending own message at the end of its conversation. */
  addPending(message: LocalMessage): void {
    this.updateList(message.conversationId, (list) => ({ ...list, items: [...list.items, message] }));
    this.touch(message.conversationId, (c) => ({ ...c, lastMessage: message }));
  }

  /** A stored message surfaced in order: insert it (replacing its pending copy) and update the list entry. */
  surface(message: Message): LocalMessage {
    const me = this.me();
    const conv = this.convs.getState()[message.conversationId];
    const peer = conv?.cursors.find((c) => c.userId !== me);
    const state = message.senderId === me && peer ? (peer.read >= message.seq ? 'read' : peer.delivered >= message.seq ? 'delivered' : 'sent') : 'sent';
    const local = fromServer(message, state);
    this.updateList(message.conversationId, (list) => upsertStored(list, local));
    this.touch(message.conversationId, (c) => {
      const mine = c.cursors.find((x) => x.userId === me);
      const unread = message.senderId !== me && message.seq > (mine?.read ?? 0) && message.seq > c.lastSeq ? c.unread + 1 : c.unread;
      return { ...c, lastSeq: Math.max(c.lastSeq, message.seq), unread, lastMessage: local, typing: c.typing.filter((u) => u !== message.senderId) };
    });
    return local;
  }

  /** Changes one loaded message; returns the updated copy, or null when it is not loaded. */
  patch(conversationId: string, senderId: string, clientMsgId: string, change: Partial<LocalMessage>): LocalMessage | null {
    this.updateList(conversationId, (list) => patchMessage(list, senderId, clientMsgId, change));
    return this.lists.getState()[conversationId]?.items.find((m) => m.clientMsgId === clientMsgId && m.senderId === senderId) ?? null;
  }

  /** A cursor moved: update the member's cursors, own message states, and unread. Returns own messages whose state changed. */
  receipt(frame: ReceiptEventFrame): LocalMessage[] {
    const me = this.me();
    const before = this.lists.getState()[frame.conversationId];
    this.touch(frame.conversationId, (c) => {
      const cursors = [...c.cursors.filter((x) => x.userId !== frame.userId), { userId: frame.userId, delivered: frame.delivered, read: frame.read }];
      // Only a move of my own read cursor changes unread (a delivered-only receipt does not).
      const moved = frame.userId === me && frame.read !== (c.cursors.find((x) => x.userId === me)?.read ?? 0);
      const unread = moved ? this.unreadAfter(frame.conversationId, frame.read, c) : c.unread;
      return { ...c, cursors, unread };
    });
    if (frame.userId === me) return [];
    this.updateList(frame.conversationId, (list) => applyPeerCursor(list, me, frame.delivered, frame.read));
    const after = this.lists.getState()[frame.conversationId];
    return after && before ? after.items.filter((m, i) => m !== before.items[i]) : [];
  }

  /** Marks a member as typing (expires after {@link TYPING_TTL_MS}) or not. */
  typing(conversationId: string, userId: string, active: boolean): void {
    const key = `${conversationId}\n${userId}`;
    const timer = this.typingTimers.get(key);
    if (timer !== undefined) this.env.clearTimeout(timer);
    this.typingTimers.delete(key);
    if (active) this.typingTimers.set(key, this.env.setTimeout(() => this.typing(conversationId, userId, false), TYPING_TTL_MS));
    this.touch(conversationId, (c) => {
      const others = c.typing.filter((u) => u !== userId);
      return { ...c, typing: active ? [...others, userId] : others };
    });
  }

  /** Puts older history in front of the loaded messages. */
  prepend(conversationId: string, messages: Message[], hasMoreBefore: boolean): void {
    this.updateList(conversationId, (list) => prependHistory(list, messages.map((m) => fromServer(m)), hasMoreBefore));
  }

  /**
   * Gives pending messages written before the user was known (sender '') to `userId`, and drops
   * pending ones of another user (restored for the user last signed in with this storage).
   */
  claimPending(userId: string): void {
    const foreign = (m: LocalMessage) => m.senderId === '' || (m.state === 'pending' && m.senderId !== userId);
    this.lists.update((all) => {
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
  }

  /** Stops typing timers. */
  dispose(): void {
    for (const t of this.typingTimers.values()) this.env.clearTimeout(t);
    this.typingTimers.clear();
  }

  private unreadAfter(conversationId: string, read: number, c: ConversationView): number {
    if (read >= c.lastSeq) return 0;
    const items = (this.lists.getState()[conversationId]?.items ?? []).filter((m) => m.seq !== null);
    // Count loaded messages only when they cover (read, lastSeq]; mid-backfill they do not.
    if ((items[0]?.seq ?? Infinity) > read + 1 || (items.at(-1)?.seq ?? 0) < c.lastSeq) return Math.min(c.unread, c.lastSeq - read);
    return items.filter((m) => (m.seq as number) > read && m.senderId !== this.me()).length;
  }

  private updateList(conversationId: string, change: (list: MessageList) => MessageList): void {
    this.lists.update((all) => {
      const list = all[conversationId] ?? EMPTY_LIST;
      const next = change(list);
      return next === list ? all : { ...all, [conversationId]: next };
    });
  }

  private touch(conversationId: string, change: (c: ConversationView) => ConversationView): void {
    this.convs.update((all) => {
      const existing = all[conversationId] ?? emptyView(conversationId, this.me());
      return { ...all, [conversationId]: change(existing) };
    });
  }
}

function emptyView(conversationId: string, me: string): ConversationView {
  const members = conversationId.startsWith('dm:') ? conversationId.slice(3).split('~') : [];
  return {
    conversationId,
    kind: conversationId.startsWith('dm:') ? 'dm' : 'group',
    peerId: members.find((m) => m !== me) ?? null,
    lastSeq: 0,
    unread: 0,
    lastMessage: null,
    cursors: [],
    typing: [],
  };
}
