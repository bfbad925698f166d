import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { CloseCode } from '@quickchat/protocol';
import { Connection, type ConnectionDeps } from './connection.js';

/** Path of the WebSocket endpoint. */
export const SOCKET_PATH = '/ws';

export interface GatewayOptions extends ConnectionDeps {
  /** Decides whether an upgrade's Origin (or its absence) is allowed. */
  isOriginAllowed: (origin: string | undefined) => boolean;
  /** Reports a refused origin (logged at most once per origin and interval: see `originRefusalLog`). */
  refusedOrigin?: (origin: string | undefined, kind: 'socket') => void;
}

/**
 * The WebSocket front door: checks path, Origin and the per-IP cap before upgrading, selects no
 * subprotocol (an offered `Sec-WebSocket-Protocol` is ignored), caps frame size at `maxPayload`
 * (larger frames close with 1009, unbuffered), and runs one heartbeat timer for all connections.
 */
export class Gateway {
  private readonly wss: WebSocketServer;
  private readonly connections = new Set<Connection>();
  private readonly perIp = new Map<string, number>();
  private readonly heartbeatTimer: NodeJS.Timeout;

  constructor(private readonly options: GatewayOptions) {
    this.wss = new WebSocketServer({
      noServer: true,
      maxPayload: options.limits.maxFrameBytes,
      perMessageDeflate: false,
      clientTracking: false,
      // The protocol is plain JSON frames with no WebSocket subprotocol: an offered
      // Sec-WebSocket-Protocol is ignored, never echoed (see "Transport" in docs/protocol.md).
      handleProtocols: () => false,
    });
    this.heartbeatTimer = setInterval(() => {
      for (const c of this.connections) c.heartbeat();
    }, options.limits.heartbeatMs);
    this.heartbeatTimer.unref();
  }

  /** Handles an HTTP upgrade request (wire to `server.on('upgrade')`). */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = req.url ?? '';
    if (url !== SOCKET_PATH && !url.startsWith(`${SOCKET_PATH}?`)) return reject(socket, 404, 'Not Found');
    if (!this.options.isOriginAllowed(req.headers.origin)) {
      (this.options.refusedOrigin ?? ((origin) => this.options.log.warn({ origin }, 'socket refused: origin not allowed')))(req.headers.origin, 'socket');
      return reject(socket, 403, 'Forbidden');
    }
    const ip = req.socket.remoteAddress ?? 'unknown';
    if ((this.perIp.get(ip) ?? 0) >= this.options.limits.connectionsPerIp) {
      this.options.log.warn({ ip }, 'socket refused: per-IP cap');
      return reject(socket, 429, 'Too Many Requests');
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws, ip, socket));
  }

  /** Number of open sockets (authenticated or not). */
  get connectionCount(): number {
    return this.connections.size;
  }

  /** Tells every session on this node to sync (see {@link Connection.resync}): once per bus outage. */
  resync(): void {
    for (const c of this.connections) c.resync();
  }

  /** Closes every socket with 1001 (going away) and stops the heartbeat. */
  close(): void {
    clearInterval(this.heartbeatTimer);
    for (const c of this.connections) c.close(CloseCode.GoingAway, 'server shutting down');
    this.wss.close();
  }

  private accept(ws: WebSocket, ip: string, socket: Duplex): void {
    // The upgraded socket is the stream `ws` writes to; corking it batches a tick's frames.
    const connection = new Connection(ws, ip, this.options, socket);
    this.connections.add(connection);
    this.perIp.set(ip, (this.perIp.get(ip) ?? 0) + 1);
    ws.once('close', () => {
      this.connections.delete(connection);
      const left = (this.perIp.get(ip) ?? 1) - 1;
      if (left <= 0) this.perIp.delete(ip);
      else this.perIp.set(ip, left);
    });
  }
}

function reject(socket: Duplex, status: number, text: string): void {
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}
