import type { FetchLike } from './api/http.js';
import type { AuthOption } from './auth/token-source.js';
import type { Environment } from './connection/environment.js';
import type { ReconnectPolicy } from './connection/reconnect-policy.js';
import type { WebSocketConstructor } from './connection/transport.js';
import type { Logger } from './logger.js';
import type { StorageAdapter } from './storage/types.js';

/** Options of `createClient`. Only `url` and `auth` are required. */
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
  /** Where the outbox and cursors live; default: memory (pass `IndexedDBStorage` from `@quickchat/sdk/indexeddb` to survive reloads). */
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
  /**
   * How long a REST request (history, profiles, friends, sign-in) may take before it fails with
   * a retryable `timeout` error and is aborted. Default 15 s.
   */
  requestTimeoutMs?: number;
}
