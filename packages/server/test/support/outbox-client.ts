import { setTimeout as delay } from 'node:timers/promises';
import type { AckFrame, HistoryResponse, Message, ServerFrame, SyncedFrame } from '@quickchat/protocol';
import { RawClient } from './ws-client.js';
import type { Rest, TestUser } from './rest.js';

/** The server answered and refused the token: retrying cannot help. */
class AuthRefused extends Error {}

/**
 * Opens a socket and authenticates, failing fast (instead of waiting for a frame timeout)
 * when the server goes away mid-handshake.
 */
async function connectOnce(url: string, token: string): Promise<{ client: RawClient; readyIndex: number }> {
  const client = await RawClient.open(url);
  client.ws.on('error', () => {}); // a reset after open surfaces as `close`
  client.send({ type: 'auth', token });
  const ready = client.next((f) => f.type === 'ready' || f.type === 'error', 5000);
  const closed = client.closed.then((c) => Promise.reject(new Error(`socket closed during auth (${c.code})`)));
  ready.catch(() => {});
  closed.catch(() => {});
  try {
    const frame = await Promise.race([ready, closed]);
    if (frame.type !== 'ready') throw new AuthRefused(`auth failed: ${JSON.stringify(frame)}`);
    return { client, readyIndex: client.frames.indexOf(frame) };
  } catch (err) {
    client.ws.terminate();
    throw err;
  }
}

/**
 * Connects and authenticates, retrying while the server is down or restarting (but not when it
 * refuses the token); gives up after `deadlineMs`. Returns the client and the index of its `ready` frame.
 */
export async function connectWithRetry(url: string, token: string, deadlineMs = 20_000, retryMs = 25): Promise<{ client: RawClient; readyIndex: number }> {
  const deadline = Date.now() + deadlineMs;
  let lastError: unknown;
  for (let attempt = 1; ; attempt++) {
    try {
      return await connectOnce(url, token);
    } catch (err) {
      if (err instanceof AuthRefused) throw err;
      lastError = err;
    }
    if (Date.now() + retryMs > deadline) {
      throw new Error(`could not connect to ${url} within ${deadlineMs} ms (${attempt} attempts): ${(lastError as Error)?.message}`);
    }
    await delay(retryMs); // backoff between attempts of a bounded retry
  }
}

/** A message this device created; it stays in the outbox until acknowledged. */
export interface OutboxEntry {
  clientMsgId: string;
  conversationId: string;
  text: string;
}

/** The first ack a device received for one of its messages. */
export interface AckRecord extends OutboxEntry {
  seq: number;
  messageId: string;
}

/** A message as the app would show it. */
export interface ShownMessage {
  id: string;
  seq: number;
  senderId: string;
  clientMsgId: string;
  text: string;
}

export interface OutboxClientOptions {
  /** Most unacknowledged messages at once (the outbox never grows past this). */
  window: number;
  /** Most send frames per connection, so the per-connection rate limit is never hit. */
  sendsPerConnection: number;
}

/**
 * One device of a user, behaving like the SDK: an outbox of unacknowledged messages that is
 * resent (same clientMsgId) on every reconnect, a catch-up `sync` on every connect, and a local
 * per-conversation store of every message it was shown (live, synced or backfilled).
 */
export class OutboxClient {
  readonly outbox = new Map<string, OutboxEntry>();
  readonly created = new Map<string, OutboxEntry>();
  readonly acks = new Map<string, AckRecord>();
  readonly shown = new Map<string, Map<number, ShownMessage>>();
  /** Inconsistencies observed (a seq shown with two different messages, an ack changing seq...). */
  readonly problems: string[] = [];
  readonly errors: ServerFrame[] = [];
  duplicateAcks = 0;
  sendFrames = 0;
  connections = 0;
  /** When true, the device creates new messages while connected. */
  generating = false;
  /** Destroy the socket (no close frame) after this many acks on the current connection; 0 = never. */
  dropAfterAcks = 0;
  drops = 0;
  /** Called on every ack (the test uses it to crash the server in the middle of traffic). */
  onAnyAck: (() => void) | null = null;

  private client: RawClient | null = null;
  private connecting: Promise<void> | null = null;
  private budget = 0;
  private acksThisConnection = 0;
  private counter = 0;
  private listeners: (() => void)[] = [];
  private wsUrl = '';

