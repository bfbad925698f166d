/**
 * A stand-in for the SDK client surface the widget uses ({@link WidgetClient}), for component
 * tests: the REAL SDK stores (`createStore`), scripted data, and a record of every action the UI
 * took. No network. It `implements WidgetClient`, so a member the widget starts using (or one
 * whose SDK signature changes) fails to type-check here rather than at run time.
 */
import type { Writable } from '../../src/state/context.js';
import type { WidgetClient, WidgetFriends, WidgetMessages, WidgetRich } from '../../src/state/widget-client.js';
import type { Attachment, UploadHandle } from '@quickchat/sdk/messages';
import type { GroupMember } from '@quickchat/sdk/groups';
import { richWith } from '../../src/features/rich/rich.js';
import { ApiError, createStore, type ChatClient, type ClientEvents, type ClientExtension, type ConnectionState, type HttpRequest, type RestClient, type ConversationView, type ConversationsState, type FriendshipStatus, type FriendsState, type LocalMessage, type MessagesState, type PublicUser, type SendableContent, type ServerLimits } from '@quickchat/sdk';

export const ME = 'u_me';

/** The group limits a server announces in `ready` (the defaults of the reference server). */
export const GROUP_LIMITS: ServerLimits['groups'] = { maxMembers: 1000, maxOwned: 100, maxPendingRequests: 100, invitesPerHour: 100, typingMaxMembers: 100, liveReceiptsMaxMembers: 100, presenceMaxMembers: 100 };
/** The message limits a server announces in `ready` (the defaults of the reference server). */
export const MESSAGE_LIMITS: ServerLimits['messages'] = { maxAttachments: 10, maxUploadBytes: 26_214_400, editWindowMs: null, maxReactions: 20 };
/** The server's default call limits. */
export const CALL_LIMITS: ServerLimits['calls'] = { ringTimeoutMs: 30_000, graceMs: 10_000, invitesPerMinute: 10, signalsPerSecond: 50 };

export function user(id: string, displayName: string, extra: Partial<PublicUser> = {}): PublicUser {
  return { id, handle: displayName.toLowerCase(), displayName, avatarUrl: null, signature: '', ...extra };
}

export function dmId(a: string, b: string): string {
  return `dm:${[a, b].sort().join('~')}`;
}

let clock = Date.UTC(2025, 0, 15, 12, 0, 0);
/** A stored text message. */
export function message(conversationId: string, senderId: string, seq: number | null, text: string, extra: Partial<LocalMessage> = {}): LocalMessage {
  clock += 1000;
  return { clientMsgId: `c${seq ?? 'p'}-${clock}`, id: seq === null ? null : `m${seq}`, conversationId, senderId, content: { type: 'text', text }, seq, createdAt: clock, state: 'sent', error: null, ...extra };
}

export function conversation(peerId: string, extra: Partial<ConversationView> = {}): ConversationView {
  return { conversationId: dmId(ME, peerId), kind: 'dm', peerId, lastSeq: 0, unread: 0, mentions: 0, lastMessage: null, cursors: [], typing: [], floor: 0, group: null, left: false, ...extra };
}

type Listener = (context: never) => void;

/** The rich-message actions, as the widget calls them. */
type RichAction = keyof WidgetRich['messages'];

/** The friend actions, as the widget calls them. */
type FriendAction = Exclude<keyof WidgetFriends, 'store'>;

/** The friend list routes, by the `friendsStore` list each answers. */
const FRIEND_LISTS: Record<string, Exclude<keyof FriendsState, 'loaded'>> = {
  '/api/friends': 'friends',
  '/api/friend-requests/incoming': 'incoming',
  '/api/friend-requests/outgoing': 'outgoing',
  '/api/blocks': 'blocked',
};

/**
 * Component tests take the friends store and actions from `friends` below (the signed-in
 * context's `friends`). A widget mounted whole attaches the SDK's real friends manager
 * (`friendsOf(client)`) instead: `attach()` and `rest.request()` serve it, its lists loaded from
 * `friendsStore`.
 */
/** One upload the widget started through the fake `upload`: its arguments, and how a test makes it progress, finish or fail. */
export interface FakeUpload {
  conversationId: string;
  file: File;
  name: string;
  progress(loaded: number, total: number): void;
  finish(id: string, extra?: Partial<Attachment>): void;
  fail(err: unknown): void;
  cancelled: boolean;
}

