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
