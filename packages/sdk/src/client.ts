import { EventEmitter } from 'eventemitter3';
import { dmConversationId, ErrorCode, isMutation, type GroupRole, type SendableContent, type Message, type PublicUser, type ReadyFrame } from '@quickchat/protocol';
import { RestClient } from './api/rest.js';
import { createTokenSource, jwtClaims, type TokenSource } from './auth/token-source.js';
import { Connection } from './connection/connection.js';
import { fullJitterBackoff } from './connection/reconnect-policy.js';
import { ConnectionState } from './connection/state.js';
import { createConversations, type Conversations } from './conversations/conversations.js';
import { createReceipts, type Receipts } from './conversations/receipts.js';
import { ClientErrorCode, QuickchatError, toError, type QuickchatErrorCode } from './errors.js';
import type { ClientEvents, EmitEvent } from './events.js';
import { createFrameRouter, type ClientExtension, type FrameHook, type FrameRouter } from './extension/frame-hook.js';
import { silentLogger } from './logger.js';
import type { ClientOptions } from './options.js';
import { resolvePlatform } from './platform.js';
import { createSender, type Sender } from './sending/sender.js';
import { MemoryStorage } from './storage/memory.js';
import type { ReadableStore } from './stores/store.js';
import type { ConversationsState, LocalMessage, MessagesState } from './stores/state.js';
import { createSessionInfo, type ServerLimits, type SessionInfo } from './session/session-info.js';
import { createSync, type Sync } from './sync/sync.js';

/** Creates a client; it connects right away unless `autoConnect: false`. */
export function createClient(options: ClientOptions): ChatClient {
  return new ChatClient(options);
}

/**
 * The quickchat client: one object for the socket, REST, catch-up, the outbox and the stores.
 * Read state through the stores (`conversations`, `messages`, `user`, `limits`), act through
 * methods, and listen with `on()` (typed by {@link ClientEvents}). It wires managers that each
 * own their frame types: sending (`sending/`), catch-up (`sync/`), receipts and typing
 * (`conversations/`). What not every app needs attaches from entries of its own through
 * `attach()`: friends (`@quickchat/sdk/friends`), groups (`@quickchat/sdk/groups`).
 */
export class ChatClient {
  /** Typed REST client (accounts, profiles, history; `request()` for the SDK's other entries). */
  readonly rest: RestClient;
  /** The conversation list (by id). */
  readonly conversations: ReadableStore<ConversationsState>;
  /** Loaded messages per conversation. */
  readonly messages: ReadableStore<MessagesState>;
  /** The signed-in user's profile, once known. */
  readonly user: ReadableStore<PublicUser | null>;
  /**
   * The limits the server announced for the last session (null until the first `ready`).
   * `send()` refuses text longer than `maxTextLength`; a composer can show it. `groups` holds the
   * group caps, and the member counts above which typing and live read receipts are off.
   */
  readonly limits: ReadableStore<ServerLimits | null>;

  private readonly emitter = new EventEmitter<ClientEvents>();
  private readonly emit: EmitEvent = (event, context) => void this.emitter.emit(event, ...([context] as [never]));
  private readonly fail = (err: unknown, code?: QuickchatErrorCode): void => this.emit('error', { error: toError(err, code) });
  private readonly tokens: TokenSource;
  private readonly connection: Connection;
  private readonly convs: Conversations;
  private readonly router: FrameRouter;
  private readonly sender: Sender;
  private readonly sync: Sync;
  private readonly receipts: Receipts;
  private readonly info: SessionInfo;
  private me: string;
  /** Until `me` is known (password or getToken sign-in): the user last signed in with this storage, whose outbox is shown. */
  private lastUser = '';
  private readonly restored: Promise<void>;

