import { EventEmitter } from 'eventemitter3';
import { dmConversationId, type ErrorFrame, type Message, type PublicUser, type ServerFrame } from '@quickchat/protocol';
import { RestClient } from './api/rest.js';
import type { FetchLike } from './api/http.js';
import { createTokenSource, jwtClaims, type AuthOption, type TokenSource } from './auth/token-source.js';
import { Connection } from './connection/connection.js';
import { defaultEnvironment, type Environment, type TimerHandle } from './connection/environment.js';
import { fullJitterBackoff, type ReconnectPolicy } from './connection/reconnect-policy.js';
import { ConnectionState } from './connection/state.js';
import { platformWebSocket, type WebSocketConstructor } from './connection/transport.js';
import { Conversations } from './conversations.js';
import { ClientErrorCode, QuickchatError, type QuickchatErrorCode } from './errors.js';
import type { ClientEvents } from './events.js';
import { Friends } from './friends.js';
import { newClientMsgId } from './ids.js';
import { silentLogger, type Logger } from './logger.js';
import { Outbox, type OutboxEntry } from './outbox.js';
import { MemoryStorage } from './storage/memory.js';
import type { StorageAdapter } from './storage/types.js';
import { createStore, type ReadableStore, type WritableStore } from './stores/store.js';
import type { ConversationsState, LocalMessage, MessagesState } from './stores/state.js';
import { CatchUp } from './sync.js';

/** Options of {@link createClient}. Only `url` and `auth` are required. */
export interface ClientOptions {
  /** The server's base URL, e.g. `https://chat.example.com`. The socket is `<url>/ws`. */
  url: string;
  /** How to authenticate: a token, `getToken()`, or handle + password. */
  auth: AuthOption;
  /** WebSocket implementation; default: the platform's. In Node 20 pass `ws`'s default export. */
  WebSocket?: WebSocketConstructor;
  /** fetch implementation; default: the platform's. */
  fetch?: FetchLike;
  /** When to retry after a drop; default: full-jitter backoff from 500 ms up to 30 s, forever. */
  reconnectPolicy?: ReconnectPolicy;
  /** Where the outbox and cursors live; default: memory (pass `IndexedDBStorage` to survive reloads). */
  storage?: StorageAdapter;
  /** Prefix of storage keys, to keep several clients apart. Default `qc`. */
  storageNamespace?: string;
  /** Diagnostics; default: silent. */
  logger?: Logger;
  /** Timers, clock, randomness and online/visibility signals; default: the real ones. */
  environment?: Partial<Environment>;
  /** Connect immediately. Default true. */
  autoConnect?: boolean;
  /** Client heartbeat interval. Default 25 s. */
  pingIntervalMs?: number;
  /** How long to wait for an answer to a ping. Default 10 s. */
  pongTimeoutMs?: number;
}

/** Creates a client; it connects right away unless `autoConnect: false`. */
export function createClient(options: ClientOptions): ChatClient {
  return new ChatClient(options);
}

/**
 * The quickchat client: one object for the socket, REST, catch-up, the outbox and the stores.
 * Read state through the stores (`conversations`, `messages`, `friends.store`, `user`), act
 * through methods, and listen with `on()` (typed by {@link ClientEvents}).
 */
export class ChatClient {
  /** Typed REST client (accounts, profiles, friendships, history). */
  readonly rest: RestClient;
  /** Friends and requests: actions plus an observable store. */
  readonly friends: Friends;
  /** The conversation list (by id). */
  readonly conversations: ReadableStore<ConversationsState>;
  /** Loaded messages per conversation. */
  readonly messages: ReadableStore<MessagesState>;
  /** The signed-in user's profile, once known. */
  readonly user: ReadableStore<PublicUser | null>;

  private readonly emitter = new EventEmitter<ClientEvents>();
  private readonly env: Environment;
  private readonly tokens: TokenSource;
  private readonly connection: Connection;
  private readonly convs: Conversations;
  private readonly outbox: Outbox;
  private readonly catchUp: CatchUp;
  private readonly userStore: WritableStore<PublicUser | null> = createStore<PublicUser | null>(null);
  private readonly namespace: string;
  private readonly storage: StorageAdapter;
  private me: string;
  /** Until `me` is known (password or getToken sign-in): the user last signed in with this storage, whose outbox is shown. */
  private lastUser = '';
  private synced = false;
  private syncSeq = 0;
  private readonly restored: Promise<void>;
  private readonly receiptTimers = new Map<string, TimerHandle>();
  /** While set, the server asked us to back off: sends wait in the outbox, in order. */
  private hold: TimerHandle | null = null;

