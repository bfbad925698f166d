import { parseConversationId, type ConversationSync, type Message, type SyncFrame, type SyncedFrame, type UserEvent } from '@quickchat/protocol';
import { ClientErrorCode, toError } from '../errors.js';
import type { StorageAdapter } from '../storage/types.js';

/** What catch-up needs from the rest of the client. */
export interface CatchUpHooks {
  /** Fetches stored messages after `after`, ascending (REST history). */
  fetchAfter(conversationId: string, after: number): Promise<{ messages: Message[]; hasMore: boolean }>;
  /** A message is next in its conversation's order: show it. Called exactly once per message. */
  surface(message: Message): void;
  /** A conversation summary arrived from sync. */
  summary(conversation: ConversationSync): void;
  /** User events arrived, in order (whether some were skipped is the reply's `eventsLimited`). */
  events(events: UserEvent[]): void;
  /** A background fetch failed. */
  failed(error: unknown): void;
  /** A message arrived for a group this client has no summary (so no floor) for: ask sync for one. */
  resync(): void;
}

interface Persisted {
  cursors: Record<string, number>;
  eventsCursor?: number;
}

/** Catch-up and ordering: see {@link createCatchUp}. */
export interface CatchUp {
  /** Loads the saved cursors of `userId` (call on each ready; switching user resets state). */
  load(userId: string, namespace: string): Promise<void>;
  /** The `sync` frame to send after (re)connecting. */
  request(id: string, limit?: number): SyncFrame;
  /**
   * Records a relation event; false when it was already seen (a replay). Events before the
   * first sync are accepted: the sync that follows sets the cursor.
   */
  acceptEvent(event: UserEvent): boolean;
  /** Highest seq surfaced in a conversation (0 when none). */
  cursor(conversationId: string): number;
  /**
   * Holds a conversation's messages (parked, no gap filling) until a `synced` reply lists it:
   * after you (re)joined a group, its new floor is known only from its summary.
   */
  hold(conversationId: string): void;
  /** Applies a `synced` reply; resolves after every `limited` conversation was backfilled. Returns how many messages came over REST. */
  applySynced(frame: SyncedFrame): Promise<number>;
  /** Takes a message from anywhere (live frame, ack, sync, REST) and surfaces it in order. */
  ingest(message: Message): void;
}

/**
 * Catch-up and ordering. Keeps, per conversation, the highest seq surfaced so far, and
 * surfaces each message exactly once, in seq order: duplicates are dropped, and a message
 * that arrives ahead of a gap waits while the gap is fetched over REST (one fetch at a time per
 * conversation). A cursor never sits below its conversation's floor (a group member sees nothing
 * at or below it), so nothing there is ever fetched: a joiner starts at the floor, and the
 * message after it is no gap. The cursors persist through the storage adapter.
 */
