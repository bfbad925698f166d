/**
 * `@quickchat/server`: the reference server. `createServer(options)` has no side effects until
 * `start()`. The `Store` and `Bus` interfaces are exported so deployments can plug their own.
 */
export { createServer, SERVER_VERSION, type QuickchatServer } from './app.js';
export { ConfigError, DEFAULT_LIMITS, type ServerOptions, type ServerLimits, type AuthOptions, type ExternalAuthOptions } from './config.js';
export type { Store } from './store/types.js';
export { HandleTakenError } from './store/types.js';
export type { Bus } from './bus/types.js';
export { LocalBus } from './bus/local.js';
export { openSqliteStore } from './store/sqlite/sqlite-store.js';

// The seams a multi-node deployment plugs into (implemented by @quickchat/bus-redis and
// @quickchat/store-mongo): what crosses the bus and how it is checked, who is online, who is in a call.
export type { Subscription } from './bus/types.js';
export type { BusMessage, BusMessageKind } from './bus/messages.js';
export type { Topic } from './bus/topics.js';
export { encodeBusEnvelope, decodeBusEnvelope, type BusEnvelope } from './bus/codec.js';
export type { Presence, PresenceRecord, PresenceListener, PresenceTimers } from './services/presence/presence.js';
export type { CallRegistry, Engagement, UserCall } from './services/calls/registry.js';
export type { NodeDirectory } from './services/nodes.js';
export type { ScaleOut, ScaleOutOptions } from './scale-out.js';
export type * from './store/types.js';
export * from './store/rich-rules.js';