export class FakeClient implements WidgetClient, Pick<ChatClient, 'attach'> {
  readonly conversations: Writable<ConversationsState> = createStore<ConversationsState>({});
  readonly messages: Writable<MessagesState> = createStore<MessagesState>({});
  readonly user: Writable<PublicUser | null> = createStore<PublicUser | null>(user(ME, 'Me'));
  /** What the server announced in `ready` (null: not yet). */
  readonly limits: Writable<ServerLimits | null> = createStore<ServerLimits | null>({ maxFrameBytes: 65_536, maxTextLength: 4000, messagesPerSecond: 20, groups: GROUP_LIMITS, messages: MESSAGE_LIMITS, calls: CALL_LIMITS });
  readonly friendsStore: Writable<FriendsState> = createStore<FriendsState>({ friends: [], incoming: [], outgoing: [], blocked: [], loaded: true });
  /** Friend actions: recorded, then answered by `friendReply` (default: resolve). */
  readonly friendCalls: [FriendAction, string, string?][] = [];
  /** Scripted answer to every friend action; tests replace it (e.g. to reject). */
  friendReply: (action: FriendAction, userId: string) => Promise<unknown> = async () => 'outgoing';
  /** Stands in for the client's `friendsOf(client)` (the signed-in context's `friends`). */
  readonly friends: WidgetFriends = {
    store: this.friendsStore,
    request: (userId, memo) => this.friendAction<FriendshipStatus>('request', userId, memo),
    accept: (userId) => this.friendAction<FriendshipStatus>('accept', userId),
    decline: (userId) => this.friendAction<void>('decline', userId),
    cancel: (userId) => this.friendAction<void>('cancel', userId),
    remove: (userId) => this.friendAction<void>('remove', userId),
    block: (userId) => this.friendAction<void>('block', userId),
    unblock: (userId) => this.friendAction<void>('unblock', userId),
  };
  /** Edits, deletes and reaction toggles the widget made: `[action, conversationId, seq, text or emoji]`. */
  readonly richCalls: [RichAction, string, number, string?][] = [];
  /** Scripted answer to every rich action (default: stored); tests replace it, e.g. to refuse. */
  richReply: (action: RichAction) => Promise<unknown> = async () => ({ type: 'ack' });
  /** Members of group conversations, for `rich.members`. */
  readonly groupMembers = new Map<string, GroupMember[]>();
  /**
   * Stands in for the lazily loaded rich-message services (the signed-in context's `rich`): the
   * chunk's real code (composer bar, mention list, reaction picker, words, the SDK's
   * `findMentions` and rules) around recorded actions and scripted members.
   */
  readonly rich: WidgetRich = richWith(
    {
      edit: (conversationId, seq, text) => this.richAction('edit', conversationId, seq, text),
      delete: (conversationId, seq) => this.richAction('delete', conversationId, seq),
      react: (conversationId, seq, emoji) => this.richAction('react', conversationId, seq, emoji),
      toggleReaction: (conversationId, seq, emoji) => this.richAction('toggleReaction', conversationId, seq, emoji),
    },
    async (conversationId) => {
      this.memberFetches.push(conversationId);
      return this.groupMembers.get(conversationId) ?? [];
    },
  );
  /** Uploads the widget started (`messagesOf(client).upload`): each settles when the test says. */
  readonly uploads: FakeUpload[] = [];
  /** File links asked for: `[attachmentId, variant]`. */
  readonly fileUrls: [string, string | undefined][] = [];
  /**
   * Stands in for the client's `messagesOf(client)` (the signed-in context's `messages`): the
   * rich actions above, scripted uploads and file links (`https://files.test/<id>/<variant>`).
   */
  readonly messagesManager: WidgetMessages = {
    ...this.rich.messages,
    upload: (conversationId, file, name, options) => {
      let settle!: { resolve(v: { attachment: Attachment }): void; reject(e: unknown): void };
      const done = new Promise<{ attachment: Attachment }>((resolve, reject) => (settle = { resolve, reject }));
      const entry: FakeUpload = {
        conversationId,
        file: file as File,
        name,
        cancelled: false,
        progress: (loaded, total) => options?.onProgress?.({ loaded, total }),
        finish: (id, extra = {}) => settle.resolve({ attachment: { id, name, mime: (file as File).type || 'application/octet-stream', size: (file as File).size, thumbnail: false, ...extra } }),
        fail: (err) => settle.reject(err),
      };
      this.uploads.push(entry);
      const handle: UploadHandle = {
        done,
        cancel: () => {
          entry.cancelled = true;
          settle.reject(new ApiError('cancelled', 'upload cancelled', 0));
        },
      } as UploadHandle;
      return handle;
    },
    fileUrl: async (attachmentId, variant) => {
      this.fileUrls.push([attachmentId, variant]);
      return `https://files.test/${attachmentId}/${variant ?? 'original'}`;
    },
  };
  /** Conversations whose members `rich` fetched. */
  readonly memberFetches: string[] = [];
  readonly profiles = new Map<string, PublicUser>();
  readonly rest: WidgetClient['rest'] & Pick<RestClient, 'request'> = {
    user: async (id: string): Promise<PublicUser> => {
      const found = this.profiles.get(id);
      if (!found) throw new Error(`no profile ${id}`);
      return found;
    },
    userByHandle: async (handle: string): Promise<PublicUser> => {
      const found = [...this.profiles.values()].find((p) => p.handle === handle.toLowerCase());
      if (!found) throw new ApiError('not_found', 'user not found', 404);
      return found;
    },
    updateMe: async (patch) => {
      this.profilePatches.push(patch);
      const next = { ...this.user.getState()!, ...patch };
      return next;
    },
    /** The friend lists, from `friendsStore` (what `friendsOf(client)` loads); nothing else is faked. */
    request: async <T>({ method, path }: HttpRequest): Promise<T> => {
      const list = FRIEND_LISTS[path];
      if (method !== 'GET' || !list) throw new Error(`FakeClient: no fake for ${method} ${path}`);
      return { items: this.friendsStore.getState()[list] } as T;
    },
  };
  readonly profilePatches: Partial<PublicUser>[] = [];
  /** Everything sent, as content. */
  readonly sentContent: SendableContent[] = [];
  readonly calls = { send: [] as [string, string][], retry: [] as [string, string][], markRead: [] as string[], setTyping: [] as [string, boolean][], loadOlder: [] as string[], connect: 0, close: 0 };
  /** What `loadOlder` adds in front, per conversation (then no more history). */
  readonly olderPages = new Map<string, LocalMessage[]>();
  connectionState: ConnectionState = 'connected';
  userId = ME;
  private readonly listeners = new Map<string, Set<Listener>>();
  /** Listeners of attached extensions: the SDK's, for the client's lifetime, not the UI's (not in `listenerCount()`). */
  private readonly extensionListeners = new Set<Listener>();
  /** What attached extensions reported through `hook.fail`. */
  readonly extensionFailures: unknown[] = [];
  private activeSubscriptions = 0;

