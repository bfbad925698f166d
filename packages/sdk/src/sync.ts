import type { ConversationSync, Message, SyncFrame, SyncedFrame, UserEvent } from '@quickchat/protocol';
import type { StorageAdapter } from './storage/types.js';

/** What catch-up needs from the rest of the client. */
export interface CatchUpHooks {
  /** Fetches stored messages after `after`, ascending (REST history). */
  fetchAfter(conversationId: string, after: number): Promise<{ messages: Message[]; hasMore: boolean }>;
  /** A message is next in its conversation's order: show it. Called exactly once per message. */
  surface(message: Message): void;
  /** A conversation summary arrived from sync. */
  summary(conversation: ConversationSync): void;
  /** Relation events arrived (in order); `limited` means some were skipped: refetch the lists. */
  events(events: UserEvent[], limited: boolean): void;
  /** A background fetch failed. */
  failed(error: unknown): void;
}

interface Persisted {
  cursors: Record<string, number>;
  eventsCursor?: number;
}

/**
 * Catch-up and ordering. Keeps, per conversation, the highest seq surfaced so far, and
 * surfaces each message exactly once, in seq order: duplicates are dropped, and a message
 * that arrives ahead of a gap waits while the gap is fetched over REST. The cursors persist
 * through the storage adapter.
 */
export class CatchUp {
  private cursors = new Map<string, number>();
  private eventsCursor: number | undefined;
  private readonly waiting = new Map<string, Map<number, Message>>();
  private readonly filling = new Map<string, Promise<void>>();
  private key = '';
  private saveQueued = false;

  constructor(
    private readonly storage: StorageAdapter,
    private readonly hooks: CatchUpHooks,
  ) {}

  /** Loads the saved cursors of `userId` (call on each ready; switching user resets state). */
  async load(userId: string, namespace: string): Promise<void> {
    const key = `${namespace}:sync:${userId}`;
    if (key === this.key) return;
    this.key = key;
    this.cursors.clear();
    this.waiting.clear();
    this.eventsCursor = undefined;
    const raw = await this.storage.get(key);
    if (!raw) return;
    const saved = JSON.parse(raw) as Persisted;
    this.cursors = new Map(Object.entries(saved.cursors));
    this.eventsCursor = saved.eventsCursor;
  }

  /** The `sync` frame to send after (re)connecting. */
  request(id: string, limit?: number): SyncFrame {
    return {
      type: 'sync',
      id,
      cursors: Object.fromEntries(this.cursors),
      ...(this.eventsCursor !== undefined ? { eventsAfter: this.eventsCursor } : {}),
      ...(limit !== undefined ? { limit } : {}),
    };
  }

  /**
   * Records a relation event; false when it was already seen (a replay). Events before the
   * first sync are accepted: the sync that follows sets the cursor.
   */
  acceptEvent(event: UserEvent): boolean {
    if (this.eventsCursor !== undefined && event.seq <= this.eventsCursor) return false;
    if (this.eventsCursor !== undefined) {
      this.eventsCursor = event.seq;
      this.save();
    }
    return true;
  }

  /** Highest seq surfaced in a conversation (0 when none). */
  cursor(conversationId: string): number {
    return this.cursors.get(conversationId) ?? 0;
  }

  /** Applies a `synced` reply; resolves after every `limited` conversation was backfilled. Returns how many messages came over REST. */
  async applySynced(frame: SyncedFrame): Promise<number> {
    const firstSync = this.eventsCursor === undefined;
    let backfilled = 0;
    const fills: Promise<void>[] = [];
    for (const conv of frame.conversations) {
      if (firstSync && !this.cursors.has(conv.conversationId)) this.cursors.set(conv.conversationId, conv.lastSeq);
      for (const m of conv.messages) this.ingest(m);
      this.hooks.summary(conv);
      if (conv.limited) {
        const before = this.cursor(conv.conversationId);
        fills.push(this.fill(conv.conversationId).then(() => void (backfilled += this.cursor(conv.conversationId) - before)));
      }
    }
    const fresh = frame.events.filter((e) => this.acceptEvent(e));
    this.hooks.events(fresh, frame.eventsLimited);
    this.eventsCursor = Math.max(frame.eventsCursor, this.eventsCursor ?? 0);
    // Messages that arrived live before this reply wait in `waiting`; place them now.
    for (const id of [...this.waiting.keys()]) this.replayParked(id);
    this.save();
    await Promise.all(fills);
    return backfilled;
  }

  /** Takes a message from anywhere (live frame, ack, sync, REST) and surfaces it in order. */
  ingest(message: Message): void {
    const id = message.conversationId;
    if (!this.cursors.has(id) && this.eventsCursor === undefined) {
      // Before the first sync we cannot tell history from news; sync will set the cursor.
      this.park(message);
      return;
    }
    const cursor = this.cursor(id);
    if (message.seq <= cursor) return;
    if (message.seq > cursor + 1) {
      this.park(message);
      void this.fill(id);
      return;
    }
    this.advance(message);
  }

  private advance(message: Message): void {
    const id = message.conversationId;
    this.cursors.set(id, message.seq);
    this.hooks.surface(message);
    const parked = this.waiting.get(id);
    let next = parked?.get(message.seq + 1);
    while (parked && next) {
      parked.delete(next.seq);
      this.cursors.set(id, next.seq);
      this.hooks.surface(next);
      next = parked.get(next.seq + 1);
    }
    if (parked) {
      for (const seq of parked.keys()) if (seq <= (this.cursors.get(id) ?? 0)) parked.delete(seq);
      if (parked.size === 0) this.waiting.delete(id);
    }
    this.save();
  }

  /** Re-ingests a conversation's parked messages in seq order. */
  private replayParked(conversationId: string): void {
    const parked = this.waiting.get(conversationId);
    if (!parked) return;
    this.waiting.delete(conversationId);
    for (const seq of [...parked.keys()].sort((a, b) => a - b)) this.ingest(parked.get(seq) as Message);
  }

  private park(message: Message): void {
    let parked = this.waiting.get(message.conversationId);
    if (!parked) this.waiting.set(message.conversationId, (parked = new Map()));
    parked.set(message.seq, message);
  }

  /** Fetches over REST until the conversation has no gap before its parked messages (single flight). */
  private fill(conversationId: string): Promise<void> {
    const running = this.filling.get(conversationId);
    if (running) return running;
    const run = (async () => {
      for (let guard = 0; guard < 10_000; guard++) {
        const page = await this.hooks.fetchAfter(conversationId, this.cursor(conversationId));
        for (const m of page.messages) this.ingest(m);
        if (!page.hasMore || page.messages.length === 0) return;
      }
    })()
      .catch((err: unknown) => this.hooks.failed(err))
      .finally(() => this.filling.delete(conversationId));
    this.filling.set(conversationId, run);
    return run;
  }

  private save(): void {
    if (this.saveQueued || !this.key) return;
    this.saveQueued = true;
    queueMicrotask(() => {
      this.saveQueued = false;
      const state: Persisted = { cursors: Object.fromEntries(this.cursors), ...(this.eventsCursor !== undefined ? { eventsCursor: this.eventsCursor } : {}) };
      void this.storage.set(this.key, JSON.stringify(state)).catch((err: unknown) => this.hooks.failed(err));
    });
  }
}