  constructor(options: ClientOptions) {
    this.env = { ...defaultEnvironment(), ...options.environment };
    const fetchFn = options.fetch ?? ((globalThis as { fetch?: FetchLike }).fetch as FetchLike | undefined);
    const WebSocketImpl = options.WebSocket ?? platformWebSocket();
    if (!fetchFn) throw new QuickchatError('validation', 'no fetch available: pass options.fetch');
    if (!WebSocketImpl) throw new QuickchatError('validation', 'no WebSocket available: pass options.WebSocket (in Node: import WebSocket from "ws")');
    const base = options.url.replace(/\/+$/, '');
    const accounts = new RestClient(base, fetchFn, null);
    this.tokens = createTokenSource(options.auth, accounts, this.env.now);
    this.rest = new RestClient(base, fetchFn, this.tokens);
    this.storage = options.storage ?? new MemoryStorage();
    this.namespace = options.storageNamespace ?? 'qc';
    const sub = 'token' in options.auth ? jwtClaims(options.auth.token)['sub'] : undefined;
    this.me = typeof sub === 'string' ? sub : '';
    this.user = this.userStore;
    this.convs = new Conversations(() => this.me || this.lastUser, this.env);
    this.conversations = this.convs.conversations;
    this.messages = this.convs.messages;
    this.friends = new Friends(this.rest, (err) => this.fail(err));
    this.outbox = new Outbox(this.storage, `${this.namespace}:outbox`);
    this.catchUp = new CatchUp(this.storage, {
      fetchAfter: (id, after) => this.rest.history(id, { after, limit: 100 }),
      surface: (m) => this.onSurfaced(m),
      summary: (c) => this.convs.applySummary(c),
      events: (events, limited) => {
        for (const event of events) this.emitter.emit('relationChanged', { event });
        this.friends.onEvents(events, limited);
      },
      failed: (err) => this.fail(err),
    });
    this.connection = new Connection({
      url: `${base.replace(/^http/, 'ws')}/ws`,
      WebSocket: WebSocketImpl,
      tokens: this.tokens,
      policy: options.reconnectPolicy ?? fullJitterBackoff({ random: this.env.random }),
      env: this.env,
      logger: options.logger ?? silentLogger,
      ...(options.pingIntervalMs !== undefined ? { pingIntervalMs: options.pingIntervalMs } : {}),
      ...(options.pongTimeoutMs !== undefined ? { pongTimeoutMs: options.pongTimeoutMs } : {}),
    });
    this.connection.on('state', (change) => {
      if (change.newState !== ConnectionState.Connected) {
        this.synced = false;
        this.release(); // a new socket starts with a fresh rate budget
      }
      this.emitter.emit('connectionStateChanged', change);
    });
    this.connection.on('ready', (frame) => void this.onReady(frame.userId));
    this.connection.on('frame', (frame) => this.onFrame(frame));
    this.connection.on('error', (error) => this.emitter.emit('error', { error }));
    this.restored = this.restore();
    if (options.autoConnect ?? true) this.connection.connect();
  }

  /** The connection's current state. */
  get connectionState(): ConnectionState {
    return this.connection.state;
  }

  /**
   * The signed-in user's id. Before the first sign-in of this client it is the last user seen
   * on the same storage (so a reload while offline can keep working), or '' when unknown.
   */
  get userId(): string {
    return this.me || this.lastUser;
  }

  /** Subscribes to an event; returns the function that unsubscribes. */
  on<E extends keyof ClientEvents>(event: E, listener: ClientEvents[E]): () => void {
    this.emitter.on(event, listener as never);
    return () => void this.emitter.off(event, listener as never);
  }

  /** Connects (after `autoConnect: false`, or after `disconnect()`). */
  connect(): void {
    this.connection.connect();
  }

  /** Disconnects and stays offline until `connect()`. Pending messages stay in the outbox. */
  disconnect(): void {
    this.connection.disconnect();
  }

  /** Disconnects for good and releases timers and listeners. */
  close(): void {
    this.connection.close();
    this.convs.dispose();
    for (const t of this.receiptTimers.values()) this.env.clearTimeout(t);
    this.receiptTimers.clear();
    this.release();
    this.emitter.removeAllListeners();
  }