  constructor() {
    // Count store subscriptions, so tests can check the UI lets go of them.
    for (const store of [this.conversations, this.messages, this.user, this.limits, this.friendsStore] as { subscribe: (...args: never[]) => () => void }[]) {
      const subscribe = store.subscribe.bind(store);
      store.subscribe = (...args: never[]) => {
        this.activeSubscriptions++;
        const stop = subscribe(...args);
        let stopped = false;
        return () => {
          if (!stopped) this.activeSubscriptions--;
          stopped = true;
          stop();
        };
      };
    }
  }

  /** Event listeners plus store subscriptions currently held. */
  holds(): number {
    return this.listenerCount() + this.activeSubscriptions;
  }

  on<E extends keyof ClientEvents>(event: E, listener: ClientEvents[E]): () => void {
    const set = this.listeners.get(event) ?? new Set<Listener>();
    this.listeners.set(event, set);
    set.add(listener as Listener);
    return () => void set.delete(listener as Listener);
  }

  emit<E extends keyof ClientEvents>(event: E, context: Parameters<ClientEvents[E]>[0]): void {
    for (const l of this.listeners.get(event) ?? []) (l as (c: typeof context) => void)(context);
  }

  /** Event listeners the widget holds (those of attached extensions aside). */
  listenerCount(): number {
    let n = 0;
    for (const set of this.listeners.values()) for (const l of set) if (!this.extensionListeners.has(l)) n++;
    return n;
  }

