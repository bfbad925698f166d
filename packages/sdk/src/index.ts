/**
 * `@quickchat/sdk`: the framework-agnostic quickchat client for browsers and Node.
 *
 * ```ts
 * import { createClient } from '@quickchat/sdk';
 * const client = createClient({ url: 'https://chat.example.com', auth: { getToken } });
 * client.on('message', ({ message }) => console.log(message.content));
 * client.send(client.dmWith(friendId), 'hello');
 * ```
 *
 * Other entries, loaded only by apps that use them: `@quickchat/sdk/indexeddb` (`IndexedDBStorage`,
 * so the outbox and cursors survive a reload), `@quickchat/sdk/friends` (`friendsOf(client)`:
 * friends, requests and blocks) and `@quickchat/sdk/groups` (`groupsOf(client)`).
 */
export { createClient, ChatClient } from './client.js';
export type { ServerLimits } from './session/session-info.js';
export type { ClientOptions } from './options.js';
export type { ClientEvents, GroupUserEvent } from './events.js';
export { QuickchatError, ConnectionError, ApiError, ClientErrorCode, type QuickchatErrorCode } from './errors.js';
export { ConnectionState, ConnectionReason, type StateChange } from './connection/state.js';
export { fullJitterBackoff, type ReconnectPolicy, type ReconnectContext, type BackoffOptions } from './connection/reconnect-policy.js';
export type { Environment } from './connection/environment.js';
export type { WebSocketLike, WebSocketConstructor } from './connection/transport.js';
export type { AuthOption, SessionStore } from './auth/token-source.js';
export { RestClient, type HistoryOptions, type RestOptions } from './api/rest.js';
export type { FetchLike, HttpRequest } from './api/http.js';
export type { Logger } from './logger.js';
export type { StorageAdapter } from './storage/types.js';
export { MemoryStorage } from './storage/memory.js';
export { createStore, shallowEqual, type ReadableStore, type Equality } from './stores/store.js';
export type { LocalMessage, DeliveryState, ConversationView, MessageList, FriendsState, ConversationsState, MessagesState } from './stores/state.js';
export type { FrameHook, ClientExtension, ServerFrameOf } from './extension/frame-hook.js';
export { dmConversationId, dmPeer, parseConversationId, ErrorCode, CloseCode, PROTOCOL_VERSION } from '@quickchat/protocol';
export type { Message, MessageContent, SendableContent, SystemContent, CallRecordContent, CallEventFrame, PublicUser, FriendEntry, FriendshipStatus, UserEvent, ParsedConversationId, ClientFrame, ServerFrame } from '@quickchat/protocol';
export type { GroupBrief, GroupChange, GroupRole, JoinMode } from '@quickchat/protocol';