  constructor(
    readonly name: string,
    readonly user: TestUser,
    readonly conversations: readonly string[],
    private readonly random: () => number,
    private readonly options: OutboxClientOptions,
  ) {}

  get connected(): boolean {
    return this.client !== null;
  }

  /** Connects (retrying) unless already connected or connecting; then syncs, resends the outbox and resumes sending. */
  ensureConnected(wsUrl: string): Promise<void> {
    this.wsUrl = wsUrl;
    if (this.client) return Promise.resolve();
    this.connecting ??= this.connect().finally(() => (this.connecting = null));
    return this.connecting;
  }

  /** Waits until the current socket (if any) has closed, e.g. after the server was killed. */
  async waitDisconnected(timeoutMs = 10_000): Promise<void> {
    await this.waitFor(() => this.client === null, timeoutMs, 'disconnect');
  }

  /** Waits until every created message has been acknowledged. */
  async waitOutboxEmpty(timeoutMs = 20_000): Promise<void> {
    await this.waitFor(() => this.outbox.size === 0, timeoutMs, 'empty outbox');
  }

  /** Closes the socket normally. */
  async close(): Promise<void> {
    const client = this.client;
    this.client = null;
    if (client) await client.close();
  }

  /** Destroys the socket without a close frame, as a lost network does. */
  destroySocket(): void {
    const client = this.client;
    this.client = null;
    client?.ws.terminate();
    this.notify();
  }

  /**
   * The final catch-up of a fresh install of this device: a new socket, `sync` from seq 0 in
   * every conversation, then REST backfill while `limited`. Everything is merged into `shown`.
   */
  async finalSync(wsUrl: string, rest: Rest): Promise<void> {
    const { client, readyIndex } = await connectWithRetry(wsUrl, this.user.token);
    try {
      client.send({ type: 'sync', id: 'final', cursors: Object.fromEntries(this.conversations.map((c) => [c, 0])), eventsAfter: 0 });
      const synced = await client.next<SyncedFrame>((f) => f.type === 'synced' && f.id === 'final');
      for (const frame of client.frames.slice(readyIndex + 1)) if (frame.type === 'message') this.show(frame.message);
      for (const conv of synced.conversations) {
        for (const m of conv.messages) this.show(m);
        let more = conv.limited;
        let after = conv.messages.at(-1)?.seq ?? 0;
        for (let page = 0; more; page++) {
          if (page > 1000) throw new Error(`backfill of ${conv.conversationId} did not end`);
          const res = await rest.call<HistoryResponse>('GET', `/api/conversations/${conv.conversationId}/messages?after=${after}&limit=100`, { token: this.user.token });
          if (res.status !== 200) throw new Error(`backfill failed: ${res.status} ${JSON.stringify(res.body)}`);
          for (const m of res.body.messages) this.show(m);
          more = res.body.hasMore;
          after = res.body.messages.at(-1)?.seq ?? after;
          if (more && res.body.messages.length === 0) throw new Error('hasMore with an empty page');
        }
      }
    } finally {
      await client.close();
    }
  }

  /** The messages this device shows in a conversation, in seq order. */
  list(conversationId: string): ShownMessage[] {
    return [...(this.shown.get(conversationId)?.values() ?? [])].sort((a, b) => a.seq - b.seq);
  }

  private async connect(): Promise<void> {
    const { client, readyIndex } = await connectWithRetry(this.wsUrl, this.user.token);
    this.client = client;
    this.connections++;
    this.budget = this.options.sendsPerConnection;
    this.acksThisConnection = 0;
    void client.closed.then(() => {
      if (this.client === client) this.client = null;
      this.notify();
    });
    // Frames that arrived in the same chunk as `ready` were recorded before this listener existed.
    for (const frame of client.frames.slice(readyIndex + 1)) this.onFrame(client, frame);
    client.ws.on('message', (data) => this.onFrame(client, JSON.parse(data.toString()) as ServerFrame));
    const cursors: Record<string, number> = {};
    for (const conv of this.conversations) cursors[conv] = this.contiguous(conv);
    client.send({ type: 'sync', id: `sync-${this.connections}`, cursors, eventsAfter: 0 });
    for (const entry of this.outbox.values()) this.transmit(client, entry);
    this.pump(client);
  }

