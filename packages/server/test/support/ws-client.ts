import WebSocket from 'ws';
import type { ClientFrame, ServerFrame } from '@quickchat/protocol';

/** How a socket ended. */
export interface CloseInfo {
  code: number;
  reason: string;
}

/**
 * A raw `ws` client that records every frame it receives, so tests can wait for conditions
 * (`next`, `waitFor`) instead of sleeping.
 */
export class RawClient {
  readonly frames: ServerFrame[] = [];
  readonly closed: Promise<CloseInfo>;
  private waiters: { match: (f: ServerFrame) => boolean; resolve: (f: ServerFrame) => void; from: number }[] = [];
  private cursor = 0;

  private constructor(readonly ws: WebSocket) {
    this.closed = new Promise((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
    ws.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as ServerFrame;
      this.frames.push(frame);
      const index = this.frames.length - 1;
      this.waiters = this.waiters.filter((w) => {
        if (index >= w.from && w.match(frame)) {
          w.resolve(frame);
          return false;
        }
        return true;
      });
    });
  }

  /** Opens a socket (not yet authenticated). Rejects if the upgrade is refused. */
  static open(url: string, options: WebSocket.ClientOptions = {}): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, options);
      const client = new RawClient(ws);
      ws.once('open', () => resolve(client));
      ws.once('error', reject);
      ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
    });
  }

  /** Opens a socket and authenticates; resolves after `ready`. */
  static async connect(url: string, token: string, options: WebSocket.ClientOptions = {}): Promise<RawClient> {
    const client = await RawClient.open(url, options);
    client.send({ type: 'auth', token });
    const reply = await client.next((f) => f.type === 'ready' || f.type === 'error');
    if (reply.type !== 'ready') throw new Error(`auth failed: ${JSON.stringify(reply)}`);
    return client;
  }

  /** Sends a frame (or raw text/bytes, for bad-input tests). */
  send(frame: ClientFrame | Record<string, unknown> | string | Buffer): void {
    this.ws.send(typeof frame === 'string' || Buffer.isBuffer(frame) ? frame : JSON.stringify(frame));
  }

  /**
   * Resolves with the first frame after the last one consumed by `next` that matches, waiting
   * if needed. Consumes up to and including it.
   */
  next<T extends ServerFrame = ServerFrame>(match: (f: ServerFrame) => boolean = () => true, timeoutMs = 10_000): Promise<T> {
    for (let i = this.cursor; i < this.frames.length; i++) {
      if (match(this.frames[i]!)) {
        this.cursor = i + 1;
        return Promise.resolve(this.frames[i] as T);
      }
    }
    return this.wait(match, this.frames.length, timeoutMs).then((f) => {
      this.cursor = this.frames.indexOf(f) + 1;
      return f as T;
    });
  }

  /** Resolves once `count` frames matching `match` have been received in total. */
  async waitForCount(match: (f: ServerFrame) => boolean, count: number, timeoutMs = 10_000): Promise<ServerFrame[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.frames.filter(match);
      if (found.length >= count) return found;
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new Error(`timed out waiting for ${count} frames, have ${found.length}`);
      await this.wait(match, this.frames.length, remaining);
    }
  }

  /** Sends a ping frame and waits for its pong: proves the socket is alive and processed everything before it. */
  async roundTrip(): Promise<void> {
    const id = `rt-${Math.random().toString(36).slice(2)}`;
    this.send({ type: 'ping', id });
    await this.next((f) => f.type === 'pong' && f.id === id);
  }

  /** Closes and waits for the close to finish. */
  async close(): Promise<void> {
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) this.ws.close();
    await this.closed;
  }

  private wait(match: (f: ServerFrame) => boolean, from: number, timeoutMs: number): Promise<ServerFrame> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for a frame; last frames: ${JSON.stringify(this.frames.slice(-3))}`));
      }, timeoutMs);
      const waiter = {
        match,
        from,
        resolve: (f: ServerFrame) => {
          clearTimeout(timer);
          resolve(f);
        },
      };
      this.waiters.push(waiter);
    });
  }
}