  constructor(options: ClientOptions) {
    const { env, fetch, WebSocket, base } = resolvePlatform(options);
    const restOptions = { environment: env, timeoutMs: options.requestTimeoutMs };
    this.tokens = createTokenSource(options.auth, new RestClient(base, fetch, null, restOptions), env.now);
    this.rest = new RestClient(base, fetch, this.tokens, restOptions);
    const storage = options.storage ?? new MemoryStorage();
    const namespace = options.storageNamespace ?? 'qc';
    const sub = 'token' in options.auth ? jwtClaims(options.auth.token)['sub'] : undefined;
    this.me = typeof sub === 'string' ? sub : '';
    const convs = (this.convs = createConversations(() => this.userId, env));
    this.conversations = convs.conversations;
    this.messages = convs.messages;
    this.connection = new Connection({
      url: `${base.replace(/^http/, 'ws')}/ws`,
      WebSocket,
      tokens: this.tokens,
      policy: options.reconnectPolicy ?? fullJitterBackoff({ random: env.random }),
      env,
      logger: options.logger ?? silentLogger,
      pingIntervalMs: options.pingIntervalMs,
      pongTimeoutMs: options.pongTimeoutMs,
    });
    this.router = createFrameRouter({ send: (frame) => this.connection.send(frame), on: (event, listener) => this.on(event, listener), fail: this.fail, userId: () => this.me, state: () => this.connection.state });
    const { hook } = this.router;
    const { emit, fail } = this;
    const fetchAfter = (id: string, after: number) => this.rest.history(id, { after, limit: 100 });
    const membership = (id: string, left: boolean, role?: GroupRole) => convs.setLeft(id, left, role);
    this.sync = createSync({ hook, storage, namespace, emit, fail, fetchAfter, membership, surface: (m) => this.onSurfaced(m), summary: (c) => convs.applySummary(c) });
    const { cursor, ingest } = this.sync;
    const info = (this.info = createSessionInfo(hook, this.rest, fail));
    this.user = info.user;
    this.limits = info.limits;
    this.receipts = createReceipts(hook, convs, env, cursor, emit, info.limits.getState);
    this.sender = createSender({ hook, env, storage, namespace, convs, ingest, maxTextLength: () => info.maxTextLength(), emit, fail });
    this.connection.on('state', (change) => {
      emit('connectionStateChanged', change);
      // A browser hides why an upgrade failed. A refused origin is the one cause REST can tell
      // (the server lets a refused page read `403 origin_not_allowed`): ask once per failed open.
      if (change.oldState == ConnectionState.Connecting && change.code == 'socket_closed') {
        this.rest.me().catch((error: QuickchatError) => error.code == ErrorCode.OriginNotAllowed && emit('error', { error }));
      }
    });
    hook.onFrame('call', (call) => emit('call', { call }));
    this.connection.on('ready', (frame) => void this.onReady(frame).catch(fail));
    this.connection.on('frame', (frame) => this.router.dispatch(frame));
    this.connection.on('error', (error) => emit('error', { error }));
    this.restored = this.sender.restore(this.me).then(
      (last) => void (this.lastUser = last),
      (err: unknown) => fail(err, ClientErrorCode.Storage),
    );
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

  /** The protocol version the server speaks on this session (from `ready`); null before the first. */
  get serverProtocol(): number | null {
    return this.info.protocol();
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

  /** Disconnects for good and releases timers, listeners and attached extensions. */
  close(): void {
    this.connection.close();
    this.router.close();
    this.convs.dispose();
    this.receipts.dispose();
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
   * Sends a message (to a DM or a group: `g:…`): text, or any content a client may send (a text
   * with `replyTo`, `mentions` or uploaded `attachments`; or an `edit`, `delete` or `reaction` of
   * an earlier message, see `@quickchat/sdk/messages` for helpers). Returns at once with the local
   * message (state `pending`); it moves to `sent` when the server stored it, then
   * `delivered`/`read`, or `failed`. While offline it waits in the outbox and is sent, with the
   * same clientMsgId, after reconnecting. An edit, delete or reaction is not shown as a message:
   * once stored it changes its target in place (`messageUpdated`), and a refusal is an `error` event.
   * @throws QuickchatError `validation` (not retryable; nothing is queued) when `text` is longer
   *   than `limits.maxTextLength` (checked once the server announced it: after the first `ready`),
   *   and `not_found` (not retryable; nothing is queued) when the conversation is a group you are
   *   no longer a member of (its view is `left`).
   */
  send(conversationId: string, content: string | SendableContent): LocalMessage {
    return this.sender.send(conversationId, content);
  }

  /** Sends a failed message again, with its original clientMsgId. */
  retry(conversationId: string, clientMsgId: string): void {
    this.sender.retry(conversationId, clientMsgId);
  }

  /** Marks everything surfaced in a conversation as read (tells the server and your other devices). */
  markRead(conversationId: string): void {
    this.receipts.markRead(conversationId);
  }

  /**
   * Tells the other members you are (or stopped) typing. Not stored. Not sent to a group you
   * left, nor to one with more than `limits.groups.typingMaxMembers` members.
   */
  setTyping(conversationId: string, active: boolean): void {
    this.receipts.setTyping(conversationId, active);
  }

  /**
   * Loads an older page of history in front of what is loaded. Resolves with whether more
   * older messages exist. Stops at the conversation's `floor`: nothing at or below it is asked for.
   */
  async loadOlder(conversationId: string, limit = 50): Promise<boolean> {
    const c = this.conversations.getState()[conversationId];
    const floor = c?.floor ?? 0;
    const before = this.messages.getState()[conversationId]?.items.find((m) => m.seq !== null)?.seq ?? undefined;
    let page = { messages: [] as Message[], hasMore: false };
    if ((before ?? (c ? c.lastSeq + 1 : Infinity)) > floor + 1) page = await this.rest.history(conversationId, { before, limit });
    const messages = page.messages.filter((m) => m.seq > floor);
    const more = page.hasMore && (messages[0]?.seq ?? 0) > floor + 1;
    this.convs.prepend(conversationId, messages, more);
    return more;
  }

  /**
   * For extension entries (e.g. calls), not apps: attaches `extension` to this client, live or
   * not, through its own {@link FrameHook} (send frames, receive the server frame types it
   * registers, follow events). Returns the function that detaches it; `close()` detaches all.
   */
  attach(extension: ClientExtension): () => void {
    return this.router.attach(extension);
  }

  private async onReady(frame: ReadyFrame): Promise<void> {
    const { userId } = frame;
    const first = this.me !== userId;
    this.me = userId;
    this.router.dispatch(frame);
    await this.restored;
    if (first) this.sender.remember(userId);
    await this.sender.claim(userId);
    await this.sync.start(userId);
  }

  private onSurfaced(message: Message): void {
    const local = this.convs.surface(message);
    // An edit, delete or reaction changed a loaded message (local is that message, or null).
    if (isMutation(message.content)) local && this.emit('messageUpdated', { message: local });
    else this.emit('message', { message: local! });
    if (message.senderId !== this.me) this.receipts.delivered(message.conversationId);
  }
}