  private onFrame(client: RawClient, frame: ServerFrame): void {
    switch (frame.type) {
      case 'ack':
        return this.onAck(client, frame);
      case 'message':
        return this.show(frame.message);
      case 'synced':
        for (const conv of frame.conversations) for (const m of conv.messages) this.show(m);
        return;
      case 'error':
        this.errors.push(frame);
        return;
      default:
        return;
    }
  }

  private onAck(client: RawClient, ack: AckFrame): void {
    if (ack.duplicate) this.duplicateAcks++;
    const previous = this.acks.get(ack.clientMsgId);
    const entry = this.outbox.get(ack.clientMsgId);
    if (previous) {
      if (previous.seq !== ack.seq || previous.messageId !== ack.messageId) {
        this.problems.push(`${this.name}: ${ack.clientMsgId} acked as seq ${previous.seq} and later as seq ${ack.seq}`);
      }
    } else if (!entry) {
      this.problems.push(`${this.name}: ack for unknown clientMsgId ${ack.clientMsgId}`);
    } else {
      if (ack.conversationId !== entry.conversationId) this.problems.push(`${this.name}: ${ack.clientMsgId} acked in ${ack.conversationId}`);
      this.acks.set(ack.clientMsgId, { ...entry, seq: ack.seq, messageId: ack.messageId });
    }
    this.outbox.delete(ack.clientMsgId);
    this.notify();
    this.onAnyAck?.();
    this.acksThisConnection++;
    if (this.dropAfterAcks > 0 && this.acksThisConnection === this.dropAfterAcks && this.client === client) {
      this.dropAfterAcks = 0;
      this.drops++;
      this.destroySocket();
      void this.ensureConnected(this.wsUrl).catch((err: unknown) => this.problems.push(`${this.name}: reconnect failed: ${(err as Error).message}`));
      return;
    }
    this.pump(client);
  }

  /** Creates new messages while the outbox has room and the connection has budget. */
  private pump(client: RawClient): void {
    while (this.generating && this.client === client && this.outbox.size < this.options.window && this.budget > 0) {
      const n = ++this.counter;
      const conversationId = this.conversations[Math.floor(this.random() * this.conversations.length)]!;
      const entry: OutboxEntry = { clientMsgId: `${this.name}-${n}`, conversationId, text: `${this.name} #${n} in ${conversationId}` };
      this.created.set(entry.clientMsgId, entry);
      this.outbox.set(entry.clientMsgId, entry);
      this.transmit(client, entry);
    }
  }

  private transmit(client: RawClient, entry: OutboxEntry): void {
    if (this.budget <= 0) throw new Error(`${this.name}: send budget exhausted by resends (outbox larger than budget)`);
    this.budget--;
    this.sendFrames++;
    client.send({ type: 'send', id: entry.clientMsgId, conversationId: entry.conversationId, clientMsgId: entry.clientMsgId, content: { type: 'text', text: entry.text } });
  }

  private show(m: Message): void {
    const text = m.content.type === 'text' ? m.content.text : JSON.stringify(m.content);
    const conv = this.shown.get(m.conversationId) ?? new Map<number, ShownMessage>();
    this.shown.set(m.conversationId, conv);
    const existing = conv.get(m.seq);
    if (existing && (existing.id !== m.id || existing.text !== text)) {
      this.problems.push(`${this.name}: seq ${m.seq} of ${m.conversationId} shown as ${existing.id} and as ${m.id}`);
      return;
    }
    conv.set(m.seq, { id: m.id, seq: m.seq, senderId: m.senderId, clientMsgId: m.clientMsgId, text });
  }

  /** Highest seq up to which this device has every message (its sync cursor). */
  private contiguous(conversationId: string): number {
    const conv = this.shown.get(conversationId);
    let seq = 0;
    while (conv?.has(seq + 1)) seq++;
    return seq;
  }

  private notify(): void {
    const listeners = this.listeners;
    this.listeners = [];
    for (const l of listeners) l();
  }

  private async waitFor(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new Error(`${this.name}: timed out after ${timeoutMs} ms waiting for ${what} (outbox ${this.outbox.size}, connected ${this.connected})`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, remaining);
        this.listeners.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }
}
