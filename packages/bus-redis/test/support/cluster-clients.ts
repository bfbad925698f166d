import WebSocket from 'ws';
import { createClient, fullJitterBackoff, type ChatClient, type ClientOptions } from '@quickchat/sdk';
import type { TestUser } from '../../../sdk/test/support/sdk-server.js';

/** A `ws` WebSocket class for the SDK that counts the server frames of each type it received. */
export function countingWebSocket(): { WebSocket: ClientOptions['WebSocket']; received: Map<string, number> } {
  const received = new Map<string, number>();
  class Counting extends WebSocket {
    constructor(url: string) {
      super(url);
      this.on('message', (data: Buffer) => {
        const type = (JSON.parse(data.toString('utf8')) as { type: string }).type;
        received.set(type, (received.get(type) ?? 0) + 1);
      });
    }
  }
  return { WebSocket: Counting as unknown as ClientOptions['WebSocket'], received };
}

/** SDK clients of a multi-node test, closed together. */
export class ClusterClients {
  private readonly clients: ChatClient[] = [];

  /** A client of `user` at `url` (a node, or the balancer) that reconnects quickly. */
  open(url: string, user: TestUser, options: Partial<ClientOptions> = {}): ChatClient {
    const client = createClient({
      url,
      auth: { handle: user.handle, password: user.password },
      WebSocket: WebSocket as unknown as ClientOptions['WebSocket'],
      reconnectPolicy: fullJitterBackoff({ baseMs: 50, maxMs: 500 }),
      ...options,
    });
    this.clients.push(client);
    return client;
  }

  closeAll(): void {
    for (const c of this.clients.splice(0)) c.close();
  }
}