  /** Signs out of a built-in account (ends the sign-in on the server) and closes the client. */
  async signOut(): Promise<void> {
    await this.tokens.signOut();
    this.close();
  }

  /** The DM conversation id with `peerId`. */
  dmWith(peerId: string): string {
    return dmConversationId(this.userId, peerId);
  }

  /**
   * Sends a text message. Returns at once with the local message (state `pending`); it moves
   * to `sent` when the server stored it, then `delivered`/`read`, or `failed`. While offline
   * it waits in the outbox and is sent, with the same clientMsgId, after reconnecting.
   */
  send(conversationId: string, text: string): LocalMessage {
    const entry: OutboxEntry = { userId: this.me, conversationId, clientMsgId: newClientMsgId(this.env.random), content: { type: 'text', text }, createdAt: this.env.now() };
    const local: LocalMessage = { clientMsgId: entry.clientMsgId, id: null, conversationId, senderId: this.me, content: entry.content, seq: null, createdAt: entry.createdAt, state: 'pending', error: null };
    this.convs.addPending(local);
    void this.outbox.add(entry);
    if (this.synced && this.hold === null) this.transmit(entry);
    return local;
  }

  /** Sends a failed message again, with its original clientMsgId. */
  retry(conversationId: string, clientMsgId: string): void {
    const message = this.messages.getState()[conversationId]?.items.find((m) => m.clientMsgId === clientMsgId && m.senderId === this.me);
    if (!message || message.state !== 'failed') return;
    const entry: OutboxEntry = { userId: this.me, conversationId, clientMsgId, content: message.content, createdAt: message.createdAt };
    this.updateMessage(conversationId, clientMsgId, { state: 'pending', error: null });
    void this.outbox.add(entry);
    if (this.synced && this.hold === null) this.transmit(entry);
  }

  /** Marks everything surfaced in a conversation as read (tells the server and your other devices). */
  markRead(conversationId: string): void {
    const read = this.catchUp.cursor(conversationId);
    if (read > 0) this.connection.send({ type: 'receipt', conversationId, read });
  }

  /** Tells the other members you are (or stopped) typing. Not stored. */
  setTyping(conversationId: string, active: boolean): void {
    this.connection.send({ type: 'typing', conversationId, active });
  }

  /**
   * Loads an older page of history in front of what is loaded. Resolves with whether more
   * older messages exist.
   */
  async loadOlder(conversationId: string, limit = 50): Promise<boolean> {
    const loaded = this.messages.getState()[conversationId]?.items.find((m) => m.seq !== null);
    const page = await this.rest.history(conversationId, { ...(loaded?.seq ? { before: loaded.seq } : {}), limit });
    this.convs.prepend(conversationId, page.messages, page.hasMore);
    return page.hasMore;
  }

  private async restore(): Promise<void> {
    try {
      await this.outbox.load();
      this.showPending(this.me);
      // E.g. a reload while offline: show the last signed-in user's unsent messages before sign-in can succeed.
      if (!this.me) this.lastUser = (await this.storage.get(`${this.namespace}:user`)) ?? '';
      if (!this.me && this.lastUser) this.showPending(this.lastUser);
    } catch (err) {
      this.fail(err);
    }
  }

  /** Shows the user's outbox entries that are not in the messages store yet (e.g. written before a reload). */
  private showPending(userId: string): void {
    for (const e of this.outbox.forUser(userId)) {
      if (this.messages.getState()[e.conversationId]?.items.some((m) => m.clientMsgId === e.clientMsgId)) continue;
      this.convs.addPending({ clientMsgId: e.clientMsgId, id: null, conversationId: e.conversationId, senderId: e.userId, content: e.content, seq: null, createdAt: e.createdAt, state: 'pending', error: null });
    }
  }

  private async onReady(userId: string): Promise<void> {
    const first = this.me !== userId;
    this.me = userId;
    await this.restored;
    if (first) void this.storage.set(`${this.namespace}:user`, userId).catch(() => undefined);
    this.convs.claimPending(userId);
    await this.outbox.claim(userId);
    this.showPending(userId);
    await this.catchUp.load(userId, this.namespace);
    if (first || !this.userStore.getState()) void this.rest.me().then((u) => this.userStore.update(() => u), (err: unknown) => this.fail(err));
    this.connection.send(this.catchUp.request(`sync-${++this.syncSeq}`));
  }

