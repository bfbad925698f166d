import { createServer, type RequestListener, type Server } from 'node:http';
import type { Logger } from 'pino';
import type { ServerLimits } from '../config.js';
import { ConnectionCap } from './connection-cap.js';

/** Fastest and slowest sweep of open connections for request timeouts. */
const MIN_CHECK_MS = 10;
const MAX_CHECK_MS = 1000;

/**
 * How often Node looks for requests past `headersTimeout`/`requestTimeout`. Node only cuts a
 * slow request when this sweep runs (default every 30 s), so a 10 s `headersTimeout` really
 * meant up to 40 s; a tenth of the shorter timeout (10 ms to 1 s) keeps the cut within 10% of
 * the configured time.
 */
export function connectionsCheckingInterval(limits: Pick<ServerLimits, 'headersTimeoutMs' | 'requestTimeoutMs'>): number {
  const shorter = Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs);
  return Math.min(MAX_CHECK_MS, Math.max(MIN_CHECK_MS, Math.floor(shorter / 10)));
}

/**
 * The HTTP server in front of the app: request-head and request timeouts that take effect at
 * the configured time, and a per-IP cap on open connections ({@link ConnectionCap}).
 */
export function createHttpServer(listener: RequestListener, limits: ServerLimits, log: Logger): Server {
  const server = createServer(
    {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      connectionsCheckingInterval: connectionsCheckingInterval(limits),
    },
    listener,
  );
  new ConnectionCap(limits.httpConnectionsPerIp, log).attach(server);
  return server;
}
