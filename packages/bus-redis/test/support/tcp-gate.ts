import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * A loopback TCP relay in front of a Redis that a test can close to new connections, so it
 * decides when nodes may reconnect after an outage (and prepare Redis before they do). While
 * closed, each connection is accepted and dropped at once, as a refused connection looks to
 * ioredis; connections already relayed are unaffected. When the Redis behind it dies, every
 * relayed connection is dropped with it.
 */
export class TcpGate {
  private open = true;
  private readonly sockets = new Set<Socket>();
  /** Connections dropped while closed (each one a reconnect attempt). */
  refused = 0;

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  /** Starts a relay on a free loopback port to `targetPort` on 127.0.0.1. */
  static async start(targetPort: number): Promise<TcpGate> {
    let gate: TcpGate | null = null;
    const server = createServer((client) => gate?.relay(client, targetPort));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const address = server.address();
    if (typeof address !== 'object' || address === null) throw new Error('tcp gate has no port');
    gate = new TcpGate(server, address.port);
    return gate;
  }

  /** `redis://127.0.0.1:<port>`: the URL nodes use to reach Redis through the gate. */
  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Drops every connection attempt from now on, until {@link openUp}. */
  close(): void {
    this.open = false;
  }

  /** Drops every connection attempt from now on, and every connection relayed so far: an outage of the network, not of Redis. */
  cut(): void {
    this.open = false;
    for (const socket of this.sockets) socket.destroy();
  }

  /** Relays connections again. */
  openUp(): void {
    this.open = true;
  }

  /** Stops listening and drops every relayed connection. */
  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private relay(client: Socket, targetPort: number): void {
    if (!this.open) {
      this.refused++;
      client.destroy();
      return;
    }
    const upstream = connect({ host: '127.0.0.1', port: targetPort });
    for (const [socket, other] of [
      [client, upstream],
      [upstream, client],
    ] as const) {
      this.sockets.add(socket);
      socket.setNoDelay(true);
      socket.on('data', (chunk) => other.write(chunk));
      socket.on('error', () => other.destroy());
      socket.on('close', () => {
        this.sockets.delete(socket);
        other.destroy();
      });
    }
  }
}