  private async onSynced(frame: Extract<ServerFrame, { type: 'synced' }>): Promise<void> {
    const backfilled = await this.catchUp.applySynced(frame);
    if (this.connection.state !== ConnectionState.Connected) return;
    this.synced = true;
    this.flush();
    this.emitter.emit('synced', { userId: this.me, conversations: frame.conversations.length, backfilled });
  }

  private onFrame(frame: ServerFrame): void {
    switch (frame.type) {
      case 'synced':
        void this.onSynced(frame).catch((err: unknown) => this.fail(err));
        return;
      case 'message':
        return this.catchUp.ingest(frame.message);
      case 'ack': {
        const entry = this.outbox.get(frame.clientMsgId);
        void this.outbox.remove(frame.clientMsgId);
        if (!entry) return;
        const message: Message = { id: frame.messageId, conversationId: frame.conversationId, seq: frame.seq, senderId: this.me, clientMsgId: frame.clientMsgId, content: entry.content, createdAt: frame.createdAt };
        this.catchUp.ingest(message);
        return;
      }
      case 'receipt': {
        for (const message of this.convs.receipt(frame)) this.emitter.emit('messageUpdated', { message });
        this.emitter.emit('receipt', { conversationId: frame.conversationId, userId: frame.userId, delivered: frame.delivered, read: frame.read });
        return;
      }
      case 'typing':
        this.convs.typing(frame.conversationId, frame.userId, frame.active);
        this.emitter.emit('typing', { conversationId: frame.conversationId, userId: frame.userId, active: frame.active });
        return;
      case 'event':
        if (!this.catchUp.acceptEvent(frame.event)) return;
        this.emitter.emit('relationChanged', { event: frame.event });
        this.friends.onEvents([frame.event], false);
        return;
      case 'error':
        return this.onError(frame);
      default:
        return;
    }
  }

  private onSurfaced(message: Message): void {
    const local = this.convs.surface(message);
    this.emitter.emit('message', { message: local });
    if (message.senderId !== this.me) this.scheduleDelivered(message.conversationId);
  }

  /** Acknowledges delivery of surfaced messages, once per burst per conversation. */
  private scheduleDelivered(conversationId: string): void {
    if (this.receiptTimers.has(conversationId)) return;
    this.receiptTimers.set(
      conversationId,
      this.env.setTimeout(() => {
        this.receiptTimers.delete(conversationId);
        this.connection.send({ type: 'receipt', conversationId, delivered: this.catchUp.cursor(conversationId) });
      }, 50),
    );
  }

  private onError(frame: ErrorFrame): void {
    const entry = typeof frame.id === 'string' ? this.outbox.get(frame.id) : undefined;
    const error = new QuickchatError(frame.code as QuickchatErrorCode, frame.message, frame.retryAfterMs === undefined ? {} : { retryAfterMs: frame.retryAfterMs });
    if (!entry) return this.fail(error);
    if (error.retryable) {
      // Hold every send, then resend the whole outbox in order: later messages must not overtake this one.
      this.hold ??= this.env.setTimeout(() => {
        this.hold = null;
        this.flush();
      }, Math.max(error.retryAfterMs ?? 0, 1000));
      return;
    }
    void this.outbox.remove(entry.clientMsgId);
    this.updateMessage(entry.conversationId, entry.clientMsgId, { state: 'failed', error });
    this.fail(error);
  }

  private updateMessage(conversationId: string, clientMsgId: string, change: Partial<LocalMessage>): void {
    const message = this.convs.patch(conversationId, this.me, clientMsgId, change);
    if (message) this.emitter.emit('messageUpdated', { message });
  }

  /** Sends every waiting message, oldest first (resends are deduplicated by clientMsgId). */
  private flush(): void {
    if (this.synced && this.hold === null) for (const entry of this.outbox.forUser(this.me)) this.transmit(entry);
  }

  private release(): void {
    if (this.hold !== null) this.env.clearTimeout(this.hold);
    this.hold = null;
  }

  private transmit(entry: OutboxEntry): void {
    this.connection.send({ type: 'send', id: entry.clientMsgId, conversationId: entry.conversationId, clientMsgId: entry.clientMsgId, content: entry.content });
  }

  private fail(err: unknown): void {
    const error = err instanceof QuickchatError ? err : new QuickchatError(ClientErrorCode.Network, err instanceof Error ? err.message : String(err), { cause: err });
    this.emitter.emit('error', { error });
  }
}