export function createCatchUp(storage: StorageAdapter, hooks: CatchUpHooks): CatchUp {
  let cursors = new Map<string, number>();
  let eventsCursor: number | undefined;
  /** The `eventsAfter` of the last sync request. */
  let requestedAfter: number | undefined;
  const waiting = new Map<string, Map<number, Message>>();
  const filling = new Map<string, Promise<void>>();
  /** Conversations whose messages wait for a summary (see `hold`). */
  const held = new Set<string>();
  let key = '';
  let saveQueued = false;

  const cursor = (conversationId: string) => cursors.get(conversationId) ?? 0;

  const save = () => {
    if (saveQueued || !key) return;
    saveQueued = true;
    queueMicrotask(() => {
      saveQueued = false;
      const state: Persisted = { cursors: Object.fromEntries(cursors), ...(eventsCursor !== undefined ? { eventsCursor } : {}) };
      void storage.set(key, JSON.stringify(state)).catch((err: unknown) => hooks.failed(toError(err, ClientErrorCode.Storage)));
    });
  };

  const acceptEvent = (event: UserEvent) => {
    if (eventsCursor !== undefined && event.seq <= eventsCursor) return false;
    if (eventsCursor !== undefined) {
      eventsCursor = event.seq;
      save();
    }
    return true;
  };

  const park = (message: Message) => {
    let parked = waiting.get(message.conversationId);
    if (!parked) waiting.set(message.conversationId, (parked = new Map()));
    parked.set(message.seq, message);
  };

  const advance = (message: Message) => {
    const id = message.conversationId;
    cursors.set(id, message.seq);
    hooks.surface(message);
    const parked = waiting.get(id);
    let next = parked?.get(message.seq + 1);
    while (parked && next) {
      parked.delete(next.seq);
      cursors.set(id, next.seq);
      hooks.surface(next);
      next = parked.get(next.seq + 1);
    }
    if (parked) {
      for (const seq of parked.keys()) if (seq <= cursor(id)) parked.delete(seq);
      if (parked.size === 0) waiting.delete(id);
    }
    save();
  };

  /** Fetches over REST until the conversation has no gap before its parked messages (single flight). */
  const fill = (conversationId: string): Promise<void> => {
    const running = filling.get(conversationId);
    if (running) return running;
    const run = (async () => {
      for (let guard = 0; guard < 10_000; guard++) {
        const page = await hooks.fetchAfter(conversationId, cursor(conversationId));
        for (const m of page.messages) ingest(m);
        if (!page.hasMore || page.messages.length === 0) return;
      }
    })()
      .catch((err: unknown) => hooks.failed(err))
      .finally(() => filling.delete(conversationId));
    filling.set(conversationId, run);
    return run;
  };

  const ingest = (message: Message): void => {
    const id = message.conversationId;
    // A group first seen through a live message: its floor comes with its summary.
    if (eventsCursor !== undefined && !cursors.has(id) && !held.has(id) && parseConversationId(id)?.kind == 'group') {
      held.add(id);
      hooks.resync();
    }
    if (held.has(id) || (!cursors.has(id) && eventsCursor === undefined)) {
      // A group waiting for its summary, or before the first sync (when history and news look
      // alike): the next `synced` sets the cursor and places these.
      park(message);
      return;
    }
    const at = cursor(id);
    if (message.seq <= at) return;
    if (message.seq > at + 1) {
      park(message);
      void fill(id);
      return;
    }
    advance(message);
  };

  /** Re-ingests a conversation's parked messages in seq order. */
  const replayParked = (conversationId: string) => {
    const parked = waiting.get(conversationId);
    if (!parked) return;
    waiting.delete(conversationId);
    for (const seq of [...parked.keys()].sort((a, b) => a - b)) ingest(parked.get(seq) as Message);
  };

  return {
    async load(userId, namespace) {
      const next = `${namespace}:sync:${userId}`;
      if (next === key) return;
      key = next;
      cursors.clear();
      waiting.clear();
      held.clear();
      eventsCursor = undefined;
      const raw = await storage.get(next);
      if (!raw) return;
      const saved = JSON.parse(raw) as Persisted;
      cursors = new Map(Object.entries(saved.cursors));
      eventsCursor = saved.eventsCursor;
    },
    request(id, limit) {
      requestedAfter = eventsCursor;
      return {
        type: 'sync',
        id,
        cursors: Object.fromEntries(cursors),
        ...(eventsCursor !== undefined ? { eventsAfter: eventsCursor } : {}),
        ...(limit !== undefined ? { limit } : {}),
      };
    },
    acceptEvent,
    cursor,
    hold: (id) => void held.add(id),
    async applySynced(frame) {
      const firstSync = eventsCursor === undefined;
      let backfilled = 0;
      const fills: Promise<void>[] = [];
      for (const conv of frame.conversations) {
        const id = conv.conversationId;
        held.delete(id);
        // New on the first sync: a summary, not news. Never below the floor.
        cursors.set(id, Math.max(cursors.get(id) ?? (firstSync ? conv.lastSeq : 0), conv.floor));
        for (const m of conv.messages) ingest(m);
        hooks.summary(conv);
        if (conv.limited) {
          const before = cursor(id);
          fills.push(fill(id).then(() => void (backfilled += cursor(id) - before)));
        }
      }
      const fresh = frame.events.filter(acceptEvent);
      hooks.events(fresh);
      // A cursor past the server's newest event (other data, a restored backup) is answered with
      // the real, lower cursor and `eventsLimited`: take it, or every later event would be skipped.
      eventsCursor = frame.eventsCursor < (requestedAfter ?? 0) ? frame.eventsCursor : Math.max(frame.eventsCursor, eventsCursor ?? 0);
      // Messages that arrived live before this reply wait in `waiting`; place them now.
      for (const id of [...waiting.keys()]) replayParked(id);
      save();
      await Promise.all(fills);
      return backfilled;
    },
    ingest,
  };
}
