import type { FetchLike } from './api/http.js';
import { defaultEnvironment, type Environment } from './connection/environment.js';
import { platformWebSocket, type WebSocketConstructor } from './connection/transport.js';
import { QuickchatError } from './errors.js';
import type { ClientOptions } from './options.js';

/** What a client runs on, resolved from its options and the platform. */
export interface Platform {
  env: Environment;
  fetch: FetchLike;
  WebSocket: WebSocketConstructor;
  /** The server's base URL without a trailing slash. */
  base: string;
}

/** Resolves the environment, fetch and WebSocket; throws a `validation` error when one is missing. */
export function resolvePlatform(options: ClientOptions): Platform {
  const fetch = options.fetch ?? ((globalThis as { fetch?: FetchLike }).fetch as FetchLike | undefined);
  const WebSocket = options.WebSocket ?? platformWebSocket();
  if (!fetch) throw new QuickchatError('validation', 'no fetch available: pass options.fetch');
  if (!WebSocket) throw new QuickchatError('validation', 'no WebSocket available: pass options.WebSocket (in Node: import WebSocket from "ws")');
  return { env: { ...defaultEnvironment(), ...options.environment }, fetch, WebSocket, base: options.url.replace(/\/+$/, '') };
}
