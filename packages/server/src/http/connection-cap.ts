import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';

/**
 * Caps open HTTP connections per remote IP. A connection past the cap is destroyed as soon as it
 * is accepted, before a byte of it is read, so an address holding many idle or slow connections
 * cannot exhaust the server; everyone else's connections are untouched. A connection that
 * upgrades to a WebSocket stops counting here (the gateway caps sockets per IP on its own).
 */
export class ConnectionCap {
  private readonly perIp = new Map<string, number>();
  /** Sockets counted in {@link perIp} and not yet released, with the IP they count for. */
  private readonly counted = new WeakMap<Duplex, string>();
  /** IPs at the cap whose refusals were already logged: one line per episode, not per connection. */
  private readonly warned = new Set<string>();

  constructor(
    private readonly maxPerIp: number,
    private readonly log: Logger,
  ) {}

  /** Starts counting `server`'s connections (and releasing upgraded ones). */
  attach(server: Server): void {
    server.on('connection', (socket: Socket) => this.admit(socket));
    server.on('upgrade', (_req, socket: Duplex) => this.release(socket));
  }

  /** Open, counted HTTP connections from `ip`. */
  openFrom(ip: string): number {
    return this.perIp.get(ip) ?? 0;
  }

  private admit(socket: Socket): void {
    const ip = socket.remoteAddress ?? 'unknown';
    const open = this.openFrom(ip);
    if (open >= this.maxPerIp) {
      if (!this.warned.has(ip)) this.log.warn({ ip, open }, 'http connections refused: per-IP cap reached');
      this.warned.add(ip);
      socket.destroy();
      return;
    }
    this.perIp.set(ip, open + 1);
    this.counted.set(socket, ip);
    socket.once('close', () => this.release(socket));
  }

  private release(socket: Duplex): void {
    const ip = this.counted.get(socket);
    if (ip === undefined) return;
    this.counted.delete(socket);
    const left = this.openFrom(ip) - 1;
    this.warned.delete(ip);
    if (left <= 0) this.perIp.delete(ip);
    else this.perIp.set(ip, left);
  }
}
