import type { SendableContent } from '@quickchat/protocol';
import type { StorageAdapter } from '../storage/types.js';

/** A message waiting for the server's ack. */
export interface OutboxEntry {
  /** Owner; '' while the signed-in user is not known yet (claimed on the next ready). */
  userId: string;
  conversationId: string;
  clientMsgId: string;
  content: SendableContent;
  createdAt: number;
}

/**
 * Unacknowledged messages, in send order, persisted through the storage adapter so that with
 * a persistent adapter they survive a page reload. Every resend uses the same clientMsgId, so
 * the server stores each message once however often it is sent. The entries in memory are the
 * truth: a failed write is reported to `onWriteError` and the next write saves them all again.
 */
export class Outbox {
  private entries: OutboxEntry[] = [];
  private saving: Promise<void> = Promise.resolve();

  constructor(
    private readonly storage: StorageAdapter,
    private readonly key: string,
    private readonly onWriteError: (err: unknown) => void,
  ) {}

  /** Loads persisted entries (merging with any added before loading finished). */
  async load(): Promise<OutboxEntry[]> {
    const raw = await this.storage.get(this.key);
    const stored = raw ? (JSON.parse(raw) as OutboxEntry[]) : [];
    const known = new Set(this.entries.map((e) => e.clientMsgId));
    this.entries = [...stored.filter((e) => !known.has(e.clientMsgId)), ...this.entries];
    return stored;
  }

  /** Appends an entry and persists. */
  add(entry: OutboxEntry): Promise<void> {
    this.entries.push(entry);
    return this.persist();
  }

  /** Removes an entry (acked or given up) and persists. */
  remove(clientMsgId: string): Promise<void> {
    const before = this.entries.length;
    this.entries = this.entries.filter((e) => e.clientMsgId !== clientMsgId);
    return this.entries.length === before ? this.saving : this.persist();
  }

  /** Assigns unowned entries to `userId` (the first signed-in user after they were written). */
  claim(userId: string): Promise<void> {
    if (!this.entries.some((e) => e.userId === '')) return this.saving;
    this.entries = this.entries.map((e) => (e.userId === '' ? { ...e, userId } : e));
    return this.persist();
  }

  /** The user's entries, oldest first. */
  forUser(userId: string): OutboxEntry[] {
    return this.entries.filter((e) => e.userId === userId);
  }

  /** The entry with this clientMsgId, if still waiting. */
  get(clientMsgId: string): OutboxEntry | undefined {
    return this.entries.find((e) => e.clientMsgId === clientMsgId);
  }

  private persist(): Promise<void> {
    const snapshot = JSON.stringify(this.entries);
    this.saving = this.saving.then(() => this.storage.set(this.key, snapshot)).catch(this.onWriteError);
    return this.saving;
  }
}
