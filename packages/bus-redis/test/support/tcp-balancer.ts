import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * A small TCP load balancer on a loopback port, as a deployment puts in front of several nodes:
 * each new connection goes to the next backend in turn (round robin); a backend that refuses the
 * connection (a dead node) is skipped for the next one, so clients that reconnect after their node
 * died reach a surviving node through the same URL. Bytes are piped both ways, untouched.
 */
export class TcpBalancer {
  private next = 0;
  /**
   * When set, new connections go to this backend (an index into the list) while it accepts them,
   * else on round robin from there: how a test places a client on a chosen node through the one URL.
   */
  prefer: number | null = null;
  private readonly sockets = new Set<Socket>();
  /** Connections made to each backend port, for tests that check the spread. */
  readonly connections = new Map<number, number>();

  private constructor(
    private readonly server: Server,
    readonly port: number,
    private readonly backends: readonly number[],
  ) {}

  /** Listens on a free loopback port in front of `backends` (ports on 127.0.0.1). */
  static async start(backends: readonly number[]): Promise<TcpBalancer> {
    let balancer: TcpBalancer | null = null;
    const server = createServer((client) => balancer?.accept(client));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const address = server.address();
    balancer = new TcpBalancer(server, typeof address === 'object' && address ? address.port : 0, backends);
    return balancer;
  }

  /** `http://127.0.0.1:<port>`: the one URL clients use. */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Stops listening and cuts every piped connection. */
  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: Socket): void {
    this.track(client);
    client.pause();
    if (this.prefer !== null) this.next = this.prefer;
    this.tryBackend(client, 0);
  }

  private tryBackend(client: Socket, attempt: number): void {
    if (attempt >= this.backends.length || client.destroyed) {
      client.destroy();
      return;
    }
    const port = this.backends[this.next++ % this.backends.length]!;
    const upstream = connect({ host: '127.0.0.1', port });
    const refused = () => this.tryBackend(client, attempt + 1);
    upstream.once('error', refused);
    upstream.once('connect', () => {
      upstream.off('error', refused);
      this.connections.set(port, (this.connections.get(port) ?? 0) + 1);
      this.track(upstream);
      const cut = () => {
        client.destroy();
        upstream.destroy();
      };
      upstream.on('error', cut);
      client.on('error', cut);
      upstream.on('close', cut);
      client.on('close', cut);
      client.pipe(upstream);
      upstream.pipe(client);
      client.resume();
    });
  }

  private track(socket: Socket): void {
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
  }
}