  /** Attaches an extension with a hook on this fake's events; it sends no frames and receives none. */
  attach(extension: ClientExtension): () => void {
    const offs: (() => void)[] = [];
    const fake = this;
    const teardown = extension({
      get userId() {
        return fake.userId;
      },
      get connectionState() {
        return fake.connectionState;
      },
      send: () => false,
      onFrame: () => () => undefined,
      on: (event, listener) => {
        this.extensionListeners.add(listener as Listener);
        const off = this.on(event, listener);
        offs.push(off);
        return off;
      },
      fail: (error) => void this.extensionFailures.push(error),
    });
    return () => {
      for (const off of offs.splice(0)) off();
      teardown?.();
    };
  }

  setConnection(state: ConnectionState): void {
    const oldState = this.connectionState;
    this.connectionState = state;
    this.emit('connectionStateChanged', { newState: state, oldState, code: state === 'connected' ? 'authenticated' : 'socket_closed', reason: 'test' });
  }

  /** Puts conversations in the list. */
  setConversations(...views: ConversationView[]): void {
    this.conversations.update((all) => ({ ...all, ...Object.fromEntries(views.map((v) => [v.conversationId, v])) }));
  }

  /** Sets the loaded messages of a conversation. */
  setMessages(conversationId: string, items: LocalMessage[], hasMoreBefore = false): void {
    this.messages.update((all) => ({ ...all, [conversationId]: { items, hasMoreBefore } }));
  }

  /** Records the text in `calls.send` and the whole content (a reply's `replyTo`, `mentions`) in `sentContent`. */
  send(conversationId: string, input: string | SendableContent): LocalMessage {
    const content: SendableContent = typeof input === 'string' ? { type: 'text', text: input } : input;
    const text = content.type === 'text' ? content.text : '';
    this.calls.send.push([conversationId, text]);
    this.sentContent.push(content);
    const local = message(conversationId, ME, null, text, { state: 'pending', content });
    const list = this.messages.getState()[conversationId] ?? { items: [], hasMoreBefore: false };
    this.setMessages(conversationId, [...list.items, local], list.hasMoreBefore);
    return local;
  }

  retry(conversationId: string, clientMsgId: string): void {
    this.calls.retry.push([conversationId, clientMsgId]);
    const list = this.messages.getState()[conversationId];
    if (list) this.setMessages(conversationId, list.items.map((m) => (m.clientMsgId === clientMsgId ? { ...m, state: 'pending' as const, error: null } : m)), list.hasMoreBefore);
  }

  markRead(conversationId: string): void {
    this.calls.markRead.push(conversationId);
  }

  setTyping(conversationId: string, active: boolean): void {
    this.calls.setTyping.push([conversationId, active]);
  }

  async loadOlder(conversationId: string): Promise<boolean> {
    this.calls.loadOlder.push(conversationId);
    const older = this.olderPages.get(conversationId) ?? [];
    this.olderPages.delete(conversationId);
    const list = this.messages.getState()[conversationId] ?? { items: [], hasMoreBefore: true };
    this.setMessages(conversationId, [...older, ...list.items], false);
    return false;
  }

  dmWith(peerId: string): string {
    return dmId(ME, peerId);
  }

  connect(): void {
    this.calls.connect++;
  }

  close(): void {
    this.calls.close++;
  }

  async signOut(): Promise<void> {
    this.close();
  }

  /**
   * Typed as the full SDK client, for host-facing options (`mount({ client })`), which take a
   * `ChatClient`. Everything behind sign-in uses only {@link WidgetClient}, which this implements.
   */
  asClient(): ChatClient {
    return this as unknown as ChatClient;
  }

  /** Records a rich action and answers it with {@link richReply}. */
  private richAction(action: RichAction, conversationId: string, seq: number, arg?: string): ReturnType<WidgetRich['messages']['edit']> {
    this.richCalls.push(arg === undefined ? [action, conversationId, seq] : [action, conversationId, seq, arg]);
    return this.richReply(action) as ReturnType<WidgetRich['messages']['edit']>;
  }

  /** Records a friend action and answers it with {@link friendReply}. */
  private friendAction<T>(action: FriendAction, userId: string, memo?: string): Promise<T> {
    this.friendCalls.push(memo === undefined ? [action, userId] : [action, userId, memo]);
    return this.friendReply(action, userId) as Promise<T>;
  }
}
